r"""A makemap source file as a document: a list of frozen line nodes plus views.

The document feels like a read-only mapping of what makemap would store
(``doc["key"]``, ``get``, ``in``, ``keys``) and edits one line at a time
(``set``, ``remove``): every other byte stays as it was.

>>> doc = MapDocument.from_text("# routes\nexample.com\tsmtp:[mx.example.net]\n")
>>> doc.get("EXAMPLE.com")
'smtp:[mx.example.net]'
>>> doc.set(".example.com", "smtp:[mx.example.net]")
True
>>> doc.text.splitlines()
['# routes', 'example.com\tsmtp:[mx.example.net]', '.example.com\tsmtp:[mx.example.net]']
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Literal

import attrs

from sendmailcfg import _source
from sendmailcfg._source import byte_length, dominant_newline
from sendmailcfg.errors import Diagnostic, EditError, ParseError
from sendmailcfg.maps.keys import fold
from sendmailcfg.syntax.map_nodes import (
    MAX_LINE_BYTES,
    WHITESPACE,
    MapEntry,
    MapErrorLine,
    MapLine,
    MapSyntax,
)
from sendmailcfg.syntax.map_parser import parse_map_lines, parse_map_lines_lark

Duplicates = Literal["first", "last", "all"]
"""makemap's policy for repeated keys: default (first kept, an error), ``-r``, ``-d``."""


@attrs.frozen
class LocatedEntry:
    """An entry with its position: what users iterate over."""

    key: str
    value: str
    line: int
    column: int
    value_column: int
    node: MapEntry = attrs.field(repr=False, eq=False)


class MapDocument:
    """A makemap source (``mailertable``, ``access``, ...), lossless and editable."""

    kind: str = "map"

    def __init__(
        self,
        lines: list[MapLine],
        *,
        syntax: MapSyntax = MapSyntax(),
        fold_keys: bool = True,
        duplicates: Duplicates = "first",
        path: str | None = None,
    ) -> None:
        self.lines: list[MapLine] = lines
        self.syntax = syntax
        self.fold_keys = fold_keys
        self.duplicates: Duplicates = duplicates
        self.path = path
        self._index: dict[str, int] | None = None  # folded key -> first line index
        self._repeats: dict[str, list[int]] = {}  # folded key -> every index, if repeated

    # -- construction ------------------------------------------------------------------

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        syntax: MapSyntax = MapSyntax(),
        fold_keys: bool = True,
        duplicates: Duplicates = "first",
        path: str | None = None,
        strict: bool = False,
        parser: Literal["fast", "lark"] = "fast",
    ) -> MapDocument:
        """Parse ``text``; never fails unless ``strict`` (then :class:`ParseError`)."""
        parse = parse_map_lines if parser == "fast" else parse_map_lines_lark
        doc = cls(
            parse(text, syntax),
            syntax=syntax,
            fold_keys=fold_keys,
            duplicates=duplicates,
            path=path,
        )
        if strict:
            for d in doc.diagnostics:
                raise ParseError(d, path)
        return doc

    def copy(self) -> MapDocument:
        """A cheap copy (nodes are frozen and shared) to try an edit on."""
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.lines = list(self.lines)
        new._index = None
        new._repeats = {}
        return new

    # -- text --------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The whole file, byte for byte what was parsed plus the edits."""
        return "".join(n.text for n in self.lines)

    @property
    def newline(self) -> str:
        r"""The file's own newline: ``"\r\n"`` when most lines end so, else ``"\n"``."""
        return dominant_newline([n.text for n in self.lines[:1000]])

    # -- positions and problems ----------------------------------------------------------

    @property
    def entries(self) -> list[LocatedEntry]:
        """Every entry in file order, with 1-based line and column."""
        out = []
        for i, node in enumerate(self.lines):
            if isinstance(node, MapEntry):
                out.append(LocatedEntry(node.key, node.value, i + 1, 1, node.value_column, node))
        return out

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every line makemap would reject, and every duplicate key it would report."""
        out: list[Diagnostic] = []
        seen: set[str] = set()
        for i, node in enumerate(self.lines):
            if isinstance(node, MapErrorLine):
                out.append(Diagnostic(i + 1, node.column, node.code, node.message, node.expected))
            elif isinstance(node, MapEntry) and self.duplicates == "first":
                k = self.fold(node.key)
                if k in seen:
                    out.append(
                        Diagnostic(
                            i + 1,
                            1,
                            "duplicate-key",
                            f"key {k}: duplicate key",
                            "each key once (makemap keeps the first; -r keeps the last)",
                        )
                    )
                seen.add(k)
        return out

    # -- lookups -----------------------------------------------------------------------

    def fold(self, key: str) -> str:
        """A key as makemap stores it (ASCII-lower-cased unless built with ``-f``)."""
        return fold(key) if self.fold_keys else key

    def _lookup(self) -> dict[str, int]:
        """Folded key -> index of its first entry line (built once, dropped on edits)."""
        if self._index is None:
            index: dict[str, int] = {}
            repeats: dict[str, list[int]] = {}
            folding = self.fold_keys
            entry = MapEntry
            for i, node in enumerate(self.lines):
                if type(node) is entry:
                    k = node.text[: node.key_end]
                    if folding:
                        k = k.lower() if k.isascii() else fold(k)
                    if k in index:
                        repeats.setdefault(k, [index[k]]).append(i)
                    else:
                        index[k] = i
            self._index, self._repeats = index, repeats
        return self._index

    def _indexes(self, key: str) -> list[int]:
        """Every line index holding an entry for ``key``, in file order."""
        k = self.fold(key)
        first = self._lookup().get(k)
        if first is None:
            return []
        return self._repeats.get(k, [first])

    def _effective(self, key: str) -> int | None:
        found = self._indexes(key)
        if not found:
            return None
        return found[-1] if self.duplicates == "last" else found[0]

    def get(self, key: str, default: str | None = None) -> str | None:
        """The value sendmail would find for ``key`` (folded as makemap folds it)."""
        i = self._effective(key)
        if i is None:
            return default
        node = self.lines[i]
        assert isinstance(node, MapEntry)
        return node.value

    def get_all(self, key: str) -> list[str]:
        """Every value written for ``key`` (several only when the key repeats)."""
        out = []
        for i in self._indexes(key):
            node = self.lines[i]
            assert isinstance(node, MapEntry)
            out.append(node.value)
        return out

    def find(self, key: str) -> LocatedEntry | None:
        """The entry that decides ``key``, with its position, or None."""
        i = self._effective(key)
        if i is None:
            return None
        node = self.lines[i]
        assert isinstance(node, MapEntry)
        return LocatedEntry(node.key, node.value, i + 1, 1, node.value_column, node)

    def __getitem__(self, key: str) -> str:
        value = self.get(key)
        if value is None:
            raise KeyError(key)
        return value

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self._effective(key) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self._lookup())

    def keys(self) -> list[str]:
        """Stored keys (folded), in file order of first appearance."""
        return list(self._lookup())

    def items(self) -> list[tuple[str, str]]:
        """``(stored key, value)`` pairs as sendmail would find them."""
        return [(k, self.get(k) or "") for k in self._lookup()]

    def stored_pairs(self) -> list[tuple[str, str]]:
        """Exactly what makemap would store (and ``makemap -u`` list), in insertion order.

        Uses the byte-level makemap emulation, so even the pieces of an over-long
        line that makemap reads as lines of their own are accounted for.
        """
        from sendmailcfg.maps.makemap_reader import ReaderOptions, read_source

        comment = _source.encode(self.syntax.comment)[:1]
        delimiter = self.syntax.delimiter
        options = ReaderOptions(
            comment=comment,
            delimiter=_source.encode(delimiter)[:1] if delimiter is not None else None,
            fold=self.fold_keys,
            allow_empty=self.syntax.allow_empty,
            duplicates={"first": "error", "last": "last", "all": "all"}[self.duplicates],  # type: ignore[arg-type]
        )
        result = read_source(_source.encode(self.text), options)
        return [(_source.decode(k), _source.decode(v)) for k, v in result.pairs]

    # -- edits -------------------------------------------------------------------------

    def check_key(self, key: str) -> None:
        """Raise :class:`EditError` unless makemap would read ``key`` back as written."""
        if not key:
            raise EditError("empty key")
        if "\n" in key or "\x00" in key:
            raise EditError(f"key {key!r} holds a newline or NUL byte")
        if key[0] == self.syntax.comment:
            raise EditError(f"key {key!r} starts with the comment character")
        if self.syntax.delimiter is None:
            if any(c in WHITESPACE for c in key):
                raise EditError(f"key {key!r} holds white space (makemap ends a key there)")
        elif self.syntax.delimiter in key:
            raise EditError(f"key {key!r} holds the delimiter {self.syntax.delimiter!r}")

    def check_value(self, value: str) -> None:
        """Raise :class:`EditError` unless makemap would store ``value`` as written."""
        if "\n" in value or "\x00" in value:
            raise EditError(f"value {value!r} holds a newline or NUL byte")
        if not value and not self.syntax.allow_empty:
            raise EditError("empty value (makemap: no RHS for LHS; build with -e to allow)")
        skipped = WHITESPACE if self.syntax.delimiter is None else self.syntax.delimiter
        if value and value[0] in skipped:
            raise EditError(f"value {value!r} starts with a separator makemap would skip")

    def _separator_for(self, key: str) -> str:
        if self.syntax.delimiter is not None:
            return self.syntax.delimiter
        entries = [n for n in self.lines if isinstance(n, MapEntry)]
        if not entries:
            return "\t"
        seps = Counter(e.separator for e in entries)
        sep, _ = seps.most_common(1)[0]
        columns = Counter(_display_width(e.text[: e.value_start]) for e in entries)
        column, count = columns.most_common(1)[0]
        aligned = len(entries) >= 2 and count * 5 >= len(entries) * 4 and len(seps) > 1
        if aligned and _display_width(key) < column:
            if "\t" in sep:
                width = _display_width(key)
                tabs = ""
                while width < column:
                    tabs += "\t"
                    width = (width // 8 + 1) * 8
                if width == column:
                    return tabs
            elif set(sep) == {" "}:
                return " " * (column - len(key))
        return sep

    def _line_for(self, key: str, value: str, sep: str, newline: str) -> MapEntry:
        self.check_key(key)
        self.check_value(value)
        text = f"{key}{sep}{value}{newline}"
        if byte_length(text.rstrip("\n")) > MAX_LINE_BYTES:
            raise EditError(f"line for key {key!r} would exceed makemap's 1022 bytes")
        return MapEntry(text, len(key), len(key) + len(sep))

    def set(self, key: str, value: str, *, after: str | None = None) -> bool:
        """Make ``key`` map to ``value``; True when the text changed.

        An existing entry keeps its key spelling, separator and newline; a new
        one takes the file's separator and newline style and goes after the
        entry for ``after`` (when given and present) or after the last entry.
        """
        i = self._effective(key)
        if i is not None:
            old = self.lines[i]
            assert isinstance(old, MapEntry)
            newline = old.newline
            if old.value.endswith("\r") and not value.endswith("\r"):
                value += "\r"  # keep the line's own CRLF ending
            new = self._line_for(old.key, value, old.separator, newline)
            if new.text == old.text:
                return False
            self.lines[i] = new
            return True
        self.insert(key, value, after=after)
        return True

    def insert(self, key: str, value: str, *, after: str | None = None) -> int:
        """Add a new entry line even if ``key`` exists; returns its 0-based index.

        In a CRLF file the new line ends in CRLF too (so makemap stores a CR at
        the end of its value, as it does for every other line of that file).
        """
        crlf = self.newline == "\r\n"
        position = None
        if after is not None:
            found = self._indexes(after)
            if found:
                position = found[-1] + 1
        if position is None:
            position = len(self.lines)
            for i in range(len(self.lines) - 1, -1, -1):
                if isinstance(self.lines[i], MapEntry):
                    position = i + 1
                    break
        # A file without a final newline keeps that habit when we append to it.
        at_end = position == len(self.lines)
        newline = "" if at_end and self.lines and not self.lines[-1].newline else "\n"
        text_value = value + "\r" if crlf else value
        node = self._line_for(key, text_value, self._separator_for(key), newline)
        if position > 0 and not self.lines[position - 1].newline:
            prev = self.lines[position - 1]
            # Only "\n": a CR would change what makemap stores for that line.
            self.lines[position - 1] = attrs.evolve(prev, text=prev.text + "\n")
        self.lines.insert(position, node)
        self._index = None
        return position

    def remove(self, key: str) -> bool:
        """Delete every entry for ``key`` (folded); True when the text changed."""
        found = self._indexes(key)
        if not found:
            return False
        for i in reversed(found):
            del self.lines[i]
        self._index = None
        return True


def _display_width(text: str) -> int:
    width = 0
    for ch in text:
        width = (width // 8 + 1) * 8 if ch == "\t" else width + 1
    return width
