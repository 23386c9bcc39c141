r"""The Lark reference parser for makemap sources (``grammars/map*.lark``).

Imported lazily by :func:`sendmailcfg.syntax.map_parser.parse_map_lines_lark`.

>>> [n.text for n in parse_with_lark("a b\n#c")]
['a b\n', '#c']
"""

from __future__ import annotations

import functools
import re

import lark

from sendmailcfg import _grammar
from sendmailcfg.syntax.map_nodes import (
    BLANK,
    WS_CLASS,
    MapComment,
    MapEntry,
    MapErrorLine,
    MapLine,
    MapSyntax,
    limit_problem,
)


def _char_class(ch: str) -> str:
    return "\\" + ch if ch in "\\]^-[" else ch


@functools.cache
def grammar_for(syntax_comment: str, delimiter: str | None) -> str:
    """The grammar text for a ``-D``/``-t`` combination (the file for the defaults)."""
    name = "map" if delimiter is None else "map_delimited"
    text = _grammar.grammar_text(name)
    if syntax_comment == "#" and delimiter in (None, ":"):
        return text
    c = _char_class(syntax_comment)
    ws = WS_CLASS
    if delimiter is None:
        terminals = {
            "COMMENT.3:": rf"{re.escape(syntax_comment)}[^\n]*",
            "KEY:": rf"[^{c}{ws}\n][^{ws}\n]*",
        }
    else:
        d = _char_class(delimiter)
        terminals = {
            "COMMENT.3:": rf"{re.escape(syntax_comment)}[^\n]*",
            "KEY:": rf"[^{c}{d}\n][^{d}\n]*",
            "SEP:": rf"(?:{re.escape(delimiter)})+",
            "VALUE:": rf"[^{d}\n][^\n]*",
        }
    lines = []
    for line in text.splitlines(keepends=True):
        for name_, body in terminals.items():
            if line.startswith(name_):
                escaped = body.replace("/", "\\/")
                line = f"{name_} /{escaped}/\n"
        lines.append(line)
    return "".join(lines)


class _ToNodes(lark.Transformer[lark.Token, list[MapLine]]):
    """Inline transformer: tokens -> the same nodes as the fast path."""

    def __init__(self, syntax: MapSyntax) -> None:
        super().__init__()
        self.syntax = syntax

    def entry(self, children: list[lark.Token]) -> _Content:
        return _Content("entry", children)

    def comment(self, children: list[lark.Token]) -> _Content:
        return _Content("comment", children)

    def leading_space(self, children: list[lark.Token]) -> _Content:
        return _Content("leading_space", children)

    def line(self, children: list[object]) -> MapLine:
        *content, nl = children
        return self._line(content, str(nl))

    def last_line(self, children: list[object]) -> MapLine:
        return self._line(children, "")

    def _line(self, content: list[object], newline: str) -> MapLine:
        if not content:
            return limit_problem(newline) or BLANK
        part = content[0]
        assert isinstance(part, _Content)
        text = "".join(part.tokens) + newline
        return limit_problem(text) or part.build(text, self.syntax)

    def start(self, children: list[MapLine]) -> list[MapLine]:
        return children


class _Content:
    __slots__ = ("kind", "tokens")

    def __init__(self, kind: str, tokens: list[lark.Token]) -> None:
        self.kind = kind
        self.tokens = tokens

    def build(self, text: str, syntax: MapSyntax) -> MapLine:
        if self.kind == "comment":
            return MapComment(text)
        if self.kind == "leading_space":
            return MapErrorLine(text, "leading-space", 1)
        by_type: dict[str, str] = {t.type: str(t) for t in self.tokens}
        key = by_type.get("KEY", "")
        sep = by_type.get("SEP", "")
        if "VALUE" not in by_type and not syntax.allow_empty:
            return MapErrorLine(text, "no-rhs", len(key) + 1)
        return MapEntry(text, len(key), len(key) + len(sep))


def parse_with_lark(text: str, syntax: MapSyntax = MapSyntax()) -> list[MapLine]:
    """Parse with the grammar, then apply the same line checks as the fast path."""
    grammar = grammar_for(syntax.comment, syntax.delimiter)
    name = "map" if syntax.delimiter is None else "map_delimited"
    parser = _grammar.lalr_parser(name, grammar)
    tree = parser.parse(text)
    result: list[MapLine] = _ToNodes(syntax).transform(tree)
    return result
