"""SMART_HOST takes the mail for other hosts of this host's own domain.

* warning: SMART_HOST is set, and mail for the domain of ``$j``
  (``confDOMAIN_NAME``) and its other hosts would go to the smart host,
  because no local name, mailertable or virtusertable entry covers them.
  On a LAN server whose smart host is the ISP's relay, mail for the LAN's
  own mail server (``gateway.takaq.jp``) then leaves for the ISP, which
  does not know it: found only in ``/var/log/maillog`` after mail went
  missing. The rule asks the whole configuration (:func:`sendmailcfg.site.route`)
  and names the exact addresses.

Fix it one of two usual ways: route the domain to the LAN's mail server with
a mailertable pair (``domain`` and ``.domain``), or make that server this
host's SMART_HOST.

Bad::

    define(`confDOMAIN_NAME', `www.takaq.jp')dnl
    define(`SMART_HOST', `mmr.plala.or.jp')dnl

Good::

    define(`confDOMAIN_NAME', `www.takaq.jp')dnl
    define(`SMART_HOST', `[gateway.takaq.jp]')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "X020"
NAME = "x-smart-host-own-domain"
SEVERITY = "warning"
KINDS = ("mc",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    from sendmailcfg.lint._mcfacts import facts
    from sendmailcfg.lint._mcfacts import site as site_of

    mc = facts(file)
    defined = mc.define("SMART_HOST")
    if defined is None or not defined.arg(1).strip():
        return  # no SMART_HOST (what ``site.smart_host`` reads): no need to build the site
    if "Dj" not in file.text:  # $j is then confDOMAIN_NAME's (``site.j``; no hostname here)
        name = mc.define("confDOMAIN_NAME")
        if name is None or "." not in name.arg(1).strip().rstrip("."):
            return  # no domain (``site.domain`` is None): nothing to compare the host with

    from sendmailcfg.maps.keys import fold
    from sendmailcfg.site import route

    site = site_of(file, fileset)
    sh = site.smart_host
    domain = site.domain
    if sh is None or domain is None or "." not in domain:
        return
    target = sh.value.rpartition(":")[2] if not sh.value.startswith("[") else sh.value
    target = fold(target.strip("[]").rstrip("."))
    own = fold(domain)
    if target == own or target.endswith("." + own):
        return  # the smart host is in the domain: the LAN's own server takes its mail
    j = site.j.value.rstrip(".") if site.j else domain
    hosts = [domain, _sibling(j, domain)]
    gone = []
    for host in hosts:
        d = route(site, f"postmaster@{host}")
        if d.decided_by == "smart-host":
            gone.append(d)
    if not gone:
        return
    addresses = " and ".join(d.address for d in gone)
    first = gone[0]
    call = next(s.call for s in reversed(site.mc.define_statements) if s.name == "SMART_HOST")
    arg = call.args[1] if len(call.args) > 1 else None
    line, column = (arg.line, arg.column) if arg is not None else (call.line, call.column)
    yield Problem(
        line,
        column,
        f"mail for this host's own domain {domain} goes to SMART_HOST {sh.value}: "
        f"{addresses} would be sent {first.mailer} to {first.host} "
        "(no local name, mailertable or virtusertable entry covers them)",
        f"add a mailertable pair `{domain} smtp:[MAILSERVER.{domain}]' and "
        f"`.{domain} smtp:[MAILSERVER.{domain}]', or make the LAN's mail server "
        f"this host's SMART_HOST: define(`SMART_HOST', `[MAILSERVER.{domain}]')",
    )


def _sibling(j: str, domain: str) -> str:
    """Another host of ``domain`` than ``j`` (``mail.`` unless that is ``j``)."""
    for label in ("mail", "gateway", "mx"):
        if f"{label}.{domain}" != j:
            return f"{label}.{domain}"
    return f"other.{domain}"
