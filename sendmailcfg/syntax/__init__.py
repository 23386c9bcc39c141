"""Syntax: lossless nodes and parsers. Knows nothing of what sendmail does with them."""

from sendmailcfg.syntax.map_nodes import (
    BLANK,
    MapBlank,
    MapComment,
    MapEntry,
    MapErrorLine,
    MapLine,
    MapSyntax,
)
from sendmailcfg.syntax.map_parser import parse_map_lines, parse_map_lines_lark

__all__ = [
    "BLANK",
    "MapBlank",
    "MapComment",
    "MapEntry",
    "MapErrorLine",
    "MapLine",
    "MapSyntax",
    "parse_map_lines",
    "parse_map_lines_lark",
]
