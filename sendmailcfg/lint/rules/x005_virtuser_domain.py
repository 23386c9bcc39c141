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
from sendmailcfg.lint._mcfacts import set_facts
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet

ID = "X005"
NAME = "x-virtuser-domain"
SEVERITY = "warning"
KINDS = ("virtusertable",)
SCOPE = "set"


def _read_class_file(fileset: FileSet, path: str) -> set[str] | None:
    """Words of a class file found (by name) in the folder; None when absent."""
    import os

    name = path.strip().rsplit("/", 1)[-1]
    if not name or name not in fileset.listing:
        return None
    try:
        with open(os.path.join(fileset.folder, name), encoding="utf-8", errors="replace") as fh:
            text = fh.read()
    except OSError:
        return None
    words: set[str] = set()
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        words.update(w.lower().rstrip(".") for w in line.split())
    return words


def domains(fileset: FileSet) -> tuple[set[str], set[str]] | None:
    """``({w} domains, {VirtHost} domains)`` or None when they cannot be known."""
    local: set[str] = {"localhost"}
    virt: set[str] = set()
    for mc in set_facts(fileset).mcs:
        for c in mc.named("LOCAL_DOMAIN"):
            local.update(w.lower().rstrip(".") for a in c.args for w in a.split())
        for c in mc.named("VIRTUSER_DOMAIN"):
            virt.update(w.lower().rstrip(".") for a in c.args for w in a.split())
        for c in mc.named("VIRTUSER_DOMAIN_FILE"):
            found = _read_class_file(fileset, c.first.split()[-1] if c.first.split() else "")
            if found is None:
                return None
            virt |= found
        for w in mc.raw_class_w:
            local.add(w.lower().rstrip("."))
        if mc.features("use_cw_file"):
            cw = mc.defined_value("confCW_FILE") or "/etc/mail/local-host-names"
            found = _read_class_file(fileset, cw)
            if found is None:
                return None
            local |= found
    return local, virt


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
