"""A map's ``.db`` is older than its source: the last edits are not live yet.

sendmail reads the compiled ``<map>.db``, never the text source. When the
source was changed after the ``.db`` was built, run ``makemap hash <map> <
<map>`` (or ``make`` in /etc/mail) to put the edits in force.

Bad: ``access`` modified at 10:05, ``access.db`` built at 09:00.

Good: rebuild after each edit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet

ID = "X003"
NAME = "x-stale-db"
SEVERITY = "warning"
KINDS = ("map",)
SCOPE = "set"


def _stale(source: str, db: str) -> bool:
    from sendmailcfg.output.database import is_stale

    try:
        return is_stale(source, db)
    except OSError:
        return False


def check(fileset: FileSet) -> Iterator[Problem]:
    if not fileset.on_disk:
        return
    for f in fileset.maps():
        db = f"{f.name}.db"
        if db in fileset.listing and _stale(f.path, os.path.join(fileset.folder, db)):
            yield Problem(
                1,
                1,
                f"{db} is older than {f.name}: the last edits are not in force",
                f"rebuild it: makemap hash {f.name} < {f.name}",
                path=f.path,
            )
