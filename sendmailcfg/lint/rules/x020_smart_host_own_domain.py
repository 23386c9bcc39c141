"""SMART_HOST takes the mail for other hosts of this host's own domain.

SMART_HOST is set, and mail for the domain of this host's name and its other
hosts would go to the smart host, because no local name, mailertable or
virtusertable entry covers them. The rule asks the whole configuration
(:func:`sendmailcfg.site.route`) and names the exact addresses.

This host's name is ``$j``: a ``Dj`` line or ``confDOMAIN_NAME``, else
``lint --hostname``, else the name of a FreeBSD-style ``HOSTNAME.mc`` file
(``www.takaq.jp.mc``), else, for the live ``/etc/mail``, the machine's name.

* warning when the folder shows that the domain's mail is handled on the LAN:
  another host of the domain in class ``w`` (``LOCAL_DOMAIN``,
  ``local-host-names``), a mailertable or virtusertable entry for it, a relay
  (``MAIL_HUB``, ``LOCAL_RELAY``, ``LUSER_RELAY``, a mailertable route) or an
  address in ``aliases`` on one of its hosts, or a mail host of the domain in a
  ``hosts`` file beside the ``.mc`` (``/etc/hosts`` for the live ``/etc/mail``).
  On a LAN server whose smart host is the ISP's relay, mail for the LAN's own
  mail server (``gateway.takaq.jp``) then leaves for the ISP, which does not
  know it: found only in ``/var/log/maillog`` after mail went missing.
* info otherwise: a web host whose domain's mail is hosted by the same provider
  it relays through is configured right.

Fix it one of two usual ways: route the domain to the LAN's mail server with
a mailertable pair (``domain`` and ``.domain``), or make that server this
host's SMART_HOST.

Bad::

    define(`confDOMAIN_NAME', `www.takaq.jp')dnl
    define(`SMART_HOST', `mmr.plala.or.jp')dnl
    dnl aliases beside it: root: ken@gateway.takaq.jp

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
    from sendmailcfg.site import Site

ID = "X020"
NAME = "x-smart-host-own-domain"
SEVERITY = "warning"
KINDS = ("mc",)


def _host_name(file: LintFile, fileset: FileSet) -> tuple[str, str] | None:
    """This host's name and where it comes from, when the ``.mc`` sets no ``$j``."""
    import os
    import socket

    if fileset.config.hostname:
        return fileset.config.hostname.rstrip("."), "--hostname"
    stem = os.path.basename(file.path)[: -len(".mc")] if file.path.endswith(".mc") else ""
    if "." in stem and not stem.endswith(".submit") and not stem.startswith("."):
        return stem, f"the file name {os.path.basename(file.path)}"
    folder = os.path.realpath(os.path.dirname(os.path.abspath(file.path)))
    if fileset.on_disk and folder == "/etc/mail":
        name = socket.getfqdn()
        if "." in name:
            return name, "this machine's name"
    return None


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    from sendmailcfg.lint._mcfacts import facts
    from sendmailcfg.lint._mcfacts import site as site_of

    mc = facts(file)
    defined = mc.define("SMART_HOST")
    if defined is None or not defined.arg(1).strip():
        return  # no SMART_HOST (what ``site.smart_host`` reads): no need to build the site
    hostname: str | None = None
    if "Dj" not in file.text:  # $j is then confDOMAIN_NAME's, or a name from elsewhere
        name = mc.define("confDOMAIN_NAME")
        if name is None:
            found = _host_name(file, fileset)
            if found is None:
                return  # no name: nothing to compare the host with
            hostname = found[0]
        elif "." not in name.arg(1).strip().rstrip("."):
            return

    from sendmailcfg.maps.keys import fold
    from sendmailcfg.site import route

    site = site_of(file, fileset, hostname)
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
    evidence = _evidence(site, fileset, own, fold(j))
    named = "" if hostname is None else f" (this host is {hostname})"
    if evidence is None:
        yield Problem(
            line,
            column,
            f"mail for this host's own domain {domain}{named} goes to SMART_HOST {sh.value}: "
            f"{addresses} would be sent {first.mailer} to {first.host}; nothing here says "
            f"{domain}'s mail is handled on this LAN, so this is right if the provider "
            "hosts it",
            "if a mail server of the LAN takes that mail, route the domain to it "
            f"(mailertable `{domain}' and `.{domain}') or make it the SMART_HOST",
            severity="info",
        )
        return
    yield Problem(
        line,
        column,
        f"mail for this host's own domain {domain}{named} goes to SMART_HOST {sh.value}: "
        f"{addresses} would be sent {first.mailer} to {first.host} "
        f"(no local name, mailertable or virtusertable entry covers them; {evidence})",
        f"add a mailertable pair `{domain} smtp:[MAILSERVER.{domain}]' and "
        f"`.{domain} smtp:[MAILSERVER.{domain}]', or make the LAN's mail server "
        f"this host's SMART_HOST: define(`SMART_HOST', `[MAILSERVER.{domain}]')",
    )


def _in(host: str, domain: str) -> bool:
    host = host.strip().strip("[]").rstrip(".").lower()
    return host == domain or host.endswith("." + domain)


def _evidence(site: Site, fileset: FileSet, domain: str, j: str) -> str | None:
    """Why the domain's mail looks handled on the LAN, or None."""
    from sendmailcfg.mc.facts import relay_target

    for w in sorted(site.local_names):
        if _in(w, domain) and w.rstrip(".").lower() != j:
            return f"{w} is one of this host's names (class w)"
    for kind in ("mailertable", "virtusertable"):
        table = site.document(kind)
        if table is None:
            continue
        for e in table.entries:
            key = e.key.rpartition("@")[2].lstrip(".")
            if key and _in(key, domain):
                return f"{kind} line {e.line} names {e.key}"
            if kind == "mailertable":
                _, host = relay_target(e.value)
                if any(_in(h, domain) for h in host.split(":") if h):
                    return f"mailertable line {e.line} routes to {host}"
    for setting in (site.mail_hub, site.local_relay, site.luser_relay):
        if setting is None:
            continue
        _, host = relay_target(setting.value)
        if _in(host, domain):
            return f"{setting.what} is {setting.value}"
    aliases = _folder_file(fileset, "aliases")
    for n, text in enumerate((aliases or "").splitlines(), 1):
        if text.startswith("#") or ":" not in text:
            continue
        for target in text.split(":", 1)[1].split(","):
            at = target.strip().rpartition("@")[2]
            if at and _in(at, domain) and at.lower() != j:
                return f"aliases line {n} sends mail to {target.strip()}"
    hosts = _folder_file(fileset, "hosts")
    if hosts is None and fileset.on_disk:
        import os

        if os.path.realpath(fileset.folder) == "/etc/mail":
            hosts = _read("/etc/hosts")
    for n, text in enumerate((hosts or "").splitlines(), 1):
        for name in text.split("#", 1)[0].split()[1:]:
            label = name.split(".", 1)[0].lower()
            if _in(name, domain) and name.lower() != j and label.startswith(_MAIL_LABELS):
                return f"hosts line {n} names the mail host {name}"
    return None


_MAIL_LABELS = ("mail", "mx", "smtp", "gateway", "gw", "relay", "exchange", "post")
"""First labels that name a mail server in a hosts file (the MX records a LAN lacks)."""


def _read(path: str) -> str | None:
    from sendmailcfg import _source
    from sendmailcfg.lint.walk import read_source

    try:
        data = read_source(path, "")
    except OSError:
        return None
    return _source.decode(data) if isinstance(data, bytes) else None


def _folder_file(fileset: FileSet, name: str) -> str | None:
    if not fileset.on_disk or name not in fileset.listing:
        return None
    import os

    return _read(os.path.join(fileset.folder, name))


def _sibling(j: str, domain: str) -> str:
    """Another host of ``domain`` than ``j`` (``mail.`` unless that is ``j``)."""
    for label in ("mail", "gateway", "mx"):
        if f"{label}.{domain}" != j:
            return f"{label}.{domain}"
    return f"other.{domain}"
