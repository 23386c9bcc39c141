r"""The mailertable map (FEATURE(`mailertable')): where sendmail 8.17 sends each host.

:meth:`MailertableDocument.resolve` follows the rules of the generated .cf
(Parse1, ruleset 90 ``Mailertable``, ruleset 95 ``MailerToTriple``) as the
real sendmail was measured to run them: the exact host first, then
``.parent`` keys from the longest parent down, then ``.``; keys compared as
makemap folds them; ``%0``/``%1``/``%2``/``%%`` substituted; a value that is
not ``mailer:...`` fed back in as if it were the host.

>>> doc = MailertableDocument.from_text(
...     "takaq.jp\tsmtp:takaq.jp\n.takaq.jp\tsmtp:[mail2.takaq.jp]\n")
>>> r = doc.resolve("ken@www.takaq.jp")
>>> (r.key, r.line, r.mailer, r.host, r.user)
('.takaq.jp', 2, 'smtp', '[mail2.takaq.jp]', 'ken@www.takaq.jp')
>>> [p.key for p in r.tried]
['www.takaq.jp', '.takaq.jp']
>>> doc.resolve("example.org").route
Route(mailer='esmtp', host='example.org.', user=None)
"""

from __future__ import annotations

import difflib
import re
import sys
from collections.abc import Callable, Collection, Iterable
from typing import Literal, NamedTuple

import attrs

from sendmailcfg.maps.document import LocatedEntry, MapDocument
from sendmailcfg.maps.keys import fold as ascii_fold
from sendmailcfg.maps.routing import (
    ERROR_MAILER,
    Route,
    delivered,
    is_route,
    join,
    plain_route,
    route_of,
    routes,
    smart_host_route,
    tokens,
    triple,
)
from sendmailcfg.syntax.map_nodes import MapEntry

Reason = Literal["mailertable", "default", "smart-host", "local", "ip-literal", "invalid"]
"""What decided a route: a mailertable entry, the default esmtp route, SMART_HOST,
one of the host's own names, an IP literal ``[192.0.2.1]``, or an invalid address."""

_ADDRESS_SYNTAX = frozenset(' \t\r\n\x0b\x0c()<>,;:"\\')
CACHE_SIZE = 1 << 17
"""Answers kept per document for calls with default options: at least this many of the
most recently used, at most twice as many."""
_PLAIN_HOST = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")
_PLAIN_QUERY = re.compile(
    r'(?:([^@ \t\r\n\x0b\x0c()<>,;:"\\]+)@)?([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)(\.*)'
)
"""``local@host`` or ``host`` that passes sendmail's address checks, with a host of plain
labels (trailing dots allowed): groups local part (or None), host, trailing dots."""
_IPV6_LITERAL = re.compile(r'\[(?i:ipv6):([^\[\]@ \t\r\n\x0b\x0c()<>,;"\\]+)\]')
"""An IPv6 address literal ``[IPv6:2001:db8::1]`` (the tag in any case): group 1 the address."""
MAX_RULE_RECURSION = 50
"""sendmail's MAXRULERECURSION: ruleset 90 nests at most this deep, then gives up."""


@attrs.frozen
class Probe:
    """One mailertable lookup: the key sendmail formed, and what it found."""

    key: str
    """The key as sendmail formed it (it compares it lower-cased unless the map is ``-f``)."""
    args: tuple[str, ...]
    """``%1``, ``%2`` passed with the lookup (``.`` gets only ``%1``)."""
    entry: LocatedEntry | None
    """The entry found, or None."""
    value: str | None
    """The entry's value after ``%`` substitution."""
    routes: bool
    """True when the value has the form ``mailer:...`` and so decides the route (for a key
    with no entry, when the key itself reads so: ``.:x``)."""


Replay = Callable[[str], "tuple[Probe, ...]"]
"""Lists the probes of a query again, for a :class:`Resolution` that has not built them."""

_ROUTES = 0
"""How an entry's value reads: it routes as written (``mailer:...``)."""
_PERCENT = 1
"""It holds ``%``: what it says depends on the key looked up."""
_HOST = 2
"""It does not route: ruleset 90 looks it up again as if it were the host."""


class _Decision(NamedTuple):
    """A :class:`Resolution`'s reason, entry and value. For an entry of the route
    index also what its value says, worked out once: one tuple, shared by the
    answers that entry routes as written."""

    reason: Reason
    entry: LocatedEntry | None
    value: str | None
    kind: int = _HOST
    """_ROUTES, _PERCENT or _HOST."""
    mailer: str = ""
    """For a plain ``mailer:host`` value: the mailer, lower-cased (else ``""``)."""
    host: str = ""
    """And the host as /parse prints it."""
    prog: bool = False
    """The mailer is prog: the recipient is the local part alone."""
    value_tokens: tuple[str, ...] = ()
    """For any other routing value: its tokens, for ruleset 95."""


_DEFAULT = _Decision("default", None, None)
_SMART_HOST = _Decision("smart-host", None, None)


@attrs.define(repr=False, eq=False)
class Resolution:
    """Where sendmail delivers one address or host, and why.

    Read-only: every attribute is a property over a private slot. (Answers are cached
    and shared; ``attrs.frozen`` construction took a fifth of a fresh answer.) ``route``
    is made from its three strings each time it is asked for (``mailer``, ``host``
    and ``user`` need none), ``tried`` by replaying the lookups the first time.
    """

    _query: str
    _route: Route | tuple[str, str | None, str | None]
    """The route, or its (mailer, host, user)."""
    _decision: _Decision
    """``reason``, ``entry``, ``value`` (one tuple shared by the plain answers of an entry)."""
    _tried: tuple[Probe, ...] | Replay
    """The probes, or what lists them from the query the first time ``tried`` is asked for."""

    @property
    def query(self) -> str:
        """The address or host as given."""
        return self._query

    @property
    def route(self) -> Route:
        """The delivery triple (mailer, host, user) as ``sendmail -bt`` ``/parse`` prints it."""
        route = self._route
        return route if isinstance(route, Route) else Route(*route)

    @property
    def reason(self) -> Reason:
        """What decided the route."""
        return self._decision[0]

    @property
    def entry(self) -> LocatedEntry | None:
        """The mailertable entry that decided the route, or None."""
        return self._decision[1]

    @property
    def value(self) -> str | None:
        """That entry's value after ``%`` substitution, or None."""
        return self._decision[2]

    @property
    def tried(self) -> tuple[Probe, ...]:
        """Every mailertable key looked up, in order (empty for local names and IP literals)."""
        tried = self._tried
        if not isinstance(tried, tuple):
            tried = self._tried = tried(self._query)
        return tried

    def _fields(self) -> tuple[object, ...]:
        return (self.query, self.route, self.reason, self.entry, self.value, self.tried)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        assert isinstance(other, Resolution)
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __reduce__(self) -> tuple[type[Resolution], tuple[object, ...]]:
        # pickle and copy the answer, not the route index a replay would drag along
        return (Resolution, (self.query, self.route, self._decision, self.tried))

    def __repr__(self) -> str:
        return (
            f"Resolution(query={self.query!r}, route={self.route!r}, reason={self.reason!r}, "
            f"entry={self.entry!r}, value={self.value!r}, tried={self.tried!r})"
        )

    @property
    def key(self) -> str | None:
        """The matched key as written in the file, or None."""
        return None if self.entry is None else self.entry.key

    @property
    def line(self) -> int | None:
        """The matched entry's 1-based line, or None."""
        return None if self.entry is None else self.entry.line

    @property
    def mailer(self) -> str:
        route = self._route
        return route[0] if isinstance(route, tuple) else route.mailer

    @property
    def host(self) -> str | None:
        route = self._route
        return route[1] if isinstance(route, tuple) else route.host

    @property
    def user(self) -> str | None:
        route = self._route
        return route[2] if isinstance(route, tuple) else route.user

    def as_json(self, query: str | None = None) -> dict[str, object]:
        """The JSON object ``query mailertable --json`` prints (``query``: as given)."""
        decided = self.reason == "mailertable"
        route = self.route
        return {
            "address": self.query if query is None else query,
            "key": self.key,
            "mailer": route.mailer if decided else None,
            "host": route.host if decided else None,
            "user": route.user if decided else None,
            "line": self.line,
            "value": self.value,
            "reason": self.reason,
            "route": {"mailer": route.mailer, "host": route.host, "user": route.user},
        }

    def summary(self, query: str | None = None) -> str:
        """One line: ``QUERY -> ROUTE (why)``."""
        if self.reason == "mailertable":
            why = f"line {self.line}: {self.key}"
        else:
            why = {
                "default": "no entry: default route",
                "smart-host": "no entry: SMART_HOST",
                "local": "local name",
                "ip-literal": "IP literal",
                "invalid": "invalid address",
            }[self.reason]
        return f"{self.query if query is None else query} -> {describe(self.route)} ({why})"

    def explain(self) -> str:
        """The keys tried, in order, and which one decided: one line each."""
        lines = [f"{self.query} -> {describe(self.route)}"]
        width = max((len(p.key) for p in self.tried), default=0)
        for p in self.tried:
            if p.entry is None:
                what = "no entry"
            else:
                what = f"line {p.entry.line}: {p.entry.value}"
                if p.value != p.entry.value:
                    what += f" -> {p.value}"
                if p.routes:
                    what += "  <- routes"
                else:
                    what += "  (not mailer:..., looked up as a host)"
            lines.append(f"  {p.key:<{width}}  {what}")
        if self.reason != "mailertable":
            lines.append(f"  ({self._why()})")
        return "\n".join(lines)

    def _why(self) -> str:
        return {
            "mailertable": "mailertable",
            "default": "no mailertable route: the default esmtp route",
            "smart-host": "no mailertable route: SMART_HOST",
            "local": "one of this host's names: delivered locally, mailertable not consulted",
            "ip-literal": "IP literal: mailertable not consulted",
            "invalid": "rejected by sendmail's address checks",
        }[self.reason]


def describe(route: Route) -> str:
    """A route in words: ``smtp to [mail2.takaq.jp], user u@takaq.jp``.

    >>> describe(Route("*error*", "5.1.1", "550 User unknown"))
    '*error* 5.1.1: 550 User unknown'
    """
    if route.mailer == ERROR_MAILER:
        status = f" {route.host}" if route.host is not None else ""
        return f"{route.mailer}{status}: {route.user}"
    text = route.mailer
    if route.host is not None:
        text += f" to {route.host}"
    if route.user is not None:
        text += f", user {route.user}"
    return text


def substitute(value: str, key: str, args: tuple[str, ...]) -> str:
    """sendmail's map_rewrite: ``%0`` key, ``%1``..``%9`` args, ``%%`` a percent sign.

    >>> substitute("smtp:%2-%1.%0%%x%q", ".example", ("a.b", "b"))
    'smtp:b-a.b..example%x%q'
    """
    if "%" not in value:
        return value
    out: list[str] = []
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if c == "%" and i + 1 < n:
            d = value[i + 1]
            if d == "%":
                out.append("%")
                i += 2
                continue
            if d.isdigit() and d.isascii():
                k = int(d)
                if k == 0:
                    out.append(key)
                elif k <= len(args):
                    out.append(args[k - 1])
                i += 2
                continue
        out.append(c)
        i += 1
    return "".join(out)


_NO_ANSWERS: dict[str, Resolution] = {}
"""The answers of a document that has answered nothing (never written to)."""


class MailertableDocument(MapDocument):
    """A mailertable source file: resolve addresses, explain routes, add domains."""

    kind = "mailertable"

    # -- resolving ---------------------------------------------------------------------

    def resolve(
        self,
        address_or_host: str,
        *,
        local_names: Iterable[str] = (),
        smart_host: str | None = None,
        mailers: Collection[str] | None = None,
    ) -> Resolution:
        """Where sendmail 8.17 delivers ``user@host`` (or a bare ``host``), and why.

        ``local_names``: the host's own names (class ``w``; ``localhost`` always
        is one): they are delivered locally and never reach the mailertable.
        ``smart_host``: the .mc's ``SMART_HOST`` (used when no entry matches).
        ``mailers``: the mailer names the .cf defines (e.g.
        :data:`~sendmailcfg.maps.routing.STANDARD_MAILERS`); a route to any
        other mailer is an error, as ``/parse`` reports it. None: any name.

        Raises ValueError for text sendmail would parse as address syntax
        (blanks, ``()<>,;:"\\``), which this model does not cover.
        """
        if not local_names and smart_host is None and mailers is None:
            found = self._recent.get(address_or_host)
            if found is None:
                found = self._answer_and_keep(address_or_host)
            return found
        names = frozenset(ascii_fold(n.rstrip(".")) for n in local_names)
        known = None if mailers is None else frozenset(m.lower() for m in mailers)
        return self._router().answer(address_or_host, names, smart_host, known)

    def explain(
        self,
        address_or_host: str,
        *,
        local_names: Iterable[str] = (),
        smart_host: str | None = None,
        mailers: Collection[str] | None = None,
    ) -> str:
        """:meth:`resolve` in words: the route, then every key tried and what it found.

        >>> doc = MailertableDocument.from_text(".takaq.jp smtp:[mail2.takaq.jp]\\n")
        >>> print(doc.explain("u@a.takaq.jp"))
        u@a.takaq.jp -> smtp to [mail2.takaq.jp], user u@a.takaq.jp
          a.takaq.jp  no entry
          .takaq.jp   line 1: smtp:[mail2.takaq.jp]  <- routes
        """
        return self.resolve(
            address_or_host, local_names=local_names, smart_host=smart_host, mailers=mailers
        ).explain()

    _recent: dict[str, Resolution] = _NO_ANSWERS
    """Answers for calls with default options, most recent generation (see below)."""
    _older: dict[str, Resolution] = _NO_ANSWERS

    def _answer_and_keep(self, query: str) -> Resolution:
        """:meth:`resolve` with default options, past the recent answers.

        Two generations of ``CACHE_SIZE`` answers: answers go into ``_recent``;
        when it is full it becomes ``_older`` (the previous one goes), and an answer
        found there moves back into ``_recent``. The least recently used go, at the
        cost of dict operations only.
        """
        found = self._older.get(query)
        if found is None:
            router = self.__dict__.get("_route_index")
            if router is None:
                router = self._router()
            found = router.answer(query)
        recent = self._recent
        if len(recent) >= CACHE_SIZE or recent is _NO_ANSWERS:
            self._older = recent
            recent = self._recent = {}
        recent[query] = found
        return found

    def _router(self) -> _Router:
        """The route index of the entries as they are now (built once, dropped on edits)."""
        router = self.__dict__.get("_route_index")
        if router is None:
            router = _Router(self)
            self.__dict__["_route_index"] = router
        assert isinstance(router, _Router)
        return router

    # -- editing -----------------------------------------------------------------------

    def add_domain(self, domain: str, value: str) -> bool:
        """Route ``domain`` and all its subdomains: writes ``domain`` and ``.domain``.

        Returns True when the text changed. The ``.domain`` line goes right
        after the ``domain`` line when it is new.

        >>> doc = MailertableDocument.from_text("")
        >>> doc.add_domain("takaq.jp", "smtp:[mail2.takaq.jp]")
        True
        >>> doc.add_domain("takaq.jp", "smtp:[mail2.takaq.jp]")
        False
        >>> doc.text.splitlines()
        ['takaq.jp\\tsmtp:[mail2.takaq.jp]', '.takaq.jp\\tsmtp:[mail2.takaq.jp]']
        """
        name = domain.strip(".")
        if not name:
            raise ValueError(f"{domain!r} is not a domain (use the key '.' for a catch-all)")
        changed = self.set(name, value)
        changed = self.set("." + name, value, after=name) or changed
        return changed

    def preview_add_domain(self, domain: str, value: str) -> str:
        """The unified diff :meth:`add_domain` would make; the document is left alone."""
        trial = self.copy()
        assert isinstance(trial, MailertableDocument)
        trial.add_domain(domain, value)
        name = self.path or "mailertable"
        return "".join(
            difflib.unified_diff(
                self.text.splitlines(keepends=True),
                trial.text.splitlines(keepends=True),
                name,
                name,
            )
        )

    # Every edit invalidates the caches.

    def _forget(self) -> None:
        self.__dict__.pop("_recent", None)
        self.__dict__.pop("_older", None)
        self.__dict__.pop("_route_index", None)


def _check(local: str | None, host: str) -> Route | None:
    """The address checks of rulesets 3 and Parse0 that concern mailertable queries."""
    if local is not None:
        if not host:
            return Route(ERROR_MAILER, "5.1.3", '"553 Hostname required"')
        if not local:
            return Route(ERROR_MAILER, "5.1.3", '"553 User address required"')
        if "@" in local:
            return Route(ERROR_MAILER, "5.1.3", '"553 Invalid route address"')
    elif not host:
        return Route(ERROR_MAILER, "5.1.2", '"553 Invalid host name"')
    if host.startswith("["):
        close = host.find("]")
        if close > 0 and close != len(host) - 1:
            return Route(ERROR_MAILER, "5.1.2", '"553 Invalid address"')
        return None
    base = host.rstrip(".")
    if not base or base.startswith(".") or ".." in base:
        return Route(ERROR_MAILER, "5.1.2", '"553 Invalid host name"')
    return None


# -- the route index ---------------------------------------------------------------------


_Reading = tuple[int, str, str, bool, tuple[str, ...]]
"""What a value says, whatever the query: the last five fields of a :class:`_Decision`."""


def _reading(value: str) -> _Reading:
    if "%" in value:
        return (_PERCENT, "", "", False, ())
    plain = plain_route(value)
    if plain is not None:
        mailer, host = plain
        host = host.lower() if host.isascii() else host  # as delivered() prints it
        return (_ROUTES, sys.intern(mailer), host, mailer == "prog", ())
    if routes(value):
        return (_ROUTES, "", "", False, tuple(tokens(value)))
    return (_HOST, "", "", False, ())


class _Router:
    """A document's entries as sendmail's map holds them, and the lookups over them.

    A snapshot: edits build a new one, so a :class:`Resolution` can replay its
    lookups (``tried``) later against the entries it was answered from.
    """

    def __init__(self, doc: MapDocument) -> None:
        index: dict[str, _Decision] = {}
        readings: dict[str, _Reading] = {}  # values repeat: most maps name a few relays
        last = doc.duplicates == "last"
        folding = doc.fold_keys
        new = tuple.__new__
        for i, node in enumerate(doc.lines):
            if isinstance(node, MapEntry):
                key = written = node.key
                if folding:
                    key = key.lower() if key.isascii() else ascii_fold(key)
                if last or key not in index:
                    value = node.value
                    reading = readings.get(value)
                    if reading is None:
                        reading = readings[value] = _reading(value)
                    entry = LocatedEntry(written, value, i + 1, 1, node.value_column, node)
                    index[key] = new(_Decision, ("mailertable", entry, value, *reading))
        self.index = index
        self.fold_keys = folding
        self.replay: Replay = self.tried
        self.dot = index.get(".")
        """The entry of the key ``.``, or None."""
        self.host_dots = {k.count(".") for k in index if not k.startswith(".")}
        self.parent_dots = {k.count(".") for k in index if k.startswith(".")}
        """How many dots the keys have (host keys, ``.parent`` keys): a lookup of a key
        with a number of dots no key has cannot find anything, and is left out."""

    def answer(
        self,
        query: str,
        names: Collection[str] = (),
        smart_host: str | None = None,
        mailers: Collection[str] | None = None,
    ) -> Resolution:
        """:meth:`MailertableDocument.resolve` (``names`` folded, ``mailers`` lower-cased).

        Plain ``local@host`` queries walk the index by string slicing and leave
        their ``tried`` probes to be replayed when asked for; anything else, or a
        value that sendmail would look up again as a host, takes :meth:`resolve_tokens`.
        """
        m = _PLAIN_QUERY.fullmatch(query)
        if m is None:
            return self.resolve_tokens(query, names, smart_host, mailers)
        local, base, dots = m.groups()
        low = base.lower()
        if low == "localhost" or low in names:
            return self.resolve_tokens(query, names, smart_host, mailers)
        index = self.index
        key = low if self.fold_keys else base
        # The exact host (at 0), then ".parent" from the longest (at: its dot), then ".".
        n = key.count(".")
        found = index.get(key) if n in self.host_dots else None
        at = 0
        if found is None:
            parent_dots = self.parent_dots
            at = key.find(".")
            while at >= 0:  # key[at:] has n dots
                if n in parent_dots:
                    found = index.get(key[at:])
                    if found is not None:
                        break
                at = key.find(".", at + 1)
                n -= 1
            else:
                found = self.dot
        if found is not None:
            # Index, not unpack: what a plain answer does not need stays untouched.
            mailer = found[4]
            if mailer and (mailers is None or mailer in mailers):
                if local is None:
                    return Resolution(query, (mailer, found[5], None), found, self.replay)
                user = local if found[6] else f"{local}@{base}"
                return Resolution(query, (mailer, found[5], user), found, self.replay)
            canonical = base + "." if (dots or "." in base) else base
            routed = self._entry_route(query, found, at, local, base, canonical, mailers)
            if routed is not None:
                return routed
            if at >= 0:  # not ".": sendmail looks the value up as a host
                return self.resolve_tokens(query, names, smart_host, mailers)
        canonical = base + "." if (dots or "." in base) else base
        if smart_host:
            sh = smart_host_route(smart_host, local, canonical, local_names=names)
            if sh is not None:
                return Resolution(query, delivered(sh), _SMART_HOST, self.replay)
        user = None if local is None else f"{local}@{base}"
        return Resolution(query, ("esmtp", canonical.lower(), user), _DEFAULT, self.replay)

    def _entry_route(
        self,
        query: str,
        found: _Decision,
        at: int,
        local: str | None,
        base: str,
        canonical: str,
        mailers: Collection[str] | None,
    ) -> Resolution | None:
        """The answer of an entry whose value is not a plain ``mailer:host`` (a mailer the
        .cf does not define, ``%`` substitutions); None when sendmail looks it up again.
        ``at`` is where the matched key starts in ``base`` (-1: the key ``.``)."""
        entry = found.entry
        assert entry is not None
        kind = found.kind
        if kind == _ROUTES:
            if found.value_tokens:
                route = triple(list(found.value_tokens), local, canonical, mailers=mailers)
            else:  # a mailer the .cf does not define
                route = route_of(entry.value, local, canonical, mailers=mailers)
            return Resolution(query, delivered(route), found, self.replay)
        if kind == _PERCENT:
            # the key and the %1, %2 sendmail looks it up with
            if at == 0:
                value = substitute(entry.value, base, ())
            elif at > 0:
                label = base[base.rfind(".", 0, at) + 1 : at]
                value = substitute(entry.value, base[at:], (base[:at], label))
            else:
                value = substitute(entry.value, ".", (base,))
            if routes(value):
                route = delivered(route_of(value, local, canonical, mailers=mailers))
                return Resolution(query, route, _Decision("mailertable", entry, value), self.replay)
        return None

    def tried(self, query: str) -> tuple[Probe, ...]:
        """The probes of :meth:`search` for a query that reaches the mailertable."""
        local, _, host = query.rpartition("@")
        base = host.rstrip(".")
        canonical = base + "." if ("." in base or host.endswith(".")) else base
        workspace = [*(tokens(local) if local else []), "<", "@", *tokens(canonical), ">"]
        return self.search(base, workspace)[0]

    def resolve_tokens(
        self,
        query: str,
        names: Collection[str],
        smart_host: str | None,
        mailers: Collection[str] | None,
    ) -> Resolution:
        """:meth:`answer` for any query, on sendmail's tokens, recording every probe."""
        if "@" in query:
            local: str | None
            local, _, host = query.rpartition("@")
        else:
            local, host = None, query
        v6 = _IPV6_LITERAL.match(host)
        # In [IPv6:...] the colons are the address's own (canonify passes it through).
        bad = _ADDRESS_SYNTAX.intersection(query if v6 is None else local or "")
        if bad:
            raise ValueError(
                f"{query!r}: {''.join(sorted(bad))!r} is address syntax sendmail would parse "
                "(comments, lists, routes, quoting); give user@host or a host name"
            )
        invalid = _check(local, host)
        if invalid is not None:
            return Resolution(query, invalid, _Decision("invalid", None, None), ())
        if v6 is not None:
            host = f"[IPv6:{v6.group(1)}]"  # canonify writes the tag as IPv6
        base = host.rstrip(".")
        folded = ascii_fold(base)
        if host.startswith("[") and host.endswith("]"):
            if folded in names:  # one of this host's own addresses (class w)
                user = None if local is None else ascii_fold(local)
                route = Route("local", None, user)
                return Resolution(query, route, _Decision("local", None, None), ())
            user = None if local is None else f"{local}@{host}"
            route = Route("esmtp", host, user)
            if smart_host:
                st = tokens(smart_host)
                if is_route(st):
                    route = Route(st[0].lower(), join(st[2:]), user)
                else:
                    route = Route("esmtp", join(st), user)
            return Resolution(query, delivered(route), _Decision("ip-literal", None, None), ())
        if folded == "localhost" or folded in names:
            user = None if local is None else ascii_fold(local)
            return Resolution(query, Route("local", None, user), _Decision("local", None, None), ())
        canonical = base + "." if ("." in base or host.endswith(".")) else base
        workspace = [*(tokens(local) if local else []), "<", "@", *tokens(canonical), ">"]
        probes, garbled = self.search(base, workspace)
        if garbled is not None:
            # sendmail gave up: the rest of Parse1 sees "junk < @ host >" and the
            # junk ends up in front of the recipient.
            user = None
            if local is not None:
                user = join([*garbled, *tokens(local), "@", *tokens(base)])
            route = delivered(Route("esmtp", canonical, user))
            return Resolution(query, route, _DEFAULT, probes)
        last = probes[-1]
        if last.routes:
            value = last.key if last.value is None else last.value
            route = delivered(route_of(value, local, canonical, mailers=mailers))
            return Resolution(
                query, route, _Decision("mailertable", last.entry, last.value), probes
            )
        if smart_host:
            sh = smart_host_route(smart_host, local, canonical, local_names=names)
            if sh is not None:
                return Resolution(query, delivered(sh), _SMART_HOST, probes)
        user = None if local is None else f"{local}@{base}"
        route = delivered(Route("esmtp", canonical, user))
        return Resolution(query, route, _DEFAULT, probes)

    def probe(self, key: str, args: tuple[str, ...]) -> Probe:
        """One lookup as sendmail makes it: the key, folded unless the map is ``-f``."""
        if self.fold_keys:
            found = self.index.get(key.lower() if key.isascii() else ascii_fold(key))
        else:
            found = self.index.get(key)
        if found is None:
            return Probe(key, args, None, None, False)
        entry, kind = found.entry, found.kind
        assert entry is not None
        if kind == _ROUTES:
            return Probe(key, args, entry, entry.value, True)
        value = substitute(entry.value, key, args) if kind == _PERCENT else entry.value
        return Probe(key, args, entry, value, routes(value))

    def search(self, host: str, workspace: list[str]) -> tuple[tuple[Probe, ...], list[str] | None]:
        """Parse1's exact lookup, then ruleset 90: the probes up to the deciding one.

        ``workspace`` are the tokens after the host part: ``local < @ host. >``.
        The second item is None, or the workspace left in front of the address when
        sendmail gives up nesting ruleset 90 (a value that feeds back into itself).
        """
        if _PLAIN_HOST.fullmatch(host):
            fast = self.search_plain(host)
            if fast is not None:
                return fast, None
        probes = [self.probe(join(tokens(host)), ())]
        first = probes[0]
        if first.routes:
            return tuple(probes), None
        # A failed lookup leaves the key in the workspace.
        inner = tokens(first.value if first.value is not None else first.key)
        prefix: list[str] = []
        depth = 1  # Parse1 calls Mailertable; each "strip & try again" nests one deeper
        while True:
            if len(inner) == 2 and inner[1] == ".":
                # "label ." with nothing after: `$+` swallows "> local < @ host ." and
                # the key is nonsense such as ".>u<@host."; sendmail then carries on
                # with an empty host part (W is intact again after "strip & retry").
                label = inner[0]
                spill = [">", *workspace[:-1]]
                probe = self.probe("." + join(spill), (join([*prefix, label]), label))
                probes.append(probe)
                if probe.routes:
                    return tuple(probes), None
                prefix += [label, "."]
                inner = tokens(probe.value) if probe.value is not None else []
                depth += 1
                if depth >= MAX_RULE_RECURSION:
                    return tuple(probes), [*prefix, *inner]
                continue
            if len(inner) >= 3 and inner[1] == ".":
                # R$* <$- . $+ > $*  -- strip one label, look up ".rest"
                label, rest = inner[0], inner[2:]
                probe = self.probe("." + join(rest), (join([*prefix, label]), label))
                probes.append(probe)
                if probe.routes:
                    return tuple(probes), None
                prefix.append(label)
                inner = tokens(probe.value if probe.value is not None else probe.key)
                if probe.value is None and is_route(inner):
                    # a missing key stays in the workspace: ".:x" reads as mailer "."
                    probes[-1] = attrs.evolve(probe, routes=True)
                    return tuple(probes), None
            if len(inner) >= 2 and inner[0] == ".":
                # R$* < . $+ > $*  $@ $>Mailertable $1 . <$2> $3
                prefix.append(".")
                inner = inner[1:]
                depth += 1
                if depth >= MAX_RULE_RECURSION:
                    return tuple(probes), [*prefix, *inner]
                continue
            break
        probes.append(self.probe(".", (join([*prefix, *inner]),)))
        return tuple(probes), None

    def search_plain(self, host: str) -> tuple[Probe, ...] | None:
        """:meth:`search` for a host of plain labels; None when a value does not route
        (then the token-level search decides)."""
        probe = self.probe(host, ())
        if probe.routes:
            return (probe,)
        if probe.entry is not None:
            return None
        probes = [probe]
        labels = host.split(".")
        for i in range(1, len(labels)):
            probe = self.probe("." + ".".join(labels[i:]), (".".join(labels[:i]), labels[i - 1]))
            probes.append(probe)
            if probe.routes:
                return tuple(probes)
            if probe.entry is not None:
                return None
        probe = self.probe(".", (host,))
        probes.append(probe)
        return tuple(probes)
