r"""Parse ``.mc`` text into an :class:`~sendmailcfg.syntax.mc_nodes.McTree`.

The Lark grammar ``grammars/mc.lark`` (LALR, contextual lexer, an inline
transformer: no intermediate tree, no recursion per nesting level) is the
only parser; it is total, so any text parses and round-trips:

>>> tree = parse_mc_tree("define(`X', `y')dnl\n`open")
>>> tree.text == "define(`X', `y')dnl\n`open"
True
>>> [type(i).__name__ for i in tree.items]
['McCall', 'McDnl', 'McQuoted']
>>> tree.items[2].closed
False
"""

from __future__ import annotations

import lark

from sendmailcfg import _grammar
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

_Child = object


def _text(children: list[_Child]) -> str:
    return "".join(c if isinstance(c, str) else c.text for c in children)  # type: ignore[attr-defined]


def _item(child: _Child) -> McItem:
    if isinstance(child, lark.Token):
        return McToken(child.type, str(child))
    return child  # type: ignore[return-value]


def _items(children: list[_Child]) -> tuple[McItem, ...]:
    return tuple(_item(c) for c in children)


def _call(children: list[_Child], closed: bool) -> McCall:
    name = str(children[0])
    args = tuple(c for c in children if isinstance(c, McArg))
    return McCall(_text(children), name, args, closed)


class _ToNodes(lark.Transformer[lark.Token, McTree]):
    """Inline transformer: every reduction builds one frozen node."""

    def start(self, children: list[_Child]) -> McTree:
        return McTree(_text(children), _items(children))

    # quotes: nested quotes are flattened into the outer quote's text
    def quote(self, children: list[_Child]) -> McQuoted:
        return McQuoted(_text(children), True)

    def quote_open(self, children: list[_Child]) -> McQuoted:
        return McQuoted(_text(children), False)

    def qnest(self, children: list[_Child]) -> str:
        return _text(children)

    qnest_open = qnest

    # calls
    def call(self, children: list[_Child]) -> McCall:
        return _call(children, True)

    def call_open(self, children: list[_Child]) -> McCall:
        return _call(children, False)

    def dnl_call(self, children: list[_Child]) -> McDnl:
        return McDnl(_text(children), _call(children[:-1], True))

    def dnl_call_open(self, children: list[_Child]) -> McDnl:
        closed = isinstance(children[-1], lark.Token) and children[-1].type == "RPAR"
        return McDnl(_text(children), _call(children, closed))

    def dnl(self, children: list[_Child]) -> McDnl:
        return McDnl(_text(children))

    def arg(self, children: list[_Child]) -> McArg:
        return McArg(_text(children), _items(children))

    arg_open = arg

    def paren(self, children: list[_Child]) -> McParen:
        return McParen(_text(children), _items(children), True)

    def paren_open(self, children: list[_Child]) -> McParen:
        return McParen(_text(children), _items(children), False)

    def hash_comment(self, children: list[_Child]) -> McHashComment:
        return McHashComment(_text(children), _items(children), True)

    def hash_open(self, children: list[_Child]) -> McHashComment:
        return McHashComment(_text(children), _items(children), False)


def _parser() -> lark.Lark:
    return _grammar.lalr_transforming_parser("mc", _ToNodes)


def parse_mc_tree(text: str) -> McTree:
    """Parse any text (never raises for content; see the module docstring)."""
    tree = _parser().parse(text) if text else McTree("", ())
    if not isinstance(tree, McTree):  # pragma: no cover - the transformer always builds one
        raise TypeError("unexpected parse result")
    return tree
