"""A table FEATURE in the ``.mc`` whose map source is not in the folder.

``FEATURE(`mailertable')`` (and access_db, virtusertable, genericstable,
domaintable, authinfo, bitdomain, uucpdomain) makes sendmail open
``/etc/mail/<name>.db`` (or the path in the FEATURE's map spec). When
neither the source nor its ``.db`` is next to the ``.mc``, the build
(``make`` in /etc/mail) has nothing to compile and sendmail logs that the
map cannot be opened (or, with ``-o``, silently ignores it). LDAP and other
non-file map specs are not checked; the file name is compared, not the
folder.

Bad: ``FEATURE(`virtusertable')`` in ``sendmail.mc`` with no ``virtusertable`` file.

Good: create ``virtusertable`` (it may be empty) or remove the FEATURE.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._mcfacts import set_facts, table_source
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet

ID = "X002"
NAME = "x-feature-without-map"
SEVERITY = "warning"
KINDS = ("mc",)
SCOPE = "set"


def check(fileset: FileSet) -> Iterator[Problem]:
    if not fileset.on_disk:
        return
    for mc in set_facts(fileset).mcs:
        for call in mc.features():
            source = table_source(mc, call)
            if source is None:
                continue
            if source in fileset.listing or f"{source}.db" in fileset.listing:
                continue
            yield Problem(
                call.line,
                call.column,
                f"FEATURE(`{call.first}') reads {source}, which is not in this folder",
                f"create {source} (an empty file is fine) or remove the FEATURE",
                path=mc.path,
            )
