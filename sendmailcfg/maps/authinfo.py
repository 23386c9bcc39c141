r"""The authinfo map (FEATURE(`authinfo')): the credentials sendmail's SMTP client sends.

Each entry's key is ``AuthInfo:`` and the name (or address) of a server sendmail
connects to; its value is a list of double-quoted items, ``"T:text"`` or
``"T=base64"``, read as sendmail 8.17's ``getauth`` (usersmtp.c) reads the value
the ``authinfo`` ruleset returns: ``U`` (the user to act as), ``I`` (the
authentication id), ``P`` (the password), ``R`` (the realm), ``M`` (the
mechanisms to offer, space separated). The tag letter may be lower case. The
first token that is not a quoted string ends the list (what follows is ignored);
an unknown tag, an item of fewer than four characters, a delimiter other than
``:`` or ``=``, base64 that does not decode, or an entry with no ``U``/``I`` or no
``P`` makes sendmail drop the whole entry: it then connects without AUTH.

:meth:`AuthinfoDocument.lookup` follows the ``authinfo`` ruleset of the .cf the
cf package builds with FEATURE(`authinfo'): exact lookups of
``AuthInfo:${server_name}``, then ``AuthInfo:${server_addr}``, then
``AuthInfo:`` (no parent domains, no port: a key ``AuthInfo:host:587`` is never
looked up). :func:`lookup_in_access` follows the same ruleset without the
FEATURE, when the access map holds the ``AuthInfo:`` keys (rulesets D and A:
parent domains and shorter address prefixes).

Passwords never leave this module in text meant for people: :meth:`AuthinfoCredentials.as_json`,
``explain`` and every problem message show ``***`` in their place.

>>> doc = AuthinfoDocument.from_text('AuthInfo:mx.example\t"U:joe" "P:s3cret" "M:PLAIN LOGIN"\n')
>>> r = doc.lookup("mx.example")
>>> (r.key, r.credentials.user, r.credentials.mechanisms)
('AuthInfo:mx.example', 'joe', ('PLAIN', 'LOGIN'))
>>> print(r.explain())
mx.example -> AUTH as joe (line 1: AuthInfo:mx.example), password ***, mechanisms PLAIN LOGIN
  AuthInfo:mx.example  line 1  <- decides
>>> doc.lookup("mx.example:587").credentials is None
True
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable

import attrs

from sendmailcfg.errors import Diagnostic
from sendmailcfg.maps.document import LocatedEntry, MapDocument
from sendmailcfg.maps.keys import port_in_name

__all__ = [
    "KNOWN_MECHANISMS",
    "TAG",
    "AuthinfoCredentials",
    "AuthinfoDocument",
    "AuthinfoItem",
    "AuthinfoProblem",
    "AuthinfoResolution",
    "encode_value",
    "lookup_in_access",
    "parse_value",
    "port_in_name",
]

TAG = "AuthInfo:"
"""The tag of every key the authinfo ruleset looks up."""

KNOWN_MECHANISMS = frozenset(
    {
        "ANONYMOUS",
        "CRAM-MD5",
        "DIGEST-MD5",
        "EXTERNAL",
        "GS2-IAKERB",
        "GS2-KRB5",
        "GSS-SPNEGO",
        "GSSAPI",
        "LOGIN",
        "NTLM",
        "OAUTHBEARER",
        "OTP",
        "PLAIN",
        "SCRAM-SHA-1",
        "SCRAM-SHA-1-PLUS",
        "SCRAM-SHA-256",
        "SCRAM-SHA-256-PLUS",
        "SRP",
        "XOAUTH2",
    }
)
"""SASL mechanism names (IANA's registry, as Cyrus SASL's plugins offer them)."""

_TAGS = {"U": "user", "I": "authid", "P": "password", "R": "realm", "M": "mechanisms"}
_MASK = "***"


@attrs.frozen
class AuthinfoItem:
    """One quoted item of a value: ``"U:joe"`` (tag ``U``, delimiter ``:``)."""

    tag: str
    """``U``, ``I``, ``P``, ``R`` or ``M`` (upper case; the file may have lower case)."""
    delimiter: str
    """``:`` (plain text) or ``=`` (base64)."""
    text: str = attrs.field(repr=False)
    """The value as sendmail uses it (decoded for ``=``)."""
    column: int
    """Where the item's opening quote is in the value (1-based)."""

    @property
    def name(self) -> str:
        """``user``, ``authid``, ``password``, ``realm`` or ``mechanisms``."""
        return _TAGS[self.tag]


@attrs.frozen
class AuthinfoProblem:
    """Something in a value that sendmail reads otherwise than it looks."""

    column: int
    """Column in the value (1-based)."""
    code: str
    message: str
    expected: str = ""
    fatal: bool = True
    """True: sendmail drops the whole entry and connects without AUTH."""


@attrs.frozen
class AuthinfoCredentials:
    """What sendmail takes from one entry (the password kept, never shown)."""

    user: str
    """``U`` (or ``I`` when there is no ``U``)."""
    authid: str
    """``I`` (or ``U`` when there is no ``I``)."""
    password: str = attrs.field(repr=False)
    realm: str | None
    mechanisms: tuple[str, ...]
    """``M`` split at spaces: the mechanisms sendmail offers (else its AuthMechanisms)."""

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict, the password masked."""
        return {
            "user": self.user,
            "authid": self.authid,
            "password": _MASK,
            "realm": self.realm,
            "mechanisms": list(self.mechanisms),
        }


def _scan(value: str) -> tuple[list[tuple[int, str]], int | None]:
    """The quoted tokens of ``value`` with their columns, and where sendmail stops.

    sendmail reads tokens while they begin with ``"``; the second result is the
    column of the first token that does not (None when every token is quoted).
    """
    tokens: list[tuple[int, str]] = []
    i, n = 0, len(value)
    while i < n:
        c = value[i]
        if c in " \t\r\n":
            i += 1
            continue
        if c != '"':
            return tokens, i + 1
        j = i + 1
        while j < n and value[j] != '"':
            j += 2 if value[j] == "\\" else 1
        tokens.append((i + 1, value[i : j + 1]))
        i = j + 1
    return tokens, None


def parse_value(value: str) -> tuple[list[AuthinfoItem], list[AuthinfoProblem]]:
    """The items sendmail reads from ``value``, and the problems it would have.

    >>> items, problems = parse_value('"U:joe" "P=c2VjcmV0"')
    >>> [(i.tag, i.delimiter, i.column) for i in items], problems
    ([('U', ':', 1), ('P', '=', 9)], [])
    >>> items[1].text
    'secret'
    >>> _, problems = parse_value('U:joe P:secret')
    >>> [(p.code, p.column) for p in problems]
    [('authinfo-unquoted', 1), ('authinfo-no-user', 1), ('authinfo-no-password', 1)]
    """
    tokens, stop = _scan(value)
    items: list[AuthinfoItem] = []
    problems: list[AuthinfoProblem] = []
    for col, tok in tokens:
        tag = tok[1:2].upper()
        if tag not in _TAGS:
            shown = tok[1:2] if tok[1:2].strip() else "(none)"
            problems.append(
                AuthinfoProblem(
                    col + 1,
                    "authinfo-unknown-item",
                    f"unknown item {shown!r}: sendmail drops the entry",
                    '"U:", "I:", "P:" or "P=", "R:", "M:"',
                )
            )
            continue
        if len(tok) <= 3 or not tok.endswith('"'):
            problems.append(
                AuthinfoProblem(
                    col,
                    "authinfo-item-syntax",
                    f'item {tag}: not a complete "{tag}:text" item (sendmail drops the entry)',
                    f'"{tag}:text" or "{tag}=base64" with a closing double quote',
                )
            )
            continue
        delimiter, body = tok[2], tok[3:-1]
        if delimiter == ":":
            text = body
        elif delimiter == "=":
            try:
                text = base64.b64decode(body.encode("latin-1"), validate=True).decode("latin-1")
            except (binascii.Error, UnicodeEncodeError, ValueError):
                problems.append(
                    AuthinfoProblem(
                        col + 3,
                        "authinfo-base64",
                        f"item {tag}=: not base64 (sendmail drops the entry)",
                        "base64 text after =",
                    )
                )
                continue
        else:
            problems.append(
                AuthinfoProblem(
                    col + 2,
                    "authinfo-delimiter",
                    f"item {tag}: {delimiter!r} after the tag (sendmail drops the entry)",
                    f'"{tag}:" (text) or "{tag}=" (base64)',
                )
            )
            continue
        if delimiter == ":" and ("\\" in body or '"' in body):
            problems.append(
                AuthinfoProblem(
                    col + 3,
                    "authinfo-escape",
                    f"item {tag}: a backslash or double quote in the text (sendmail copies "
                    "the text as written, backslashes included)",
                    f'"{tag}=base64" for such text',
                    fatal=False,
                )
            )
        items.append(AuthinfoItem(tag, delimiter, text, col))
    if stop is not None:
        problems.append(
            AuthinfoProblem(
                stop,
                "authinfo-unquoted",
                "an item that is not in double quotes: sendmail stops reading the value here",
                'items in double quotes, e.g. "U:user" "P:password"',
                fatal=False,
            )
        )
    got = {i.tag for i in items}
    if not problems or not any(p.fatal for p in problems):
        if not got & {"U", "I"}:
            problems.append(
                AuthinfoProblem(
                    1,
                    "authinfo-no-user",
                    'no user: an entry needs "U:" or "I:" (sendmail drops it)',
                    '"U:user"',
                )
            )
        if "P" not in got:
            problems.append(
                AuthinfoProblem(
                    1,
                    "authinfo-no-password",
                    'no password: an entry needs "P:" or "P=" (sendmail drops it)',
                    '"P:password" or "P=base64"',
                )
            )
    for item in items:
        if item.tag == "M":
            unknown = [m for m in item.text.split() if m.upper() not in KNOWN_MECHANISMS]
            if unknown:
                problems.append(
                    AuthinfoProblem(
                        item.column + 3,
                        "authinfo-mechanism",
                        f"unknown mechanism(s) {' '.join(unknown)} in M:",
                        "SASL mechanism names such as PLAIN LOGIN CRAM-MD5",
                        fatal=False,
                    )
                )
    return items, problems


def credentials_of(items: Iterable[AuthinfoItem]) -> AuthinfoCredentials | None:
    """What sendmail keeps of a value's items (the last of each tag wins), or None."""
    got: dict[str, str] = {}
    for item in items:
        got[item.tag] = item.text
    if "P" not in got or not ({"U", "I"} & got.keys()):
        return None
    user = got.get("U", got.get("I", ""))
    authid = got.get("I", user)
    mechs = tuple(got["M"].split()) if "M" in got else ()
    return AuthinfoCredentials(user, authid, got["P"], got.get("R"), mechs)


def _quote_ok(text: str) -> bool:
    return '"' not in text and "\\" not in text and "\n" not in text and "\0" not in text


def encode_value(
    user: str,
    password: str,
    *,
    authid: str | None = None,
    realm: str | None = None,
    mechanisms: Iterable[str] = (),
) -> str:
    """An authinfo value for these credentials, as sendmail reads it back.

    The password is written ``"P:..."`` when sendmail would copy it as written,
    else ``"P=base64"``.

    >>> encode_value("joe", "s3cret", mechanisms=["PLAIN", "LOGIN"])
    '"U:joe" "P:s3cret" "M:PLAIN LOGIN"'
    >>> encode_value("joe", 'a"b')
    '"U:joe" "P=YSJi"'
    """
    parts = []
    for tag, text in (("U", user), ("I", authid)):
        if text is None:
            continue
        if not _quote_ok(text):
            raise ValueError(f"{_TAGS[tag]}: a double quote, backslash or newline")
        parts.append(f'"{tag}:{text}"')
    if _quote_ok(password) and password.strip() == password and password:
        parts.append(f'"P:{password}"')
    else:
        parts.append('"P=' + base64.b64encode(password.encode("latin-1")).decode("ascii") + '"')
    if realm is not None:
        if not _quote_ok(realm):
            raise ValueError("realm: a double quote, backslash or newline")
        parts.append(f'"R:{realm}"')
    mechs = list(mechanisms)
    if mechs:
        parts.append('"M:' + " ".join(mechs) + '"')
    return " ".join(parts)


@attrs.frozen
class AuthinfoEntry:
    """One entry, parsed: its items, problems and the credentials sendmail takes."""

    entry: LocatedEntry
    items: tuple[AuthinfoItem, ...]
    problems: tuple[AuthinfoProblem, ...]
    credentials: AuthinfoCredentials | None

    @property
    def host(self) -> str | None:
        """The server name or address after ``AuthInfo:`` ('' for the default entry)."""
        if not self.entry.key.lower().startswith(TAG.lower()):
            return None
        return self.entry.key[len(TAG) :]

    @property
    def port_in_key(self) -> bool:
        """True for ``AuthInfo:host:587``: a key sendmail never looks up."""
        return port_in_name(self.host or "")


@attrs.frozen
class AuthinfoResolution:
    """Which entry sendmail uses for one connection, and what it takes from it."""

    server_name: str
    server_addr: str | None
    key: str | None
    """The key found (as written in the file), or None."""
    line: int | None
    entry: LocatedEntry | None = attrs.field(repr=False)
    tried: tuple[str, ...]
    """Every key looked up, in order."""
    credentials: AuthinfoCredentials | None
    """None: no entry, or an entry sendmail drops (see ``problems``): no AUTH."""
    problems: tuple[AuthinfoProblem, ...] = ()
    via: str = "authinfo"
    """``authinfo`` (FEATURE(authinfo)) or ``access`` (the access map's AuthInfo: keys)."""

    @property
    def authenticates(self) -> bool:
        """Whether sendmail will try AUTH on this connection."""
        return self.credentials is not None

    def as_json(self) -> dict[str, object]:
        """A JSON-ready dict (the password masked)."""
        return {
            "server_name": self.server_name,
            "server_addr": self.server_addr,
            "map": self.via,
            "key": self.key,
            "line": self.line,
            "tried": list(self.tried),
            "auth": None if self.credentials is None else self.credentials.as_json(),
            "problems": [
                {"column": p.column, "code": p.code, "message": p.message} for p in self.problems
            ],
        }

    def summary(self) -> str:
        """The answer in one line (the password masked): ``SERVER -> AUTH as USER (...)``
        or ``SERVER -> no AUTH (...)``."""
        where = self.server_name + (f" [{self.server_addr}]" if self.server_addr else "")
        c = self.credentials
        if self.key is None:
            head = f"{where} -> no AUTH (no entry matches)"
            head += "".join(f"; {p.message}" for p in self.problems)
        elif c is None:
            why = "; ".join(p.message for p in self.problems if p.fatal) or "unusable entry"
            head = f"{where} -> no AUTH (line {self.line}: {self.key}: {why})"
        else:
            mech = " ".join(c.mechanisms) if c.mechanisms else "of the AuthMechanisms option"
            head = (
                f"{where} -> AUTH as {c.user} (line {self.line}: {self.key}), "
                f"password {_MASK}, mechanisms {mech}"
            )
        return head

    def explain(self) -> str:
        """:meth:`summary`, then each key tried (the password masked)."""
        lines = [self.summary()]
        for key in self.tried:
            if self.key is not None and key.lower() == self.key.lower():
                lines.append(f"  {key}  line {self.line}  <- decides")
                break
            lines.append(f"  {key}  no entry")
        return "\n".join(lines)


class AuthinfoDocument(MapDocument):
    """An authinfo source file (FEATURE(`authinfo')): what sendmail authenticates with."""

    kind = "authinfo"

    def parsed(self) -> list[AuthinfoEntry]:
        """Every entry with its items, problems and credentials, in file order."""
        out = []
        for e in self.entries:
            items, problems = parse_value(e.value)
            out.append(AuthinfoEntry(e, tuple(items), tuple(problems), credentials_of(items)))
        return out

    def parse_entry(self, entry: LocatedEntry) -> AuthinfoEntry:
        """One entry, parsed (see :meth:`parsed`)."""
        items, problems = parse_value(entry.value)
        return AuthinfoEntry(entry, tuple(items), tuple(problems), credentials_of(items))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """makemap's problems, then every value sendmail would drop or read short."""
        out = list(super().diagnostics)
        for p in self.parsed():
            for prob in p.problems:
                if prob.code == "authinfo-mechanism":
                    continue
                col = p.entry.value_column + prob.column - 1
                out.append(Diagnostic(p.entry.line, col, prob.code, prob.message, prob.expected))
        out.sort(key=lambda d: (d.line, d.column))
        return out

    def lookup(self, server_name: str, server_addr: str | None = None) -> AuthinfoResolution:
        """The entry sendmail uses to connect to ``server_name`` at ``server_addr``.

        ``server_name`` is the name sendmail connects to (for ``[host]`` the host,
        else the MX host it picked); ``server_addr`` the address as text.
        """
        tried: list[str] = []
        for body in (server_name, server_addr, ""):
            if body is None:
                continue
            key = TAG + body
            if key in tried:
                continue
            tried.append(key)
            entry = self.find(key)
            if entry is not None:
                parsed = self.parse_entry(entry)
                return AuthinfoResolution(
                    server_name,
                    server_addr,
                    entry.key,
                    entry.line,
                    entry,
                    tuple(tried),
                    parsed.credentials if not any(p.fatal for p in parsed.problems) else None,
                    parsed.problems,
                )
        near = tuple(
            AuthinfoProblem(
                1,
                "authinfo-port-key",
                f"line {e.line}: {e.key} holds a port: sendmail never looks it up",
                TAG + server_name,
                fatal=False,
            )
            for e in self.entries
            if port_in_name(e.key[len(TAG) :])
            and self.fold(e.key).rsplit(":", 1)[0] == self.fold(TAG + server_name)
        )
        return AuthinfoResolution(
            server_name, server_addr, None, None, None, tuple(tried), None, near
        )

    def explain(self, server_name: str, server_addr: str | None = None) -> str:
        """:meth:`lookup` in words (see :meth:`AuthinfoResolution.explain`)."""
        return self.lookup(server_name, server_addr).explain()


def lookup_in_access(
    access: MapDocument, server_name: str, server_addr: str | None = None
) -> AuthinfoResolution:
    """The ``authinfo`` ruleset without FEATURE(authinfo): the access map's ``AuthInfo:`` keys.

    Ruleset D on ``${server_name}`` (the name, then its parent domains), ruleset A
    on ``${server_addr}`` (the address, then shorter prefixes), then ``AuthInfo:``;
    the tag is always required (``<! AuthInfo>``).

    >>> from sendmailcfg.maps.access import AccessDocument
    >>> acc = AccessDocument.from_text('AuthInfo:example.net\\t"U:joe" "P:x"\\n')
    >>> r = lookup_in_access(acc, "smtp.example.net", "192.0.2.1")
    >>> (r.key, r.credentials.user, r.via)
    ('AuthInfo:example.net', 'joe', 'access')
    """
    from sendmailcfg.maps.access.rules import _env, _Run
    from sendmailcfg.maps.access.tokens import tokenize

    run = _Run(access, _env((), (), (), None))
    found = run.domain(tokenize(server_name), "AuthInfo", plus=False)
    if found is None and server_addr:
        found = run.address(tokenize(server_addr), "AuthInfo", plus=False)
    if found is None:
        found = run.get(TAG)
    tried = tuple(run.tried)
    if found is None:
        return AuthinfoResolution(
            server_name, server_addr, None, None, None, tried, None, (), "access"
        )
    entry = found[1]
    items, problems = parse_value(entry.value)
    creds = credentials_of(items) if not any(p.fatal for p in problems) else None
    return AuthinfoResolution(
        server_name,
        server_addr,
        entry.key,
        entry.line,
        entry,
        tried,
        creds,
        tuple(problems),
        "access",
    )
