"""What sendmail learns about its machine before the first rule runs, as one value.

:class:`HostEnvironment` holds the host name (``$j``/``$w``/``$m``, class ``w``), the
interface addresses (class ``w`` unless ``DontProbeInterfaces``), a resolver (host
canonification ``$[ $]``, the ``host``/``dns``/``bestmx`` maps, ``/mx``), the passwd
entries the ``user`` map reads and the answers for maps that need a network
(``ldap``, ``nis``, ``socket``, ``program``). The engine and the model share it.

>>> env = HostEnvironment(hostname="mail.example.com")
>>> env.resolver.canonical("relay.example.net")
('relay.example.net', 0)
>>> env.resolver.canonical("nodots")
(None, 68)
>>> hosts = HostsResolver.from_text("192.0.2.1 mx1 mx1.example.com\\n")
>>> hosts.canonical("MX1")
('mx1.example.com', 0)
"""

from __future__ import annotations

import socket
from collections.abc import Mapping, Sequence
from typing import Any, Protocol

import attrs

EX_OK = 0
EX_NOHOST = 68
EX_UNAVAILABLE = 69
EX_TEMPFAIL = 75
EX_NOTFOUND = EX_NOHOST


class Resolver(Protocol):
    """How names are looked up: sendmail's getcanonname(), getmxrr() and gethostbyname()."""

    def canonical(self, name: str) -> tuple[str | None, int]:
        """(canonical name, status): the name as found (no trailing dot), or None and an
        ``EX_*`` status (68 not found, 75 temporary failure)."""
        ...

    def mx(self, name: str) -> list[str]:
        """MX hosts of ``name`` by preference (empty: none)."""
        ...

    def addresses(self, name: str) -> list[str]:
        """The addresses of ``name`` (empty: none)."""
        ...

    def names(self, address: str) -> list[str]:
        """The names of an address (reverse lookup; empty: none)."""
        ...


@attrs.frozen
class DottedResolver:
    """Offline: a dotted name is its own canonical name; nothing has MX records."""

    def canonical(self, name: str) -> tuple[str | None, int]:
        name = name.rstrip(".") if name.endswith(".") else name
        if "." in name:
            return name, EX_OK
        return None, EX_NOHOST

    def mx(self, name: str) -> list[str]:
        return []

    def addresses(self, name: str) -> list[str]:
        return []

    def names(self, address: str) -> list[str]:
        return []


@attrs.frozen
class HostsResolver:
    """A hosts file only (sendmail's ``HostsFile`` with ``hosts files`` in the switch)."""

    entries: tuple[tuple[str, tuple[str, ...]], ...]

    @classmethod
    def from_text(cls, text: str) -> HostsResolver:
        out = []
        for line in text.splitlines():
            line = line.split("#", 1)[0]
            words = line.split()
            if len(words) >= 2:
                out.append((words[0], tuple(words[1:])))
        return cls(tuple(out))

    @classmethod
    def from_file(cls, path: str) -> HostsResolver:
        with open(path, encoding="latin-1") as f:
            return cls.from_text(f.read())

    def canonical(self, name: str) -> tuple[str | None, int]:
        # text_getcanonname(): the first dotted name of the first line naming it
        want = name[:-1] if name.endswith(".") else name
        for _addr, names in self.entries:
            cbuf = ""
            found = False
            for p in names:
                if not cbuf or ("." not in cbuf and "." in p):
                    cbuf = p
                if p.lower() == want.lower():
                    found = True
            if found:
                return cbuf, EX_OK
        return None, EX_NOHOST

    def mx(self, name: str) -> list[str]:
        return []

    def addresses(self, name: str) -> list[str]:
        want = name.rstrip(".").lower()
        return [a for a, names in self.entries if want in (n.lower() for n in names)]

    def names(self, address: str) -> list[str]:
        for a, names in self.entries:
            if a == address:
                return list(names)
        return []


class DnsResolver:
    """Real DNS through dnspython (installed separately; ``--resolve dns``)."""

    def __init__(self) -> None:
        import importlib

        try:
            self._resolver: Any = importlib.import_module("dns.resolver")
            self._exception: Any = importlib.import_module("dns.exception")
        except ImportError as exc:  # pragma: no cover - depends on the machine
            raise RuntimeError(
                "--resolve dns needs the dnspython package (pip install dnspython)"
            ) from exc

    def _query(self, name: str, rtype: str) -> list[str] | None:
        res = self._resolver
        try:
            ans = res.resolve(name, rtype, raise_on_no_answer=False)
        except (res.NXDOMAIN, res.NoNameservers):
            return []
        except self._exception.DNSException:
            return None
        return [str(r.to_text()) for r in ans]

    def canonical(self, name: str) -> tuple[str | None, int]:
        want = name if name.endswith(".") else name + "."
        for rtype in ("A", "AAAA", "MX"):
            got = self._query(want, rtype)
            if got is None:
                return None, EX_TEMPFAIL
            if got:
                return want.rstrip("."), EX_OK
        return None, EX_NOHOST

    def mx(self, name: str) -> list[str]:
        got = self._query(name, "MX") or []
        pairs = sorted((int(r.split()[0]), r.split()[1].rstrip(".")) for r in got)
        return [h for _, h in pairs]

    def addresses(self, name: str) -> list[str]:
        return (self._query(name, "A") or []) + (self._query(name, "AAAA") or [])

    def names(self, address: str) -> list[str]:
        try:
            return [socket.gethostbyaddr(address)[0]]
        except OSError:
            return []


def _machine_name() -> str:
    return socket.getfqdn() or socket.gethostname() or "localhost"


def _machine_passwd() -> dict[str, tuple[str, ...]]:
    try:
        import pwd
    except ImportError:  # pragma: no cover - not on POSIX
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for p in pwd.getpwall():
        out.setdefault(
            p.pw_name,
            (
                p.pw_name,
                p.pw_passwd,
                str(p.pw_uid),
                str(p.pw_gid),
                p.pw_gecos,
                p.pw_dir,
                p.pw_shell,
            ),
        )
    return out


@attrs.frozen
class HostEnvironment:
    """The machine sendmail runs on, as the rules see it.

    ``hostname``: the fully qualified name (``$j``, and ``$w``/``$m`` from it; default
    the machine's). ``nodename``: uname's name (``$k``; default ``hostname``).
    ``interfaces``: addresses added to class ``w`` as ``[addr]`` unless the ``.cf`` sets
    ``DontProbeInterfaces`` (default the loopback addresses). ``resolver``: how names
    resolve (default offline: a dotted name is its own canonical name). ``passwd``:
    user name to its seven passwd fields (None: the machine's). ``tables``: answers
    for ``ldap``/``nis``/``socket``/``program``/... maps, map name to key to value.
    """

    hostname: str = attrs.field(factory=_machine_name)
    nodename: str | None = None
    interfaces: tuple[str, ...] = ("127.0.0.1", "::1")
    resolver: Resolver = attrs.field(factory=DottedResolver)
    passwd: Mapping[str, Sequence[str]] | None = None
    tables: Mapping[str, Mapping[str, str]] = attrs.field(factory=dict)

    def users(self) -> Mapping[str, Sequence[str]]:
        """The passwd entries (the machine's when none were given)."""
        return self.passwd if self.passwd is not None else _machine_passwd()
