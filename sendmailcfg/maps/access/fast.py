r"""Fast answers to the plain access queries: a snapshot of the keys, walked by slicing.

:class:`Snapshot` holds the document's stored (folded) keys in one dict, built once
(dropped on every edit); the entry and the tokens of a key's value are read the first
time a lookup finds it. Its ``check_*`` methods answer the queries made of plain labels
(``user@host``, a host name of letters, digits, ``-`` and ``_``, an IPv4 address or a
``IPv6:`` address) by direct lookups in the order of the rulesets of
:mod:`~sendmailcfg.maps.access.rules`, with every feature and plain relay domains (class
R). They return None for anything else (a host name, quoting, brackets, ``TLS_Clt:``
entries, ``TEMP``/``PERM`` values, a client whose name did not resolve, ...), which the
token-level model then answers. Both give equal
:class:`~sendmailcfg.maps.access.rules.AccessDecision` objects
(``tests/test_access_fastpath.py``).

>>> from sendmailcfg.maps.access import AccessDocument
>>> doc = AccessDocument.from_text("To:example.com\tRELAY\nConnect:192.0.2\tREJECT\n")
>>> snap = Snapshot(doc)
>>> snap.check_to("u@mx.example.com", None, frozenset({"localhost"})).key
'To:example.com'
>>> snap.check_connect("", "192.0.2.7").tried
('Connect:192.0.2.7', '192.0.2.7', 'Connect:192.0.2')
>>> snap.check_connect("", "[192.0.2.7]") is None   # not plain: the model answers
True
"""

from __future__ import annotations

import re
import weakref
from collections.abc import Iterable
from typing import TYPE_CHECKING

import attrs

from sendmailcfg.maps.access.rules import FEATURES, AccessDecision, Client, _verdict
from sendmailcfg.maps.access.tokens import same, tokenize
from sendmailcfg.maps.document import LocatedEntry
from sendmailcfg.maps.keys import fold

if TYPE_CHECKING:
    from sendmailcfg.maps.document import MapDocument

_LABELS = r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*"
_HOST = _LABELS
"""A host name of plain labels: one word token each, single dots between."""
_NAME = rf"({_LABELS})\.*"
"""A client name: plain labels, trailing dots (which ``Relay_ok`` strips)."""
_ADDR = r"[A-Za-z0-9_-]+(?:(?:\.|::?)[A-Za-z0-9_-]+)*"
"""A client address: words with ``.``, ``:`` or ``::`` between (IPv4, ``IPv6:...``)."""
_MAIL = rf"([A-Za-z0-9_=*-]+(?:[.+][A-Za-z0-9_=*-]+)*)@({_LABELS})(\.*)"
"""``user@host`` of word tokens: the local part (``+detail`` allowed), host, trailing dots."""
_RELAY = rf"\.?{_LABELS}"
"""A relay domain (class R) of plain labels, perhaps with a leading dot."""
_Pattern = re.Pattern[str]
_Patterns = tuple[_Pattern, _Pattern, _Pattern, _Pattern, _Pattern]
_compiled: list[_Patterns] = []
"""The patterns, compiled by the first :class:`Snapshot` (not at import)."""

_LOCAL_CLIENTS = frozenset(("", "0", "127.0.0.1", "ipv6:0:0:0:0:0:0:0:1", "ipv6:::1"))
"""Client addresses ``Relay_ok`` takes for a local submission (folded)."""
_LOCALHOSTS = frozenset(("localhost", "localhost.uucp"))
"""Sender domains check_mail refuses from a remote client (the rest are bracketed)."""

_UNREAD = 0
"""A snapshot key whose entry has not been read yet."""
_ABSENT: tuple[()] = ()
"""A key whose value is ``?``: the rulesets' own "not found"."""

# A found key: (entry, value tokens, value is RELAY, the word of a one-word value, value is SKIP)
_Hit = tuple[LocatedEntry, list[str], bool, str | None, bool]
_NONE: frozenset[int] = frozenset()
_RELAYING_DENIED = ("5.7.1", "550 Relaying denied")
_FAST_FEATURES = frozenset(FEATURES)
"""The features the fast checks know: all of them."""
_MAILBOX_DISABLED = ("5.2.1", "550 Mailbox disabled for this recipient")
_ERRORS = ("REJECT", "ERROR", "DISCARD", "QUARANTINE")
"""Actions that refuse: with ``delay_checks`` they end ``check_rcpt`` at once."""


@attrs.frozen
class Options:
    """The features of one call, as the walks read them."""

    dot: bool = False
    """``lookupdotdomain``"""
    exact: bool = False
    """``relay_hosts_only``"""
    skip: bool = False
    """``skip`` (of ``FEATURE(`access_db')``)"""
    block: bool = False
    """``blocklist_recipients``"""
    delay: bool = False
    """``delay_checks``"""

    @classmethod
    def of(cls, features: frozenset[str]) -> Options:
        """The options of feature names (those it does not know are left out)."""
        return cls(
            "lookupdotdomain" in features,
            "relay_hosts_only" in features,
            "skip" in features,
            "blocklist_recipients" in features,
            "delay_checks" in features,
        )


DEFAULT = Options()
"""No features."""


def options(features: Iterable[str]) -> Options | None:
    """The :class:`Options` of ``features``, or None when the model must answer."""
    if not features:
        return DEFAULT
    feats = frozenset(features)
    return Options.of(feats) if feats <= _FAST_FEATURES else None


def relay_members(relay_domains: Iterable[str]) -> tuple[str, ...] | None:
    """Class R folded, one string each, or None when a member is not plain labels."""
    out = []
    pattern = _patterns()[4]
    for r in relay_domains:
        tokens = tokenize(r)
        if not tokens:
            continue
        member = "".join(fold(t) for t in tokens)
        if pattern.fullmatch(member) is None or tokenize(member) != [fold(t) for t in tokens]:
            return None
        out.append(member)
    return tuple(out)


def _patterns() -> _Patterns:
    if not _compiled:
        c = re.compile
        _compiled.append((c(_HOST), c(_NAME), c(_ADDR), c(_MAIL), c(_RELAY)))
    return _compiled[0]


def _suffix(low: str, members: tuple[str, ...], exact: bool) -> bool:
    """``R_suffix``: a plain folded host is (exact) or ends with (label-wise) a member."""
    for m in members:
        if exact:
            if low == m:
                return True
        elif low.endswith(m) and (len(low) == len(m) or m[0] == "." or low[-len(m) - 1] == "."):
            return True
    return False


def _prefix(low: str, members: tuple[str, ...]) -> bool:
    """``R_prefix``: a plain folded address starts with (token-wise) a member."""
    return any(low.startswith(m) and (len(low) == len(m) or low[len(m)] in ".:") for m in members)


class Snapshot:
    """The keys of a document as they are now, and the fast walks over them."""

    def __init__(self, doc: MapDocument) -> None:
        self.doc = weakref.ref(doc)
        """The document (weakly: it holds the snapshot, which must not keep it alive)."""
        self.host, self.name, self.addr, self.mail, _ = _patterns()
        self.fold_keys = doc.fold_keys
        self.duplicates = doc.duplicates
        """The document's options the snapshot was built with (it is rebuilt when they change)."""
        self.keys: dict[str, _Hit | tuple[()] | int] = dict.fromkeys(doc, _UNREAD)
        self.shapes: dict[str, set[int]] = {}
        """For the keys' text up to their first colon (the tag, or ``""``): how many dots
        and colons they have. A lookup of a key of a shape no key has is left out."""
        for tag, n in {(k[: k.find(":") + 1], k.count(".") + k.count(":")) for k in self.keys}:
            self.shapes.setdefault(tag, set()).add(n)
        self.readings: dict[str, tuple[list[str], bool, str | None, bool]] = {}
        """Value text -> its tokens, whether it is RELAY, the word of a one-word value,
        whether it is SKIP."""
        self.verdicts: dict[str, tuple[str | None, str | None, str | None]] = {}
        """Value text -> what it decides (values not ending in ``:``; they repeat)."""
        self.blocks: dict[str, tuple[str | None, str | None, str | None]] = {}
        """The same for ``blocklist_recipients`` (its REJECT says "Mailbox disabled")."""

    def _read(self, folded: str) -> _Hit | tuple[()]:
        """The entry of a stored key, read the first time a lookup finds it."""
        doc = self.doc()
        assert doc is not None
        entry = doc.find(folded)
        assert entry is not None
        reading = self.readings.get(entry.value)
        if reading is None:
            tokens = tokenize(entry.value)
            one = len(tokens) == 1
            relay = one and same(tokens[0], "RELAY")
            skip = one and same(tokens[0], "SKIP")
            special = tokens[0].upper() if one else None
            reading = self.readings[entry.value] = (tokens, relay, special, skip)
        tokens, relay, special, skip = reading
        hit: _Hit | tuple[()] = _ABSENT
        if not (len(tokens) == 1 and tokens[0] == "?"):
            hit = (entry, tokens, relay, special, skip)
        self.keys[folded] = hit
        return hit

    def _found(self, folded: str, hit: _Hit | tuple[()] | int) -> _Hit | None:
        """What a lookup that found ``folded`` in the keys gets (None for ``?``)."""
        if hit is _UNREAD:
            hit = self._read(folded)
        assert not isinstance(hit, int)
        return hit or None

    def _get(self, key: str, tried: list[str]) -> _Hit | None:
        tried.append(key)
        folded = key.lower() if self.fold_keys else key
        hit = self.keys.get(folded)
        return None if hit is None else self._found(folded, hit)

    def _tagged(self, tag: str, body: str, tried: list[str]) -> _Hit | None:
        """``tag:body``, then ``body`` (the rulesets' ``+`` lookups)."""
        return self._get(tag + body, tried) or self._get(body, tried)

    def _domain(
        self,
        tag: str,
        host: str,
        tried: list[str],
        plus: bool = True,
        opts: Options = DEFAULT,
    ) -> _Hit | None:
        """Ruleset D for plain labels: ``tag:host`` (and ``host``), with
        ``lookupdotdomain`` ``.parent``, then each parent; a SKIP found stops it (with
        ``skip``: None)."""
        get = self.keys.get
        append = tried.append
        folded_tag, low = (tag.lower(), host.lower()) if self.fold_keys else (tag, host)
        tagged = self.shapes.get(folded_tag, _NONE)
        plain = self.shapes.get("", _NONE) if plus else _NONE
        dot_too = opts.dot
        n = host.count(".")  # the key's dots; a tagged key has one colon more
        found = None
        while True:
            append(tag + host)
            if n + 1 in tagged:
                k = folded_tag + low
                hit = get(k)
                if hit is not None:
                    found = self._found(k, hit)
            if found is None and plus:
                append(host)
                if n in plain:
                    hit = get(low)
                    if hit is not None:
                        found = self._found(low, hit)
            dot = host.find(".")
            if found is None and dot_too and dot >= 0:
                # ".parent": as many dots as the host
                append(tag + host[dot:])
                if n + 1 in tagged:
                    k = folded_tag + low[dot:]
                    hit = get(k)
                    if hit is not None:
                        found = self._found(k, hit)
                if found is None and plus:
                    append(host[dot:])
                    if n in plain:
                        hit = get(low[dot:])
                        if hit is not None:
                            found = self._found(low[dot:], hit)
            if found is not None:
                return None if opts.skip and found[4] else found
            if dot < 0:
                return None
            host = host[dot + 1 :]
            low = low[dot + 1 :]
            n -= 1

    def _address(
        self, tag: str, addr: str, tried: list[str], plus: bool = True, skip: bool = False
    ) -> _Hit | None:
        """Ruleset A for a plain address: it, then without its last ``.x``, ``:x``, ``::x``;
        a SKIP found stops it (with ``skip``: None)."""
        get = self.keys.get
        append = tried.append
        shapes = self.shapes
        folded_tag, low = (tag.lower(), addr.lower()) if self.fold_keys else (tag, addr)
        tagged = shapes.get(folded_tag, _NONE)
        n = addr.count(".") + addr.count(":")
        while True:
            found = None
            append(tag + addr)
            if n + 1 in tagged:
                k = folded_tag + low
                hit = get(k)
                if hit is not None:
                    found = self._found(k, hit)
            if found is None and plus:
                append(addr)
                if n in shapes.get(low[: low.find(":") + 1], _NONE):
                    hit = get(low)
                    if hit is not None:
                        found = self._found(low, hit)
            if found is not None:
                return None if skip and found[4] else found
            cut = max(addr.rfind("."), addr.rfind(":"))
            if cut < 0:
                return None
            n -= 1
            if addr[cut - 1] == ":":
                cut -= 1
                n -= 1
            addr = addr[:cut]
            low = low[:cut]

    def _verdict(self, hit: _Hit) -> tuple[str | None, str | None, str | None]:
        value = hit[0].value
        verdict = self.verdicts.get(value)
        if verdict is None:
            verdict = self.verdicts[value] = _verdict(hit[1])
        return verdict

    def _blocked(self, hit: _Hit) -> tuple[str | None, str | None, str | None]:
        value = hit[0].value
        verdict = self.blocks.get(value)
        if verdict is None:
            verdict = self.blocks[value] = _verdict(hit[1], _MAILBOX_DISABLED)
        return verdict

    # -- the checks ------------------------------------------------------------------

    def check_connect(
        self, name: str | None, addr: str | None, opts: Options = DEFAULT
    ) -> AccessDecision | None:
        """``check_relay``, or None when the model must answer."""
        if opts.delay:
            return AccessDecision("connect", None)
        return self._connect(name, addr, opts, [])

    def _connect(
        self, name: str | None, addr: str | None, opts: Options, tried: list[str]
    ) -> AccessDecision | None:
        if not addr:
            return AccessDecision("connect", None, None, None, None, None, tuple(tried))
        if self.addr.fullmatch(addr) is None:
            return None
        hit = None
        if name:
            if self.host.fullmatch(name) is None:
                return None
            hit = self._domain("Connect:", name, tried, True, opts)
        if hit is None:
            hit = self._address("Connect:", addr, tried, True, opts.skip)
            if hit is None:
                return AccessDecision("connect", None, None, None, None, None, tuple(tried))
        entry = hit[0]
        action, code, reply = self._verdict(hit)
        return AccessDecision("connect", action, code, reply, entry.key, entry.line, tuple(tried))

    def check_to(
        self,
        address: str,
        client: Client | None,
        names: frozenset[str],
        relay: tuple[str, ...] = (),
        opts: Options = DEFAULT,
        sender: str | None = None,
    ) -> AccessDecision | None:
        """``check_rcpt`` (``names``: class w, ``relay``: class R, folded), or None.

        With ``delay_checks`` the sender's ``check_mail`` and the client's ``check_relay``
        follow a recipient that passes, on the same list of keys tried."""
        tried: list[str] = []
        rcpt = self._rcpt(address, client, names, relay, opts, tried)
        if rcpt is None or not opts.delay or rcpt.action in _ERRORS:
            return rcpt
        mail = self._mail(sender or "", client, opts, tried)
        if mail is None or mail.action is not None:
            return mail
        if client is not None:
            relayed = self._connect(client.name, client.addr, opts, tried)
            if relayed is None or relayed.action in _ERRORS:
                return relayed
        return attrs.evolve(rcpt, tried=tuple(tried))

    def _rcpt(
        self,
        address: str,
        client: Client | None,
        names: frozenset[str],
        relay: tuple[str, ...],
        opts: Options,
        tried: list[str],
    ) -> AccessDecision | None:
        m = self.mail.fullmatch(address)
        if m is None:
            if address == "" or address == "<>":
                return AccessDecision("to", "ERROR", None, "553 User address required")
            return None
        local, domain = m.group(1), m.group(2)
        low = domain.lower()
        if opts.block:
            # the recipient refused first: user@host (user@ for a local host), then the host
            hit = self._user_at("To:", f"{local}@{domain}", local, f"@{domain}", tried)
            if hit is None and low in names:
                hit = self._user_at("To:", f"{local}@", local, "@", tried)
            if hit is None:
                hit = self._domain("To:", domain, tried, True, opts)
            if hit is not None and not (opts.skip and hit[4]):
                if hit[1] and hit[1][-1] == ":":
                    return None  # an empty QUARANTINE:/ERROR: text runs into the address
                action, code, reply = self._blocked(hit)
                if action not in ("OK", "RELAY", None):
                    entry = hit[0]
                    return AccessDecision(
                        "to", action, code, reply, entry.key, entry.line, tuple(tried)
                    )
        if low in names or (relay and _suffix(low, relay, opts.exact)):
            return AccessDecision("to", "RELAY", None, None, None, None, tuple(tried))
        if opts.exact:
            hit = self._tagged("To:", domain, tried)
        else:
            hit = self._domain("To:", domain, tried, True, opts)
        if hit is not None and hit[2]:
            entry = hit[0]
            return AccessDecision("to", "RELAY", None, None, entry.key, entry.line, tuple(tried))
        if client is not None:
            return self._relay_ok(client, names, relay, opts, tried)
        return AccessDecision("to", "REJECT", *_RELAYING_DENIED, None, None, tuple(tried))

    def _relay_ok(
        self,
        client: Client,
        names: frozenset[str],
        relay: tuple[str, ...],
        opts: Options,
        tried: list[str],
    ) -> AccessDecision | None:
        """Relay_ok for a client of plain name and address that resolved (else None)."""
        addr = client.addr
        if addr is not None:
            if addr == "" or (addr.isascii() and addr.lower() in _LOCAL_CLIENTS):
                return AccessDecision("to", "RELAY", None, None, None, None, tuple(tried))
            if self.addr.fullmatch(addr) is None:
                return None
            if relay and _prefix(addr.lower(), relay):
                return AccessDecision("to", "RELAY", None, None, None, None, tuple(tried))
            hit = self._address("Connect:", addr, tried, True, opts.skip)
            if hit is not None and hit[2]:
                entry = hit[0]
                return AccessDecision(
                    "to", "RELAY", None, None, entry.key, entry.line, tuple(tried)
                )
            if f"[{addr.lower()}]" in names:
                return AccessDecision("to", "RELAY", None, None, None, None, tuple(tried))
        if client.resolve_status != "OK":
            return None
        if client.name:
            m = self.name.fullmatch(client.name)
            if m is None:
                return None
            name = m.group(1)
            low = name.lower()
            if low in names or (relay and _suffix(low, relay, opts.exact)):
                return AccessDecision("to", "RELAY", None, None, None, None, tuple(tried))
            if opts.exact:
                hit = self._tagged("Connect:", name, tried)
            else:
                hit = self._domain("Connect:", name, tried, True, opts)
            if hit is not None and hit[2]:
                entry = hit[0]
                return AccessDecision(
                    "to", "RELAY", None, None, entry.key, entry.line, tuple(tried)
                )
        return AccessDecision("to", "REJECT", *_RELAYING_DENIED, None, None, tuple(tried))

    def check_from(
        self, address: str, client: Client | None, opts: Options = DEFAULT
    ) -> AccessDecision | None:
        """``check_mail`` without ``host_name``, or None."""
        if opts.delay:
            return AccessDecision("from", None)
        return self._mail(address, client, opts, [])

    def _mail(
        self, address: str, client: Client | None, opts: Options, tried: list[str]
    ) -> AccessDecision | None:
        # tls_client first: any TLS_Clt: entry found (SKIP too) leaves the query to the model
        if client is not None:
            name, addr = client.name, client.addr
            if name:
                if self.host.fullmatch(name) is None:
                    return None
                tls = Options(dot=True) if opts.dot else DEFAULT
                if self._domain("TLS_Clt:", name, tried, False, tls) is not None:
                    return None
            if addr:
                if self.addr.fullmatch(addr) is None:
                    return None
                if self._address("TLS_Clt:", addr, tried, False) is not None:
                    return None
        if self._get("TLS_Clt:", tried) is not None:
            return None
        if address == "" or address == "<>":
            return AccessDecision("from", None, None, None, None, None, tuple(tried))
        m = self.mail.fullmatch(address)
        if m is None:
            return None
        local, domain, dots = m.groups()
        if (domain + dots).lower() in _LOCALHOSTS:
            return None
        hit = self._user_at("From:", f"{local}@{domain}", local, f"@{domain}", tried)
        if hit is None:
            hit = self._user_at("From:", f"{local}@", local, "@", tried)
            if hit is None:
                hit = self._domain("From:", domain, tried, True, opts)
                if hit is None:
                    return AccessDecision("from", None, None, None, None, None, tuple(tried))
        entry, tokens, _, special, _ = hit
        if special in ("OKR", "TEMP", "PERM"):
            if special != "OKR":
                return None
            return AccessDecision("from", None, None, None, entry.key, entry.line, tuple(tried))
        if tokens and tokens[-1] == ":":
            return None  # an empty QUARANTINE:/ERROR: text runs into the address
        action, code, reply = self._verdict(hit)
        return AccessDecision("from", action, code, reply, entry.key, entry.line, tuple(tried))

    def _user_at(self, tag: str, key: str, local: str, at: str, tried: list[str]) -> _Hit | None:
        """Rulesets F and U: ``key`` (``user+detail@...``), then ``user+*@...``, ``user@...``."""
        hit = self._tagged(tag, key, tried)
        if hit is None:
            plus = local.find("+")
            if plus > 0:
                user = local[:plus]
                hit = self._tagged(tag, f"{user}+*{at}", tried)
                if hit is None:
                    hit = self._tagged(tag, user + at, tried)
        return hit
