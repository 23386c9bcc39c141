r"""sendmail's view of addresses as tokens, and ruleset 95 (MailerToTriple).

sendmail's rewriting rules never see strings: they see tokens. With the
``OperatorChars`` of every m4-built .cf (``.:%@!^/[]+``) plus the fixed
specials ``()<>,;``, ``a.b+c`` is five tokens. Which token sequence a
mailertable value turns into decides whether it routes at all, so the
mailertable resolver works on tokens too.

>>> tokens("smtp:[mail2.takaq.jp]")
['smtp', ':', '[', 'mail2', '.', 'takaq', '.', 'jp', ']']
>>> join(tokens("relay two.example"))   # blanks between words become BlankSub "."
'relay.two.example'
>>> triple(tokens("error:5.1.1:550 User unknown"), "u", "host.example.")
Route(mailer='*error*', host='5.1.1', user='550 User unknown')
>>> triple(tokens("smtp:fred@relay.example"), "u", "host.example.")
Route(mailer='smtp', host='relay.example', user='fred@relay.example')
"""

from __future__ import annotations

import re
from collections.abc import Collection

import attrs

OPERATORS = ".:%@!^/[]+"
"""``O OperatorChars`` in every .cf the sendmail-cf m4 macros build."""
SPECIALS = "()<>,;"
"""Characters that are always tokens of their own."""
_SINGLE = frozenset(OPERATORS + SPECIALS)
_BLANKS = frozenset(" \t\r\n\x0b\x0c")

STANDARD_MAILERS = frozenset({"local", "prog", "smtp", "esmtp", "smtp8", "dsmtp", "relay"})
"""The mailers of a .cf built with ``MAILER(`local')`` and ``MAILER(`smtp')``."""

ERROR_MAILER = "*error*"
"""How ``sendmail -bt``'s ``/parse`` names the error mailer."""


@attrs.frozen
class Route:
    """The delivery triple as ``sendmail -bt`` ``/parse`` prints it.

    ``host`` is None when sendmail reports none (local names, most errors);
    ``user`` is None when it would be the local part of an address that was
    not given (a bare host was resolved).
    """

    mailer: str
    host: str | None
    user: str | None


def tokens(text: str) -> list[str]:
    """Split text into sendmail tokens (operators, specials, words, ``"quoted"``)."""
    out: list[str] = []
    word: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in _BLANKS:
            if word:
                out.append("".join(word))
                word = []
        elif c in _SINGLE:
            if word:
                out.append("".join(word))
                word = []
            out.append(c)
        elif c == '"':
            end = text.find('"', i + 1)
            end = n - 1 if end < 0 else end
            word.append(text[i : end + 1])
            i = end
        else:
            word.append(c)
        i += 1
    if word:
        out.append("".join(word))
    return out


def is_word(token: str) -> bool:
    """True for a word token (not an operator or special character)."""
    return token[0] not in _SINGLE


def join(toks: list[str], blank: str = ".") -> str:
    """Tokens back to text (sendmail's cataddr): ``blank`` between two words."""
    if len(toks) == 1:
        return toks[0]
    out: list[str] = []
    previous_word = False
    for t in toks:
        word = t[0] not in _SINGLE
        if word and previous_word:
            out.append(blank)
        out.append(t)
        previous_word = word
    return "".join(out)


def dequote(token: str) -> str:
    """sendmail's ``dequote`` map on one token: only a quoted single word loses its quotes."""
    if len(token) >= 2 and token[0] == '"' and token[-1] == '"':
        inner = token[1:-1]
        if inner and tokens(inner) == [inner] and is_word(inner):
            return inner
    return token


def delivered(route: Route) -> Route:
    """The route as /parse prints it: buildaddr lower-cases the host unless the
    mailer keeps its case (F=h: the local mailer; the error mailer's status)."""
    if route.host is None or route.mailer in ("local", ERROR_MAILER):
        return route
    folded = route.host.lower() if route.host.isascii() else route.host
    return route if folded == route.host else Route(route.mailer, folded, route.user)


_PLAIN_ROUTE = re.compile(r"[A-Za-z0-9_-]+:")


def routes(value: str) -> bool:
    """:func:`is_route` on a value's text (fast for the usual ``mailer:...``)."""
    return _PLAIN_ROUTE.match(value) is not None or is_route(tokens(value))


def is_route(toks: list[str]) -> bool:
    """``< $~[ : $* >``: a value routes when it is ``TOKEN:...`` and TOKEN is not ``[``."""
    return len(toks) >= 2 and toks[1] == ":" and toks[0] != "["


def _plain_user(local: str | None, host: str) -> str | None:
    """The recipient as an SMTP mailer prints it: ``local@host`` without the final dot."""
    if local is None:
        return None
    return f"{local}@{_strip_dot(host)}"


def _workspace(local: str | None, host: str) -> list[str]:
    """What follows the ``< mailer : ... >`` part: ``local < @ host >``."""
    return [*(tokens(local) if local else []), "<", "@", *tokens(host), ">"]


def triple(
    value: list[str],
    local: str | None,
    host: str,
    *,
    mailers: Collection[str] | None = None,
) -> Route:
    """Ruleset 95 (MailerToTriple) on ``< VALUE > local < @ host >`` as /parse reports it.

    ``value`` are the tokens of a routing value (``is_route(value)``); ``local`` is
    the address's local part (None for a bare host); ``host`` the canonical host
    (with its trailing dot when sendmail added one). ``mailers``: the mailer
    names the .cf defines (None: assume any name exists).
    """
    name = value[0].lower()
    rest = value[2:]
    known = mailers is None or name in ("error", "local") or name in {m.lower() for m in mailers}
    if not known:
        return Route(ERROR_MAILER, None, "")
    if len(rest) == 1 and name not in ("error", "local"):
        target = rest[0]  # the usual mailer:host
        return Route(name, target, local if name == "prog" else _plain_user(local, host))
    # A trailing `$+` that would be empty swallows "> local < @ host ." instead
    # (the pattern's own ">" then matches the last ">" of the workspace).
    spill = [">", *_workspace(local, host)[:-1]]
    if name == "error":
        if len(rest) >= 6 and rest[1] == "." and rest[3] == "." and rest[5] == ":":
            return Route(ERROR_MAILER, join(rest[:5], ""), join(rest[6:] or spill, " "))
        if len(rest) >= 2 and rest[1] == ":":
            return Route(ERROR_MAILER, dequote(rest[0]), join(rest[2:] or spill, " "))
        return Route(ERROR_MAILER, None, join(rest or spill, " "))
    if name == "local":
        return _canon_local(rest, local, host)
    if not rest:
        return Route(name, join(spill), "")
    if len(rest) >= 3 and "@" in rest[1:-1]:
        at = rest.index("@", 1)
        target = join(rest[at + 1 :])
        if name == "prog":  # its R=EnvToL strips the host again
            return Route(name, target, join(rest[:at]))
        return Route(name, target, join(rest[:at]) + "@" + _strip_dot(target))
    target = join(rest)
    if name == "prog":
        return Route(name, target, local)
    return Route(name, target, _plain_user(local, host))


_SIMPLE_VALUE = re.compile(r"([A-Za-z0-9_-]+):([^\s\"@()<>,;\\]+)")


def plain_route(value: str) -> tuple[str, str] | None:
    """A ``mailer:host`` value ruleset 95 takes as it stands: (mailer lower-cased, host as
    written); None for any other value (and for the error and local mailers).

    >>> plain_route("SMTP:[Mail2.takaq.jp]")
    ('smtp', '[Mail2.takaq.jp]')
    >>> plain_route("error:nouser") is None
    True
    """
    m = _SIMPLE_VALUE.fullmatch(value)
    if m is None:
        return None
    name = m.group(1).lower()
    if name in ("error", "local"):
        return None
    return name, m.group(2)


def route_of(
    value: str, local: str | None, host: str, *, mailers: Collection[str] | None = None
) -> Route:
    """:func:`triple` on a value's text; plain ``mailer:host`` values skip tokenizing."""
    plain = plain_route(value)
    if plain is not None:
        name, target = plain
        if mailers is None or name in {x.lower() for x in mailers}:
            user = local if name == "prog" else _plain_user(local, host)
            return Route(name, target, user)
    return triple(tokens(value), local, host, mailers=mailers)


def _strip_dot(host: str) -> str:
    return host[:-1] if host.endswith(".") else host


def _canon_local(userpart: list[str], local: str | None, host: str) -> Route:
    """Ruleset CanonLocal: ``local:``, ``local:user``, ``local:user@host``."""
    target = None if local is None else f"{local}@{_strip_dot(host)}"
    if len(userpart) >= 3 and "@" in userpart[1:-1]:
        userpart = userpart[: userpart.index("@", 1)]
    if not userpart:
        return Route("local", target, None if local is None else local.lower())
    if userpart[0] == "@":  # buildaddr drops a leading "@" for the local mailer
        userpart = userpart[1:]
    return Route("local", target, join(userpart).lower())


def smart_host_route(
    smart_host: str, local: str | None, host: str, *, local_names: Collection[str] = ()
) -> Route | None:
    """MailerToTriple on ``< $S >``: where SMART_HOST sends a remote address.

    None when the smart host is empty or one of the host's own names (then
    the default esmtp route applies).
    """
    toks = tokens(smart_host)
    if not toks:
        return None
    if is_route(toks):
        return triple(toks, local, host)
    if smart_host.rstrip(".").lower() in local_names:
        return None
    return Route("relay", join(toks), _plain_user(local, host))
