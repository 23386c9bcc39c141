"""A mailertable key for a domain this host treats as local: it is never consulted.

sendmail delivers addresses whose host is in class {w} (``LOCAL_DOMAIN()``,
``local-host-names`` with ``FEATURE(`use_cw_file')``, raw ``Cw`` lines) locally,
before ruleset 0 ever looks at the mailertable. An entry for such a domain
does nothing; route it with virtusertable, or remove the domain from {w}.
Checked only when the folder holds a ``.mc`` whose class files are there too.

Bad (with ``LOCAL_DOMAIN(`example.com')`` in the .mc)::

    example.com    esmtp:[mx.example.net]

Good: drop the entry, or the LOCAL_DOMAIN if mail should leave this host.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import entries
from sendmailcfg.lint._mcfacts import domains, set_facts
from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.facts import LOCALHOST_NAMES

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet

ID = "MT006"
NAME = "mt-local-domain"
SEVERITY = "warning"
KINDS = ("mailertable",)
SCOPE = "set"


def check(fileset: FileSet) -> Iterator[Problem]:
    mc = set_facts(fileset)
    maps = fileset.maps("mailertable")
    if not maps or not mc.present or mc.opaque:
        return
    known = domains(fileset)
    if known is None:
        return
    local = known[0] - LOCALHOST_NAMES
    if not local:
        return
    for f in maps:
        for e in entries(f):
            key = e.key.lower().rstrip(".")
            if key in local:
                yield Problem(
                    e.line,
                    1,
                    f"{e.key} is a local domain (class {{w}}): sendmail delivers it locally "
                    "and never consults this entry",
                    "route it with virtusertable, or take the domain out of {w}",
                    path=f.path,
                )
