"""A virtusertable key whose domain is neither local nor a VIRTUSER_DOMAIN.

sendmail consults virtusertable only for recipient domains in class {w}
(``LOCAL_DOMAIN()``, ``local-host-names`` with ``FEATURE(`use_cw_file')``) or
{VirtHost} (``VIRTUSER_DOMAIN()``, ``VIRTUSER_DOMAIN_FILE()``; subdomains too
with ``FEATURE(`virtuser_entire_domain')``). Entries for other domains are
never used. The machine's own host name is in {w} as well and cannot be
known here, so the rule stays quiet when a class file it would need to read
is missing from the folder. Checked only when the folder holds a ``.mc``.

Bad (``VIRTUSER_DOMAIN(`example.com')`` only)::

    info@example.org     bob

Good::

    VIRTUSER_DOMAIN(`example.com example.org')
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import entries
from sendmailcfg.lint._mcfacts import domains, set_facts
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet

ID = "X005"
NAME = "x-virtuser-domain"
SEVERITY = "warning"
KINDS = ("virtusertable",)
SCOPE = "set"


def check(fileset: FileSet) -> Iterator[Problem]:
    mc = set_facts(fileset)
    if not mc.present or mc.opaque:
        return
    maps = fileset.maps("virtusertable")
    if not maps:
        return
    known = domains(fileset)
    if known is None:
        return
    local, virt = known
    entire = mc.has_feature("virtuser_entire_domain")
    for f in maps:
        for e in entries(f):
            at = e.key.rfind("@")
            if at < 0:
                continue  # MAP005 reports keys without @
            domain = e.key[at + 1 :].lower().rstrip(".")
            if not domain or domain in local or domain in virt:
                continue
            if entire and any(domain.endswith("." + v) for v in virt):
                continue
            yield Problem(
                e.line,
                at + 2,
                f"domain {domain} is neither local ({{w}}) nor a VIRTUSER_DOMAIN: "
                "this entry is never used",
                f"add VIRTUSER_DOMAIN(`{domain}') to the .mc (or the domain to "
                "local-host-names) unless it is this host's own name",
                path=f.path,
            )
