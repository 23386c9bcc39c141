"""The spill paths of :mod:`sendmailcfg.output.streaming`: a map that outgrows the budget.

Imported only when the pairs of a build outgrow the memory budget, so that a small map
starts without ``heapq``, ``tempfile`` or the merge machinery (see the streaming module
for how the pairs spill, are merged, and give the same bytes as the in-memory writers).
"""

from __future__ import annotations

import heapq
import itertools
import os
import struct
from array import array
from operator import itemgetter

from sendmailcfg.maps.makemap_lines import duplicate_message, scan
from sendmailcfg.output import bdb
from sendmailcfg.output.bdb import btree, layout
from sendmailcfg.output.bdb import hash as bdb_hash
from sendmailcfg.output.bdb.btree import _BINTERNAL, _align4

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only
    from collections.abc import Callable, Iterable, Iterator
    from typing import BinaryIO

    from sendmailcfg.maps.makemap_lines import ReaderOptions

PARTITIONS = 4096
"""Hash partitions (and output groups of buckets) once a hash build spills: enough that
one partition of a 10,000,000-line map is a few thousand pairs."""
PAIR_OVERHEAD = 180
"""What a pair held as ``(key, line, value)`` costs beyond its bytes (objects, list slot)."""

_BLOCK = struct.Struct("<QQ")
"""A hash partition's block in the spill file: the lengths of its array and of its pairs."""
_REC = struct.Struct("<IQHH")
"""A spilled pair: hash (or bucket), line number, key length, value length; then the bytes."""


class _Spill:
    """Pairs in partitions: in memory while they fit, then in blocks of one unlinked file.

    A partition is two streams: its pairs' bytes, ``key\\nvalue\\n`` (neither holds a
    newline: the source was cut at them), which one ``split`` takes apart again, and an
    ``array`` of hash, line, hash, line... . A block in the file is their two lengths, the
    array's bytes, then the pairs'.
    """

    def __init__(self, folder: str, count: int, budget: int) -> None:
        self.folder = folder
        self.bufs = [bytearray() for _ in range(count)]
        self.heads = [array("Q") for _ in range(count)]
        self.blocks = [array("q") for _ in range(count)]
        """Per partition: offset, length, offset, length... of its blocks in the file."""
        self.size = 0
        self.budget = budget
        self.file: BinaryIO | None = None

    def add(
        self,
        mask: int,
        keys: list[bytes],
        values: list[bytes],
        lines: Iterable[int],
        hashes: list[int],
    ) -> None:
        """Pairs into the partitions their hashes (``& mask``) name."""
        bufs, heads = self.bufs, self.heads
        for key, value, line, h in zip(keys, values, lines, hashes, strict=True):
            p = h & mask
            bufs[p] += b"%s\n%s\n" % (key, value)
            head = heads[p]
            head.append(h)
            head.append(line)
        self.size += sum(map(len, keys)) + sum(map(len, values)) + 18 * len(keys)
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
                head = self.heads[part].tobytes()
                self.blocks[part].extend((f.tell(), 16 + len(head) + len(buf)))
                f.write(_BLOCK.pack(len(head), len(buf)))
                f.write(head)
                f.write(buf)
                self.bufs[part] = bytearray()
                self.heads[part] = array("Q")
        self.size = 0

    def read(self, part: int) -> tuple[array[int], bytes]:
        """Partition ``part``: (hash, line, hash, line..., its pairs' bytes)."""
        heads = array("Q")
        pieces = []
        if self.blocks[part]:
            assert self.file is not None
            self.file.flush()
            spans = self.blocks[part]
            for i in range(0, len(spans), 2):
                self.file.seek(spans[i])
                block = self.file.read(spans[i + 1])
                hlen, _dlen = _BLOCK.unpack_from(block)
                heads.frombytes(block[16 : 16 + hlen])
                pieces.append(block[16 + hlen :])
        heads.extend(self.heads[part])
        pieces.append(bytes(self.bufs[part]))
        return heads, b"".join(pieces)

    def close(self) -> None:
        if self.file is not None:
            self.file.close()
            self.file = None


def btree_spilled(
    f: BinaryIO,
    source: Iterable[tuple[bytes, int]],
    box: list[dict[bytes, bytes]],
    first_puts: int,
    keep_first: bool,
    errors: list[tuple[int, str]],
    on_put: Callable[[bytes, bytes], None] | None,
    folder: str | None,
    budget: int,
    uid: bytes | None,
    reader: ReaderOptions,
) -> int:
    """The btree past the budget: the table in ``box`` (the pairs that fitted, ``first_puts``
    puts; taken out, so that it is freed once spilled) and the rest of ``source`` (blocks
    and the lines before them); returns the puts made."""
    table = box.pop()
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
        # every run is read in slices at once: a slice small enough that all of them (and
        # their copies while a record is cut between two) stay within the budget
        piece = max(4096, min(1 << 16, budget // (4 * len(runs))))
        merged = _Dedup(
            heapq.merge(*(_read_run(spill, r, piece) for r in runs)), keep_first, errors
        )
        if longest > btree.ovflsize(btree.PAGESIZE):
            # an overflow item: the general writer (holds the pairs; lines this long are rare)
            bdb.write("btree", f, list(merged), uid=uid)
        else:
            pairs = iter(merged)
            first = next(pairs, None)
            if first is None:  # nothing but rejected lines
                bdb.write("btree", f, [], uid=uid)
            else:
                _btree_pages(f, itertools.chain((first,), pairs), uid, folder)
        # the carried table's puts were counted when they were made
        return first_puts + merged.puts - carried
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


def _read_run(
    spill: BinaryIO, span: tuple[int, int], piece: int = 1 << 16
) -> Iterator[tuple[bytes, int, bytes]]:
    """One sorted run, read in slices (the file is shared: every read seeks)."""
    offset, length = span
    end = offset + length
    pending = b""
    size = _REC.size
    while offset < end or pending:
        if offset < end:
            spill.seek(offset)
            chunk = spill.read(min(piece, end - offset))
            offset += len(chunk)
            data = pending + chunk
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


def _btree_pages(
    f: BinaryIO, pairs: Iterator[tuple[bytes, bytes]], uid: bytes | None, folder: str | None
) -> int:
    """Bulk-load sorted unique small pairs as :func:`btree.write` does; returns the pair count.

    Leaves are written where they belong as they fill (page 2 on; a lone leaf is the
    root, page 1), their separators to an unlinked file beside the map; then each internal
    level is made from the separators of the level below, read back in order, and the
    meta page follows. Nothing grows with the map: a 2 GiB source has some 600,000 leaves,
    whose separators held as objects took more than the whole budget.
    """
    import tempfile

    w = btree._Writer(btree.PAGESIZE)
    t = w.t
    cap = w.cap
    pagesize = w.pagesize
    fd = f.fileno()
    f.flush()
    w.pages = _PagesToFile(fd, pagesize)  # the internal pages: none is kept
    if uid is None:
        uid = layout.file_uid(fd)
    seps: BinaryIO = tempfile.TemporaryFile(dir=folder, prefix=".makemap-spill.")  # noqa: SIM115
    try:
        put_sep = seps.write
        put_sep(_SEP.pack(0))  # the leftmost child's key is never compared
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
                sep, _big = w.separator(keys[-1], key)  # never big: no key is an overflow item
                put_sep(_SEP.pack(len(sep)) + sep)
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
            w.next_pgno += leaves  # the leaves' numbers (btree._Writer.number)
            _internal_levels(w, seps, leaves, folder)
            last_pgno = w.next_pgno - 1
    finally:
        seps.close()
    os.pwrite(fd, w.meta(False, uid, last_pgno), 0)
    return count


_SEP = struct.Struct("<H")
"""A separator in the spill file: its length, then its bytes (no key is an overflow item)."""


def _internal_levels(w: btree._Writer, seps: BinaryIO, count: int, folder: str | None) -> None:
    """The internal levels, bottom-up, as :meth:`btree._Writer.plan_internal`, ``number``
    and ``internal_pages`` make them, from ``count`` separators in ``seps`` (one per page of
    the level below, whose pages are numbered from 2): pages filled greedily, numbered in
    order from ``w.next_pgno``, the lone page of the top level is the root, page 1; each
    level's first separators go to a new file for the level above. One page is held."""
    import tempfile

    cap = w.cap
    below = 2
    level = 2
    while count > 1:
        seps.flush()
        seps.seek(0)
        read = seps.read
        above: BinaryIO = tempfile.TemporaryFile(dir=folder, prefix=".makemap-spill.")  # noqa: SIM115
        base = w.next_pgno
        pages = 0
        held: list[bytes] | None = None  # the page before, written once the next one starts
        blobs: list[bytes] = []
        used = 0
        for child in range(below, below + count):
            (n,) = _SEP.unpack(read(2))
            sep = read(n)
            need = _align4(12 + n) + 2
            if blobs and used + need > cap:
                if held is not None:
                    _internal_page(w, base, pages - 1, held, level, last=False)
                held, blobs, used = blobs, [], 0
                pages += 1
            if not blobs:
                above.write(_SEP.pack(n) + sep)
            blob = _BINTERNAL.pack(n, btree.B_KEYDATA, 0, child, 0) + sep
            blobs.append(blob + bytes(_align4(12 + n) - 12 - n))
            used += need
        pages += 1
        if pages == 1:
            w.page(1, 0, 0, level, btree.P_IBTREE, blobs)  # the root
        else:
            assert held is not None
            _internal_page(w, base, pages - 2, held, level, last=False)
            _internal_page(w, base, pages - 1, blobs, level, last=True)
            w.next_pgno += pages
        seps.close()
        seps, below, count, level = above, base, pages, level + 1
    seps.close()


def _internal_page(
    w: btree._Writer, base: int, p: int, blobs: list[bytes], level: int, *, last: bool
) -> None:
    pgno = base + p
    w.page(pgno, pgno - 1 if p else 0, 0 if last else pgno + 1, level, btree.P_IBTREE, blobs)


class _PagesToFile(dict[int, bytes]):
    """Where :class:`btree._Writer` puts the pages it makes: each written to the file where it
    belongs at once, none kept (a 2 GiB source has some 7,000 internal pages)."""

    def __init__(self, fd: int, pagesize: int) -> None:
        super().__init__()
        self.fd = fd
        self.pagesize = pagesize

    def __setitem__(self, pgno: int, page: bytes) -> None:
        os.pwrite(self.fd, page, pgno * self.pagesize)


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


def hash_spilled(
    f: BinaryIO,
    source: Iterable[tuple[bytes, int]],
    box: list[dict[bytes, bytes]],
    first_puts: int,
    keep_first: bool,
    errors: list[tuple[int, str]],
    on_put: Callable[[bytes, bytes], None] | None,
    folder: str | None,
    budget: int,
    uid: bytes | None,
    reader: ReaderOptions,
) -> int:
    """The hash past the budget, as :func:`btree_spilled`."""
    table = box.pop()
    mask = PARTITIONS - 1
    import tempfile

    parts = _Spill(folder or tempfile.gettempdir(), PARTITIONS, budget // 2)
    try:
        carried = len(table)
        keys = list(table)
        values = list(table.values())
        del table
        parts.add(mask, keys, values, [0] * len(keys), bdb_hash.hash_many(keys))
        del keys, values
        for data, start in source:
            lines: list[int] = []
            keys = []
            values = []
            for line, key, value, error in scan(data, reader, start):
                if error is not None:
                    errors.append((line, error))
                    continue
                if on_put is not None:
                    on_put(key, value)
                lines.append(line)
                keys.append(key)
                values.append(value)
            parts.add(mask, keys, values, lines, bdb_hash.hash_many(keys))
        written = _hash_spilled(f, parts, keep_first, errors, uid)
        return written + first_puts - carried
    finally:
        parts.close()


def _partition_table(
    parts: _Spill, j: int, keep_first: bool, errors: list[tuple[int, str]] | None
) -> tuple[dict[bytes, tuple[int, bytes]], int, int]:
    """Partition ``j``'s pairs as makemap's puts leave them: key -> (hash, value); the puts
    made; the bytes the pairs stored take (items and index entries of a hash page)."""
    heads, data = parts.read(j)
    items = data.split(b"\n")
    n = len(heads) // 2
    keys = items[0 : 2 * n : 2]
    values = items[1 : 2 * n : 2]
    hashes = heads[0::2]
    if not keep_first:  # -r: every put is made, the last value stays
        table = dict(zip(keys, zip(hashes, values, strict=True), strict=True))
        written = n
    else:  # the first value stays: the first copy is put last
        pairs = zip(reversed(hashes), reversed(values), strict=True)
        table = dict(zip(reversed(keys), pairs, strict=True))
        written = len(table)
        if written != n and errors is not None:
            seen: set[bytes] = set()
            for key, line in zip(keys, heads[1::2], strict=True):
                if key in seen:
                    errors.append((line, duplicate_message(key)))
                seen.add(key)
    if len(table) == n:
        total = len(data) + 4 * n
    else:
        total = sum(len(k) + len(v) + 6 for k, (_h, v) in table.items())
    return table, written, total


def _hash_spilled(
    f: BinaryIO,
    parts: _Spill,
    keep_first: bool,
    errors: list[tuple[int, str]],
    uid: bytes | None,
) -> int:
    page_size = layout.DEFAULT_PAGE_SIZE
    order = layout.NATIVE
    # 1. each partition deduplicated: the pairs stored, their size, the errors
    total = nkeys = written = 0
    for j in range(PARTITIONS):
        table, puts, size = _partition_table(parts, j, keep_first, errors)
        written += puts
        nkeys += len(table)
        total += size
    if nkeys == 0:  # nothing but rejected lines
        bdb.write("hash", f, [], uid=uid)
        return written
    # 2. the table's size; then each bucket laid out from the partition that holds it. A
    # bucket's keys share the low bits of their hashes: with at least as many buckets as
    # partitions, partition j holds buckets j, j + PARTITIONS, ...; with fewer, bucket b is
    # partitions b, b + nbuckets, ... . A bucket page is written where it belongs; the few
    # buckets that overflow their page wait, and are laid out last in bucket order, so the
    # pages they overflow into are numbered as the in-memory writer numbers them.
    nbuckets = bdb_hash._bucket_count(total, page_size)
    bmask = nbuckets - 1
    room = page_size - layout.PAGE_HEADER_SIZE
    f.flush()
    fd = f.fileno()
    store = _FilePages(fd, page_size, order, nbuckets + 1)
    simple_bucket = bdb_hash.simple_bucket
    deferred: list[tuple[int, list[tuple[bytes, bytes]]]] = []
    units: Iterable[tuple[Iterable[int], Iterable[int]]]
    if nbuckets >= PARTITIONS:
        units = (((j,), range(j, nbuckets, PARTITIONS)) for j in range(PARTITIONS))
    else:
        units = ((range(b, PARTITIONS, nbuckets), (b,)) for b in range(nbuckets))
    for members, numbers in units:
        buckets: dict[int, list[tuple[bytes, bytes]]] = {}
        for j in members:
            table, _, _ = _partition_table(parts, j, keep_first, None)
            for key, (h, value) in table.items():
                got = buckets.get(h & bmask)
                if got is None:
                    buckets[h & bmask] = [(key, value)]
                else:
                    got.append((key, value))
        for b in numbers:
            pairs = buckets.get(b, [])
            if sum(map(len, itertools.chain.from_iterable(pairs))) + 6 * len(pairs) > room:
                deferred.append((b, pairs))
                continue
            os.pwrite(fd, simple_bucket(b, pairs, store), (b + 1) * page_size)
    parts.close()
    deferred.sort(key=itemgetter(0))
    for b, pairs in deferred:
        os.pwrite(fd, simple_bucket(b, pairs, store), (b + 1) * page_size)
    last_pgno = store.next_pgno() - 1
    meta = bdb_hash.meta_page(nbuckets, nkeys, last_pgno, False, page_size, order, uid, fd)
    os.pwrite(fd, meta, 0)
    return written


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
