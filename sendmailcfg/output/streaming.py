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
  pairs are spread again by bucket so that the bucket pages go out in order.

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
import heapq
import itertools
import os
import struct
from array import array

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
from sendmailcfg.output.bdb import btree, layout
from sendmailcfg.output.bdb import hash as bdb_hash

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only
    from collections.abc import Callable, Iterator
    from typing import BinaryIO

    from sendmailcfg.maps.makemap_lines import ReaderOptions

BLOCK = 1 << 20
"""How much of the source is read at a time."""
BUDGET = 32 << 20
"""Roughly how many bytes of pairs (Python objects included) are held before spilling."""
PARTITIONS = 4096
"""Hash partitions (and output groups of buckets) once a hash build spills: enough that
one partition of a 10,000,000-line map is a few thousand pairs."""
PAIR_OVERHEAD = 180
"""What a pair held as ``(key, line, value)`` costs beyond its bytes (objects, list slot)."""

_REC = struct.Struct("<IQHH")
"""A spilled pair: hash (or bucket), line number, key length, value length; then the bytes."""


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

    def __iter__(self) -> Iterator[tuple[bytes, int]]:
        """``(block, lines before it)``."""
        for data in self.blocks:
            start = self.start
            self.start += chunk_count(data)
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


class _Spill:
    """Records in partitions: in memory while they fit, then in blocks of one unlinked file."""

    def __init__(self, folder: str, count: int, budget: int) -> None:
        self.folder = folder
        self.bufs = [bytearray() for _ in range(count)]
        self.blocks = [array("q") for _ in range(count)]
        """Per partition: offset, length, offset, length... of its blocks in the file."""
        self.size = 0
        self.budget = budget
        self.file: BinaryIO | None = None

    def add(self, part: int, record: bytes) -> None:
        self.bufs[part] += record
        self.size += len(record)
        if self.size > self.budget:
            self.flush()

    def flush(self) -> None:
        if self.file is None:
            # closed by close(); unlinked from the start, so a crash leaves nothing
            import tempfile  # only when pairs spill: a small map never pays for it

            self.file = tempfile.TemporaryFile(dir=self.folder, prefix=".makemap-spill.")  # noqa: SIM115
        f = self.file
        f.seek(0, os.SEEK_END)
        for part, buf in enumerate(self.bufs):
            if buf:
                self.blocks[part].extend((f.tell(), len(buf)))
                f.write(buf)
                self.bufs[part] = bytearray()
        self.size = 0

    def read(self, part: int) -> bytes:
        pieces = []
        if self.blocks[part]:
            assert self.file is not None
            self.file.flush()
            spans = self.blocks[part]
            for i in range(0, len(spans), 2):
                self.file.seek(spans[i])
                pieces.append(self.file.read(spans[i + 1]))
        pieces.append(bytes(self.bufs[part]))
        return b"".join(pieces)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def _records(data: bytes) -> Iterator[tuple[int, int, bytes, bytes]]:
    """``(hash, line, key, value)`` of every record in ``data``."""
    unpack = _REC.unpack_from
    size = _REC.size
    pos = 0
    end = len(data)
    while pos < end:
        h, line, klen, vlen = unpack(data, pos)
        pos += size
        key = data[pos : pos + klen]
        pos += klen
        yield h, line, key, data[pos : pos + vlen]
        pos += vlen


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
        if method == "btree":
            return _btree(f, stream, reader, on_put, folder, budget, block, uid)
        return _hash(f, stream, reader, on_put, folder, budget, block, uid)
    finally:
        if enabled:
            gc.enable()


def _finish(written: int, errors: list[tuple[int, str]]) -> WriteResult:
    errors.sort(key=lambda e: e[0])
    return WriteResult(written, errors, EX_DATAERR if errors else EX_OK)


# -- btree: sorted runs, merged ------------------------------------------------------------


def _btree(
    f: BinaryIO,
    stream: BinaryIO,
    reader: ReaderOptions,
    on_put: Callable[[bytes, bytes], None] | None,
    folder: str | None,
    budget: int,
    block: int,
    uid: bytes | None,
) -> WriteResult:
    keep_first = reader.duplicates == "error"
    errors: list[tuple[int, str]] = []
    source = _Source(stream, block)
    table, first_puts, more = _fill(source, reader, errors, on_put, budget)
    if not more:  # it all fitted: the in-memory writer, as for a small map
        bdb.write("btree", f, list(table.items()), uid=uid)
        return _finish(first_puts, errors)
    import tempfile

    spill: BinaryIO = tempfile.TemporaryFile(dir=folder, prefix=".makemap-spill.")  # noqa: SIM115
    try:
        longest = max(map(len, (*table, *table.values())), default=0)
        carried = len(table)
        run: list[tuple[bytes, int, bytes]] = [(k, 0, v) for k, v in table.items()]
        del table
        runs = [_write_run(spill, run)]
        run = []
        held = 0
        for data, start in source:
            for line, key, value, error in scan(data, reader, start):
                if error is not None:
                    errors.append((line, error))
                    continue
                if on_put is not None:
                    on_put(key, value)
                run.append((key, line, value))
                held += len(key) + len(value) + PAIR_OVERHEAD
                longest = max(longest, len(key), len(value))
            if held > budget:
                runs.append(_write_run(spill, run))
                run = []
                held = 0
        runs.append(_write_run(spill, run))
        del run
        spill.flush()
        merged = _Dedup(heapq.merge(*(_read_run(spill, r) for r in runs)), keep_first, errors)
        if longest > btree.ovflsize(btree.PAGESIZE):
            # an overflow item: the general writer (holds the pairs; lines this long are rare)
            bdb.write("btree", f, list(merged), uid=uid)
        else:
            pairs = iter(merged)
            first = next(pairs, None)
            if first is None:  # nothing but rejected lines
                bdb.write("btree", f, [], uid=uid)
            else:
                _btree_pages(f, itertools.chain((first,), pairs), uid)
        # the carried table's puts were counted when they were made
        return _finish(first_puts + merged.puts - carried, errors)
    finally:
        spill.close()


def _write_run(spill: BinaryIO, run: list[tuple[bytes, int, bytes]]) -> tuple[int, int]:
    run.sort()
    spill.seek(0, os.SEEK_END)
    start = spill.tell()
    pack = _REC.pack
    buf = bytearray()
    for key, line, value in run:
        buf += pack(0, line, len(key), len(value))
        buf += key
        buf += value
        if len(buf) > 1 << 20:
            spill.write(buf)
            buf = bytearray()
    spill.write(buf)
    return start, spill.tell() - start


def _read_run(spill: BinaryIO, span: tuple[int, int]) -> Iterator[tuple[bytes, int, bytes]]:
    """One sorted run, read in slices (the file is shared: every read seeks)."""
    offset, length = span
    end = offset + length
    pending = b""
    size = _REC.size
    while offset < end or pending:
        if offset < end:
            spill.seek(offset)
            piece = spill.read(min(1 << 16, end - offset))
            offset += len(piece)
            data = pending + piece
        else:
            data = pending
        pos = 0
        n = len(data)
        while pos + size <= n:
            _h, line, klen, vlen = _REC.unpack_from(data, pos)
            stop = pos + size + klen + vlen
            if stop > n:
                break
            key = data[pos + size : pos + size + klen]
            yield key, line, data[pos + size + klen : stop]
            pos = stop
        pending = data[pos:]
        if offset >= end and pending and pos == 0:  # pragma: no cover - a torn run
            raise OSError("spill file truncated")


class _Dedup:
    """One pair per key from pairs sorted by key, then line: the first wins (a later one is a
    "duplicate key" error), or with ``-r`` the last. ``puts``: the puts makemap made."""

    def __init__(
        self,
        pairs: Iterator[tuple[bytes, int, bytes]],
        keep_first: bool,
        errors: list[tuple[int, str]],
    ) -> None:
        self.pairs = pairs
        self.keep_first = keep_first
        self.errors = errors
        self.puts = 0

    def __iter__(self) -> Iterator[tuple[bytes, bytes]]:
        prev_key: bytes | None = None
        prev_value = b""
        keep_first = self.keep_first
        for key, line, value in self.pairs:
            if key == prev_key:
                if keep_first:
                    self.errors.append((line, duplicate_message(key)))
                else:
                    prev_value = value
                    self.puts += 1
                continue
            if prev_key is not None:
                yield prev_key, prev_value
            self.puts += 1
            prev_key, prev_value = key, value
        if prev_key is not None:
            yield prev_key, prev_value


def _btree_pages(f: BinaryIO, pairs: Iterator[tuple[bytes, bytes]], uid: bytes | None) -> int:
    """Bulk-load sorted unique small pairs as :func:`btree.write` does; returns the pair count.

    Leaves are written where they belong as they fill (page 2 on; a lone leaf is the
    root, page 1); the internal pages, planned from one separator per leaf, and the
    meta page follow.
    """
    w = btree._Writer(btree.PAGESIZE)
    t = w.t
    cap = w.cap
    pagesize = w.pagesize
    fd = f.fileno()
    f.flush()
    if uid is None:
        uid = layout.file_uid(fd)
    seps: list[tuple[bytes, bool]] = [(b"", False)]
    keys: list[bytes] = []
    values: list[bytes] = []
    used = 0
    leaves = 0
    count = 0
    size = t.size
    for key, value in pairs:
        need = size[len(key)] + size[len(value)] + 4
        if keys and used + need > cap:
            os.pwrite(
                fd, _leaf(w, 2 + leaves, leaves, False, keys, values), (2 + leaves) * pagesize
            )
            seps.append(w.separator(keys[-1], key))
            leaves += 1
            keys, values, used = [], [], 0
        keys.append(key)
        values.append(value)
        used += need
        count += 1
    if not keys:
        raise ValueError("no pairs: use the in-memory writer")
    if leaves == 0:
        os.pwrite(fd, _leaf(w, 1, 0, True, keys, values), pagesize)
        last_pgno = 1
    else:
        os.pwrite(fd, _leaf(w, 2 + leaves, leaves, True, keys, values), (2 + leaves) * pagesize)
        leaves += 1
        levels = w.plan_internal(seps)
        numbers = w.number(leaves, levels)
        w.internal_pages(levels, numbers)
        last_pgno = w.next_pgno - 1
        for pgno, page in w.pages.items():
            os.pwrite(fd, page, pgno * pagesize)
    os.pwrite(fd, w.meta(False, uid, last_pgno), 0)
    return count


def _leaf(
    w: btree._Writer, pgno: int, p: int, last: bool, keys: list[bytes], values: list[bytes]
) -> bytes:
    """Leaf ``p`` (page ``pgno``) as :meth:`btree._Writer.stream_pairs` lays it out."""
    t = w.t
    m = len(keys)
    isz = [0] * (2 * m)
    klen = list(map(len, keys))
    vlen = list(map(len, values))
    isz[0::2] = map(t.size.__getitem__, klen)
    isz[1::2] = map(t.size.__getitem__, vlen)
    total = sum(isz)
    hf = w.pagesize - total
    offs = []
    acc = hf
    for s in isz:
        offs.append(acc)
        acc += s
    prev = (pgno - 1 if p else 0) if pgno != 1 else 0
    nxt = 0 if last else pgno + 1
    head = btree._header(pgno, prev, nxt, 2 * m, hf, btree.LEAFLEVEL, btree.P_LBTREE)
    hdr, pad = t.hdr.__getitem__, t.pad.__getitem__
    parts: list[bytes] = [b""] * (6 * m + 3)
    parts[0] = head
    parts[1] = btree._inp(offs)
    parts[2] = bytes(hf - btree.SIZEOF_PAGE - 4 * m)
    parts[3::6] = map(hdr, klen)
    parts[4::6] = keys
    parts[5::6] = map(pad, klen)
    parts[6::6] = map(hdr, vlen)
    parts[7::6] = values
    parts[8::6] = map(pad, vlen)
    return b"".join(parts)


# -- hash: partitions by hash, then by bucket ------------------------------------------------


def _hash(
    f: BinaryIO,
    stream: BinaryIO,
    reader: ReaderOptions,
    on_put: Callable[[bytes, bytes], None] | None,
    folder: str | None,
    budget: int,
    block: int,
    uid: bytes | None,
) -> WriteResult:
    keep_first = reader.duplicates == "error"
    errors: list[tuple[int, str]] = []
    source = _Source(stream, block)
    table, first_puts, more = _fill(source, reader, errors, on_put, budget)
    if not more:  # it all fitted: the in-memory writer, as for a small map
        bdb.write("hash", f, list(table.items()), uid=uid)
        return _finish(first_puts, errors)
    pack = _REC.pack
    mask = PARTITIONS - 1
    import tempfile

    parts = _Spill(folder or tempfile.gettempdir(), PARTITIONS, budget // 2)
    try:
        carried = len(table)
        keys = list(table)
        for key, h in zip(keys, bdb_hash.hash_many(keys), strict=True):
            value = table.pop(key)
            parts.add(h & mask, pack(h, 0, len(key), len(value)) + key + value)
        del keys, table
        for data, start in source:
            fresh: list[tuple[bytes, int, bytes]] = []
            for line, key, value, error in scan(data, reader, start):
                if error is not None:
                    errors.append((line, error))
                    continue
                if on_put is not None:
                    on_put(key, value)
                fresh.append((key, line, value))
            hashes = bdb_hash.hash_many([k for k, _, _ in fresh])
            for (key, line, value), h in zip(fresh, hashes, strict=True):
                parts.add(h & mask, pack(h, line, len(key), len(value)) + key + value)
        result = _hash_spilled(f, parts, keep_first, errors, folder, budget, uid)
        result.written += first_puts - carried
        return result
    finally:
        parts.close()


def _partition_table(
    data: bytes, keep_first: bool, errors: list[tuple[int, str]] | None
) -> tuple[dict[bytes, tuple[int, bytes]], int]:
    """One partition's pairs as makemap's puts leave them: key -> (hash, value); puts made."""
    table: dict[bytes, tuple[int, bytes]] = {}
    written = 0
    for h, line, key, value in _records(data):
        if keep_first and key in table:
            if errors is not None:
                errors.append((line, duplicate_message(key)))
            continue
        table[key] = (h, value)
        written += 1
    return table, written


def _hash_spilled(
    f: BinaryIO,
    parts: _Spill,
    keep_first: bool,
    errors: list[tuple[int, str]],
    folder: str | None,
    budget: int,
    uid: bytes | None,
) -> WriteResult:
    page_size = layout.DEFAULT_PAGE_SIZE
    order = layout.NATIVE
    # 1. each partition deduplicated: the pairs stored, their size, the errors
    total = nkeys = written = 0
    for j in range(PARTITIONS):
        table, puts = _partition_table(parts.read(j), keep_first, errors)
        written += puts
        nkeys += len(table)
        total += sum(len(k) + len(v) + 6 for k, (_h, v) in table.items())
    if nkeys == 0:  # nothing but rejected lines
        bdb.write("hash", f, [], uid=uid)
        return _finish(written, errors)
    # 2. the table's size, then the pairs spread by bucket over groups of buckets
    nbuckets = bdb_hash._bucket_count(total, page_size)
    bmask = nbuckets - 1
    groups = min(nbuckets, PARTITIONS)
    shift = bdb_hash.log2(nbuckets) - bdb_hash.log2(groups)
    import tempfile

    by_bucket = _Spill(folder or tempfile.gettempdir(), groups, budget // 2)
    pack = _REC.pack
    try:
        for j in range(PARTITIONS):
            table, _ = _partition_table(parts.read(j), keep_first, None)
            for key, (h, value) in table.items():
                b = h & bmask
                by_bucket.add(b >> shift, pack(b, 0, len(key), len(value)) + key + value)
        parts.close()
        # 3. bucket pages in order; the pages they overflow into after them, as allocated
        f.flush()
        fd = f.fileno()
        store = _FilePages(fd, page_size, order, nbuckets + 1)
        width = 1 << shift
        for g in range(groups):
            buckets: list[list[tuple[bytes, bytes]]] = [[] for _ in range(width)]
            base = g << shift
            for b, _line, key, value in _records(by_bucket.read(g)):
                buckets[b - base].append((key, value))
            pages = [
                bdb_hash.simple_bucket(base + i, pairs, store) for i, pairs in enumerate(buckets)
            ]
            os.pwrite(fd, b"".join(pages), (base + 1) * page_size)
        last_pgno = store.next_pgno() - 1
        meta = bdb_hash.meta_page(nbuckets, nkeys, last_pgno, False, page_size, order, uid, fd)
        os.pwrite(fd, meta, 0)
    finally:
        by_bucket.close()
    return _finish(written, errors)


class _FilePages(bdb_hash._Pages):
    """:class:`hash._Pages` writing each page to the file where it belongs, keeping none."""

    def __init__(self, fd: int, page_size: int, order: layout.ByteOrder, first_free: int) -> None:
        super().__init__(page_size, order, first_free)
        self.fd = fd
        self.count = 0

    def next_pgno(self) -> int:
        return self.first_free + self.count

    def add(self, page: bytes) -> int:
        pgno = self.next_pgno()
        self.count += 1
        os.pwrite(self.fd, page, pgno * self.page_size)
        return pgno

    def reserve(self) -> int:
        pgno = self.next_pgno()
        self.count += 1
        return pgno

    def set(self, pgno: int, page: bytes) -> None:
        os.pwrite(self.fd, page, pgno * self.page_size)

    def overflow(self, data: bytes) -> int:
        first = self.next_pgno()
        for page in layout.overflow_pages(data, first, self.page_size, self.order):
            self.add(page)
        return first
