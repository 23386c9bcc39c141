r"""How sendmail connects to a relay: the port from the mailer's ``A=``, and SMTP AUTH.

A host is reached with one of the SMTP mailers that ``MAILER(`smtp')`` defines
(``relay``, ``esmtp``, ``smtp``, ``smtp8``, ``dsmtp``); its arguments are
``RELAY_MAILER_ARGS`` (and so on) as they stood when m4 read ``MAILER(`smtp')``:
a define after it is never read (the .cf keeps ``A=TCP $h``, port 25).
``TCP $h 587`` connects to port 587.

sendmail splits the host part at ``:`` into a list of hosts to try in turn, so
``smtp.example.net:587`` is two hosts, ``smtp.example.net`` (port 25) and
``587``. It looks up MX records for a name without brackets and connects to the
MX host; ``${server_name}`` is the name it connected to, which is what the
``authinfo`` ruleset looks up (:meth:`AuthinfoDocument.lookup`).

>>> from sendmailcfg.site import Site
>>> site = Site.from_text(
...     "define(`SMART_HOST', `[smtp.example.net]')dnl\n"
...     "define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n"
...     "FEATURE(`authinfo')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n",
...     maps={"authinfo": 'AuthInfo:smtp.example.net\t"U:joe" "P:x" "M:PLAIN"\n'})
>>> c = smart_host_connection(site)
>>> (c.mailer, c.hosts, c.port, c.auth.key, c.auth.credentials.user)
('relay', ('[smtp.example.net]',), 587, 'AuthInfo:smtp.example.net', 'joe')
"""

from __future__ import annotations

import re

import attrs

from sendmailcfg.maps.authinfo import (
    AuthinfoDocument,
    AuthinfoResolution,
    lookup_in_access,
    port_in_name,
)
from sendmailcfg.mc.facts import relay_target
from sendmailcfg.site.delivery import Delivery
from sendmailcfg.site.model import Setting, Site

__all__ = [
    "ARGS_MACROS",
    "Connection",
    "RelayedDelivery",
    "connection",
    "mailer_args",
    "port_of_args",
    "relayed",
    "smart_host_connection",
]

ARGS_MACROS: dict[str, str] = {
    "relay": "RELAY_MAILER_ARGS",
    "esmtp": "ESMTP_MAILER_ARGS",
    "smtp": "SMTP_MAILER_ARGS",
    "smtp8": "SMTP8_MAILER_ARGS",
    "dsmtp": "DSMTP_MAILER_ARGS",
}
"""The SMTP mailers of ``MAILER(`smtp')`` -> the macro of their ``A=`` arguments."""

DEFAULT_ARGS = "TCP $h"
"""``A=`` of every SMTP mailer when the .mc defines no ``*_MAILER_ARGS`` in time."""

_SERVICES = {"smtp": 25, "submission": 587, "submissions": 465, "smtps": 465, "urd": 465}


def port_of_args(args: str) -> int | None:
    """The port ``A=`` connects to (``TCP $h 587`` -> 587; ``TCP $h`` -> 25); None: not TCP.

    >>> port_of_args("TCP $h 587"), port_of_args("TCP $h"), port_of_args("IPC $h submission")
    (587, 25, 587)
    >>> port_of_args("FILE /var/run/lmtp") is None
    True
    """
    words = args.split()
    if len(words) < 2 or words[0].upper() not in ("TCP", "IPC"):
        return None
    if len(words) < 3:
        return 25
    port = words[2]
    if port.isdigit():
        return int(port)
    return _SERVICES.get(port.lower())


@attrs.frozen
class MailerArgs:
    """A mailer's ``A=`` as m4 renders it, and a define m4 never read (after the MAILER)."""

    macro: str
    value: str
    setting: Setting | None
    """The define that gave ``value`` (None: the cf package's default)."""
    ignored: Setting | None = None
    """A define of the macro after ``MAILER(`smtp')``: it has no effect."""


def mailer_args(site: Site, mailer: str) -> MailerArgs | None:
    """``A=`` of an SMTP mailer (None for other mailers)."""
    macro = ARGS_MACROS.get(mailer.lower())
    if macro is None:
        return None
    facts = site.facts
    smtp = [c for c in facts.mailers() if c.first.strip() == "smtp"]
    at = smtp[0] if smtp else None
    used = facts.define(macro, before=at) if at is not None else facts.define(macro)
    last = facts.define(macro)
    ignored = None
    if last is not None and last is not used:
        ignored = Setting(last.arg(1).strip(), site.path, last.line, macro)
    if used is None:
        return MailerArgs(macro, DEFAULT_ARGS, None, ignored)
    return MailerArgs(
        macro,
        used.arg(1).strip(),
        Setting(used.arg(1).strip(), site.path, used.line, macro),
        ignored,
    )


@attrs.frozen
class Connection:
    """How sendmail connects for one delivery to ``mailer`` at ``host``."""

    mailer: str
    host: str
    """The host part as sendmail has it (a ``:``-separated list, brackets kept)."""
    hosts: tuple[str, ...]
    """The hosts sendmail tries in turn."""
    server_name: str
    """The first host without brackets: ``${server_name}`` when no MX lookup happens."""
    mx_lookup: bool
    """True when sendmail looks up MX records (then it connects to the MX host)."""
    args: MailerArgs | None
    port: int | None
    auth_map: str | None
    """``authinfo`` (FEATURE(authinfo)), ``access`` (the access map's AuthInfo: keys), None."""
    auth: AuthinfoResolution | None
    mechanisms: str | None
    """``confAUTH_MECHANISMS`` (what sendmail offers unless the entry has ``M:``)."""

    @property
    def authenticates(self) -> bool:
        return self.auth is not None and self.auth.authenticates

    @property
    def worth_saying(self) -> bool:
        """Whether this differs from a plain port-25 connection without AUTH set up."""
        ignored = self.args is not None and self.args.ignored is not None
        return (
            self.port != 25
            or ignored
            or len(self.hosts) > 1
            or self.auth_map == "authinfo"
            or self.authenticates
        )

    def auth_json(self) -> dict[str, object] | None:
        """``{"key", "user", "mechanisms", "line"}`` of the entry sendmail uses, or None."""
        a = self.auth
        if a is None or a.credentials is None:
            return None
        mechs = list(a.credentials.mechanisms) or (self.mechanisms or "").split()
        return {"key": a.key, "user": a.credentials.user, "mechanisms": mechs, "line": a.line}

    def explain(self) -> str:
        """One line: port and AUTH, the password never shown."""
        port = "?" if self.port is None else str(self.port)
        parts = [f"connects to {self.server_name} port {port}"]
        if self.args is not None and self.args.ignored is not None:
            ig = self.args.ignored
            parts.append(f"({ig.what} on line {ig.line} comes after MAILER(smtp): not read)")
        if len(self.hosts) > 1:
            parts.append(f"then {', '.join(self.hosts[1:])} (the host part is a list)")
        if self.auth_map is None:
            parts.append("no AUTH (no FEATURE(authinfo), no access map)")
        elif self.auth is None or self.auth.key is None:
            parts.append(f"no AUTH: no {self.auth_map} entry matches {self.server_name}")
        elif self.auth.credentials is None:
            parts.append(f"no AUTH: {self.auth_map} line {self.auth.line} is unusable")
        else:
            c = self.auth.credentials
            parts.append(
                f"AUTH as {c.user} ({self.auth_map} line {self.auth.line}: {self.auth.key})"
            )
        return ", ".join(parts)


def connection(site: Site, mailer: str, host: str, *, addr: str | None = None) -> Connection:
    """How sendmail connects to deliver with ``mailer`` to ``host``."""
    hosts = tuple(h for h in host.split(":") if h) or (host,)
    first = hosts[0]
    bracketed = first.startswith("[") and first.endswith("]")
    name = first[1:-1] if bracketed else first
    mx = not bracketed and not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", name)
    args = mailer_args(site, mailer)
    port = port_of_args(args.value) if args is not None else None
    auth: AuthinfoResolution | None = None
    auth_map: str | None = None
    table = site.document("authinfo")
    if site.has_feature("authinfo"):
        auth_map = "authinfo"
        doc = table if isinstance(table, AuthinfoDocument) else AuthinfoDocument([])
        auth = doc.lookup(name, addr)
    else:
        access = site.document("access")
        if access is not None:
            auth_map = "access"
            auth = lookup_in_access(access, name, addr)
    mechs = site.define("confAUTH_MECHANISMS")
    return Connection(
        mailer,
        host,
        hosts,
        name,
        mx,
        args,
        port,
        auth_map,
        auth,
        mechs.value if mechs else None,
    )


def smart_host_connection(site: Site) -> Connection | None:
    """The connection for mail sent to ``SMART_HOST`` (None without one)."""
    sh = site.smart_host
    if sh is None or not sh.value:
        return None
    mailer, host = relay_target(sh.value, "SMART_HOST")
    return connection(site, mailer, host)


def has_port(value: str) -> bool:
    """Whether a relay host value carries a port (``host:587``), which sendmail reads as a
    second host."""
    _, host = relay_target(value)
    return port_in_name(host.strip())


@attrs.frozen
class RelayedDelivery:
    """A :class:`~sendmailcfg.site.Delivery` with how sendmail connects for it."""

    delivery: Delivery
    connection: Connection | None
    """None for a delivery that opens no SMTP connection (local, error, a program)."""

    def explain(self) -> str:
        """The delivery's explanation, then the connection (port, AUTH)."""
        text = self.delivery.explain()
        c = self.connection
        if c is None or not c.worth_saying:
            return text
        head, _, rest = text.partition("\n")
        port = "" if c.port in (None, 25) else f", port {c.port}"
        auth = ""
        if c.authenticates and c.auth is not None and c.auth.credentials is not None:
            auth = f", AUTH as {c.auth.credentials.user}"
        elif c.auth_map == "authinfo":
            auth = f", no AUTH ({_auth_note(c)})"
        lines = [head + port + auth]
        if rest:
            lines.append(rest)
        lines.append(f"  {c.explain()}")
        return "\n".join(lines)

    def summary(self) -> str:
        """The first line of :meth:`explain`: the answer, its port and AUTH."""
        return self.explain().split("\n", 1)[0]

    def as_json(self) -> dict[str, object]:
        """``route --json``'s object plus ``port``, ``hosts``, ``auth`` and ``auth_note``."""
        out = self.delivery.as_json()
        c = self.connection
        out["port"] = None if c is None else c.port
        out["hosts"] = None if c is None else list(c.hosts)
        out["auth"] = None if c is None else c.auth_json()
        out["auth_note"] = None if c is None else _auth_note(c)
        return out


def _auth_note(c: Connection) -> str | None:
    if c.authenticates:
        return None
    if c.auth_map is None:
        return None  # no AUTH set up at all: nothing to say
    if c.auth is None or c.auth.key is None:
        near = "".join(f"; {p.message}" for p in (c.auth.problems if c.auth else ()))
        return f"no {c.auth_map} entry matches {c.server_name}{near}"
    return f"{c.auth_map} line {c.auth.line} ({c.auth.key}) is unusable: no AUTH"


def relayed(site: Site, delivery: Delivery) -> RelayedDelivery:
    """``delivery`` with its connection, for the SMTP mailers."""
    if delivery.host is None or delivery.mailer.lower() not in ARGS_MACROS:
        return RelayedDelivery(delivery, None)
    return RelayedDelivery(delivery, connection(site, delivery.mailer, delivery.host))
