r"""m4 quoting: what an argument passes on, and how to quote a new value.

>>> quote("mmr.plala.or.jp")
"`mmr.plala.or.jp'"
>>> carriable("a `b' c"), carriable("it's")
(True, False)
"""

from __future__ import annotations

import re
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
    n = len(items)
    if n == 1 and type(items[0]) is McQuoted:  # the common cases, without the general walk
        return items[0].inner
    if n == 2 and type(items[1]) is McQuoted and type(items[0]) is McToken:
        head = items[0].text
        if not head.strip(WHITESPACE):
            return items[1].inner
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


_ARG_REF = re.compile(r"\$([0-9]+|[#*@])")
"""What m4 replaces in a macro's text when the macro is used, whatever the quotes."""


def has_arg_refs(value: str) -> bool:
    """Whether m4 would replace part of ``value`` (``$1``, ``$#``...) if it were a macro's text.

    >>> has_arg_refs("relay$1.example"), has_arg_refs("$j ready"), has_arg_refs("a$#b")
    (True, False, True)
    """
    return _ARG_REF.search(value) is not None


def substitute(body: str, name: str) -> str:
    """``body`` as m4 reads it when the macro ``name`` is used without arguments.

    ``$0`` is the name, ``$#`` is 0, ``$1``... ``$*`` ``$@`` are empty -- inside
    quotes too (m4 replaces them before it reads the quotes).

    >>> substitute("relay$1.example $# $0", "SMART_HOST")
    'relay.example 0 SMART_HOST'
    """
    if "$" not in body:
        return body

    def one(m: re.Match[str]) -> str:
        ref = m.group(1)
        if ref == "0":
            return name
        return "0" if ref == "#" else ""

    return _ARG_REF.sub(one, body)


def expansion(name: str, body: str) -> str:
    """What m4 makes of a define's text when the macro is used: ``$`` references
    replaced (:func:`substitute`), then one level of quotes removed (:func:`rescanned`).

    >>> expansion("SMART_HOST", "`relay$'`1.example'")
    'relay$1.example'
    >>> expansion("SMART_HOST", "relay$1.example")
    'relay.example'
    """
    return rescanned(substitute(body, name))


def break_arg_refs(value: str) -> str:
    r"""``value`` with ``'` `` after each ``$`` that m4 would replace (``$1`` -> ``$'`1``).

    Inside one pair of quotes, as a define's text, m4 reads ``$'`1`` back as
    ``$1`` -- as the cf package's own ``DOL`` macro does. A ``$1`` already
    inside quotes of the value cannot be written so: ``EditError``.

    >>> break_arg_refs("relay$1.example")
    "relay$'`1.example"
    """
    out: list[str] = []
    depth = 0
    for i, ch in enumerate(value):
        if ch == "`":
            depth += 1
        elif ch == "'":
            depth -= 1
        out.append(ch)
        ref = _ARG_REF.match(value, i) if ch == "$" else None
        if ref is not None:
            if depth:
                raise EditError(
                    f"cannot write {value!r} so that m4 yields it: m4 would replace "
                    f"{ref.group(0)!r} inside its quotes, where no quote can keep it; "
                    "leave out the quotes or the $"
                )
            out.append("'`")
    return "".join(out)


def refuse_arg_refs(value: str, what: str) -> None:
    """``EditError`` when ``value`` holds ``$1``..``$9``, ``$#``, ``$*``, ``$@`` or ``$0``.

    For values the cf macros copy into a macro's text of their own (FEATURE
    arguments, DAEMON_OPTIONS): m4 would replace those there, whatever the quotes.
    """
    m = _ARG_REF.search(value)
    if m is not None:
        raise EditError(
            f"cannot write {value!r} as {what}: m4 replaces {m.group(0)!r} in a macro's "
            "text whatever the quotes (the .cf would not say what you wrote)"
        )


def name_of(call: McCall) -> str:
    """The macro name a call's first argument names (``define(`X', ...)`` -> ``X``)."""
    return argument_value(call.args[0]).strip() if call.args else ""


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
CF_OWN_NAMES = frozenset({"CHKORX", "SITE", "TEMPFILE"})
"""Names the cf package defines or tests that hold no ``_`` (the rest all do, or are
cf macros): a value naming one may be expanded, so it gets a second pair of quotes."""
_ACTIVE_CHARS = frozenset("`',()#")


def needs_protection(value: str, defined: Iterable[str] = ()) -> bool:
    r"""True when a value read again by m4 (as a define's value is) would not come out as is.

    That is a value with quotes, commas, parentheses, ``#`` or a ``$`` reference
    (``$1``, ``$#``...), or a word m4 would or might expand: a builtin, a cf
    macro, ``dnl``, a name the file defines, or a name with ``_`` (``SMART_HOST``,
    ``MAIL_HUB``: the cf files define and test such names), or a ``conf...`` name.

    >>> needs_protection("mmr.plala.or.jp"), needs_protection("smtp.dnl.example.net")
    (False, True)
    """
    from sendmailcfg.mc.macros import KNOWN_MACROS

    if _ACTIVE_CHARS.intersection(value) or has_arg_refs(value):
        return True
    names = set(defined)
    for word in _WORD.findall(value):
        if word in KNOWN_MACROS or word in names or word.startswith(("_", "conf")):
            return True
        if "_" in word or word in CF_OWN_NAMES:  # SMART_HOST, MAIL_HUB: the cf files use them
            return True
    return False


def literal(value: str, defined: Iterable[str] = (), depth: int = 1) -> str:
    r"""m4 text for a define's value so that m4 yields ``value`` literally when it is used.

    A plain value gets one pair of quotes; a value m4 would change when it reads
    the macro's expansion again (see :func:`needs_protection`) gets ``depth`` more,
    one for each time the cf macro reads it again (``MASQUERADE_AS`` passes its
    argument unquoted to ``define``: two).

    ``$1``, ``$#``... (which m4 replaces whatever the quotes) are written
    ``$'`1``, so the value comes out as written (:func:`break_arg_refs`).

    >>> literal("relay.example"), literal("$j `ESMTP' ready")
    ("`relay.example'", "``$j `ESMTP' ready''")
    >>> literal("relay$1.example")
    "``relay$'`1.example''"
    """
    quoted = quote(value)
    if not needs_protection(value, defined):
        return quoted
    if has_arg_refs(value):
        quoted = "`" + break_arg_refs(value) + "'"
    return "`" * depth + quoted + "'" * depth


def rescanned(value: str) -> str:
    r"""What m4 makes of a macro's value when it reads the expansion again: one level
    of quotes removed (macros in it are not expanded here).

    >>> rescanned("`smtp.dnl.example.net'"), rescanned("$j `ESMTP' ready")
    ('smtp.dnl.example.net', '$j ESMTP ready')
    """
    if "`" not in value and "dnl" not in value:
        return value
    from sendmailcfg.syntax.mc_parser import parse_mc_tree

    return items_value(parse_mc_tree(value).items)
