r"""A makemap source file as a document: a mutable mapping over lossless text.

The document is a :class:`collections.abc.MutableMapping` of what makemap would
store, folded key -> value (``doc["key"]``, ``doc[k] = v``, ``del doc[k]``,
``len``, iteration over folded keys in file order), and edits one line at a
time (``set``, ``remove``, ``insert``): every other byte stays as it was.
:meth:`MapDocument.entries` and :meth:`MapDocument.find_all` are the lossless
view (every entry as written, with its position); :attr:`MapDocument.lines`
the line nodes.

>>> doc = MapDocument.from_text("# routes\nexample.com\tsmtp:[mx.example.net]\n")
>>> doc["EXAMPLE.com"]
'smtp:[mx.example.net]'
>>> doc[".example.com"] = "smtp:[mx.example.net]"
>>> doc.text.splitlines()
['# routes', 'example.com\tsmtp:[mx.example.net]', '.example.com\tsmtp:[mx.example.net]']
>>> list(doc), doc.changed
(['example.com', '.example.com'], True)

How it is stored (so that loads, lookups and edits cost what they touch): the
text as loaded and an array of line offsets; a line's node is made only when
the line is asked for. The key index comes from one regex pass over the folded
text. Edits are kept beside the text (a line's new text, new lines after an
anchor line, deleted lines), so ``set`` and ``del`` cost the same on a
ten-line map and a million-line one, and :attr:`text` joins the untouched text
in large slices.
"""

from __future__ import annotations

import bisect
import operator
import os
from collections import Counter, deque
from collections.abc import (
    Callable,
    ItemsView,
    Iterable,
    Iterator,
    KeysView,
    MutableMapping,
    Sequence,
    ValuesView,
)
from itertools import accumulate, compress, repeat
from operator import itemgetter
from typing import TYPE_CHECKING, Literal, TypeVar, overload

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
from sendmailcfg.syntax.map_parser import (
    entry_keys,
    entry_separators,
    line_starts,
    parse_map_line,
    parse_map_lines,
    parse_map_lines_lark,
    problem_line_starts,
    repeated_keys,
)

if TYPE_CHECKING:
    from typing_extensions import Self

    from sendmailcfg.protocol import Document

_T = TypeVar("_T")
_K = TypeVar("_K")
Duplicates = Literal["first", "last", "all"]
"""makemap's policy for repeated keys: default (first kept, an error), ``-r``, ``-d``."""

_DUPLICATE = "each key once (makemap keeps the first; -r keeps the last)"
_CHUNK = 1 << 16
"""Lines parsed at a time when every node is asked for."""
_LONG = MAX_LINE_BYTES // 4
"""Lines longer than this (in characters) may exceed makemap's limit in bytes."""


@attrs.frozen
class LocatedEntry:
    """An entry with its position: what users iterate over."""

    key: str
    value: str
    line: int
    column: int
    value_column: int
    node: MapEntry = attrs.field(repr=False, eq=False)


class EntryList(list[LocatedEntry]):
    """What :meth:`MapDocument.entries` returns: a list, also callable (``doc.entries()``).

    ``doc.entries`` was a property; calling it is the spelling of the
    :class:`MapDocument` protocol. The attribute form keeps working.

    >>> doc = MapDocument.from_text("a 1\\n#\\nb 2\\n")
    >>> [(e.key, e.line) for e in doc.entries()] == [(e.key, e.line) for e in doc.entries]
    True
    """

    def __call__(self) -> list[LocatedEntry]:
        return self


class MapLines(Sequence[MapLine]):
    """The document's lines as nodes, in file order; each node is made when asked for.

    >>> lines = MapDocument.from_text("a 1\\n#\\n").lines
    >>> len(lines), type(lines[-1]).__name__
    (2, 'MapComment')
    """

    __slots__ = ("_doc",)

    def __init__(self, doc: MapDocument) -> None:
        self._doc = doc

    def __len__(self) -> int:
        return self._doc._line_count()

    @overload
    def __getitem__(self, index: int) -> MapLine: ...

    @overload
    def __getitem__(self, index: slice) -> list[MapLine]: ...

    def __getitem__(self, index: int | slice) -> MapLine | list[MapLine]:
        doc = self._doc
        if isinstance(index, slice):
            return [doc._node(doc._id_at(p)) for p in range(*index.indices(len(self)))]
        count = len(self)
        if index < 0:
            index += count
        if not 0 <= index < count:
            raise IndexError("line index out of range")
        return doc._node(doc._id_at(index))

    def __iter__(self) -> Iterator[MapLine]:
        return self._doc._nodes()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, MapLines | list | tuple):
            return len(self) == len(other) and all(a == b for a, b in zip(self, other, strict=True))
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"MapLines({list(self)!r})"


class _Items(ItemsView[str, str]):
    _mapping: MapDocument

    def __iter__(self) -> Iterator[tuple[str, str]]:
        doc = self._mapping
        for k in doc._lookup():
            yield k, doc._value_of(doc._effective_folded(k))


class _Values(ValuesView[str]):
    _mapping: MapDocument

    def __iter__(self) -> Iterator[str]:
        doc = self._mapping
        for k in doc._lookup():
            yield doc._value_of(doc._effective_folded(k))


class MapDocument(MutableMapping[str, str]):
    """A makemap source (``mailertable``, ``access``, ...), lossless and editable.

    Equality and hashing are those of the object (two documents with the same
    pairs but different comments are different files): compare ``dict(doc)``
    for what makemap would store.
    """

    kind: str = "map"

    def __init__(
        self,
        lines: Iterable[MapLine] = (),
        *,
        syntax: MapSyntax = MapSyntax(),
        fold_keys: bool = True,
        duplicates: Duplicates = "first",
        path: str | None = None,
    ) -> None:
        nodes = list(lines)
        self._setup(
            "".join(n.text for n in nodes),
            syntax=syntax,
            fold_keys=fold_keys,
            duplicates=duplicates,
            path=path,
        )
        # Nodes given by hand win over what the text would parse to.
        self._fixed.update(enumerate(nodes))

    def _setup(
        self,
        text: str,
        *,
        syntax: MapSyntax,
        fold_keys: bool,
        duplicates: Duplicates,
        path: str | None,
    ) -> None:
        self.syntax = syntax
        self.fold_keys = fold_keys
        self.duplicates: Duplicates = duplicates
        self.path = path
        self._text = text
        self._starts = line_starts(text)
        self._n = len(self._starts) - 1
        self._fixed: dict[int, MapLine] = {}
        # Edits, beside the text. Line ids: 0..n-1 the lines as loaded, n.. new lines.
        self._texts: dict[int, str] = {}  # line id -> its text now, where it changed
        self._dead: set[int] = set()  # lines as loaded that were deleted
        self._gaps: dict[int, list[int]] = {}  # line as loaded (-1: the start) -> new lines
        self._new_slot: dict[int, int] = {}  # new line id -> the gap it is in
        self._slots: list[int] = []  # sorted: every line as loaded with a gap or deleted
        self._deltas: list[int] = []  # for each slot: lines in its gap, less 1 if deleted
        self._next_id = self._n
        self._index: dict[str, int] | None = None  # folded key -> first line id
        self._repeats: dict[str, list[int]] = {}  # folded key -> every id, if repeated
        self._style: tuple[Counter[str], Counter[int], list[int]] | None = None
        self._last_entry: int | None = None  # id of the last entry line (cache)
        self._newline: str | None = None
        self._sums: list[int] | None = None  # running sums of _deltas (cache)
        self._scan_ok: bool | None = None  # no line of the loaded text is long (cache)
        self._located_cache: dict[int, LocatedEntry] = {}  # line id -> its entry, as found

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
    ) -> Self:
        """Parse ``text``; never fails unless ``strict`` (then :class:`ParseError`).

        ``parser="lark"`` builds every node with the reference grammar instead.
        """
        if parser == "lark":
            doc = cls(
                parse_map_lines_lark(text, syntax),
                syntax=syntax,
                fold_keys=fold_keys,
                duplicates=duplicates,
                path=path,
            )
        else:
            doc = cls.__new__(cls)
            doc._setup(text, syntax=syntax, fold_keys=fold_keys, duplicates=duplicates, path=path)
        if strict:
            for d in doc.diagnostics:
                raise ParseError(d, path)
        return doc

    loads = from_text
    """The same as :meth:`from_text` (the spelling of :func:`sendmailcfg.loads`)."""

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        syntax: MapSyntax = MapSyntax(),
        fold_keys: bool = True,
        duplicates: Duplicates = "first",
        strict: bool = False,
    ) -> Self:
        """Read the file at ``path`` as bytes (any encoding survives) and parse it."""
        from sendmailcfg import fileio

        name = os.fspath(path)
        return cls.from_text(
            _source.decode(fileio.read_bytes(name)),
            syntax=syntax,
            fold_keys=fold_keys,
            duplicates=duplicates,
            path=name,
            strict=strict,
        )

    def _forget(self) -> None:
        """Drop what a kind's document worked out from the entries (its answer caches).

        Called before every edit (``set``, ``insert``, ``remove`` and what goes through
        them) and on a copy; the base document keeps nothing of the kind.
        """

    def copy(self) -> Self:
        """A cheap copy (the loaded text is shared) to try an edit on."""
        new = type(self).__new__(type(self))
        new.__dict__.update(self.__dict__)
        new._forget()
        new._texts = dict(self._texts)
        new._dead = set(self._dead)
        new._gaps = {a: list(ids) for a, ids in self._gaps.items()}
        new._new_slot = dict(self._new_slot)
        new._slots = list(self._slots)
        new._deltas = list(self._deltas)
        new._sums = None
        new._located_cache = {}
        new._fixed = dict(self._fixed)
        new._index = None if self._index is None else dict(self._index)
        new._repeats = {k: list(v) for k, v in self._repeats.items()}
        if self._style is not None:
            seps, columns, count = self._style
            new._style = (Counter(seps), Counter(columns), list(count))
        return new

    # -- lines -------------------------------------------------------------------------

    def _line_text(self, line_id: int) -> str:
        text = self._texts.get(line_id)
        if text is not None:
            return text
        s = self._starts
        return self._text[s[line_id] : s[line_id + 1]]

    def _node(self, line_id: int) -> MapLine:
        if line_id not in self._texts:
            fixed = self._fixed.get(line_id)
            if fixed is not None:
                return fixed
        return parse_map_line(self._line_text(line_id), self.syntax)

    def _slot_delta(self, slot: int, step: int) -> None:
        j = bisect.bisect_left(self._slots, slot)
        if j == len(self._slots) or self._slots[j] != slot:
            self._slots.insert(j, slot)
            self._deltas.insert(j, 0)
        self._deltas[j] += step
        self._sums = None

    def _gap_start(self, slot: int) -> int:
        """The position of the first line of ``slot``'s gap (just after that line)."""
        if slot < 0:
            return 0
        j = bisect.bisect_left(self._slots, slot)
        return slot + 1 + self._prefix()[j] - (slot in self._dead)

    def _prefix(self) -> list[int]:
        """``_prefix()[j]``: the sum of the deltas of the slots before slot ``j``."""
        sums = self._sums
        if sums is None:
            sums = self._sums = list(accumulate(self._deltas, initial=0))
        return sums

    def _line_count(self) -> int:
        return self._n + sum(self._deltas)

    def _position(self, line_id: int) -> int:
        """0-based position of a live line."""
        if not self._slots:
            return line_id
        slot = self._new_slot.get(line_id)
        if slot is not None:
            return self._gap_start(slot) + self._gaps[slot].index(line_id)
        j = bisect.bisect_left(self._slots, line_id)
        return line_id + self._prefix()[j]

    def _id_at(self, position: int) -> int:
        """The id of the line at a 0-based position (``0 <= position < count``)."""
        slots = self._slots
        if not slots:
            return position
        sums = self._prefix()
        # The last slot whose line would start at or before the position.
        lo, hi = 0, len(slots)
        while lo < hi:
            mid = (lo + hi) // 2
            s = slots[mid]
            if max(s, 0) + sums[mid] <= position:
                lo = mid + 1
            else:
                hi = mid
        j = lo - 1
        if j < 0:
            return position
        s = slots[j]
        before = sums[j]
        start = max(s, 0) + before  # where line s is (or would be); 0 for the start gap
        offset = position - start
        if s >= 0 and s not in self._dead:
            if offset == 0:
                return s
            offset -= 1
        gap = self._gaps.get(s, ())
        if offset < len(gap):
            return gap[offset]
        return s + 1 + offset - len(gap)

    def _ids(self) -> Iterator[int]:
        prev = 0
        dead, gaps = self._dead, self._gaps
        for s in self._slots:
            if s >= 0:
                yield from range(prev, s)
                if s not in dead:
                    yield s
                prev = s + 1
            yield from gaps.get(s, ())
        yield from range(prev, self._n)

    def _nodes(self) -> Iterator[MapLine]:
        """Every line's node in file order; the text as loaded is parsed in large slices."""
        if self._texts or self._slots or self._fixed:
            node_of = self._node
            for i in self._ids():
                yield node_of(i)
            return
        starts, text, syntax = self._starts, self._text, self.syntax
        for a in range(0, self._n, _CHUNK):
            b = min(a + _CHUNK, self._n)
            yield from parse_map_lines(text[starts[a] : starts[b]], syntax)

    @property
    def lines(self) -> MapLines:
        """The line nodes in file order (a sequence; nodes are made when asked for)."""
        return MapLines(self)

    # -- text --------------------------------------------------------------------------

    @property
    def text(self) -> str:
        """The whole file, byte for byte what was parsed plus the edits."""
        if not self._texts and not self._slots:
            return self._text
        n, starts, src = self._n, self._starts, self._text
        out: list[str] = []
        at = 0  # where the next untouched text starts
        dead, gaps, texts = self._dead, self._gaps, self._texts
        for e in sorted({*self._slots, *(i for i in texts if i < n)}):
            if e >= 0:
                out.append(src[at : starts[e]])
                if e not in dead:
                    out.append(self._line_text(e))
                at = starts[e + 1]
            out.extend(texts[i] for i in gaps.get(e, ()))
        out.append(src[at:])
        return "".join(out)

    def dumps(self) -> str:
        """The document's text (:attr:`text`)."""
        return self.text

    def dump(self, path: str | os.PathLike[str] | None = None) -> None:
        """Write the text atomically to ``path`` (default: the file it was loaded from)."""
        from sendmailcfg import fileio

        target = path if path is not None else self.path
        if target is None:
            raise ValueError("dump() needs a path for a document that was not loaded from a file")
        fileio.write_atomic(target, _source.encode(self.text))

    @property
    def changed(self) -> bool:
        """Whether the text differs from the text as loaded."""
        if not self._texts and not self._slots:
            return False
        return self.text != self._text

    @property
    def original_text(self) -> str:
        """The text as loaded, before any edit."""
        return self._text

    def diff(self, other: Document | str | None = None, path: str | None = None) -> str:
        """The unified diff from ``other`` (default: the text as loaded) to this document.

        >>> doc = MapDocument.from_text("a x\\n")
        >>> doc["b"] = "y"
        >>> print(doc.diff(path="m"), end="")
        --- m
        +++ m
        @@ -1 +1,2 @@
         a x
        +b y
        """
        from sendmailcfg.textdiff import unified_diff

        before = self._text if other is None else other if isinstance(other, str) else other.text
        return unified_diff(before, self.text, path or self.path or self.kind)

    @property
    def newline(self) -> str:
        r"""The file's own newline: ``"\r\n"`` when most lines end so, else ``"\n"``."""
        if self._newline is None:
            first: list[str] = []
            for i in self._ids():
                first.append(self._line_text(i))
                if len(first) == 1000:
                    break
            self._newline = dominant_newline(first)
        return self._newline

    # -- positions and problems ----------------------------------------------------------

    def _located(self, line_id: int) -> LocatedEntry:
        """The entry on a line, with its position (kept until an edit moves lines)."""
        located = self._located_cache.get(line_id)
        if located is None:
            node = self._node(line_id)
            assert isinstance(node, MapEntry)
            line = self._position(line_id) + 1
            located = LocatedEntry(node.key, node.value, line, 1, node.value_column, node)
            self._located_cache[line_id] = located
        return located

    @property
    def entries(self) -> EntryList:
        """Every entry in file order, with 1-based line and column (``doc.entries()``)."""
        out = EntryList()
        append = out.append
        entry = MapEntry
        for pos, node in enumerate(self._nodes(), 1):
            if type(node) is entry:
                append(LocatedEntry(node.key, node.value, pos, 1, node.value_start + 1, node))
        return out

    def find_all(self, key: str) -> list[LocatedEntry]:
        """Every entry written for ``key`` (folded), in file order, with its position."""
        return [self._located(i) for i in self._indexes(key)]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Every line makemap would reject, and every duplicate key it would report."""
        fast = self._diagnostics_of_loaded_text()
        if fast is not None:
            return fast
        out: list[Diagnostic] = []
        seen: set[str] = set()
        check_dups = self.duplicates == "first"
        for pos, node in enumerate(self._nodes(), 1):
            if isinstance(node, MapErrorLine):
                out.append(Diagnostic(pos, node.column, node.code, node.message, node.expected))
            elif check_dups and isinstance(node, MapEntry):
                k = self.fold(node.key)
                if k in seen:
                    out.append(
                        Diagnostic(
                            pos,
                            1,
                            "duplicate-key",
                            f"key {k}: duplicate key",
                            _DUPLICATE,
                        )
                    )
                seen.add(k)
        return out

    def _diagnostics_of_loaded_text(self) -> list[Diagnostic] | None:
        """:attr:`diagnostics` by regex scans, for an unedited text that allows them."""
        if self._texts or self._slots or not self._fast_scan_ok():
            return None
        found = problem_line_starts(self._text, self.syntax)
        if found is None:
            return None
        starts = self._starts
        out: list[tuple[int, Diagnostic]] = []
        for at in found:
            i = bisect.bisect_right(starts, at) - 1
            node = parse_map_line(self._text[at : starts[i + 1]], self.syntax)
            assert isinstance(node, MapErrorLine)
            out.append((i, Diagnostic(i + 1, node.column, node.code, node.message, node.expected)))
        if self.duplicates == "first":
            repeats = None
            if self._index is None:  # the repeats alone: no index of every key to hold
                text = self._text
                folded = fold(text) if self.fold_keys else text
                repeats = repeated_keys(folded, self.syntax, self._n)
                del folded
            if repeats is None:
                self._lookup()
                repeats = self._repeats
            for k, ids in repeats.items():
                for i in ids[1:]:
                    message = f"key {k}: duplicate key"
                    out.append((i, Diagnostic(i + 1, 1, "duplicate-key", message, _DUPLICATE)))
        out.sort(key=itemgetter(0))
        return [d for _, d in out]

    # -- lookups -----------------------------------------------------------------------

    def fold(self, key: str) -> str:
        """A key as makemap stores it (ASCII-lower-cased unless built with ``-f``)."""
        return fold(key) if self.fold_keys else key

    def _lookup(self) -> dict[str, int]:
        """Folded key -> id of its first entry line (built once, kept up to date by edits)."""
        if self._index is None:
            keys = None
            if not self._slots and not self._texts and self._fast_scan_ok():
                text = self._text
                folded = fold(text) if self.fold_keys else text
                keys = entry_keys(folded, self.syntax, self._n)
            if keys is not None:
                self._index, self._repeats = _index_of_keys(keys)
            else:
                self._index, self._repeats = self._index_line_by_line()
        return self._index

    def _index_line_by_line(self) -> tuple[dict[str, int], dict[str, list[int]]]:
        index: dict[str, int] = {}
        repeats: dict[str, list[int]] = {}
        folding = self.fold_keys
        node_of = self._node
        for i in self._ids():
            node = node_of(i)
            if type(node) is MapEntry:
                k = node.text[: node.key_end]
                if folding:
                    k = k.lower() if k.isascii() else fold(k)
                if k in index:
                    repeats.setdefault(k, [index[k]]).append(i)
                else:
                    index[k] = i
        return index, repeats

    def _indexes(self, key: str) -> list[int]:
        """Every line id holding an entry for ``key``, in file order."""
        k = self.fold(key)
        first = self._lookup().get(k)
        if first is None:
            return []
        return self._repeats.get(k, [first])

    def _effective_folded(self, k: str) -> int:
        if self.duplicates == "last":
            repeats = self._repeats.get(k)
            if repeats:
                return repeats[-1]
        return self._lookup()[k]

    def _effective(self, key: str) -> int | None:
        k = self.fold(key)
        if k not in self._lookup():
            return None
        return self._effective_folded(k)

    def _value_of(self, line_id: int) -> str:
        node = self._node(line_id)
        assert isinstance(node, MapEntry)
        return node.value

    @overload
    def get(self, key: str) -> str | None: ...

    @overload
    def get(self, key: str, default: str) -> str: ...

    @overload
    def get(self, key: str, default: _T) -> str | _T: ...

    def get(self, key: str, default: object = None) -> object:
        """The value sendmail would find for ``key`` (folded as makemap folds it)."""
        i = self._effective(key)
        return default if i is None else self._value_of(i)

    def get_all(self, key: str) -> list[str]:
        """Every value written for ``key`` (several only when the key repeats)."""
        return [self._value_of(i) for i in self._indexes(key)]

    def find(self, key: str) -> LocatedEntry | None:
        """The entry that decides ``key``, with its position, or None."""
        i = self._effective(key)
        return None if i is None else self._located(i)

    def __getitem__(self, key: str) -> str:
        i = self._effective(key)
        if i is None:
            raise KeyError(key)
        return self._value_of(i)

    def __setitem__(self, key: str, value: str) -> None:
        self.set(key, value)

    def __delitem__(self, key: str) -> None:
        if not self.remove(key):
            raise KeyError(key)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.fold(key) in self._lookup()

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._lookup()))

    def __len__(self) -> int:
        return len(self._lookup())

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def keys(self) -> KeysView[str]:
        """Stored keys (folded), in file order of first appearance."""
        return KeysView(self)

    def items(self) -> ItemsView[str, str]:
        """``(stored key, value)`` pairs as sendmail would find them."""
        return _Items(self)

    def values(self) -> ValuesView[str]:
        """The values sendmail would find, in the order of :meth:`keys`."""
        return _Values(self)

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

    def __repr__(self) -> str:
        where = f" {self.path!r}" if self.path else ""
        return f"<{type(self).__name__}{where}: {self._line_count()} lines>"

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

    def _style_counts(self) -> tuple[Counter[str], Counter[int], list[int]]:
        """Separators and value columns of the entries, counted once, kept up to date."""
        if self._style is None:
            style = self._style_of_loaded_text() if self._fast_scan_ok() else None
            if style is None:
                self._style = self._style_line_by_line()
            else:
                self._style = style
                # The lines edited since the load: out as loaded, in as they are now.
                n, starts, src = self._n, self._starts, self._text
                for i in sorted({*self._dead, *(i for i in self._texts if i < n)}):
                    node = parse_map_line(src[starts[i] : starts[i + 1]], self.syntax)
                    if type(node) is MapEntry:
                        self._count_style(node, -1)
                for text in self._texts.values():
                    node = parse_map_line(text, self.syntax)
                    if type(node) is MapEntry:
                        self._count_style(node, 1)
        return self._style

    def _fast_scan_ok(self) -> bool:
        """Whether the text as loaded can be read with the whole-text regexes."""
        if self._fixed or not self._n:
            return False
        if self._scan_ok is None:
            longest: int = max(map(operator.sub, self._starts[1:], self._starts))
            self._scan_ok = longest <= _LONG
        return self._scan_ok

    def _style_of_loaded_text(self) -> tuple[Counter[str], Counter[int], list[int]] | None:
        seps_per_line = entry_separators(self._text, self.syntax, self._n)
        if seps_per_line is None:
            return None
        seps: Counter[str] = Counter(seps_per_line)  # type: ignore[arg-type]
        del seps[""]
        columns: Counter[int] = Counter()
        if len(seps) > 1:  # only then do columns decide anything (see _separator_for)
            pairs = entry_separators(self._text, self.syntax, self._n, keys=True)
            assert pairs is not None
            shapes = Counter(
                zip(map(len, map(itemgetter(0), pairs)), map(itemgetter(1), pairs), strict=True)
            )
            for (width, sep), hits in shapes.items():
                if sep:  # a key holds no tab: its width is its length
                    columns[_display_width("x" * width + sep)] += hits
        return seps, columns, [seps.total()]

    def _style_line_by_line(self) -> tuple[Counter[str], Counter[int], list[int]]:
        seps: Counter[str] = Counter()
        columns: Counter[int] = Counter()
        count = 0
        for i in self._ids():
            node = self._node(i)
            if type(node) is MapEntry:
                seps[node.separator] += 1
                columns[_display_width(node.text[: node.value_start])] += 1
                count += 1
        return seps, columns, [count]

    def _count_style(self, node: MapEntry, step: int) -> None:
        # Counts that drop to 0 stay, in place: most_common breaks ties by first appearance.
        if self._style is None:
            return
        seps, columns, count = self._style
        seps[node.separator] += step
        count[0] += step
        if columns:
            columns[_display_width(node.text[: node.value_start])] += step

    def _most_common(self, counts: Counter[_K], of: Callable[[MapEntry], _K]) -> _K:
        """The most frequent value; a tie goes to the value the earliest entry has."""
        best = max(counts.values())
        tied = [k for k, hits in counts.items() if hits == best]
        if len(tied) > 1:
            for i in self._ids():
                node = self._node(i)
                if type(node) is MapEntry and of(node) in tied:
                    return of(node)
        return tied[0]

    def _separator_for(self, key: str) -> str:
        if self.syntax.delimiter is not None:
            return self.syntax.delimiter
        seps, columns, (count,) = self._style_counts()
        if "" in seps or any("\r" in k for k in seps):  # -e entries with no value separate nothing
            seps = Counter({k: v for k, v in seps.items() if k.strip("\r")})
            count = sum(seps.values())
        if not count or not any(hits > 0 for hits in seps.values()):
            return "\t"
        sep = self._most_common(seps, lambda e: e.separator)
        kinds = sum(1 for hits in seps.values() if hits > 0)
        if kinds == 1:
            return sep
        if not columns:
            self._style = self._style_line_by_line()
            seps, columns, (count,) = self._style
        column = self._most_common(columns, lambda e: _display_width(e.text[: e.value_start]))
        hits = columns[column]
        aligned = count >= 2 and hits * 5 >= count * 4
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

    def _replace(self, line_id: int, text: str) -> None:
        self._located_cache.pop(line_id, None)
        if line_id < self._n and text == self._line_text(line_id) and line_id not in self._fixed:
            self._texts.pop(line_id, None)
        else:
            self._texts[line_id] = text
        if self._newline is not None and self._position(line_id) < 1000:
            self._newline = None

    def set(self, key: str, value: str, *, after: str | None = None) -> bool:
        """Make ``key`` map to ``value``; True when the text changed.

        An existing entry keeps its key spelling, separator and newline; a new
        one takes the file's separator and newline style and goes after the
        entry for ``after`` (when given and present) or after the last entry.
        """
        self._forget()
        i = self._effective(key)
        if i is not None:
            old = self._node(i)
            assert isinstance(old, MapEntry)
            # A CRLF line keeps its CR: at the end of the value, or as the separator
            # of a -e entry with no value ("KEY\r\n").
            crlf = old.value.endswith("\r") or old.separator.endswith("\r")
            if crlf:
                value = value.removesuffix("\r")
            if not value:  # "KEY\n" (or "KEY\r\n"): makemap stores it empty with -e
                self.check_value(value)
                if not old.value:
                    return False
                text = old.key + ("\r" if crlf else "") + old.newline
                if text == old.text:
                    return False
                self._replace(i, text)
                return True
            sep = old.separator.removesuffix("\r") if not old.value else old.separator
            if not sep:  # it had no value, so no separator: take the file's
                sep = self._separator_for(old.key)
            if crlf:
                value += "\r"
            new = self._line_for(old.key, value, sep, old.newline)
            if new.text == old.text:
                return False
            self._replace(i, new.text)
            return True
        self.insert(key, value, after=after)
        return True

    def _last_entry_id(self) -> int:
        """The id of the last entry line, else of the last line, else -1 (the start)."""
        if self._last_entry is None:
            count = self._line_count()
            found = self._id_at(count - 1) if count else -1
            for p in range(count - 1, -1, -1):
                i = self._id_at(p)
                if type(self._node(i)) is MapEntry:
                    found = i
                    break
            self._last_entry = found
        return self._last_entry

    def insert(self, key: str, value: str, *, after: str | None = None) -> int:
        """Add a new entry line even if ``key`` exists; returns its 0-based index.

        In a CRLF file the new line ends in CRLF too (so makemap stores a CR at
        the end of its value, as it does for every other line of that file).
        """
        self._forget()
        self._lookup()  # the key index of the text as loaded, before it changes
        crlf = self.newline == "\r\n"
        anchor = None
        if after is not None:
            found = self._indexes(after)
            if found:
                anchor = found[-1]
        if anchor is None:
            anchor = self._last_entry_id()
        count = self._line_count()
        last_line = self._id_at(count - 1) if count else -1
        # A file without a final newline keeps that habit when we append to it.
        prev_text = self._line_text(anchor) if anchor >= 0 else "\n"
        at_end = anchor == last_line
        newline = "" if at_end and count and not prev_text.endswith("\n") else "\n"
        text_value = value + "\r" if crlf else value
        node = self._line_for(key, text_value, self._separator_for(key), newline)
        if not prev_text.endswith("\n"):
            # Only "\n": a CR would change what makemap stores for that line.
            self._replace(anchor, prev_text + "\n")
        new_id = self._next_id
        self._next_id += 1
        self._texts[new_id] = node.text
        # Right after the anchor: at the front of its gap, or after it in the gap it is in.
        slot = self._new_slot.get(anchor, anchor)
        gap = self._gaps.setdefault(slot, [])
        gap.insert(gap.index(anchor) + 1 if slot != anchor else 0, new_id)
        self._new_slot[new_id] = slot
        self._slot_delta(slot, 1)
        self._located_cache.clear()
        position = self._position(new_id)
        if position < 1000:
            self._newline = None
        if self._last_entry == anchor:
            self._last_entry = new_id
        if self._index is not None:
            k = self.fold(key)
            if k in self._index:
                self._index = None  # a repeated key: its lines are re-found in file order
                self._repeats = {}
            else:
                self._index[k] = new_id
        self._count_style(node, 1)
        return position

    def remove(self, key: str) -> bool:
        """Delete every entry for ``key`` (folded); True when the text changed."""
        self._forget()
        found = self._indexes(key)
        if not found:
            return False
        for i in found:
            node = self._node(i)
            if isinstance(node, MapEntry):
                self._count_style(node, -1)
            if self._newline is not None and self._position(i) < 1000:
                self._newline = None
            if i == self._last_entry:
                self._last_entry = None
            self._located_cache.clear()
            slot = self._new_slot.pop(i, None)
            if slot is None:
                self._dead.add(i)
                self._texts.pop(i, None)
                self._slot_delta(i, -1)
            else:
                self._gaps[slot].remove(i)
                del self._texts[i]
                self._slot_delta(slot, -1)
        k = self.fold(key)
        if self._index is not None:
            del self._index[k]
            self._repeats.pop(k, None)
        return True


def _index_of_keys(keys: list[str]) -> tuple[dict[str, int], dict[str, list[int]]]:
    """The key index from one key per line (``""``: not an entry), in passes at C speed.

    >>> _index_of_keys(["a", "", "b", "a", "a"])
    ({'a': 0, 'b': 2}, {'a': [0, 3, 4]})
    """
    n = len(keys)
    index = dict(zip(keys, range(n), strict=True))  # first appearance order, last line
    index.pop("", None)
    if len(index) == n - keys.count(""):
        return index, {}
    # Lines that are not the last of their key: the earlier lines of repeated keys (and the
    # lines without one). Marked by the index's values in one C-level pass, not found by a
    # lookup per line: a million lookups in a table this size miss the cache (0.3 s).
    last = bytearray(n)
    deque(map(last.__setitem__, index.values(), repeat(1)), maxlen=0)
    earlier = compress(range(n), map(operator.not_, last))
    repeats: dict[str, list[int]] = {}
    for i in earlier:
        k = keys[i]
        if k:
            repeats.setdefault(k, []).append(i)
    for k, lines in repeats.items():
        lines.append(index[k])
        index[k] = lines[0]
    return index, repeats


def _display_width(text: str) -> int:
    if "\t" not in text:
        return len(text)
    width = 0
    for ch in text:
        width = (width // 8 + 1) * 8 if ch == "\t" else width + 1
    return width
