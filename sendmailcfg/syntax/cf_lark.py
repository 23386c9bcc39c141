r"""The Lark reference parser for ``sendmail.cf`` (``grammars/cf.lark``).

Imported lazily by :func:`sendmailcfg.syntax.cf_parser.parse_cf_lines_lark`.

>>> [type(n).__name__ for n in parse_with_lark("R$*\t$1\n#c")]
['CfRule', 'CfComment']
"""

from __future__ import annotations

import lark

from sendmailcfg import _grammar
from sendmailcfg.syntax.cf_nodes import (
    BLANK,
    NAMED_CLASSES,
    PLAIN_CLASSES,
    CfBlank,
    CfComment,
    CfLine,
    CfRule,
    check_line,
    unknown_line,
)


class _Line:
    """A line's tokens before its newline is known."""

    __slots__ = ("kind", "tokens")

    def __init__(self, kind: str, tokens: list[lark.Token]) -> None:
        self.kind = kind
        self.tokens = tokens

    def build(self, newline: str) -> CfLine:
        toks = self.tokens
        text = "".join(toks) + newline
        if self.kind == "comment":
            return CfComment(text)
        if self.kind == "unknown":
            return unknown_line(text)
        if self.kind == "plain":
            return check_line(PLAIN_CLASSES[str(toks[0])](text))
        if self.kind == "named":
            name_end = 1 + (len(toks[1]) if len(toks) > 1 else 0)
            return check_line(NAMED_CLASSES[str(toks[0])](text, name_end))
        return check_line(_rule(text, toks))


def _rule(text: str, toks: list[lark.Token]) -> CfRule:
    """Offsets from the tokens: "R" FIELD? (TABS FIELD? (TABS REST?)?)?"""
    ends: list[int] = []
    pos = 0
    for tok in toks:
        pos += len(tok)
        ends.append(pos)
    n = pos
    kinds = [t.type for t in toks]
    i = 1
    lhs_end = 1
    if i < len(kinds) and kinds[i] == "FIELD":
        lhs_end = ends[i]
        i += 1
    if i >= len(kinds):
        return CfRule(text, n, n, n, n)
    rhs_start = ends[i]  # just after the tabs
    i += 1
    rhs_end = rhs_start
    if i < len(kinds) and kinds[i] == "FIELD":
        rhs_end = ends[i]
        i += 1
    if i >= len(kinds):
        return CfRule(text, lhs_end, rhs_start, n, n)
    return CfRule(text, lhs_end, rhs_start, rhs_end, ends[i])


class _ToNodes(lark.Transformer[lark.Token, list[CfLine]]):
    """Tokens -> the same nodes as the fast path."""

    def comment(self, children: list[lark.Token]) -> _Line:
        return _Line("comment", children)

    def unknown(self, children: list[lark.Token]) -> _Line:
        return _Line("unknown", children)

    def rule(self, children: list[lark.Token]) -> _Line:
        return _Line("rule", children)

    def named(self, children: list[lark.Token]) -> _Line:
        return _Line("named", children)

    def plain(self, children: list[lark.Token]) -> _Line:
        return _Line("plain", children)

    def row(self, children: list[object]) -> CfLine:
        *line, nl = children
        newline = str(nl)
        if not line:
            return BLANK if newline == "\n" else CfBlank(newline)
        part = line[0]
        assert isinstance(part, _Line)
        return part.build(newline)

    def last_row(self, children: list[object]) -> CfLine:
        part = children[0]
        assert isinstance(part, _Line)
        return part.build("")

    def start(self, children: list[CfLine]) -> list[CfLine]:
        return children


def parse_with_lark(text: str) -> list[CfLine]:
    """Parse with the grammar, then apply the same shape checks as the fast path."""
    parser = _grammar.lalr_parser("cf")
    tree = parser.parse(text)
    result: list[CfLine] = _ToNodes().transform(tree)
    return result
