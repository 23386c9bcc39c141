r"""What sendmail 8.17's access-db rulesets decide, computed from an access document.

This follows the rulesets of ``cf/m4/proto.m4`` token by token: ``D``
(LookUpDomain), ``A`` (LookUpAddress), ``F``, ``U``, ``SearchList``,
``Basic_check_relay``, ``Basic_check_mail``, ``Rcpt_ok``/``Relay_ok`` and
the variants the features ``lookupdotdomain``, ``relay_hosts_only``,
``blocklist_recipients``, ``delay_checks`` and ``access_db``'s ``skip``
argument put in their place. It assumes ``FEATURE(`accept_unresolvable_domains')``
(no DNS) and canonical host names (as with ``FEATURE(`nocanonify')``).

>>> from sendmailcfg.maps.access import AccessDocument
>>> doc = AccessDocument.from_text("Connect:192.0.2\tREJECT\nexample.com\tRELAY\n")
>>> d = check_connect(doc, "host.example.net", "192.0.2.55")
>>> d.action, d.code, d.reply, d.key
('REJECT', '5.7.1', '550 Access denied', 'Connect:192.0.2')
>>> for key in d.tried: print(key)
Connect:host.example.net
host.example.net
Connect:example.net
example.net
Connect:net
net
Connect:192.0.2.55
192.0.2.55
Connect:192.0.2
>>> check_to(doc, "u@sub.example.com").action
'RELAY'
>>> check_to(doc, "u@other.example").reply
'550 Relaying denied'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal, Protocol

import attrs

from sendmailcfg.maps.access.tokens import join_key, match, reply_text, same, tokenize
from sendmailcfg.maps.document import LocatedEntry, MapDocument
from sendmailcfg.maps.keys import fold

FEATURES = ("lookupdotdomain", "relay_hosts_only", "skip", "blocklist_recipients", "delay_checks")
"""Feature names the decisions understand (``skip`` is ``FEATURE(`access_db', ..., `skip')``)."""

ACTIONS = ("OK", "RELAY", "REJECT", "DISCARD", "ERROR", "QUARANTINE", "SKIP")
RESOLVE_STATUSES = ("OK", "FAIL", "FORGED", "TEMP")
"""The values of ``${client_resolve}`` (how the client's reverse DNS went)."""

__all__ = [
    "ACTIONS",
    "FEATURES",
    "RESOLVE_STATUSES",
    "AccessDecision",
    "AccessQueryError",
    "Client",
    "check_connect",
    "check_from",
    "check_to",
]


def name_addr(text: str, what: str) -> tuple[str, str]:
    """``NAME:ADDR`` as (``${client_name}``, ``${client_addr}``), or ValueError.

    NAME may be empty, a host name, or a bracketed ``[192.0.2.7]`` /
    ``[IPv6:2001:db8::7]`` name (written as sendmail writes it); ADDR must be an
    IP address (or empty: a local client).

    >>> name_addr("[IPv6:2001:db8::7]:2001:db8::7", "--client")
    ('[IPv6:2001:db8:0:0:0:0:0:7]', 'IPv6:2001:db8:0:0:0:0:0:7')
    """
    from sendmailcfg.maps.access.keys import client_addr_text

    if text.startswith("["):
        close = text.find("]")
        if close < 0 or text[close + 1 : close + 2] != ":":
            raise ValueError(f"{what} {text!r}: expected [ADDRESS]:ADDR after a bracketed name")
        name, addr = text[: close + 1], text[close + 2 :]
        try:
            name = f"[{client_addr_text(name[1:-1])}]"
        except ValueError:
            raise ValueError(f"{what} {text!r}: {name} is not a bracketed IP address") from None
    else:
        name, sep, addr = text.partition(":")
        if not sep:
            raise ValueError(f"{what} {text!r}: expected NAME:ADDR (NAME may be empty)")
    if addr:
        try:
            addr = client_addr_text(addr)
        except ValueError:
            raise ValueError(f"{what} {text!r}: {addr!r} is not an IP address") from None
    return name, addr


class _Checks(Protocol):
    """What :func:`ask` needs of a document (an :class:`~sendmailcfg.maps.AccessDocument`)."""

    def check_connect(
        self, name: str | None, addr: str | None, *, features: Iterable[str] = ()
    ) -> AccessDecision: ...

    def check_from(
        self,
        address: str,
        *,
        client: Client | None = None,
        features: Iterable[str] = (),
        local_names: Iterable[str] = (),
        host_name: str | None = None,
    ) -> AccessDecision: ...

    def check_to(
        self,
        address: str,
        *,
        client: Client | None = None,
        sender: str | None = None,
        features: Iterable[str] = (),
        local_names: Iterable[str] = (),
        relay_domains: Iterable[str] = (),
        host_name: str | None = None,
    ) -> AccessDecision: ...


def ask(
    doc: _Checks,
    query: str,
    *,
    features: Iterable[str] = (),
    local_names: Iterable[str] = (),
    client: Client | None = None,
    sender: str | None = None,
    relay_domains: Iterable[str] = (),
) -> AccessDecision:
    r"""Answer one query of the ``connect:NAME:ADDR``, ``from:ADDRESS``, ``to:ADDRESS``
    grammar (``query access``) with ``doc``'s check; AccessQueryError for anything else.

    >>> from sendmailcfg.maps.access import AccessDocument
    >>> doc = AccessDocument.from_text("Connect:192.0.2.7 REJECT\n")
    >>> ask(doc, "connect:mx.test:192.0.2.7").action
    'REJECT'
    """
    kind, arg = split_query(query)
    if kind == "connect":
        name, addr = name_addr(arg, "connect:")  # checked by split_query
        return doc.check_connect(name, addr, features=features)
    if kind == "from":
        return doc.check_from(arg, features=features, local_names=local_names, client=client)
    return doc.check_to(
        arg,
        features=features,
        local_names=local_names,
        client=client,
        sender=sender,
        relay_domains=relay_domains,
    )


def split_query(query: str) -> tuple[Literal["connect", "from", "to"], str]:
    """The kind and argument of a ``query access`` query (the one reader of its grammar,
    for the model and the ``.cf`` engine alike): ``connect:NAME:ADDR`` gives
    ``("connect", "NAME:ADDR")`` with ``NAME:ADDR`` checked (:func:`name_addr`);
    AccessQueryError for anything else.

    >>> split_query("connect:mx.test:192.0.2.7"), split_query("to:ken@x.example")
    (('connect', 'mx.test:192.0.2.7'), ('to', 'ken@x.example'))
    """
    kind, sep, arg = query.partition(":")
    if kind == "connect" and sep:
        try:
            name, addr = name_addr(arg, "connect:")
        except ValueError as exc:
            raise AccessQueryError(str(exc)) from None
        return "connect", f"{name}:{addr}"
    if kind == "from" and sep:
        return "from", arg
    if kind == "to" and sep:
        return "to", arg
    raise AccessQueryError(f"{query!r}: expected connect:NAME:ADDR, from:ADDRESS or to:ADDRESS")


class AccessQueryError(ValueError):
    """A query this model cannot answer (an address form the rulesets rewrite first)."""


@attrs.frozen
class Client:
    """The SMTP client: ``${client_name}`` and ``${client_addr}`` as sendmail sets them.

    ``addr`` is the macro text (``192.0.2.1``, ``IPv6:2001:db8:0:0:0:0:0:1``); an
    empty ``addr`` means a local submission. None means "not known to the access
    map": its name and address are not looked up.
    """

    name: str | None = None
    addr: str | None = None
    resolve: str | None = attrs.field(default=None, kw_only=True)
    """``${client_resolve}``: OK, FAIL, FORGED or TEMP; None: as sendmail's daemon.c
    sets it, FAIL for a bracketed ``[address]`` name (no reverse DNS), else OK."""

    def __attrs_post_init__(self) -> None:
        if self.resolve is not None and self.resolve.upper() not in RESOLVE_STATUSES:
            raise ValueError(
                f"client resolve status {self.resolve!r}: expected one of "
                + ", ".join(RESOLVE_STATUSES)
            )

    @property
    def resolve_status(self) -> str:
        """The resolve status sendmail has for this client (see ``resolve``)."""
        if self.resolve is not None:
            return self.resolve.upper()
        return "FAIL" if (self.name or "").startswith("[") else "OK"


@attrs.frozen
class AccessDecision:
    """What sendmail decides for one query.

    ``action`` is OK, RELAY, REJECT, DISCARD, ERROR, QUARANTINE (or SKIP is never
    returned: it only stops a search) or None when the access map decides
    nothing. For errors ``code`` is the enhanced status (or None) and ``reply``
    the SMTP reply text as sendmail sends it; for QUARANTINE ``reply`` is the
    reason. ``key``/``line`` name the entry that decided (as written in the
    file), ``tried`` lists every key looked up, in order.
    """

    check: str
    action: str | None
    code: str | None = None
    reply: str | None = None
    key: str | None = None
    line: int | None = None
    tried: tuple[str, ...] = ()

    @property
    def reason(self) -> str | None:
        """The quarantine reason (QUARANTINE only)."""
        return self.reply if self.action == "QUARANTINE" else None

    def smtp_reply(self, address: str | None = None) -> str | None:
        """The SMTP reply line sendmail sends for a refusal (None when it accepts).

        A reply text that does not start with a 2xx-5xx code becomes ``553 5.3.0``
        (as sendmail does); ``address`` is the MAIL FROM / RCPT TO argument.

        >>> AccessDecision("from", "REJECT", "5.7.1", "550 Access denied").smtp_reply("a@b.test")
        '550 5.7.1 <a@b.test>... Access denied'
        >>> AccessDecision("from", "ERROR", None, "foo bar").smtp_reply()
        '553 5.3.0 foo bar'
        """
        if self.action not in ("REJECT", "ERROR") or self.reply is None:
            return None
        m = re.match(r"([245]\d\d) (.*)", self.reply, re.S)
        number, text = (m.group(1), m.group(2)) if m else ("553", self.reply)
        status = self.code or (f"{number[0]}.0.0" if m else "5.3.0")
        where = f"<{address}>... " if address is not None else ""
        return f"{number} {status} {where}{text}"

    @property
    def rejects(self) -> bool:
        """True when sendmail refuses (or quarantines / discards) what was asked."""
        return self.action in ("REJECT", "ERROR", "DISCARD", "QUARANTINE")

    def as_json(self, query: str) -> dict[str, object]:
        """The JSON object ``query access --json`` prints for ``query`` (as given)."""
        return {
            "query": query,
            "key": self.key,
            "action": self.action,
            "code": self.code,
            "reply": self.reply,
        }

    def summary(self, query: str) -> str:
        """One line: ``QUERY -> ACTION CODE REPLY (line N: KEY)``.

        >>> AccessDecision("to", "REJECT", "5.7.1", "550 no", "spam.test", 3).summary("to:x")
        'to:x -> REJECT 5.7.1 550 no (line 3: spam.test)'
        """
        what = " ".join(x for x in (self.action or "no decision", self.code, self.reply) if x)
        why = f"line {self.line}: {self.key}" if self.key is not None else "no entry"
        return f"{query} -> {what} ({why})"

    def explain(self, query: str) -> str:
        """:meth:`summary` and every key looked up, in order."""
        return self.summary(query) + "\n  tried: " + (", ".join(self.tried) or "(nothing)")


_Found = tuple[list[str], LocatedEntry]
_Verdict = tuple[str | None, str | None, str | None]
_ERRORS = ("REJECT", "ERROR", "DISCARD", "QUARANTINE")


@attrs.frozen
class _Env:
    features: frozenset[str]
    local_names: frozenset[str]
    relay_domains: tuple[tuple[str, ...], ...]
    host_name: str | None

    def has(self, feature: str) -> bool:
        return feature in self.features

    def in_w(self, tokens: Sequence[str]) -> bool:
        return fold(join_key(tokens)) in self.local_names

    def r_suffix(self, tokens: Sequence[str], exact: bool) -> bool:
        low = tuple(fold(t) for t in tokens)
        for member in self.relay_domains:
            if (low == member) if exact else (low[len(low) - len(member) :] == member):
                return True
        return False

    def r_prefix(self, tokens: Sequence[str]) -> bool:
        low = tuple(fold(t) for t in tokens)
        return any(low[: len(m)] == m for m in self.relay_domains if m)


def _env(
    features: Iterable[str],
    local_names: Iterable[str],
    relay_domains: Iterable[str],
    host_name: str | None,
) -> _Env:
    feats = frozenset(features)
    unknown = sorted(feats - set(FEATURES))
    if unknown:
        raise ValueError(f"unknown feature(s) {', '.join(unknown)}; known: {', '.join(FEATURES)}")
    names = {"localhost", *(fold(n.rstrip(".")) for n in local_names)}
    if host_name:
        names.add(fold(host_name))
    relay = tuple(tuple(fold(t) for t in tokenize(r)) for r in relay_domains if tokenize(r))
    return _Env(feats, frozenset(names), relay, host_name)


class _Run:
    """One query: the lookups sendmail makes, recorded."""

    def __init__(self, doc: MapDocument, env: _Env) -> None:
        self.doc = doc
        self.env = env
        self.tried: list[str] = []

    def get(self, key: str) -> _Found | None:
        self.tried.append(key)
        entry = self.doc.find(key)
        if entry is None:
            return None
        value = tokenize(entry.value)
        if len(value) == 1 and value[0] == "?":  # the rulesets' own "not found" mark
            return None
        return value, entry

    def tagged(self, tag: str, body: Sequence[str], plus: bool = True) -> _Found | None:
        found = self.get(f"{tag}:{join_key(body)}")
        if found is None and plus:
            found = self.get(join_key(body))
        return found

    def skipped(self, found: _Found) -> bool:
        v = found[0]
        return self.env.has("skip") and len(v) == 1 and same(v[0], "SKIP")

    def domain(self, host: Sequence[str], tag: str, plus: bool = True) -> _Found | None:
        """Ruleset D: the host, then (lookupdotdomain) ``.parent``, then the parents."""
        host = list(host)
        while True:
            found = self.tagged(tag, host, plus) if host else None
            if found is None and self.env.has("lookupdotdomain"):
                m = match(["$+", ".", "$+"], host)
                if m is not None:
                    found = self.tagged(tag, [".", *m[1]], plus)
            if found is not None:
                return None if self.skipped(found) else found
            if len(host) >= 2 and host[0] == "[" and host[-1] == "]":
                inner = None
                for pat in (["$+", ".", "$-"], ["$+", ":", ":", "$-"], ["$+", ":", "$-"]):
                    m = match(pat, host[1:-1])
                    if m is not None:
                        inner = m[0]
                        break
                if inner is not None:
                    host = ["[", *inner, "]"]
                    continue
            m = match(["$+", ".", "$+"], host)
            if m is None:
                return None
            host = m[1]

    def address(self, addr: Sequence[str], tag: str, plus: bool = True) -> _Found | None:
        """Ruleset A: the address, then shorter prefixes (IPv6 groups, IPv4 octets)."""
        addr = list(addr)
        while addr:
            found = self.tagged(tag, addr, plus)
            if found is not None:
                return None if self.skipped(found) else found
            for pat in (["$+", ":", ":", "$-"], ["$+", ":", "$-"], ["$+", ".", "$-"]):
                m = match(pat, addr)
                if m is not None:
                    addr = m[0]
                    break
            else:
                return None
        return None

    def full(self, key: list[str], tag: str) -> _Found | None:
        """Ruleset F: ``user+detail@domain``, ``user+*@domain``, ``user@domain``."""
        found = self.tagged(tag, key)
        if found is None:
            m = match(["$+", "+", "$*", "@", "$+"], key)
            if m is not None:
                found = self.tagged(tag, [*m[0], "+", "*", "@", *m[2]])
                if found is None:
                    found = self.tagged(tag, [*m[0], "@", *m[2]])
        return found

    def user(self, key: list[str], tag: str) -> _Found | None:
        """Ruleset U: ``user+detail@``, ``user+*@``, ``user@``."""
        found = self.tagged(tag, key)
        if found is None:
            m = match(["$+", "+", "$*", "@"], key)
            if m is not None:
                found = self.tagged(tag, [*m[0], "+", "*", "@"])
                if found is None:
                    found = self.tagged(tag, [*m[0], "@"])
        return found

    def search(self, tag: str, items: list[tuple[str, list[str]]]) -> _Found | None:
        """Ruleset SearchList (always ``+``: with and without the tag)."""
        for mark, key in items:
            if mark == "F":
                found = self.full(key, tag)
            elif mark == "U":
                found = self.user(key, tag)
            else:
                found = self.domain(key, tag)
            if found is not None:
                return found
        return None

    def decision(
        self, check: str, verdict: _Verdict, found: _Found | None = None
    ) -> AccessDecision:
        action, code, reply = verdict
        return AccessDecision(
            check,
            action,
            code,
            reply,
            found[1].key if found else None,
            found[1].line if found else None,
            tuple(self.tried),
        )


def _verdict(
    value: list[str],
    reject: tuple[str, str] = ("5.7.1", "550 Access denied"),
    rest: list[str] | None = None,
) -> _Verdict:
    """The error / accept a looked-up value turns into (Basic_check_relay's order).

    ``rest``: what follows ``< value >`` in the workspace of check_mail and
    check_rcpt (their rules read ``<QUARANTINE:$+> $*``, so with nothing after the
    colon ``$+`` reaches into the address); None for check_relay (``<...> <$*>``).
    """
    if not value:
        return None, None, None
    if rest is not None and value[-1] == ":":
        ws = ["<", *value, ">", *rest]
        m = match(["<", "QUARANTINE", ":", "$+", ">", "$*"], ws)
        if m is not None:
            return "QUARANTINE", None, reply_text(m[0])
        m = match(["<", "ERROR", ":", "$-", ".", "$-", ".", "$-", ":", "$+", ">", "$*"], ws)
        if m is not None:
            return "ERROR", f"{m[0][0]}.{m[1][0]}.{m[2][0]}", reply_text(m[3])
        m = match(["<", "ERROR", ":", "$+", ">", "$*"], ws)
        if m is not None:
            return "ERROR", None, reply_text(m[0])
    if len(value) == 1:
        word = value[0].upper() if value[0].isascii() else value[0]
        if word in ("OK", "RELAY"):
            return word, None, None
        if word == "REJECT":
            return "REJECT", reject[0], reject[1]
        if word == "DISCARD":
            return "DISCARD", None, None
    m = match(["QUARANTINE", ":", "$+"], value)
    if m is not None:
        return "QUARANTINE", None, reply_text(m[0])
    m = match(["ERROR", ":", "$-", ".", "$-", ".", "$-", ":", "$+"], value)
    if m is not None:
        return "ERROR", f"{m[0][0]}.{m[1][0]}.{m[2][0]}", reply_text(m[3])
    m = match(["ERROR", ":", "$+"], value)
    if m is not None:
        return "ERROR", None, reply_text(m[0])
    return "ERROR", None, reply_text(value)


def _split(address: str) -> tuple[list[str], list[str] | None]:
    text = address.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    tokens = tokenize(text)
    ats = [i for i, t in enumerate(tokens) if t == "@"]
    literal = len(ats) == 1 and tokens[ats[0] + 1 : ats[0] + 2] == ["["] and tokens[-1] == "]"
    bad = [
        t
        for i, t in enumerate(tokens)
        if t in ("%", "!", ",", ";", "<", ">", "(", ")")
        or t[0] == '"'
        or (t == ":" and not (literal and i > ats[0]))
    ]
    if bad:
        raise AccessQueryError(
            f"{address!r}: addresses with {bad[0]!r} are rewritten by sendmail's canonify "
            "rules first; ask about the plain user@domain form"
        )
    if not ats:
        if not tokens:
            raise AccessQueryError("empty address")
        return tokens, None
    i = ats[0]
    if len(ats) > 1 or i == 0 or i == len(tokens) - 1:
        raise AccessQueryError(f"{address!r}: expected user@domain or a plain user name")
    return tokens[:i], tokens[i + 1 :]


def _canonify_domain(domain: list[str], env: _Env) -> list[str]:
    """Canonify2 (without DNS) plus the stripping of trailing dots."""
    j = tokenize(env.host_name) if env.host_name else None
    low = fold(join_key(domain))
    m_part = env.host_name.partition(".")[2] if env.host_name else ""
    local_forms = {"localhost", "localhost.uucp"}
    if m_part:
        local_forms.add(fold("localhost." + m_part))
    if j and (low in local_forms or (domain[0] == "[" and env.in_w(domain))):
        domain = list(j)
    while len(domain) > 1 and domain[-1] == ".":
        domain = domain[:-1]
    return domain


def check_connect(
    doc: MapDocument,
    name: str | None,
    addr: str | None,
    *,
    features: Iterable[str] = (),
) -> AccessDecision:
    """``check_relay``: the client name (domain walk) then its address (prefix walk).

    ``addr`` is ``${client_addr}`` as sendmail writes it (see
    :func:`~sendmailcfg.maps.access.keys.client_addr_text`). With
    ``delay_checks`` nothing is decided at connection time (see :func:`check_to`).
    """
    env = _env(features, (), (), None)
    run = _Run(doc, env)
    if env.has("delay_checks"):
        return run.decision("connect", (None, None, None))
    return _relay_check(run, name, addr)


def _relay_check(run: _Run, name: str | None, addr: str | None) -> AccessDecision:
    name_t = tokenize(name or "")
    addr_t = tokenize(addr or "")
    if not addr_t:
        return run.decision("connect", (None, None, None))
    found = run.domain(name_t, "Connect") if name_t else None
    if found is None:
        found = run.address(addr_t, "Connect")
    if found is None:
        return run.decision("connect", (None, None, None))
    return run.decision("connect", _verdict(found[0]), found)


def check_from(
    doc: MapDocument,
    address: str,
    *,
    client: Client | None = None,
    features: Iterable[str] = (),
    local_names: Iterable[str] = (),
    host_name: str | None = None,
) -> AccessDecision:
    """``check_mail``: ``From:user@domain`` (+detail forms), ``From:user@``, the domain walk.

    With ``delay_checks`` nothing is decided at MAIL time (see :func:`check_to`).
    """
    env = _env(features, local_names, (), host_name)
    run = _Run(doc, env)
    if env.has("delay_checks"):
        return run.decision("from", (None, None, None))
    return _mail_check(run, address, client)


def _tls_client(run: _Run, client: Client | None) -> AccessDecision | None:
    """tls_client at MAIL time for a client without STARTTLS (``${verify}`` empty).

    ``TLS_Clt:`` entries (client name walk, address walk, then the bare tag)
    requiring VERIFY or ENCR:bits > 0 refuse such a client.
    """
    name = tokenize(client.name or "") if client else []
    addr = tokenize(client.addr or "") if client else []
    found = run.domain(name, "TLS_Clt", plus=False) if name else None
    if found is None and addr:
        found = run.address(addr, "TLS_Clt", plus=False)
    if found is None:
        found = run.get("TLS_Clt:")
    if found is None:
        return None
    v = found[0]
    number, status, rest = "454", "4.7.0", v
    if len(v) >= 3 and v[1] == "+" and v[2].upper() in ("VERIFY", "ENCR"):
        if same(v[0], "PERM"):
            number, status, rest = "503", "5.7.0", v[2:]
        elif same(v[0], "TEMP"):
            number, status, rest = "403", "4.7.0", v[2:]
    if not rest or rest[0].upper() not in ("VERIFY", "ENCR"):
        return None
    verify = same(rest[0], "VERIFY")
    if len(rest) == 1 or rest[1] == "+":
        if not verify:
            return None
    elif match(["$-", ":", "$-", "$*"], rest) is None:
        return None
    if verify:
        reply = reply_text([number, '" authentication required"'])
    else:
        bits = rest[2]
        if not bits.isdigit() or int(bits) == 0:
            return None
        reply = reply_text([number, '" encryption too weak "', "0", '" less than "', bits])
    return run.decision("from", ("ERROR", status, reply), found)


def _mail_check(run: _Run, address: str, client: Client | None) -> AccessDecision:
    env = run.env
    text = address.strip()
    tls = _tls_client(run, client)
    if tls is not None:
        return tls
    if text in ("", "<>"):
        return run.decision("from", (None, None, None))
    local, domain = _split(address)
    if domain is not None:
        low = fold(join_key(domain))
        m_part = env.host_name.partition(".")[2] if env.host_name else ""
        forms = {"localhost", "[127.0.0.1]", "[ipv6:0:0:0:0:0:0:0:1]", "[ipv6:::1]"}
        forms |= {"localhost.uucp", *([fold(f"localhost.{m_part}")] if m_part else [])}
        name = client.name if client else None
        if low in forms and name is not None and tokenize(name) and not env.in_w(tokenize(name)):
            return run.decision(
                "from", ("ERROR", "5.5.4", "553 Real domain name required for sender address")
            )
        domain = _canonify_domain(domain, env)
        items = [("F", [*local, "@", *domain]), ("U", [*local, "@"]), ("D", domain)]
    else:
        items = [("U", [*local, "@"])]
    found = run.search("From", items)
    if found is None:
        if domain is None and (client is None or client.addr is None or tokenize(client.addr)):
            f = text[1:-1].strip() if text.startswith("<") and text.endswith(">") else text
            reply = reply_text(['"553 Domain name required for sender address "', *tokenize(f)])
            return run.decision("from", ("ERROR", "5.5.4", reply))
        return run.decision("from", (None, None, None))
    value = found[0]
    if len(value) == 1:
        word = value[0].upper()
        if word == "OKR":
            return run.decision("from", (None, None, None), found)
        if word in ("TEMP", "PERM"):
            f = text[1:-1].strip() if text.startswith("<") and text.endswith(">") else text
            what = "does not resolve" if word == "TEMP" else "does not exist"
            num, code = ("451", "4.1.8") if word == "TEMP" else ("553", "5.1.8")
            reply = reply_text([f'"{num} Domain of sender address "', *tokenize(f), f'" {what}"'])
            return run.decision("from", ("ERROR", code, reply), found)
    rest = [*local, "<", "@", *domain, ">"] if domain is not None else list(local)
    return run.decision("from", _verdict(value, rest=rest), found)


def check_to(
    doc: MapDocument,
    address: str,
    *,
    client: Client | None = None,
    sender: str | None = None,
    features: Iterable[str] = (),
    local_names: Iterable[str] = (),
    relay_domains: Iterable[str] = (),
    host_name: str | None = None,
) -> AccessDecision:
    """``check_rcpt``: may ``address`` be relayed to (and, with features, is it blocked)?

    Recipients in ``local_names`` (class w; ``localhost`` and ``host_name`` are
    always in it) or under ``relay_domains`` (class R) are accepted; then
    ``To:`` RELAY entries (domain walk; exact with ``relay_hosts_only``); then
    the client (``Relay_ok``: ``Connect:`` RELAY for its address or name).
    With ``blocklist_recipients`` ``To:`` REJECT/DISCARD/ERROR/QUARANTINE entries
    refuse the recipient first. With ``delay_checks`` the sender (``sender``)
    and the client's ``check_relay`` are checked here, after the recipient.
    """
    env = _env(features, local_names, relay_domains, host_name)
    run = _Run(doc, env)
    rcpt = _rcpt_check(run, address, client)
    if not env.has("delay_checks") or rcpt.action in _ERRORS:
        return rcpt
    mail = _mail_check(run, sender or "", client)
    if mail.action is not None:
        return mail
    if client is not None:
        relay = _relay_check(run, client.name, client.addr)
        if relay.action in _ERRORS:
            return relay
    return attrs.evolve(rcpt, tried=tuple(run.tried))


def _rcpt_check(run: _Run, address: str, client: Client | None) -> AccessDecision:
    env = run.env
    if address.strip() in ("", "<>"):
        return run.decision("to", ("ERROR", None, "553 User address required"))
    local, domain = _split(address)
    if domain is not None:
        domain = _canonify_domain(domain, env)
    if env.has("blocklist_recipients"):
        if domain is not None and env.in_w(domain):
            items = [("F", [*local, "@", *domain]), ("U", [*local, "@"]), ("D", domain)]
        elif domain is not None:
            items = [("F", [*local, "@", *domain]), ("D", domain)]
        else:
            items = [("U", [*local, "@"])]
        found = run.search("To", items)
        if found is not None and not run.skipped(found):
            where = [*local, "<", "@", *domain, ">"] if domain is not None else list(local)
            verdict = _verdict(
                found[0],
                ("5.2.1", "550 Mailbox disabled for this recipient"),
                ["<", *where, ">"],
            )
            if verdict[0] not in ("OK", "RELAY", None):
                return run.decision("to", verdict, found)
    if domain is None:
        return run.decision("to", ("RELAY", None, None))
    if env.in_w(domain):
        return run.decision("to", ("RELAY", None, None))
    exact = env.has("relay_hosts_only")
    if env.r_suffix(domain, exact):
        return run.decision("to", ("RELAY", None, None))
    found = run.tagged("To", domain) if exact else run.domain(domain, "To")
    if found is not None and len(found[0]) == 1 and same(found[0][0], "RELAY"):
        return run.decision("to", ("RELAY", None, None), found)
    relayed = _relay_ok(run, client)
    if relayed is not None:
        return relayed
    return run.decision("to", ("REJECT", "5.7.1", "550 Relaying denied"))


def _relay_ok(run: _Run, client: Client | None) -> AccessDecision | None:
    """Relay_ok: a local client, or one whose address or name has RELAY."""
    env = run.env
    relay = ("RELAY", None, None)
    if client is None:
        return None
    if client.addr is not None:
        addr = tokenize(client.addr)
        if fold(join_key(addr)) in ("", "0", "127.0.0.1", "ipv6:0:0:0:0:0:0:0:1", "ipv6:::1"):
            return run.decision("to", relay)
        if env.r_prefix(addr):
            return run.decision("to", relay)
        found = run.address(addr, "Connect")
        if found is not None and len(found[0]) == 1 and same(found[0][0], "RELAY"):
            return run.decision("to", relay, found)
        if env.in_w(["[", *addr, "]"]):
            return run.decision("to", relay)
    # ${client_resolve} is checked before any name (so Connect:[ip] RELAY cannot relay)
    status = client.resolve_status
    if status == "TEMP":
        text = ['"450 Relaying temporarily denied. Cannot resolve PTR record for "']
        reply = reply_text([*text, *tokenize(client.addr or "")])
        return run.decision("to", ("ERROR", "4.4.0", reply))
    if status in ("FORGED", "FAIL"):
        why = "possibly forged" if status == "FORGED" else "lookup failed"
        text = [f'"550 Relaying denied. IP name {why} "', *tokenize(client.name or "")]
        return run.decision("to", ("ERROR", "5.7.1", reply_text(text)))
    if client.name:
        name = tokenize(client.name)
        while name and name[-1] == ".":
            name = name[:-1]
        if not name:
            return None
        if env.in_w(name) or env.r_suffix(name, env.has("relay_hosts_only")):
            return run.decision("to", relay)
        if env.has("relay_hosts_only"):
            found = run.tagged("Connect", name)
        else:
            found = run.domain(name, "Connect")
        if found is not None and len(found[0]) == 1 and same(found[0][0], "RELAY"):
            return run.decision("to", relay, found)
    return None
