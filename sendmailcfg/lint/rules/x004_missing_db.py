"""A map source without a compiled ``.db`` next to it (information).

sendmail reads ``<map>.db``; the text source alone does nothing until it is
built with ``makemap hash <map> < <map>`` (or ``make`` in /etc/mail). This
is normal in a repository that keeps only sources, so the rule is ``info``
(it does not change the exit status); raise it to ``warning`` in
``pyproject.toml`` for live folders such as /etc/mail.

Bad: ``/etc/mail/mailertable`` without ``/etc/mail/mailertable.db``.

Good: build the map after editing it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet

ID = "X004"
NAME = "x-missing-db"
SEVERITY = "info"
KINDS = ("map",)
SCOPE = "set"


def check(fileset: FileSet) -> Iterator[Problem]:
    if not fileset.on_disk:
        return
    for f in fileset.maps():
        if f"{f.name}.db" not in fileset.listing and f"{f.name}.cdb" not in fileset.listing:
            yield Problem(
                1,
                1,
                f"{f.name} has no {f.name}.db: sendmail does not read text sources",
                f"build it: makemap hash {f.name} < {f.name}",
                path=f.path,
            )
