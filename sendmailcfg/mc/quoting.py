r"""m4 quoting: what an argument passes on, and how to quote a new value.

>>> quote("mmr.plala.or.jp")
"`mmr.plala.or.jp'"
>>> carriable("a `b' c"), carriable("it's")
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterable

from sendmailcfg.errors import EditError
from sendmailcfg.syntax.mc_nodes import McArg, McCall, McDnl, McItem, McParen, McQuoted, McToken

WHITESPACE = " \t\n\r\x0b\x0c"
"""Characters m4 skips (unquoted) at the start of an argument."""


def argument_value(arg: McArg) -> str:
    r"""What m4 passes for ``arg`` before rescanning, as far as it is known statically.

    Unquoted leading whitespace is dropped, one level of quotes is removed,
    ``dnl`` deletes its text; nested calls are kept as written (not expanded).

    >>> from sendmailcfg.syntax.mc_parser import parse_mc_tree
    >>> call = parse_mc_tree("define(`X',dnl\n  `a, b' (`c') d )").items[0]
    >>> argument_value(call.args[1])
    '  a, b (c) d '
    """
    items = list(arg.items)
    i = 0
    # m4 skips unquoted whitespace before anything else of the argument
    while i < len(items):
        it = items[i]
        if isinstance(it, McToken) and it.kind in ("TEXT", "NL"):
            stripped = it.text.lstrip(WHITESPACE)
            if not stripped:
                i += 1
                continue
            items[i] = McToken(it.kind, stripped)
        break
    return items_value(items[i:])


def items_value(items: Iterable[McItem]) -> str:
    """The value of a sequence of argument items (iterative; parens keep their quotes off)."""
    out: list[str] = []
    stack: list[tuple[list[McItem], int]] = [(list(items), 0)]
    while stack:
        seq, idx = stack.pop()
        if idx >= len(seq):
            continue
        item = seq[idx]
        stack.append((seq, idx + 1))
        if isinstance(item, McQuoted):
            out.append(item.inner)
        elif isinstance(item, McDnl):
            continue
        elif isinstance(item, McParen):  # its items include its own parentheses
            stack.append((list(item.items), 0))
        else:
            out.append(item.text)
    return "".join(out)


def is_quoted(arg: McArg) -> bool:
    """True when the argument is exactly one quoted string (blanks around allowed)."""
    real = [
        i
        for i in arg.items
        if not (isinstance(i, McToken) and i.kind in ("TEXT", "NL") and not i.text.strip())
    ]
    return len(real) == 1 and isinstance(real[0], McQuoted) and real[0].closed


def carriable(value: str) -> bool:
    r"""True when ``quote(value)`` gives m4 back exactly ``value``: quotes must nest.

    >>> carriable("x'y"), carriable("`a'"), carriable("a\nb")
    (False, True, False)
    """
    depth = 0
    for ch in value:
        if ch == "`":
            depth += 1
        elif ch == "'":
            depth -= 1
            if depth < 0:
                return False
    return depth == 0 and "\n" not in value and "\x00" not in value


def quote(value: str) -> str:
    """`` `value' ``, refusing (``EditError``) a value m4 cannot carry unchanged."""
    if not carriable(value):
        raise EditError(
            f"cannot write {value!r} as an m4 argument: backquotes and quotes must pair up "
            "(`...') and newlines or NUL bytes are not allowed"
        )
    return "`" + value + "'"


def name_of(call: McCall) -> str:
    """The macro name a call's first argument names (``define(`X', ...)`` -> ``X``)."""
    return argument_value(call.args[0]).strip() if call.args else ""
