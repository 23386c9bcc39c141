"""A map's ``.db`` does not hold what its source says: the last edits are not live yet.

sendmail reads the compiled ``<map>.db``, never the text source. The rule
reads both (the ``.db`` with the pure-Python Berkeley DB reader) and names the
first keys whose values differ: changed, missing from the ``.db``, or only in
the ``.db``. A ``.db`` that is older but holds the same pairs (say, only a
comment was edited) is fine. When the ``.db`` cannot be read, the rule falls
back on modification times, as sendmail's ``/etc/mail/Makefile`` does. Run
``makemap hash <map> < <map>`` (or ``make`` in /etc/mail) to put the edits in
force.

Bad: ``access`` says ``b.example REJECT``; ``access.db`` was built when it said ``OK``.

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
SHOWN = 3
"""How many differing keys a message names."""


def _stale(source: str, db: str) -> bool:
    from sendmailcfg.output.database import is_stale

    try:
        return is_stale(source, db)
    except OSError:
        return False


def _problem(name: str, source: str, db: str) -> str | None:
    """What is wrong with ``db`` as the build of ``source`` (None: nothing)."""
    from sendmailcfg.output.compare import compare
    from sendmailcfg.output.database import MapBuildError

    try:
        diff = compare(source, db)
    except (MapBuildError, OSError):
        if _stale(source, db):
            return f"{name}.db is older than {name}: the last edits are not in force"
        return None
    if diff.same:
        return None
    keys = "key differs" if diff.count == 1 else "keys differ"
    return (
        f"{name}.db does not match {name} ({diff.count} {keys}: {diff.describe(SHOWN)}): "
        "the last edits are not in force"
    )


def check(fileset: FileSet) -> Iterator[Problem]:
    if not fileset.on_disk:
        return
    for f in fileset.maps():
        db = f"{f.name}.db"
        if db not in fileset.listing:
            continue
        message = _problem(f.name, f.path, os.path.join(fileset.folder, db))
        if message is not None:
            yield Problem(
                1, 1, message, f"rebuild it: makemap hash {f.name} < {f.name}", path=f.path
            )
