r"""``Site``: one host's whole mail configuration as sendmail 8.17 reads it.

:func:`load_site` takes a ``.mc`` file, or a folder laid out like /etc/mail
holding one, and gathers what sendmail would read: the .mc's defines,
FEATUREs and MAILERs; this host's names (class ``w``); relay domains (class
``R``); SMART_HOST, MAIL_HUB, LOCAL_RELAY, LUSER_RELAY and MASQUERADE_AS;
the classes the masquerade, generics and virtuser macros fill; and the map
sources each FEATURE names. A map is looked up as its FEATURE writes it,
then by file name beside the .mc (a repository holding a copy of /etc/mail),
then under ``root=``; a missing one is recorded in :attr:`Site.maps`, not
raised.

>>> site = Site.from_text(
...     "define(`SMART_HOST', `mmr.plala.or.jp')dnl\n"
...     "LOCAL_DOMAIN(`takaq.jp')dnl\nMAILER(`smtp')dnl\n", hostname="www.takaq.jp")
>>> site.smart_host.value, site.smart_host.line
('mmr.plala.or.jp', 1)
>>> sorted(site.local_names)
['[127.0.0.1]', 'localhost', 'takaq.jp', 'www.takaq.jp']
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

import attrs

from sendmailcfg import _source, fileio
from sendmailcfg.maps.keys import fold
from sendmailcfg.mc.document import McDocument
from sendmailcfg.mc.facts import FEATURE_OF_KIND, Call, MapSpec, McFacts, mc_facts
from sendmailcfg.mc.macros import CLASS_MACROS
from sendmailcfg.site.finding import find_mc, include_reader

if TYPE_CHECKING:  # the map code loads only when a map is read
    from sendmailcfg.maps.document import MapDocument

KIND_OF_FEATURE: Mapping[str, str] = {f: k for k, f in FEATURE_OF_KIND.items()}
"""Table FEATURE -> the map kind its source is (``access_db`` -> ``access``)."""


@attrs.frozen
class Setting:
    """A value the configuration sets, and where: ``path`` and 1-based ``line`` (None: built in).

    >>> str(Setting("mmr.plala.or.jp", "sendmail.mc", 4))
    'sendmail.mc:4'
    """

    value: str
    path: str | None = None
    line: int | None = None
    what: str = ""
    """How it got there (``LOCAL_DOMAIN``, ``Cw line``, ``local-host-names``, ...)."""

    def __str__(self) -> str:
        if self.path is None:
            return self.what or "built in"
        return self.path if self.line is None else f"{self.path}:{self.line}"


@attrs.frozen
class MapSource:
    """The map source a FEATURE names, and what was found for it.

    ``spec`` is the map spec as sendmail reads it (``hash -o /etc/mail/mailertable``);
    ``written`` the path in it (None for a map that is not a makemap file, e.g. LDAP);
    ``path`` the source file read (None when missing); ``db`` a ``.db`` found
    without its source. ``document`` is the parsed source, or None.
    """

    kind: str
    feature: str
    spec: str
    written: str | None
    path: str | None
    setting: Setting
    document: MapDocument | None = attrs.field(default=None, eq=False, repr=False)
    db: str | None = None
    problem: str | None = None
    """Why there is no document (missing, unreadable, not a file map), or None."""
    fold_keys: bool = True
    optional: bool = False
    """The spec says ``-o``: sendmail carries on when the map is absent."""

    @property
    def missing(self) -> bool:
        """True when no source (or readable ``.db``) was found."""
        return self.document is None


DbReader = Callable[[str, str, bool], "MapDocument | None"]
"""Reads a ``.db`` (path, kind, fold_keys) into a document; None when it cannot.

The output room's Berkeley DB reader plugs in here (``load_site(read_db=...)``):
the semantic room may not import it.
"""


class Site:
    """One host's configuration: the ``.mc``, its names, relays and maps, as sendmail sees them.

    Build it with :func:`load_site` (files) or :meth:`from_text` (an .mc's text
    and map texts). Every fact carries where it came from (:class:`Setting`).
    """

    def __init__(
        self,
        mc: McDocument,
        *,
        hostname: str | None = None,
        folder: str | None = None,
        root: str | None = None,
        maps: Mapping[str, str] | None = None,
        files: Mapping[str, str] | None = None,
        read_db: DbReader | None = None,
        interfaces: Iterable[str] = (),
        includes: Mapping[str, str] | None = None,
    ) -> None:
        self.mc = mc
        self.interfaces = tuple(interfaces)
        """This machine's interface addresses: sendmail adds ``[ADDR]`` of each to class w
        unless ``confDONT_PROBE_INTERFACES`` is set (the loopback is there either way)."""
        self.path = mc.path or "sendmail.mc"
        self.folder = folder
        self.root = root
        self._texts = dict(maps or {})
        self._files = dict(files or {})
        self._read_db = read_db
        self.hostname = hostname
        reader = None
        if folder is not None or root is not None or includes:
            reader = include_reader(folder, root, includes)
        self.facts: McFacts = mc_facts(mc, self.path, read_include=reader)
        """The .mc's facts (:mod:`sendmailcfg.mc.facts`): defines, FEATUREs, maps; those of
        the files it includes stand where the include is (read when the site has a
        folder, a root or ``includes=`` texts: a missing one is in :attr:`unmodelled`)."""
        self.feature_line = {c.first: c.line for c in self.facts.features()}
        self._setting_cache: dict[str, Setting | None] = {}
        self.classes: dict[str, list[Setting]] = {
            k: [] for k in ("w", "R", "M", "N", "E", "L", "G", "VirtHost")
        }
        self._unmodelled: tuple[Setting, ...] | None = None
        self.problems: list[Setting] = []
        """Files the configuration names that could not be read (class files)."""
        # A Dj line in LOCAL_CONFIG comes after confDOMAIN_NAME's in the .cf: it wins.
        j = self._dj_line() or self.define("confDOMAIN_NAME")
        if j is None and hostname:
            j = Setting(hostname, None, None, "hostname")
        if j is not None and "$" in j.value:  # confDOMAIN_NAME `$w.$m' (the machine's name)
            j = attrs.evolve(j, value=self.expand(j.value))
        self.j = j
        """``$j``, this host's canonical name (a ``Dj`` line, confDOMAIN_NAME, or hostname=)."""
        self._collect_classes()
        # the last MASQUERADE_AS, or FEATURE(`nullclient', `hub') after it, in m4's order
        masq = [c for c in self.facts.named("MASQUERADE_AS") if c.args]
        hub = self._feature_define("MASQUERADE_AS")
        self.masquerade_as = None
        if masq:
            self.masquerade_as = self._setting(masq[-1], masq[-1].first, "MASQUERADE_AS")
        if hub is not None and (
            not masq or self.facts.position(masq[-1]) < self.facts.position(hub)
        ):
            self.masquerade_as = self._setting(hub, hub.arg(1).strip(), f"FEATURE(`{hub.first}')")
        self.mailers = self._mailers()
        self.maps: dict[str, MapSource] = {}
        for call in self.facts.features():
            spec = self.facts.table_map(call)
            if spec is not None and call.first in KIND_OF_FEATURE:
                source = self._map_source(spec, call)
                self.maps[source.kind] = source

    # -- construction -----------------------------------------------------------------
    @classmethod
    def from_text(
        cls,
        mc_text: str,
        *,
        hostname: str | None = None,
        maps: Mapping[str, str] | None = None,
        files: Mapping[str, str] | None = None,
        path: str = "sendmail.mc",
        interfaces: Iterable[str] = (),
        includes: Mapping[str, str] | None = None,
    ) -> Site:
        r"""A site from texts: the .mc, map sources by kind, other files by name,
        ``include()``\ d files by the name the include writes.

        >>> s = Site.from_text("FEATURE(`mailertable')dnl\n",
        ...                    maps={"mailertable": ".takaq.jp smtp:[mail2.takaq.jp]\n"})
        >>> s.maps["mailertable"].document.get(".takaq.jp")
        'smtp:[mail2.takaq.jp]'
        """
        return cls(
            McDocument(mc_text, path=path),
            hostname=hostname,
            maps=maps,
            files=files,
            interfaces=interfaces,
            includes=includes,
        )

    # -- plain facts ------------------------------------------------------------------
    def define(self, name: str) -> Setting | None:
        """The live value of ``define(`name', ...)`` and its line, or None."""
        if name not in self._setting_cache:
            call = self.facts.define(name)
            found = None if call is None else self._setting(call, call.arg(1).strip(), name)
            hub = self._feature_define(name)
            if hub is not None and (
                call is None or self.facts.position(call) < self.facts.position(hub)
            ):
                found = self._setting(hub, hub.arg(1).strip(), f"FEATURE(`{hub.first}')")
            self._setting_cache[name] = found
        return self._setting_cache[name]

    def _feature_define(self, name: str) -> Call | None:
        """The last FEATURE call that defines ``name`` (nullclient's hub), its value ``arg(1)``."""
        from sendmailcfg.mc.catalogue import FEATURE_DEFINES

        found: Call | None = None
        for feature, names in FEATURE_DEFINES.items():
            if name in names:
                for c in self.facts.features(feature):
                    if found is None or self.facts.position(found) < self.facts.position(c):
                        found = c
        return found

    def _setting(self, call: Call, value: str, what: str) -> Setting:
        """A value ``call`` sets, where it is written (the .mc, or a file it includes)."""
        return Setting(value, call.path or self.path, call.line, what)

    @property
    def probes_interfaces(self) -> bool:
        """Whether sendmail adds this machine's interface addresses to class w
        (``confDONT_PROBE_INTERFACES`` unset or false; ``loopback`` skips only the loopback)."""
        s = self.define("confDONT_PROBE_INTERFACES")
        if s is None and self.has_feature("msp"):
            return False  # FEATURE(`msp') sets it
        return s is None or s.value.strip().lower() not in ("true", "t", "yes", "y", "1")

    @property
    def unmodelled(self) -> tuple[Setting, ...]:
        """What the configuration does that this model does not follow, where it says so.

        ``value`` names it (``FEATURE(`msp')``, ``LOCAL_RULE_0``, ``ifelse(...)``,
        ``include(`provider.m4')``...), ``what`` says why. ``route``, ``sender`` and
        ``query --config`` list these (JSON ``"unmodelled"``), lint reports them (MC017):
        an answer near one of them may differ from sendmail's.
        """
        if self._unmodelled is None:
            self._unmodelled = tuple(self._find_unmodelled())
        return self._unmodelled

    def _find_unmodelled(self) -> Iterable[Setting]:
        for u in self.facts.unmodelled:
            yield Setting(u.what, u.path or self.path, u.line, u.why)

    def has_feature(self, name: str) -> bool:
        """Whether ``FEATURE(`name')`` is live (also when a shipped OSTYPE/DOMAIN file adds it)."""
        return self.facts.has_feature(name)

    @property
    def smart_host(self) -> Setting | None:
        """``SMART_HOST`` (``DS``): where mail for other hosts goes; None when unset or empty."""
        return self._nonempty("SMART_HOST")

    @property
    def mail_hub(self) -> Setting | None:
        """``MAIL_HUB`` (``DH``): where mail for local users goes."""
        return self._nonempty("MAIL_HUB")

    @property
    def local_relay(self) -> Setting | None:
        """``LOCAL_RELAY`` (``DR``): where mail for unqualified names goes."""
        return self._nonempty("LOCAL_RELAY")

    @property
    def luser_relay(self) -> Setting | None:
        """``LUSER_RELAY`` (``DL``): where mail for users with no passwd entry goes."""
        return self._nonempty("LUSER_RELAY")

    def _nonempty(self, name: str) -> Setting | None:
        s = self.define(name)
        if s is not None and "$" in s.value:
            s = attrs.evolve(s, value=self.expand(s.value))
        return s if s is not None and s.value else None

    def expand(self, value: str) -> str:
        r"""``value`` with the macros sendmail knows before any rule runs expanded, as it
        expands a ``D`` line's value where a rule uses it: ``$w`` (the machine's short
        name), ``$m`` (its domain), ``$j`` (once set); others stay as written.

        >>> Site.from_text("", hostname="mx.example.org").expand("$w.$m")
        'mx.example.org'
        """
        out: list[str] = []
        i = 0
        while i < len(value):
            ch = value[i]
            if ch == "$" and i + 1 < len(value):
                name = value[i + 1]
                known = self._macro(name)
                if known is not None:
                    out.append(known)
                    i += 2
                    continue
            out.append(ch)
            i += 1
        return "".join(out)

    def _macro(self, name: str) -> str | None:
        host = self.hostname.rstrip(".") if self.hostname else None
        if name == "w" and host:
            return host.split(".", 1)[0]
        if name == "m":
            return self.m
        j = getattr(self, "j", None)
        if name == "j" and j is not None and "$" not in j.value:
            return str(j.value)
        return None

    @property
    def domain(self) -> str | None:
        """``$m``: the domain part of ``$j`` (None when ``$j`` has no dot)."""
        if self.j is None or "." not in self.j.value.rstrip("."):
            return None
        return self.j.value.rstrip(".").split(".", 1)[1]

    @property
    def local_mailer(self) -> str:
        """The mailer ruleset 0 calls ``local`` (``confLOCAL_MAILER``; ``local`` by default)."""
        s = self.define("confLOCAL_MAILER")
        return s.value if s is not None and s.value else "local"

    @property
    def m(self) -> str | None:
        """``$m``, sendmail's own domain: the domain of ``hostname=`` (sendmail takes it from
        the machine's name, not from the .cf), else of ``$j``; None without a dot."""
        name = self.hostname or (self.j.value if self.j else None)
        if name is None or "." not in name.rstrip("."):
            return None
        return name.rstrip(".").split(".", 1)[1]

    @property
    def local_names(self) -> frozenset[str]:
        """Class ``w``, folded as sendmail compares it (no trailing dots)."""
        return frozenset(fold(s.value.rstrip(".")) for s in self.classes["w"])

    def class_words(self, name: str) -> frozenset[str]:
        """Class ``name`` (``R``, ``M``, ``E``, ``G``, ``VirtHost``...), folded."""
        return frozenset(fold(s.value.rstrip(".")) for s in self.classes.get(name, ()))

    def local_name(self, host: str) -> Setting | None:
        """Why ``host`` is one of this host's names (its class ``w`` entry), or None."""
        key = fold(host.rstrip("."))
        for s in self.classes["w"]:
            if fold(s.value.rstrip(".")) == key:
                return s
        return None

    def document(self, kind: str) -> MapDocument | None:
        """The parsed map source of ``kind`` when its FEATURE is on and it was found."""
        source = self.maps.get(kind)
        return None if source is None else source.document

    # -- class w and friends -------------------------------------------------------------
    def _add(
        self, cls: str, words: Iterable[str], path: str | None, line: int | None, what: str
    ) -> None:
        for word in words:
            if word and not word.startswith("#"):
                self.classes[cls].append(Setting(word, path, line, what))

    def _collect_classes(self) -> None:
        if self.hostname:
            self._add("w", [self.hostname], None, None, "hostname")
        if self.j is not None:
            self._add("w", [self.j.value], self.j.path, self.j.line, "$j")
        self._add("w", ["localhost", "[127.0.0.1]"], None, None, "sendmail's own")
        if self.probes_interfaces:
            for addr in self.interfaces:
                literal = f"[IPv6:{addr}]" if ":" in addr else f"[{addr}]"
                self._add("w", [literal], None, None, "interface probing")
        from sendmailcfg.mc.catalogue import CLASS_OF_MACRO

        for c in self.facts.calls:  # the implied ones too: DOMAIN(`generic')'s EXPOSED_USER
            macro = c.name
            if macro not in CLASS_MACROS or not c.args:
                continue
            path = c.path or self.path
            what = macro if c.implied_by is None else c.implied_by
            if macro in CLASS_OF_MACRO:
                cls = CLASS_OF_MACRO[macro]
                self._add(cls, c.first.split(), path, c.line, what)
                if cls == "VirtHost":
                    self._add("R", c.first.split(), path, c.line, what)
            elif macro.endswith("_FILE") and macro[:-5] in CLASS_OF_MACRO:
                self._class_file(CLASS_OF_MACRO[macro[:-5]], c.first, c.line, macro)
        config = next((s for s in self.mc.sections if s.name == "LOCAL_CONFIG"), None)
        self._add(
            "w", self.facts.raw_class_w, self.path, config.line if config else None, "Cw line"
        )
        for name in self.facts.class_w_files:  # Fw lines: -o optional, a scanf pattern after
            optional = name.startswith("-o")
            words = (name[2:] if optional else name).split()
            if words:
                self._class_file("w", words[0], None, "Fw line", optional=optional)
        cw_file = self.facts.cw_file()
        if cw_file is not None:
            self._class_file("w", cw_file, self.feature_line.get("use_cw_file"), "use_cw_file")
        cr = self.define("confCR_FILE")
        name = cr.value if cr else "-o " + self._settings_dir() + "relay-domains"
        optional = name.startswith("-o")
        self._class_file(
            "R", name[2:].strip() if optional else name, None, "relay-domains", optional=True
        )

    def _settings_dir(self) -> str:
        return self.facts.value("MAIL_SETTINGS_DIR") or "/etc/mail/"

    def _class_file(
        self, cls: str, name: str, line: int | None, what: str, *, optional: bool = False
    ) -> None:
        if name.startswith("-o"):
            name, optional = name[2:].strip(), True
        if name.startswith("|"):  # a program's output: not read here
            return
        found = self._find(name)
        if found is None:
            if not optional:
                self.problems.append(Setting(name, self.path, line, f"{what}: file not found"))
            return
        path, text = found
        from sendmailcfg.maps.facts import class_file_words

        for n, raw in enumerate(text.splitlines(), 1):
            self._add(cls, sorted(class_file_words(raw)), path, n, what)

    def _dj_line(self) -> Setting | None:
        """The last ``Dj`` line of LOCAL_CONFIG (the facts', includes read)."""
        if not self.facts.raw_j:
            return None
        value, path, line = self.facts.raw_j[-1]
        return Setting(value, path or self.path, line, "Dj line")

    # -- files ----------------------------------------------------------------------
    def candidates(self, written: str) -> list[str]:
        """Where a file the configuration names is looked for, in order: as written,
        by file name beside the .mc, under ``root``."""
        out = [written]
        if self.folder is not None:
            out.append(os.path.join(self.folder, os.path.basename(written)))
        if self.root is not None:
            out.append(os.path.join(self.root, written.lstrip("/")))
        return out

    def _find(self, written: str) -> tuple[str, str] | None:
        base = os.path.basename(written)
        for key in (written, base):
            if key in self._files:
                return key, self._files[key]
        if self.folder is None and self.root is None:
            return None
        for candidate in self.candidates(written):
            if os.path.isfile(candidate):
                try:
                    return candidate, _source.decode(fileio.read_bytes(candidate))
                except OSError:
                    continue
        return None

    def _map_source(self, spec: MapSpec, call: Call) -> MapSource:
        feature = spec.feature
        kind = KIND_OF_FEATURE[feature]
        base = MapSource(
            kind,
            feature,
            spec.spec,
            None,
            None,
            self._setting(call, spec.spec, f"FEATURE(`{feature}')"),
            fold_keys="-f" not in spec.flags,
            optional=spec.optional,
        )
        if spec.path is None or spec.source is None:
            return attrs.evolve(base, problem=f"{spec.map_class} map: not a makemap file")
        written = spec.path
        if written == spec.database and written.endswith(".db"):
            written = written[:-3]
        base = attrs.evolve(base, written=written)
        if kind in self._texts:
            return attrs.evolve(
                base,
                path=spec.source,
                document=self._parse(self._texts[kind], kind, spec.source, base),
            )
        found = self._find(written)
        if found is not None:
            path, text = found
            return attrs.evolve(base, path=path, document=self._parse(text, kind, path, base))
        database = spec.database or written + ".db"
        if self.folder is not None or self.root is not None:
            for candidate in self.candidates(database):
                if os.path.isfile(candidate):
                    doc = self._read_db(candidate, kind, base.fold_keys) if self._read_db else None
                    problem = None if doc is not None else "only the .db was found (no reader)"
                    return attrs.evolve(base, document=doc, db=candidate, problem=problem)
        return attrs.evolve(base, problem="not found")

    @staticmethod
    def _parse(text: str, kind: str, path: str, base: MapSource) -> MapDocument:
        from sendmailcfg import api
        from sendmailcfg.maps.document import MapDocument

        doc = api.loads(text, kind, path=path, fold_keys=base.fold_keys)
        assert isinstance(doc, MapDocument)
        return doc

    def _mailers(self) -> frozenset[str]:
        return frozenset(self.facts.declared_mailers())

    def __repr__(self) -> str:
        j = self.j.value if self.j else None
        return f"<Site {self.path!r} $j={j!r}: {len(self.maps)} maps>"


def load_site(
    path: str | os.PathLike[str],
    *,
    hostname: str | None = None,
    root: str | os.PathLike[str] | None = None,
    read_db: DbReader | None = None,
    mc: str | None = None,
    interfaces: Iterable[str] = (),
) -> Site:
    """Read a configuration: a ``.mc`` file, or a folder like /etc/mail holding one.

    ``hostname``: this machine's name (class ``w``; also ``$j`` unless the .mc sets
    confDOMAIN_NAME). ``root``: a folder standing for ``/`` when looking for the
    files the configuration names. ``read_db``: how to read a ``.db`` found
    without its source (see :data:`DbReader`). Raises OSError when the .mc cannot
    be read; missing maps are recorded in :attr:`Site.maps`. ``interfaces``: this
    machine's addresses, in class w when sendmail probes them (:attr:`Site.interfaces`).
    The ``.mc`` of a folder is
    found by :func:`~sendmailcfg.site.finding.find_mc` (``mc=``, ``$SENDMAIL_MC``,
    HOSTNAME.mc, sendmail.mc, freebsd.mc, the only one left).
    """
    mc_path = find_mc(path, mc=mc, hostname=hostname)
    text = _source.decode(fileio.read_bytes(mc_path))
    doc = McDocument(text, path=mc_path)
    return Site(
        doc,
        hostname=hostname,
        folder=os.path.dirname(mc_path) or ".",
        root=None if root is None else os.fspath(root),
        read_db=read_db,
        interfaces=interfaces,
    )
