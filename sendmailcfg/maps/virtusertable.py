r"""The virtusertable map (FEATURE(`virtusertable')): which entry takes a recipient.

:meth:`VirtusertableDocument.resolve` follows ruleset Parse1 of the .cf the
cf package builds (``proto.m4``), as the real sendmail 8.17 was measured to
run it (``sendmail -bt``, tests/test_virtusertable_oracle.py). For
``user+detail@domain`` the keys are, in order::

    user+detail@domain   %1 = user+detail
    user++@domain        %1 = user, %2 = detail, %3 = +detail   (detail not empty)
    user+*@domain        (same %1 %2 %3; also for an empty detail, user+@domain)
    user@domain
    ++@domain            (detail not empty)
    +*@domain
    @domain

and without ``+detail``: ``user@domain`` (``%1`` = user), then ``@domain``
(``%1`` = user). Only domains in class ``w`` (the host's own names) or
``{VirtHost}`` (``VIRTUSER_DOMAIN``/``VIRTUSER_DOMAIN_FILE``; with
FEATURE(`virtuser_entire_domain') their subdomains too) are looked up.

>>> doc = VirtusertableDocument.from_text(
...     "info@example.com\tinfo-list\n@example.com\t%1%3@mail.example.net\n")
>>> r = doc.resolve("info+sales@example.com", virtuser_domains=["example.com"])
>>> (r.key, r.result, r.line)
('info@example.com', 'info-list', 1)
>>> r.tried
('info+sales@example.com', 'info++@example.com', 'info+*@example.com', 'info@example.com')
>>> doc.resolve("bob+x@example.com", virtuser_domains=["example.com"]).result
'bob+x@mail.example.net'
>>> doc.resolve("bob@example.org", virtuser_domains=["example.com"]).looked_up
False
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

import attrs

from sendmailcfg.maps.access.tokens import join_key, match, reply_text, tokenize
from sendmailcfg.maps.document import LocatedEntry, MapDocument
from sendmailcfg.maps.keys import fold
from sendmailcfg.syntax.map_nodes import MapEntry

__all__ = [
    "MapProbe",
    "VirtuserError",
    "VirtuserResolution",
    "VirtusertableDocument",
    "error_reply",
]

_ADDRESS_SYNTAX = frozenset(' \t\r\n\x0b\x0c()<>,;:"\\')
_ROUTING = frozenset("%!@")
"""Class ``O`` of every m4-built .cf: with one of these in the local part of an
address at one of the host's own names, Parse0 reparses the local part."""
_ENHANCED = re.compile(r"[0-9]\.[0-9]{1,3}\.[0-9]{1,3}")
_REPLY = re.compile(r"([0-9]{3}) (.*)", re.DOTALL)
_REPLY_ENHANCED = re.compile(r"([0-9]\.[0-9]{1,3}\.[0-9]{1,3}) (.*)", re.DOTALL)


@attrs.frozen
class MapProbe:
    """One lookup a ruleset made: the key as sendmail formed it, and what it found."""

    key: str
    """The key (sendmail compares it lower-cased unless the map is ``-f``)."""
    args: tuple[str, ...]
    """``%1``, ``%2``, ... passed with the lookup."""
    entry: LocatedEntry | None
    """The entry found, or None."""
    value: str | None
    """The entry's value after ``%`` substitution (None when nothing was found)."""


@attrs.frozen
class VirtuserError:
    """An ``error:`` value: ``code`` is the status sendmail reads, ``reply`` what it sends.

    ``error:nouser 550 No such user`` gives code ``nouser`` and the reply
    ``550 5.0.0 <u@example.com>... No such user``; ``error:5.1.1:550 User
    unknown`` code ``5.1.1``, reply ``550 5.1.1 <u@example.com>... User unknown``;
    ``error:550 gone`` code ``550`` (no code in the text: the reply is ``553 5.3.0
    <u@example.com>... gone``).
    """

    code: str
    reply: str
    text: str = ""
    """The ``$:`` part: the text after the status, as sendmail reads it."""


@attrs.frozen
class VirtuserResolution:
    """What virtusertable does with one recipient, and why."""

    address: str
    key: str | None
    """The key that matched (as sendmail formed it), or None."""
    result: str | None
    """The new address (after ``%`` substitution), or None (no match, or an error)."""
    error: VirtuserError | None
    line: int | None
    entry: LocatedEntry | None
    tried: tuple[str, ...]
    """Every key looked up, in order."""
    looked_up: bool
    """False when the domain is not one virtusertable applies to."""
    probes: tuple[MapProbe, ...] = ()
    """The lookups with their ``%`` arguments and findings (same order as ``tried``)."""
    domain: str | None = None
    """The domain as Parse1 saw it (``localhost`` renamed ``host_name``), or None."""

    def as_json(self, query: str | None = None) -> dict[str, object]:
        """The JSON object ``query virtusertable --json`` prints (``query``: as given)."""
        return answer_json(
            self.address if query is None else query, self.key, self.result, self.error, self.line
        )

    def summary(self, query: str | None = None) -> str:
        """One line: ``QUERY -> RESULT (line N: KEY)`` (or the error reply)."""
        q = self.address if query is None else query
        return answer_summary(q, self.key, self.result, self.error, self.line, self.looked_up)

    def explain(self) -> str:
        """The answer in words, then every key tried and what it found.

        >>> doc = VirtusertableDocument.from_text("@example.com\\terror:nouser 550 No\\n")
        >>> print(doc.resolve("u@example.com", local_names=["example.com"]).explain())
        u@example.com -> error nouser: 550 5.0.0 <u@example.com>... No (line 1: @example.com)
          u@example.com  no entry
          @example.com   line 1: error:nouser 550 No  <- decides
        """
        return _explain(
            self.address,
            self.looked_up,
            self.key,
            self.line,
            self.result,
            self.error,
            self.probes,
            "virtusertable",
        )


def _explain(
    address: str,
    looked_up: bool,
    key: str | None,
    line: int | None,
    result: str | None,
    error: VirtuserError | None,
    probes: Sequence[MapProbe],
    what: str,
) -> str:
    if not looked_up:
        head = f"{address} -> not looked up (domain not one {what} applies to)"
    elif error is not None:
        head = f"{address} -> error {error.code}: {error.reply} (line {line}: {key})"
    elif result is not None:
        head = f"{address} -> {result} (line {line}: {key})"
    else:
        head = f"{address} -> unchanged (no entry)"
    lines = [head]
    width = max((len(p.key) for p in probes), default=0)
    for p in probes:
        if p.entry is None:
            lines.append(f"  {p.key.ljust(width)}  no entry")
        else:
            mark = "  <- decides" if p.key == key else ""
            lines.append(f"  {p.key.ljust(width)}  line {p.entry.line}: {p.value}{mark}")
    return "\n".join(lines)


CODES_NAMING_THE_ADDRESS = frozenset({"050", "250", "252", "450", "550", "553"})
"""Reply codes whose text sendmail starts with ``<address>...`` (``err.c``'s ``fmtmsg()``;
measured for every 4xx/5xx code with ``sendmail -bs``): 421, 451, 452, 552, 554... have none."""


def answer_json(
    query: str, key: str | None, result: str | None, error: VirtuserError | None, line: int | None
) -> dict[str, object]:
    """The JSON object of one virtusertable, genericstable or domaintable answer
    (``query KIND --json``): address, key, result, error, line."""
    return {
        "address": query,
        "key": key,
        "result": result,
        "error": None if error is None else {"code": error.code, "reply": error.reply},
        "line": line,
    }


def answer_summary(
    query: str,
    key: str | None,
    result: str | None,
    error: VirtuserError | None,
    line: int | None,
    looked_up: bool = True,
) -> str:
    """One answer as a line: ``QUERY -> RESULT (line N: KEY)``."""
    if error is not None:
        return f"{query} -> error: {error.reply} (line {line}: {key})"
    if result is not None:
        return f"{query} -> {result} (line {line}: {key})"
    if not looked_up:
        return f"{query} -> not looked up"
    return f"{query} -> no entry"


def error_reply(status: str, text: str, address: str) -> str:
    """The SMTP reply sendmail sends for ``$#error $@ status $: text`` at RCPT.

    Measured with ``sendmail -bs``: a text that starts with a three-digit code
    and a blank sets the reply code (and an enhanced code after it the status);
    else a status ``x.y.z`` is used, else ``c.0.0`` from the code; a text with no
    code is sent as ``553 5.3.0``. The address is named only for the codes of
    :data:`CODES_NAMING_THE_ADDRESS` (sendmail's ``fmtmsg()``): ``452 4.2.2 Mailbox
    full`` has none.

    >>> error_reply("nouser", "550 No such user", "u@example.com")
    '550 5.0.0 <u@example.com>... No such user'
    >>> error_reply("550", "gone", "u@example.com")
    '553 5.3.0 <u@example.com>... gone'
    >>> error_reply("4.2.2", "452 Mailbox full", "u@example.com")
    '452 4.2.2 Mailbox full'
    """
    m = _REPLY.fullmatch(text)
    if m is None:
        return f"553 5.3.0 <{address}>... {text}"
    code, rest = m.groups()
    e = _REPLY_ENHANCED.fullmatch(rest)
    if e is not None:
        enhanced, rest = e.groups()
    elif _ENHANCED.fullmatch(status):
        enhanced = status
    else:
        enhanced = f"{code[0]}.0.0"
    if code not in CODES_NAMING_THE_ADDRESS:
        return f"{code} {enhanced} {rest}"
    return f"{code} {enhanced} <{address}>... {rest}"


# -- ruleset 3 and Parse0, as far as these maps need them -----------------------------


@attrs.frozen
class _Address:
    local: list[str]
    domain: list[str] | None
    """Tokens of the domain without the trailing dot; None for a local name."""
    literal: bool = False
    """The domain is an IP literal ``[...]`` that is not one of the host's names."""


def _names(names: Collection[str]) -> frozenset[str]:
    return frozenset(fold(n.rstrip(".")) for n in names if n.rstrip("."))


def parse_address(address: str, *, local_names: frozenset[str], host_name: str | None) -> _Address:
    """``user@domain`` or ``user`` as rulesets 3 (canonify) and Parse0 leave it.

    ``localhost`` (and ``localhost.$m``) and an IP literal that is one of
    ``local_names`` become ``host_name`` when it is given. Raises ValueError for
    address syntax this model does not cover (blanks, ``()<>,;:"\\``, routes) and
    for addresses sendmail refuses (no user, no host, ``a@b@c``, bad host names).
    """
    bad = _ADDRESS_SYNTAX.intersection(address)
    if bad:
        raise ValueError(
            f"{address!r}: {''.join(sorted(bad))!r} is address syntax sendmail would parse "
            "(comments, lists, routes, quoting); give user@domain or user"
        )
    if "@" not in address:
        if not address:
            raise ValueError("empty address: give user@domain or user")
        return _Address(tokenize(address), None)
    local, _, host = address.rpartition("@")
    if not local:
        raise ValueError(f"{address!r}: no user before the @ (sendmail: User address required)")
    if "@" in local:
        raise ValueError(f"{address!r}: more than one @ (sendmail: Invalid route address)")
    if host.endswith("."):
        host = host[:-1]
    if not host:
        raise ValueError(f"{address!r}: no host after the @ (sendmail: Hostname required)")
    if host.startswith(".") or ".." in host:
        raise ValueError(f"{address!r}: empty label in the host (sendmail: Invalid host name)")
    folded = fold(host)
    if host.startswith("["):
        if not host.endswith("]"):
            raise ValueError(f"{address!r}: text after the ] (sendmail: Invalid address)")
        if folded not in local_names:
            return _Address(tokenize(local), tokenize(host), literal=True)
        host = host_name if host_name is not None else host
    elif host_name is not None and (
        folded == "localhost" or folded == "localhost." + fold(host_name).partition(".")[2]
    ):
        host = host_name
    own = fold(host) in local_names or (host_name is not None and fold(host) == fold(host_name))
    if own and _ROUTING.intersection(local):
        raise ValueError(
            f"{address!r}: {''.join(sorted(_ROUTING.intersection(local)))!r} in the local part "
            "of an address at this host: Parse0 reparses it as a route (not modelled)"
        )
    return _Address(tokenize(local), tokenize(host))


def in_class(domain: str, names: frozenset[str], entire: bool) -> bool:
    """``$=X`` (or ``$* $=X`` when ``entire``) on a domain, case-insensitively."""
    d = fold(domain)
    if d in names:
        return True
    if entire:
        at = d.find(".")
        while at >= 0:
            if d[at + 1 :] in names:
                return True
            at = d.find(".", at + 1)
    return False


class _Lookups:
    """Lookups in one document, recorded as probes."""

    def __init__(self, doc: MapDocument) -> None:
        self.doc = doc
        self.probes: list[MapProbe] = []

    def look(self, key: str, args: tuple[str, ...]) -> MapProbe:
        from sendmailcfg.maps.mailertable.document import substitute

        i = self.doc._effective(key)
        node = None if i is None else self.doc.lines[i]
        if i is None or not isinstance(node, MapEntry):
            probe = MapProbe(key, args, None, None)
        else:
            entry = LocatedEntry(node.key, node.value, i + 1, 1, node.value_column, node)
            probe = MapProbe(key, args, entry, substitute(entry.value, key, args))
        self.probes.append(probe)
        return probe


_ERROR_ENHANCED = ["<", "error", ":", "$-", ".", "$-", ".", "$-", ":", "$+", ">", "$*"]
_ERROR_PLAIN = ["<", "error", ":", "$-", "$+", ">", "$*"]
_RECURSE = ["<", "$+", ">", "$+", "<", "@", "$+", ">"]


def _dequote(token: str) -> str:
    if len(token) >= 2 and token.startswith('"') and token.endswith('"'):
        return token[1:-1]
    return token


class VirtusertableDocument(MapDocument):
    """A virtusertable source file (FEATURE(`virtusertable')): resolve recipients."""

    kind = "virtusertable"

    def resolve(
        self,
        address: str,
        *,
        local_names: Collection[str] = (),
        virtuser_domains: Collection[str] = (),
        entire_domain: bool = False,
        host_name: str | None = None,
    ) -> VirtuserResolution:
        """Which entry takes the recipient ``address``, and what it becomes.

        ``local_names``: class ``w`` (the host's own names: ``local-host-names``,
        ``LOCAL_DOMAIN``); ``virtuser_domains``: class ``{VirtHost}``
        (``VIRTUSER_DOMAIN``, ``VIRTUSER_DOMAIN_FILE``); ``entire_domain``:
        FEATURE(`virtuser_entire_domain') (subdomains of ``{VirtHost}``, not of
        class ``w``). ``host_name``: ``$j``; ruleset 3 renames ``localhost`` (and
        IP literals in class ``w``) to it, and it is in class ``w``. Without it
        ``localhost`` is taken as one of the host's names as written.

        ``result`` is the address the entry gives, which sendmail then resolves
        again from ruleset 3 (so it may itself be looked up). Raises ValueError for
        address syntax this model does not cover, and for addresses sendmail
        refuses before Parse1.
        """
        w_names = _names(local_names)
        if host_name is not None:
            w_names |= {fold(host_name.rstrip("."))}
        else:
            w_names |= {"localhost"}
        virt = _names(virtuser_domains)
        a = parse_address(address, local_names=w_names, host_name=host_name)
        if a.domain is None or a.literal:
            return VirtuserResolution(address, None, None, None, None, None, (), False)
        dom = join_key(a.domain)
        if not (in_class(dom, virt, entire_domain) or fold(dom) in w_names):
            return VirtuserResolution(address, None, None, None, None, None, (), False, domain=dom)
        run = _Lookups(self)
        virt_ok = in_class(dom, virt, entire_domain)
        w = _search(run, a.local, a.domain, virt_ok, fold(dom) in w_names)
        probes = tuple(run.probes)
        tried = tuple(p.key for p in probes)
        found = next((p for p in reversed(probes) if p.entry is not None), None)
        result, error = _outcome(w, found, address)
        if found is None or (result is None and error is None):
            return VirtuserResolution(
                address, None, None, None, None, None, tried, True, probes, dom
            )
        assert found.entry is not None
        return VirtuserResolution(
            address,
            found.key,
            result,
            error,
            found.entry.line,
            found.entry,
            tried,
            True,
            probes,
            dom,
        )

    def explain(
        self,
        address: str,
        *,
        local_names: Collection[str] = (),
        virtuser_domains: Collection[str] = (),
        entire_domain: bool = False,
        host_name: str | None = None,
    ) -> str:
        """:meth:`resolve` in words (see :meth:`VirtuserResolution.explain`)."""
        return self.resolve(
            address,
            local_names=local_names,
            virtuser_domains=virtuser_domains,
            entire_domain=entire_domain,
            host_name=host_name,
        ).explain()


def _outcome(
    w: list[str], found: MapProbe | None, address: str
) -> tuple[str | None, VirtuserError | None]:
    """``(result, error)`` of the workspace the lookups left (Parse1's last rules: an
    ``error:`` value becomes ``$#error``, anything else is resolved again)."""
    m = match(_ERROR_ENHANCED, w)
    if m is not None:
        status = ".".join(t[0] for t in m[:3])
        text = reply_text(m[3])
        return None, VirtuserError(status, error_reply(status, text, address), text)
    m = match(_ERROR_PLAIN, w)
    if m is not None:
        status = _dequote(m[0][0])
        text = reply_text(m[1])
        return None, VirtuserError(status, error_reply(status, text, address), text)
    m = match(_RECURSE, w)
    if m is not None and found is not None and found.value is not None:
        value = found.value
        return (value if m[0] == tokenize(value) else join_key(m[0])), None
    return None, None


def _look(run: _Lookups, key: list[str], args: tuple[list[str], ...], default: str) -> list[str]:
    """``$(virtuser key $@ args $: default $)``: the value's tokens, or the default."""
    p = run.look(join_key(key), tuple(join_key(a) for a in args))
    return tokenize(p.value) if p.value is not None else [default]


_NOT_FOUND = ["<", "@", ">"]
_UNMARKED = ["<", "!", ">"]
_PLUS_DETAIL = ["$+", "+", "$+", "<", "@", "$*", ".", ">"]
_PLUS_ANY = ["$+", "+", "$*", "<", "@", "$*", ".", ">"]
_PLUS_DETAIL_DOM = ["$+", "+", "$+", "<", "@", "$+", ".", ">"]
_PLUS_ANY_DOM = ["$+", "+", "$*", "<", "@", "$+", ".", ">"]


def _search(run: _Lookups, local: list[str], domain: list[str], virt: bool, own: bool) -> list[str]:
    """Parse1's virtuser rules on ``<!> local < @ domain . >``, as sendmail runs them.

    ``virt``/``own``: the domain is in ``{VirtHost}`` / class ``w``. Returns the
    workspace after the rules (``< value > local < @ domain . >`` when an entry
    decided). The markers ``<!>`` (not looked up) and ``<@>`` (not found) are
    tokens like any other, so a value ``@`` or ``!`` reads as one of them.
    """
    tail = ["<", "@", *domain, ".", ">"]
    w = [*_UNMARKED, *local, *tail]
    for in_class_ in (virt, own):
        if in_class_ and w[:3] == _UNMARKED:
            w = ["<", *_look(run, [*local, "@", *domain], (local,), "@"), ">", *local, *tail]

    def step(pattern: list[str], key: list[str] | None, default: str = "@") -> None:
        nonlocal w
        if w[:3] != _NOT_FOUND:
            return
        m = match(pattern, w[3:])
        if m is None:
            return
        user, detail, dom = m
        assert key is not None
        k = [t for part in key for t in ({"U": user, "D": dom}.get(part) or [part])]
        value = _look(run, k, (user, detail, ["+", *detail]), default)
        w = ["<", *value, ">", *user, "+", *detail, "<", "@", *dom, ".", ">"]

    step(_PLUS_DETAIL, ["U", "+", "+", "@", "D"])
    step(_PLUS_ANY, ["U", "+", "*", "@", "D"])
    step(_PLUS_ANY, ["U", "@", "D"])
    step(_PLUS_DETAIL_DOM, ["+", "+", "@", "D"])
    step(_PLUS_ANY_DOM, ["+", "*", "@", "D"])
    step(_PLUS_ANY_DOM, ["@", "D"], "!")
    if w[:3] == _NOT_FOUND:
        m = match(["$+", "<", "@", "$+", ".", ">"], w[3:])
        if m is not None:
            user, dom = m
            value = _look(run, ["@", *dom], (user,), "@")
            w = ["<", *value, ">", *user, "<", "@", *dom, ".", ">"]
    if w[:3] in (_NOT_FOUND, _UNMARKED) and len(w) > 3:
        w = w[3:]
    return w
