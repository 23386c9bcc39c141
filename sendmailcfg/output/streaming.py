r"""makemap builds in bounded memory: the source read in blocks, pairs spilled beside the map.

:func:`write_stream` stores a makemap source read from a stream (standard
input, a FIFO, a file of any size) and writes the same bytes as
:func:`sendmailcfg.output.pure.write` would for the whole source at once, while
holding at most about ``budget`` bytes of pairs in memory:

* the source is read in blocks that end at a newline (a line longer than a block
  is cut where makemap's 1023-byte ``fgets`` would cut it), each scanned with
  makemap's own reading rules;
* while the pairs fit the budget nothing touches the disk and the in-memory
  writer runs, exactly as before;
* beyond it, a btree's pairs are sorted into runs in a temporary file beside
  the map and merged (the repeated keys meet there, in source order, so makemap's
  "duplicate key" and ``-r`` are decided as it decides them); a hash's pairs are
  spread over partitions by their hash, each partition is deduplicated on its own
  (a key's copies share its hash), the table is sized from the result, and the
  pairs are spread again by bucket so that the bucket pages go out in order
  (both in :mod:`sendmailcfg.output.spill`, imported only then).

Only ``-d`` (every duplicate kept) and ``-o`` (the old map's pairs merged in)
take the in-memory path whatever the size; so does a btree holding an item too
long for a leaf page (over 1007 bytes: possible only for the longest lines).
The temporary file is opened unlinked, so nothing is left behind if the build
dies; a full disk raises ``OSError`` (``ENOSPC``), which the callers turn into
makemap's exit status 74.

>>> import io, tempfile
>>> from sendmailcfg.maps.makemap_lines import Reading, reading_options
>>> src = io.BytesIO(b"".join(b"k%d v%d\n" % (i, i) for i in range(3000)) + b"k7 again\n")
>>> with tempfile.TemporaryFile() as out:
...     result = write_stream(out, "btree", src, Reading(*reading_options([])), budget=20000)
...     _ = out.seek(0)
...     pairs = list(bdb.read(out.read()))
>>> result.written, result.errors, result.status, len(pairs), pairs[7]
(3000, [(3001, 'key k7: duplicate key')], 65, 3000, (b'k1003', b'v1003'))
"""

from __future__ import annotations

import gc
import os

from sendmailcfg.maps.makemap_lines import (
    EX_DATAERR,
    EX_OK,
    MAX_CHUNK,
    chunk_count,
    duplicate_message,
    put_unique,
    scan,
)
from sendmailcfg.output import bdb

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only
    from collections.abc import Callable, Iterator
    from typing import BinaryIO

    from sendmailcfg.maps.makemap_lines import ReaderOptions

BLOCK = 1 << 20
"""How much of the source is read at a time."""
BUDGET = 32 << 20
"""Roughly how many bytes of pairs (Python objects included) are held before spilling."""
PAIR_OVERHEAD = 180
"""What a pair held as ``(key, line, value)`` costs beyond its bytes (objects, list slot)."""


class WriteResult:
    """Pairs written, errors (line, message) in line order, makemap's exit status."""

    __slots__ = ("errors", "status", "written")

    def __init__(self, written: int, errors: list[tuple[int, str]], status: int) -> None:
        self.written = written
        self.errors = errors
        self.status = status


def source_blocks(stream: BinaryIO, block: int = BLOCK) -> Iterator[bytes]:
    r"""``stream`` in pieces of whole lines (the last may lack its newline).

    A line longer than ``block`` is cut at a multiple of makemap's 1023-byte
    ``fgets`` chunk from its start, which is where makemap cuts it too.

    >>> import io
    >>> list(source_blocks(io.BytesIO(b"a b\nc d\ne"), 5))
    [b'a b\n', b'c d\n', b'e']
    """
    read = getattr(stream, "read1", stream.read)
    rest = b""
    while True:
        chunk = read(block)
        if not chunk:
            if rest:
                yield rest
            return
        data = rest + chunk if rest else chunk
        cut = data.rfind(b"\n") + 1
        if cut == 0:
            if len(data) < block:
                rest = data
                continue
            cut = len(data) // MAX_CHUNK * MAX_CHUNK
        if cut == len(data):
            rest = b""
            yield data
        else:
            rest = data[cut:]
            yield data[:cut]


class _Source:
    """The source in blocks, with makemap's line count before the current one."""

    def __init__(self, stream: BinaryIO, block: int) -> None:
        self.blocks = source_blocks(stream, block)
        self.start = 0
        self.ahead: bytes | None = next(self.blocks, None)
        """The next block, read ahead: the last block's lines are never counted (a small
        map's only block is split once, not twice)."""

    def __iter__(self) -> Iterator[tuple[bytes, int]]:
        """``(block, lines before it)``; a new iteration goes on where the last one left."""
        while self.ahead is not None:
            data = self.ahead
            start = self.start
            self.ahead = next(self.blocks, None)
            if self.ahead is not None:
                self.start = start + chunk_count(data)
            yield data, start


def _put_block(
    table: dict[bytes, bytes],
    data: bytes,
    start: int,
    reader: ReaderOptions,
    errors: list[tuple[int, str]],
    on_put: Callable[[bytes, bytes], None] | None,
) -> int:
    """The puts of one block into ``table``, as :func:`pure.write` makes them; puts made."""
    if reader.delimiter is None:
        return put_unique(table, data, reader, errors, on_put, start)
    keep_first = reader.duplicates == "error"
    written = 0
    for line, key, value, error in scan(data, reader, start):
        if error is not None:
            errors.append((line, error))
            continue
        if on_put is not None:
            on_put(key, value)
        if keep_first and key in table:
            errors.append((line, duplicate_message(key)))
            continue
        table[key] = value
        written += 1
    return written


def _fill(
    source: _Source,
    reader: ReaderOptions,
    errors: list[tuple[int, str]],
    on_put: Callable[[bytes, bytes], None] | None,
    budget: int,
) -> tuple[dict[bytes, bytes], int, bool]:
    """Puts into one table while it fits ``budget``: (table, puts, whether more is to come).

    A table that outgrows the budget goes on as records of line 0: its keys are unique
    and came before every line still to read, so a later copy of one is a duplicate
    (or, with ``-r``, the value that wins), as makemap would find.
    """
    table: dict[bytes, bytes] = {}
    written = 0
    held = 0
    for data, start in source:
        written += _put_block(table, data, start, reader, errors, on_put)
        held += len(data) + PAIR_OVERHEAD * data.count(b"\n")
        if held > budget:
            return table, written, True
    return table, written, False


def write_stream(
    f: BinaryIO,
    method: str,
    stream: BinaryIO,
    reader: ReaderOptions,
    *,
    on_put: Callable[[bytes, bytes], None] | None = None,
    folder: str | None = None,
    budget: int | None = None,
    block: int = BLOCK,
    uid: bytes | None = None,
) -> WriteResult:
    """Store the makemap source read from ``stream`` as a ``method`` database in ``f``.

    ``f`` must be a real file (the pages are written where they belong) unless
    everything fits ``budget`` (default :data:`BUDGET`). Temporary files go to
    ``folder`` (default: the folder of ``f``'s file, else the system's). No ``-d``:
    the duplicate policy must be ``error`` (the first wins) or ``last``.
    """
    if reader.duplicates not in ("error", "last"):
        raise ValueError("write_stream keeps one value per key (no -d)")
    if budget is None:
        budget = BUDGET
    if folder is None:
        name = getattr(f, "name", None)
        folder = os.path.dirname(os.path.abspath(name)) if isinstance(name, str) else None
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _build(method, f, stream, reader, on_put, folder, budget, block, uid)
    finally:
        if enabled:
            gc.enable()


def _finish(written: int, errors: list[tuple[int, str]]) -> WriteResult:
    errors.sort(key=lambda e: e[0])
    return WriteResult(written, errors, EX_DATAERR if errors else EX_OK)


# -- the pairs that fit, then the spill ----------------------------------------------------


def _build(
    method: str,
    f: BinaryIO,
    stream: BinaryIO,
    reader: ReaderOptions,
    on_put: Callable[[bytes, bytes], None] | None,
    folder: str | None,
    budget: int,
    block: int,
    uid: bytes | None,
) -> WriteResult:
    """A btree (sorted runs, merged) or a hash (partitions by hash, then by bucket): the
    pairs go into one table while they fit ``budget``; past it, :mod:`spill` takes over."""
    keep_first = reader.duplicates == "error"
    errors: list[tuple[int, str]] = []
    source = _Source(stream, block)
    table, first_puts, more = _fill(source, reader, errors, on_put, budget)
    if not more:  # it all fitted: the in-memory writer, as for a small map
        if method == "btree":
            from sendmailcfg.output.bdb import btree

            btree.write_table(f, table, uid=uid)
        else:
            bdb.write("hash", f, list(table.items()), uid=uid)
        return _finish(first_puts, errors)
    from sendmailcfg.output import spill  # only past the budget: small maps never import it

    spilled = spill.btree_spilled if method == "btree" else spill.hash_spilled
    box = [table]  # handed over: the callee lets go of the table once it has spilled it
    del table
    written = spilled(
        f, source, box, first_puts, keep_first, errors, on_put, folder, budget, uid, reader
    )
    return _finish(written, errors)
