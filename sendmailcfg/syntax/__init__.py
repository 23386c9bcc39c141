"""Syntax: lossless nodes and parsers. Knows nothing of what sendmail does with them."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
else:

    def __getattr__(name: str) -> object:
        """The map names are imported on first use: parsing an .mc needs none of them."""
        import importlib

        if name in _MAP_NODES or name in _MAP_PARSER:
            module = "map_nodes" if name in _MAP_NODES else "map_parser"
            value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
            globals()[name] = value
            return value
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_MAP_NODES = ("BLANK", "MapBlank", "MapComment", "MapEntry", "MapErrorLine", "MapLine", "MapSyntax")
_MAP_PARSER = ("parse_map_lines", "parse_map_lines_lark")

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
