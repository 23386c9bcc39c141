r"""Facts about one ``.mc`` file (or a folder's set) that m4 and cf.m4 decide.

Which ``define`` wins, which FEATUREs a shipped ``OSTYPE()``/``DOMAIN()`` file
adds, which map file a table FEATURE makes sendmail open, which names are the
host's own, which mailers a ``MAILER()`` defines: each is answered here once,
for the linter, the whole-configuration model and callers alike.

>>> from sendmailcfg.mc import parse_mc
>>> f = mc_facts(parse_mc("OSTYPE(`linux')dnl\nFEATURE(`mailertable')dnl\n"))
>>> [(c.name, c.first, c.line) for c in f.features()]  # ostype/linux.m4 adds local_procmail
[('FEATURE', 'local_procmail', 1), ('FEATURE', 'mailertable', 2)]
>>> m = f.table_maps()[0]
>>> (m.feature, m.map_class, m.path, m.database, m.source)
('mailertable', 'hash', '/etc/mail/mailertable', '/etc/mail/mailertable.db', 'mailertable')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

import attrs

if TYPE_CHECKING:
    from sendmailcfg.mc.document import McDocument
    from sendmailcfg.mc.model import McModel

# -- what the cf package ships ---------------------------------------------------------------

TABLE_FEATURES: dict[str, str] = {
    "access_db": "access",
    "authinfo": "authinfo",
    "bitdomain": "bitdomain",
    "domaintable": "domaintable",
    "genericstable": "genericstable",
    "mailertable": "mailertable",
    "uucpdomain": "uudomain",
    "virtusertable": "virtusertable",
}
"""FEATUREs whose first argument is a map spec -> the file name under MAIL_SETTINGS_DIR
they read when it is empty (``feature/*.m4``: ``DATABASE_MAP_TYPE MAIL_SETTINGS_DIR`name'``)."""

FEATURE_OF_KIND: dict[str, str] = {
    "access": "access_db",
    "domaintable": "domaintable",
    "genericstable": "genericstable",
    "mailertable": "mailertable",
    "virtusertable": "virtusertable",
}
"""Map kind -> the FEATURE that makes sendmail read it."""

FILE_MAP_CLASSES = frozenset({"hash", "btree", "dbm", "cdb", "implicit"})
"""Map classes whose database makemap builds from a text source (others: ldap, socket...)."""

NON_FILE_SPECS = frozenset({"LDAP", "ldap", "sequence", "socket", "nis", "nisplus", "dns"})
"""First words of a map spec that name no makemap file."""

IMPLIED_FEATURES: dict[tuple[str, str], tuple[str, ...]] = {
    ("DOMAIN", "generic"): ("redirect", "use_cw_file"),
    ("DOMAIN", "Berkeley.EDU"): ("redirect", "use_cw_file", "stickyhost"),
    ("OSTYPE", "linux"): ("local_procmail",),
    ("OSTYPE", "mklinux"): ("local_procmail",),
    ("OSTYPE", "solaris8"): ("local_lmtp",),
    ("OSTYPE", "solaris11"): ("local_lmtp",),
}
"""FEATUREs that the cf tree's own DOMAIN() and OSTYPE() files declare."""

DOMAINS = frozenset(
    {
        "generic",
        "Berkeley.EDU",
        "CS.Berkeley.EDU",
        "EECS.Berkeley.EDU",
        "S2K.Berkeley.EDU",
        "berkeley-only",
        "debian-msp",
        "debian-mta",
    }
)
"""DOMAIN() files shipped with the cf tree (sites usually add their own)."""

HACKS = frozenset(
    {
        "cssubdomain",
        "xconnect",
        "debian_auth",
        "dnsblaccess",
        "msp_nullclient",
        "nodns",
        "spamtrap",
        "virthost_by_ip",
    }
)
"""HACK() files shipped with the cf tree (upstream and Debian)."""

MAILER_FILES: dict[str, tuple[str, ...]] = {
    "cyrus": ("cyrus", "cyrusbb"),
    "cyrusv2": ("cyrusv2",),
    "fax": ("fax",),
    "local": ("local", "prog"),
    "mail11": ("mail11",),
    "phquery": ("ph",),
    "pop": ("pop",),
    "procmail": ("procmail",),
    "qpage": ("qpage",),
    "smtp": ("smtp", "esmtp", "smtp8", "dsmtp", "relay"),
    "ssh": ("ssh",),
    "usenet": ("usenet",),
    "uucp": ("uucp", "uucp-old", "suucp", "uucp-new", "uucp-dom", "uucp-uudom"),
    "xagent": ("xagent",),
}
"""``MAILER(name)`` -> the mailer names (``M`` lines) it defines (``ssh``, ``xagent``: Debian)."""

BUILTIN_MAILERS = frozenset({"error", "discard", "local", "prog"})
"""Mailers every configuration has (MAILER(local) is added automatically)."""

MX_MAILERS = frozenset({"smtp", "esmtp", "smtp8", "dsmtp", "relay"})
"""Mailers with ``P=[IPC]`` that connect to a host name: sendmail looks up its MX records
unless it is in ``[brackets]`` (``cyrusv2`` is ``[IPC]`` too, but to a local socket;
``uucp-*``, ``procmail``... run a program and look nothing up)."""

RELAY_MACROS: dict[str, str] = {"SMART_HOST": "relay", "MAIL_HUB": "relay", "LOCAL_RELAY": "relay"}
"""Relay-host macros -> the mailer used when the value names none (``proto.m4``)."""

LOCALHOST_NAMES = frozenset({"localhost", "localhost.localdomain", "127.0.0.1", "[127.0.0.1]"})
"""Names that are every host's own."""

DEFAULTS: dict[str, str] = {
    "DATABASE_MAP_TYPE": "hash",
    "MAIL_SETTINGS_DIR": "/etc/mail/",
}
"""Values ``cfhead.m4`` gives before the ``.mc`` is read (the ``.mc`` may redefine them)."""

_DEFAULT_CW_FILE = "local-host-names"


# -- one map spec ----------------------------------------------------------------------------


def database_file(map_class: str, path: str) -> str:
    """The file sendmail (and makemap) open for a ``hash``/``btree`` map at ``path``.

    Both add ``.db`` only when the name does not end in it already (``map.c``,
    ``makemap.c``), so ``hash -o /etc/mail/mailertable.db`` opens the same file.

    >>> database_file("hash", "/etc/mail/access"), database_file("btree", "/etc/mail/x.db")
    ('/etc/mail/access.db', '/etc/mail/x.db')
    >>> database_file("cdb", "/etc/mail/m")
    '/etc/mail/m.cdb'
    """
    suffix = ".cdb" if map_class == "cdb" else ".db"
    return path if path.endswith(suffix) else path + suffix


@attrs.frozen
class MapSpec:
    """What a table FEATURE's map spec (``hash -o /etc/mail/mailertable``) says.

    ``path`` is the name as written (``None`` for maps that are not makemap files:
    LDAP, socket, sequence...); ``database`` the file sendmail opens; ``source`` the
    base name of the text file makemap builds it from (``.db`` dropped).
    """

    feature: str
    spec: str
    map_class: str
    flags: tuple[str, ...]
    path: str | None

    @property
    def is_file(self) -> bool:
        """Whether makemap builds this map from a text source."""
        return self.path is not None

    @property
    def optional(self) -> bool:
        """``-o``: sendmail ignores a missing database silently."""
        return "-o" in self.flags

    @property
    def database(self) -> str | None:
        """The database file sendmail opens (``None`` when not a file map)."""
        if self.path is None:
            return None
        if self.map_class in ("hash", "btree", "implicit", "cdb"):
            return database_file(self.map_class, self.path)
        return self.path

    @property
    def source(self) -> str | None:
        """The base name of the makemap source (``mailertable`` for ``.../mailertable.db``)."""
        if self.path is None:
            return None
        base = self.path.rstrip("/").rsplit("/", 1)[-1]
        for suffix in (".db", ".cdb"):
            if base.endswith(suffix) and self.map_class in ("hash", "btree", "implicit", "cdb"):
                return base[: -len(suffix)]
        return base


def parse_map_spec(
    feature: str,
    spec: str,
    *,
    database_map_type: str = "hash",
    settings_dir: str = "/etc/mail/",
) -> MapSpec:
    """The map spec a table FEATURE ends up with (``spec`` empty: the cf default).

    >>> parse_map_spec("access_db", "").spec
    'hash -T<TMPF> /etc/mail/access'
    >>> s = parse_map_spec("mailertable", "hash -o /etc/mail/mailertable.db")
    >>> (s.flags, s.optional, s.database, s.source)
    (('-o',), True, '/etc/mail/mailertable.db', 'mailertable')
    >>> parse_map_spec("virtusertable", "LDAP").path is None
    True
    """
    spec = spec.strip()
    if not spec:
        name = TABLE_FEATURES.get(feature, feature)
        tmpf = " -T<TMPF>" if feature == "access_db" else ""
        spec = f"{database_map_type.strip() or 'hash'}{tmpf} {settings_dir}{name}"
    words = spec.split()
    map_class = words[0]
    flags = tuple(w for w in words[1:] if w.startswith("-"))
    rest = [w for w in words[1:] if not w.startswith("-")]
    path: str | None = None
    if map_class not in NON_FILE_SPECS and map_class in FILE_MAP_CLASSES and rest:
        path = rest[-1]
    return MapSpec(feature, spec, map_class, flags, path)


def relay_target(value: str, macro: str = "SMART_HOST") -> tuple[str, str]:
    """``(mailer, host)`` of a SMART_HOST/MAIL_HUB/LOCAL_RELAY value (default mailer filled in).

    >>> relay_target("smtp:[mx.example.net]"), relay_target("[10.0.0.1]")
    (('smtp', '[mx.example.net]'), ('relay', '[10.0.0.1]'))
    >>> relay_target("uucp-dom:gateway")
    ('uucp-dom', 'gateway')
    """
    value = value.strip()
    mailer, sep, host = value.partition(":")
    if not sep or mailer.startswith("[") or not mailer:
        return RELAY_MACROS.get(macro, "relay"), value
    return mailer, host.strip()


def looks_up_mx(mailer: str, host: str) -> bool:
    """Whether sendmail looks up MX records for ``host`` when delivering with ``mailer``.

    >>> looks_up_mx("relay", "mx.example.net"), looks_up_mx("smtp", "[mx.example.net]")
    (True, False)
    >>> looks_up_mx("uucp-dom", "gateway"), looks_up_mx("esmtp", "192.0.2.1")
    (False, False)
    """
    host = host.strip()
    if mailer.lower() not in MX_MAILERS or host.startswith("["):
        return False
    return not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", host)


# -- one .mc ---------------------------------------------------------------------------------


@attrs.frozen
class Call:
    """An active (not commented-out) top-level macro call, arguments as m4 passes them."""

    name: str
    args: tuple[str, ...]
    line: int
    column: int
    implied_by: str | None = None
    """``OSTYPE(linux)``-like origin when a shipped file makes the call, not the ``.mc``."""

    @property
    def first(self) -> str:
        """The first argument (``""`` when there is none)."""
        return self.args[0] if self.args else ""

    def arg(self, index: int) -> str:
        """Argument ``index`` (0-based), ``""`` when missing."""
        return self.args[index] if index < len(self.args) else ""


_M_LINE = re.compile(r"^M([A-Za-z0-9_-]+),", re.M)
_CW_LINE = re.compile(r"^C\{?w\}?[ \t]*([^\n]*)", re.M)


@attrs.frozen
class McFacts:
    """The live calls of one ``.mc`` file in file order, and what follows from them."""

    path: str
    calls: tuple[Call, ...]
    custom_mailers: tuple[str, ...] = ()
    """Mailer names of ``M`` lines written under MAILER_DEFINITIONS."""
    raw_class_w: tuple[str, ...] = ()
    """Names added to class {w} by raw ``Cw`` lines (LOCAL_CONFIG)."""
    opaque: bool = False
    """True when a ``DOMAIN()`` or ``HACK()`` file of the site's own may declare more FEATUREs."""

    def named(self, *names: str) -> list[Call]:
        """Calls of these macros (``FEATURE``, ``MAILER``, ``define``...)."""
        return [c for c in self.calls if c.name in names]

    def features(self, name: str | None = None) -> list[Call]:
        """``FEATURE`` calls, implied ones included (of one feature when ``name`` is given)."""
        return [c for c in self.named("FEATURE") if name is None or c.first == name]

    def has_feature(self, name: str) -> bool:
        return bool(self.features(name))

    def mailers(self) -> list[Call]:
        return self.named("MAILER")

    def define(self, macro: str, *, before: Call | None = None) -> Call | None:
        """The ``define(macro, ...)`` in effect at the end (or just before ``before``).

        m4 keeps the last definition; an ``undefine`` after it removes it.
        """
        found: Call | None = None
        for c in self.calls:
            if c is before:
                break
            if c.first == macro and c.name == "define":
                found = c
            elif c.first == macro and c.name == "undefine":
                found = None
        return found

    def defined_value(self, macro: str, *, before: Call | None = None) -> str | None:
        """The value of the winning ``define`` (``None``: the .mc does not define it)."""
        found = self.define(macro, before=before)
        if found is None:
            return None
        return found.arg(1)

    def value(self, macro: str, *, before: Call | None = None) -> str | None:
        """Like :meth:`defined_value`, falling back to cf.m4's own default (:data:`DEFAULTS`)."""
        found = self.defined_value(macro, before=before)
        return DEFAULTS.get(macro) if found is None else found

    def feature_has_option(self, feature: str, option: str, *, start: int = 2) -> bool:
        """Whether some ``FEATURE(feature, ...)`` lists ``option`` among its later arguments.

        ``start`` counts the feature name: ``FEATURE(`access_db', `spec', `skip')``
        has ``skip`` at index 2.
        """
        option = option.lower()
        return any(
            option in (a.strip().lower() for a in c.args[start:]) for c in self.features(feature)
        )

    def table_map(self, call: Call) -> MapSpec | None:
        """The map a table ``FEATURE`` call reads (``None`` for other calls)."""
        if call.name != "FEATURE" or call.first not in TABLE_FEATURES:
            return None
        return parse_map_spec(
            call.first,
            call.arg(1),
            database_map_type=self.value("DATABASE_MAP_TYPE", before=call) or "hash",
            settings_dir=self.value("MAIL_SETTINGS_DIR", before=call) or "/etc/mail/",
        )

    def table_maps(self) -> list[MapSpec]:
        """The maps of every table FEATURE, in file order."""
        return [m for c in self.features() if (m := self.table_map(c)) is not None]

    def declared_mailers(self) -> set[str]:
        """Mailer names this file makes available (built-in ones included), lower case."""
        names = set(BUILTIN_MAILERS)
        for c in self.mailers():
            names.update(MAILER_FILES.get(c.first, (c.first,)))
        names.update(self.custom_mailers)
        return {n.lower() for n in names}

    def cw_file(self) -> str | None:
        """The class-{w} file sendmail reads (``FEATURE(`use_cw_file')``), else ``None``."""
        if not self.has_feature("use_cw_file"):
            return None
        found = self.defined_value("confCW_FILE")
        if found is not None:
            return found.strip()
        return f"{self.value('MAIL_SETTINGS_DIR') or '/etc/mail/'}{_DEFAULT_CW_FILE}"

    def own_names(self) -> set[str]:
        """The host's own names the ``.mc`` itself tells (lower case, no trailing dot).

        ``localhost`` and friends, ``confDOMAIN_NAME``, ``LOCAL_DOMAIN()`` words and raw
        ``Cw`` lines; the ``local-host-names`` file (:meth:`cw_file`) is not read here.
        """
        names = set(LOCALHOST_NAMES)
        own = self.defined_value("confDOMAIN_NAME")
        if own and own.strip():
            names.add(_norm(own))
        for c in self.named("LOCAL_DOMAIN"):
            names.update(_norm(w) for a in c.args for w in a.split())
        names.update(_norm(w) for w in self.raw_class_w)
        return names

    def virtual_domains(self) -> set[str]:
        """``VIRTUSER_DOMAIN()`` words (lower case, no trailing dot)."""
        return {_norm(w) for c in self.named("VIRTUSER_DOMAIN") for a in c.args for w in a.split()}


def _norm(name: str) -> str:
    return name.strip().lower().rstrip(".")


def mc_facts(source: McDocument | McModel, path: str | None = None) -> McFacts:
    r"""The facts of one parsed ``.mc`` (an ``McDocument`` or its ``McModel``).

    >>> from sendmailcfg.mc import parse_mc
    >>> f = mc_facts(parse_mc("define(`X', `1')dnl\ndefine(`X', `2')dnl\nundefine(`Y')dnl\n"))
    >>> f.defined_value("X"), f.defined_value("Y"), f.value("DATABASE_MAP_TYPE")
    ('2', None, 'hash')
    """
    from sendmailcfg.mc.model import McModel

    model = source if isinstance(source, McModel) else source.model
    if path is None:
        path = getattr(source, "path", None) or ""
    calls: list[Call] = []
    opaque = False
    for s in model.statements:
        if s.bare:
            continue
        call = Call(s.name, tuple(v.strip() for v in s.values), s.line, s.column)
        calls.append(call)
        origin = f"{call.name}({call.first})"
        for feature in IMPLIED_FEATURES.get((call.name, call.first), ()):
            calls.append(Call("FEATURE", (feature,), call.line, call.column, origin))
        if (call.name == "DOMAIN" and call.first not in DOMAINS) or (
            call.name == "HACK" and call.first not in HACKS
        ):
            opaque = True
    mailers: list[str] = []
    class_w: list[str] = []
    for section in model.sections:
        if section.name == "MAILER_DEFINITIONS":
            mailers.extend(_M_LINE.findall(section.body))
        elif section.name == "LOCAL_CONFIG":
            for words in _CW_LINE.findall(section.body):
                class_w.extend(words.split())
    return McFacts(path, tuple(calls), tuple(mailers), tuple(class_w), opaque)


# -- several .mc files -----------------------------------------------------------------------


@attrs.frozen
class McSetFacts:
    r"""The ``.mc`` files of one configuration folder together (an empty set knows nothing).

    >>> from sendmailcfg.mc import parse_mc
    >>> s = McSetFacts((mc_facts(parse_mc("FEATURE(`access_db')dnl\n"), "sendmail.mc"),))
    >>> s.present, s.has_feature("access_db"), s.has_feature("mailertable")
    (True, True, False)
    """

    mcs: tuple[McFacts, ...]

    @classmethod
    def of(cls, facts: Iterable[McFacts]) -> McSetFacts:
        return cls(tuple(facts))

    @property
    def present(self) -> bool:
        """Whether the set has any ``.mc`` file (cross-file facts need one)."""
        return bool(self.mcs)

    @property
    def opaque(self) -> bool:
        """Whether a site-specific DOMAIN()/HACK() file may declare FEATUREs we cannot see."""
        return any(mc.opaque for mc in self.mcs)

    def feature_calls(self, name: str) -> Iterator[tuple[McFacts, Call]]:
        for mc in self.mcs:
            for c in mc.features(name):
                yield mc, c

    def has_feature(self, name: str) -> bool:
        return any(mc.has_feature(name) for mc in self.mcs)

    def feature_has_option(self, feature: str, option: str, *, start: int = 2) -> bool:
        return any(mc.feature_has_option(feature, option, start=start) for mc in self.mcs)

    def defines_value(self, macro: str) -> str | None:
        """The value the first ``.mc`` defining ``macro`` gives it (None if none does)."""
        for mc in self.mcs:
            value = mc.defined_value(macro)
            if value is not None:
                return value
        return None

    def declared_mailers(self) -> set[str]:
        """Mailer names any ``.mc`` of the set makes available, lower case."""
        out: set[str] = set(BUILTIN_MAILERS)
        for mc in self.mcs:
            out |= mc.declared_mailers()
        return out
