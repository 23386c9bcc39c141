r"""Parse ``.mc`` text into an :class:`~sendmailcfg.syntax.mc_nodes.McTree`, two ways.

* :func:`parse_mc_tree_lark` runs the Lark grammar ``grammars/mc.lark`` (LALR,
  contextual lexer, an inline transformer: no intermediate tree, no recursion
  per nesting level). It is the specification.
* :func:`parse_mc_tree` is the fast path used by default: one regex per token
  and an explicit stack, so a command-line run need not import Lark at all.
  Hypothesis tests (``tests/test_mc_syntax.py``) prove both build identical
  trees for arbitrary text.

Both are total, so any text parses and round-trips:

>>> tree = parse_mc_tree("define(`X', `y')dnl\n`open")
>>> tree.text == "define(`X', `y')dnl\n`open"
True
>>> [type(i).__name__ for i in tree.items]
['McCall', 'McDnl', 'McQuoted']
>>> tree.items[2].closed
False
"""

from __future__ import annotations

import functools
import re
from typing import Any

from sendmailcfg.syntax.mc_nodes import (
    McArg,
    McCall,
    McDnl,
    McHashComment,
    McItem,
    McParen,
    McQuoted,
    McToken,
    McTree,
)

# --- the fast path --------------------------------------------------------------------

_TOKEN = re.compile(
    r"(?P<DNL_CALL>dnl(?=\())"
    r"|(?P<DNL>dnl(?![A-Za-z0-9_(])[^\n]*\n?)"
    r"|(?P<CALLNAME>[A-Za-z_][A-Za-z0-9_]*(?=\())"
    r"|(?P<WORD>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<TEXT>[^A-Za-z_`'(),#\n]+)"
)
_QUOTE_CHARS = re.compile("[`']")
_DNL_REST = re.compile(r"[^\n]*\n|[^\n]+")
_SINGLE = {"'": "RQ", "(": "LPAR", ")": "RPAR", ",": "COMMA", "#": "HASH", "\n": "NL"}

# frame kinds
_TOP, _HASH, _ARG, _PAREN = 0, 1, 2, 3


class _Frame:
    """One open construct: its kind, start offset and the items gathered so far."""

    __slots__ = ("arg_start", "args", "dnl", "items", "kind", "name", "start")

    def __init__(self, kind: int, start: int, name: str = "", dnl: bool = False) -> None:
        self.kind = kind
        self.start = start
        self.items: list[McItem] = []
        self.name = name
        self.dnl = dnl
        self.args: list[McArg] = []
        self.arg_start = 0


def _quote_end(text: str, pos: int) -> tuple[int, bool]:
    """End offset of the quoted string opening at ``pos`` and whether it closes."""
    depth = 0
    search = _QUOTE_CHARS.search
    i = pos
    while True:
        m = search(text, i)
        if m is None:
            return len(text), False
        depth += 1 if m.group() == "`" else -1
        i = m.end()
        if depth == 0:
            return i, True


def parse_mc_tree(text: str) -> McTree:
    """Parse any text (never raises for content; see the module docstring)."""
    n = len(text)
    stack = [_Frame(_TOP, 0)]
    pos = 0
    match = _TOKEN.match
    while pos < n:
        frame = stack[-1]
        kind = frame.kind
        ch = text[pos]
        if ch == "`":
            end, closed = _quote_end(text, pos)
            frame.items.append(McQuoted(text, closed, pos, end))
            pos = end
            continue
        m = match(text, pos)
        if m is None:  # one of the single characters
            pos += 1
            if ch == "#" and kind == _TOP:
                hash_frame = _Frame(_HASH, pos - 1)
                hash_frame.items.append(McToken("HASH", text, pos - 1, pos))
                stack.append(hash_frame)
            elif ch == "(" and kind >= _ARG:
                paren = _Frame(_PAREN, pos - 1)
                paren.items.append(McToken("LPAR", text, pos - 1, pos))
                stack.append(paren)
            elif ch == "," and kind == _ARG:
                _end_arg(text, frame, pos - 1)
                frame.arg_start = pos
            elif ch == ")" and kind == _ARG:
                _end_arg(text, frame, pos - 1)
                stack.pop()
                call = McCall(text, frame.name, tuple(frame.args), True, frame.start, pos)
                if frame.dnl:
                    r = _DNL_REST.match(text, pos)
                    if r is None:
                        stack[-1].items.append(McDnl(text, call, frame.start, pos))
                        continue
                    pos = r.end()
                    stack[-1].items.append(McDnl(text, call, frame.start, pos))
                    _close_hash(text, stack, pos)
                else:
                    stack[-1].items.append(call)
            elif ch == ")" and kind == _PAREN:
                frame.items.append(McToken("RPAR", text, pos - 1, pos))
                stack.pop()
                stack[-1].items.append(McParen(text, tuple(frame.items), True, frame.start, pos))
            else:
                frame.items.append(McToken(_SINGLE[ch], text, pos - 1, pos))
                if ch == "\n" and kind == _HASH:
                    _close_hash(text, stack, pos)
            continue
        group = m.lastgroup
        end = m.end()
        if group == "TEXT" or group == "WORD":
            frame.items.append(McToken(group, text, pos, end))
            pos = end
        elif group == "DNL":
            frame.items.append(McDnl(text, None, pos, end))
            pos = end
            if kind == _HASH:
                _close_hash(text, stack, pos)
        else:  # CALLNAME or DNL_CALL: the "(" follows
            call_frame = _Frame(_ARG, pos, m.group(), group == "DNL_CALL")
            pos = end + 1
            call_frame.arg_start = pos
            stack.append(call_frame)
    while len(stack) > 1:  # the end of the file inside open constructs
        frame = stack.pop()
        parent = stack[-1].items
        if frame.kind == _HASH:
            parent.append(McHashComment(text, tuple(frame.items), False, frame.start, n))
        elif frame.kind == _PAREN:
            parent.append(McParen(text, tuple(frame.items), False, frame.start, n))
        else:
            _end_arg(text, frame, n)
            call = McCall(text, frame.name, tuple(frame.args), False, frame.start, n)
            parent.append(McDnl(text, call, frame.start, n) if frame.dnl else call)
    return McTree(text, tuple(stack[0].items))


def _end_arg(text: str, frame: _Frame, end: int) -> None:
    frame.args.append(McArg(text, tuple(frame.items), frame.arg_start, end))
    frame.items = []


def _close_hash(text: str, stack: list[_Frame], pos: int) -> None:
    frame = stack[-1]
    if frame.kind == _HASH:
        stack.pop()
        stack[-1].items.append(McHashComment(text, tuple(frame.items), True, frame.start, pos))


# --- the Lark reference parser ----------------------------------------------------------


def _text(children: list[Any]) -> str:
    return "".join(c if isinstance(c, str) else c.text for c in children)


def _call(children: list[Any], closed: bool) -> McCall:
    name = str(children[0])
    args = tuple(c for c in children if isinstance(c, McArg))
    return McCall(_text(children), name, args, closed)


@functools.cache
def _lark_parser() -> Any:
    """Build (once) the Lark parser with an inline transformer; imports Lark only here."""
    import lark

    from sendmailcfg import _grammar

    def items(children: list[Any]) -> tuple[McItem, ...]:
        return tuple(McToken(c.type, str(c)) if isinstance(c, lark.Token) else c for c in children)

    class ToNodes(lark.Transformer[lark.Token, McTree]):
        """Every reduction builds one frozen node."""

        def start(self, children: list[Any]) -> McTree:
            return McTree(_text(children), items(children))

        # nested quotes are flattened into the outer quote's text
        def quote(self, children: list[Any]) -> McQuoted:
            return McQuoted(_text(children), True)

        def quote_open(self, children: list[Any]) -> McQuoted:
            return McQuoted(_text(children), False)

        def qnest(self, children: list[Any]) -> str:
            return _text(children)

        qnest_open = qnest

        def call(self, children: list[Any]) -> McCall:
            return _call(children, True)

        def call_open(self, children: list[Any]) -> McCall:
            return _call(children, False)

        def dnl_call(self, children: list[Any]) -> McDnl:
            return McDnl(_text(children), _call(children[:-1], True))

        def dnl_call_open(self, children: list[Any]) -> McDnl:
            last = children[-1]
            closed = isinstance(last, lark.Token) and last.type == "RPAR"
            return McDnl(_text(children), _call(children, closed))

        def dnl(self, children: list[Any]) -> McDnl:
            return McDnl(_text(children))

        def arg(self, children: list[Any]) -> McArg:
            return McArg(_text(children), items(children))

        arg_open = arg

        def paren(self, children: list[Any]) -> McParen:
            return McParen(_text(children), items(children), True)

        def paren_open(self, children: list[Any]) -> McParen:
            return McParen(_text(children), items(children), False)

        def hash_comment(self, children: list[Any]) -> McHashComment:
            return McHashComment(_text(children), items(children), True)

        def hash_open(self, children: list[Any]) -> McHashComment:
            return McHashComment(_text(children), items(children), False)

    return _grammar.lalr_transforming_parser("mc", ToNodes)


def parse_mc_tree_lark(text: str) -> McTree:
    """The reference: parse with the Lark grammar (same result as :func:`parse_mc_tree`)."""
    if not text:
        return McTree("", ())
    tree = _lark_parser().parse(text)
    if not isinstance(tree, McTree):  # pragma: no cover - the transformer always builds one
        raise TypeError("unexpected parse result")
    return tree
