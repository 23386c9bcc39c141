r"""sendmail's tokens, as its rulesets see addresses, keys and access values.

sendmail splits text into tokens (``prescan``) before its rulesets match it:
each character of ``OperatorChars`` (``.:%@!^/[]+`` in every m4-built .cf)
and of ``()<>,;`` is a token of its own, a quoted string is one token, white
space only separates. Map keys are rebuilt from tokens without spaces, and
error texts with one space between two word tokens only (``cataddr``), then
with the double quotes removed (``stripquotes``).

>>> tokenize("x.bad.example")
['x', '.', 'bad', '.', 'example']
>>> tokenize('ERROR:"550 go away"')
['ERROR', ':', '"550 go away"']
>>> reply_text(tokenize("550 No,  thanks"))
'550 No,thanks'
>>> match(["$+", "+", "$*", "@", "$+"], tokenize("a+b@ex.test"))
[['a'], ['b'], ['ex', '.', 'test']]
"""

from __future__ import annotations

from collections.abc import Sequence

OPERATORS = frozenset(".:%@!^/[]+")
"""``O OperatorChars`` of every .cf built from the m4 macros."""
DELIMITERS = frozenset("()<>,;")
"""Characters that are always tokens of their own."""
BLANK_SUB = "."
"""``O BlankSub``: what sendmail puts between two word tokens in a map key."""

__all__ = [
    "BLANK_SUB",
    "DELIMITERS",
    "OPERATORS",
    "is_word",
    "join_key",
    "match",
    "reply_text",
    "same",
    "tokenize",
]


def tokenize(text: str) -> list[str]:
    """Split ``text`` as sendmail's ``prescan`` does (comments in parentheses are kept)."""
    tokens: list[str] = []
    word = ""
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if c == '"':
            if word:
                tokens.append(word)
                word = ""
            j = i + 1
            while j < n and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            tokens.append(text[i : j + 1])
            i = j + 1
            continue
        if c == "\\" and i + 1 < n:
            word += text[i : i + 2]
            i += 2
            continue
        if c in " \t\r\n":
            if word:
                tokens.append(word)
                word = ""
        elif c in OPERATORS or c in DELIMITERS:
            if word:
                tokens.append(word)
                word = ""
            tokens.append(c)
        else:
            word += c
        i += 1
    if word:
        tokens.append(word)
    return tokens


def is_word(token: str) -> bool:
    """True for an atom (not an operator, delimiter or quoted string)."""
    return (
        bool(token)
        and token[0] not in OPERATORS
        and token[0] not in DELIMITERS
        and (token[0] != '"')
    )


def _cat(tokens: Sequence[str], sub: str) -> str:
    out = []
    previous_word = False
    for t in tokens:
        word = is_word(t)
        if previous_word and word:
            out.append(sub)
        out.append(t)
        previous_word = word
    return "".join(out)


def join_key(tokens: Sequence[str]) -> str:
    """The map key sendmail builds from ``tokens`` (``BlankSub`` between two words)."""
    return _cat(tokens, BLANK_SUB)


def _strip_quotes(text: str) -> str:
    out = []
    escaped = False
    for c in text:
        if escaped:
            escaped = False
        elif c == "\\":
            escaped = True
        elif c == '"':
            continue
        out.append(c)
    return "".join(out)


def reply_text(tokens: Sequence[str]) -> str:
    """The SMTP reply text sendmail sends for ``$: tokens`` of an ``$#error``."""
    return _strip_quotes(_cat(tokens, " "))


def same(a: str, b: str) -> bool:
    """Literal tokens in a rule match case-insensitively (ASCII)."""
    return a.lower() == b.lower() if a.isascii() and b.isascii() else a.casefold() == b.casefold()


def match(pattern: Sequence[str], tokens: Sequence[str]) -> list[list[str]] | None:
    """Match a rule's left-hand side (``$*``, ``$+``, ``$-``, literals) against ``tokens``.

    Like sendmail: every wildcard first takes as few tokens as it can, and the
    matcher backtracks. Returns the bound token lists, or None.
    """

    def go(pi: int, ti: int, bound: list[list[str]]) -> list[list[str]] | None:
        if pi == len(pattern):
            return bound if ti == len(tokens) else None
        p = pattern[pi]
        if p == "$-":
            if ti < len(tokens):
                return go(pi + 1, ti + 1, [*bound, [tokens[ti]]])
            return None
        if p in ("$*", "$+"):
            lo = 0 if p == "$*" else 1
            for end in range(ti + lo, len(tokens) + 1):
                found = go(pi + 1, end, [*bound, list(tokens[ti:end])])
                if found is not None:
                    return found
            return None
        if ti < len(tokens) and same(p, tokens[ti]):
            return go(pi + 1, ti + 1, bound)
        return None

    return go(0, 0, [])
