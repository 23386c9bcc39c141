r"""Berkeley DB 5.3 btree files, written and read in pure Python (what ``makemap btree`` makes).

:func:`write` bulk-loads a sorted btree: leaf pages filled in key order, internal
pages built bottom-up over them, the root on page 1 as libdb keeps it. Keys sort
as libdb's default comparison does (bytewise, a prefix before the longer key),
which is also how Python orders ``bytes``. Items longer than the overflow
threshold go to overflow pages; with ``duplicates=True`` (``makemap -d``) a
key's values stay in source order, on the leaf page while the set is small and
in an off-page duplicate (recno) tree when it would take 25% of a page, as libdb
moves them. :func:`read` walks any such file, also those libdb itself wrote.

>>> import io
>>> f = io.BytesIO()
>>> write(f, [(b"b.example", b"REJECT"), (b"a.example", b"OK")])
>>> len(f.getvalue())                     # meta page + one leaf page
8192
>>> list(read(f.getvalue()))
[(b'a.example', b'OK'), (b'b.example', b'REJECT')]

Format sources (read, not copied): Berkeley DB 5.3 ``src/dbinc/db_page.h``
(``DBMETA``, ``BTMETA``, ``PAGE``, ``BKEYDATA``, ``BOVERFLOW``, ``BINTERNAL``,
``RINTERNAL``, page and item types, ``P_INP``), ``src/dbinc/btree.h``
(``B_MINKEY_TO_OVFLSIZE``), ``src/btree/bt_put.c`` (overflow threshold, when a
duplicate set moves off-page: ``__bam_dup_check``/``__bam_dup_convert``),
``src/btree/bt_split.c`` (``__bam_broot``/``__bam_pinsert``: an empty first key
on the leftmost internal page, prefix-compressed separators, overflow separators
sharing the leaf's chain with a reference count), ``src/btree/bt_compare.c``
(``__bam_defcmp``, ``__bam_defpfx``), ``src/db/db_overflow.c`` (overflow pages:
``OV_LEN`` in ``hf_offset``, ``OV_REF`` in ``entries``) and ``src/btree/
bt_verify.c``; checked against files written by sendmail 8.17's makemap and
libdb 5.3 and by ``db5.3_verify``, which also settled two details: only the
first page of an overflow chain carries its reference count, and the root of an
off-page duplicate tree keeps the tree's record count in ``prev_pgno``
(``RE_NREC``).
"""

from __future__ import annotations

import gc
import struct
import sys
from array import array
from bisect import bisect_right
from itertools import accumulate, repeat
from operator import add, eq, itemgetter

from sendmailcfg.output.bdb import layout

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: building a map imports neither typing nor attrs
    from collections.abc import Iterator, Sequence
    from typing import BinaryIO

PAGESIZE = layout.DEFAULT_PAGE_SIZE
"""libdb's page size on an ordinary file system (makemap sets none)."""
MAGIC = layout.BTREE_MAGIC
VERSION = layout.BTREE_VERSION
MINKEY = 2
RE_PAD = 0x20
SIZEOF_PAGE = layout.PAGE_HEADER_SIZE
"""The page header: LSN, pgno, prev, next, entries, hf_offset, level, type."""

P_IBTREE, P_IRECNO, P_LBTREE, P_LRECNO = (
    layout.P_IBTREE,
    layout.P_IRECNO,
    layout.P_LBTREE,
    layout.P_LRECNO,
)
P_OVERFLOW, P_BTREEMETA, P_LDUP = layout.P_OVERFLOW, layout.P_BTREEMETA, layout.P_LDUP
B_KEYDATA, B_DUPLICATE, B_OVERFLOW, B_DELETE = 1, 2, 3, 0x80
BTM_DUP, BTM_RECNO, BTM_RECNUM, BTM_SUBDB, BTM_DUPSORT, BTM_COMPRESS = 1, 2, 4, 0x20, 0x40, 0x80
BOVERFLOW_SIZE = 12
RINTERNAL_SIZE = 8
LEAFLEVEL = 1

_HEAD = struct.Struct("<IIIIIHHBB")
_BTMETA = struct.Struct("<IIIII")
"""``BTMETA`` after ``DBMETA``: unused, minkey, re_len, re_pad, root."""
_BOVERFLOW = struct.Struct("<HBBII")
_BINTERNAL = struct.Struct("<HBBII")
_RINTERNAL = struct.Struct("<II")
_LE = sys.byteorder == "little"


class BtreeFormatError(layout.FormatError):
    """Bytes that are not a btree file libdb could have written; says where and why."""


def ovflsize(pagesize: int = PAGESIZE) -> int:
    """The longest key or value kept on a leaf page (``B_MINKEY_TO_OVFLSIZE``, minkey 2).

    >>> ovflsize(4096)
    1007
    """
    return (pagesize - SIZEOF_PAGE) // (MINKEY * 2) - 10


def _align4(n: int) -> int:
    return (n + 3) & ~3


def _header(pgno: int, prev: int, nxt: int, entries: int, hf: int, level: int, ptype: int) -> bytes:
    # LSN {file 0, offset 1}: not logged, as libdb writes without an environment.
    # hf_offset is a db_indx_t: an empty 64 KiB page stores 0, as libdb's does.
    return _HEAD.pack(0, 1, pgno, prev, nxt, entries, hf & 0xFFFF, level, ptype)


def _inp(offsets: list[int]) -> bytes:
    a = array("H", offsets)
    if not _LE:
        a.byteswap()
    return a.tobytes()


class _Tables:
    """Per-length item headers, pads and sizes for one page size (no per-item packing)."""

    def __init__(self, pagesize: int) -> None:
        limit = ovflsize(pagesize) + 1
        self.hdr = [struct.pack("<HB", n, B_KEYDATA) for n in range(limit)]
        self.pad = [bytes(_align4(3 + n) - 3 - n) for n in range(limit)]
        self.size = [_align4(3 + n) for n in range(limit)]
        self.psize = [s + 2 for s in self.size]


_TABLES: dict[int, _Tables] = {}


def _tables(pagesize: int) -> _Tables:
    t = _TABLES.get(pagesize)
    if t is None:
        t = _TABLES[pagesize] = _Tables(pagesize)
    return t


def _prefix(a: bytes, b: bytes) -> int:
    """``__bam_defpfx``: how much of ``b`` (> ``a``) a separator needs."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i + 1 if i < n or len(a) < len(b) else len(b)


Separator = tuple[bytes, bool]
"""An internal page's key: the bytes, and whether they live on overflow pages (then
they are the whole leaf key, whose chain the internal item shares)."""


class _Writer:
    """One bulk load: a plan of the tree's pages, then the pages, numbered as libdb would
    accept them (meta 0, root 1, leaves, internal pages, then overflow and duplicate pages)."""

    def __init__(self, pagesize: int) -> None:
        if pagesize & (pagesize - 1) or not 512 <= pagesize <= 65536:
            raise ValueError(f"page size {pagesize}: expected a power of 2 from 512 to 65536")
        self.pagesize = pagesize
        self.cap = pagesize - SIZEOF_PAGE
        self.ovfl = ovflsize(pagesize)
        self.t = _tables(pagesize)
        self.pages: dict[int, bytes] = {}
        self.next_pgno = 2
        self.refs: dict[bytes, int] = {}
        """Internal items sharing a big leaf key's overflow chain."""
        self.chains: dict[bytes, int] = {}

    # -- planning ------------------------------------------------------------------
    def pack(self, sizes: Sequence[int]) -> list[int]:
        """Greedy page starts for units of these sizes (each fits a page)."""
        return self.pack_cum(list(accumulate(sizes, initial=0)))

    def pack_cum(self, cum: Sequence[int]) -> list[int]:
        """:meth:`pack` given the running total of the sizes (from 0)."""
        starts = []
        i, n, cap = 0, len(cum) - 1, self.cap
        while i < n:
            starts.append(i)
            i = bisect_right(cum, cum[i] + cap, i + 1) - 1
        return starts

    def separator(self, left: bytes, right: bytes) -> Separator:
        """What ``__bam_pinsert`` stores for a leaf starting at ``right`` after ``left``."""
        if len(right) > self.ovfl:
            return right, True
        if len(left) > self.ovfl:
            return right, False
        return right[: _prefix(left, right)], False

    def plan_internal(self, leaf_seps: list[Separator]) -> list[list[list[Separator]]]:
        """The internal levels, bottom-up: pages of (separator per child) lists."""
        levels: list[list[list[Separator]]] = []
        entries = leaf_seps
        while len(entries) > 1:
            sizes = [(24 if big else _align4(12 + len(sep))) + 2 for sep, big in entries]
            starts = self.pack(sizes)
            bounds = [*starts, len(entries)]
            grouped = [entries[bounds[p] : bounds[p + 1]] for p in range(len(starts))]
            levels.append(grouped)
            for p, page in enumerate(grouped):
                for j, (sep, big) in enumerate(page):
                    if big and (p or j):
                        self.refs[sep] = self.refs.get(sep, 0) + 1
            entries = [page[0] for page in grouped]
        return levels

    def number(self, leaves: int, levels: list[list[list[Separator]]]) -> list[list[int]]:
        """Page numbers: leaves, then each internal level; the top page is 1."""
        out = []
        for count in [leaves, *(len(level) for level in levels)]:
            if count == 1:
                out.append([1])
            else:
                out.append(list(range(self.next_pgno, self.next_pgno + count)))
                self.next_pgno += count
        return out

    # -- pages ---------------------------------------------------------------------
    def page(
        self,
        pgno: int,
        prev: int,
        nxt: int,
        level: int,
        ptype: int,
        blobs: list[bytes],
        slots: list[int] | None = None,
    ) -> None:
        """A page of ``blobs`` laid out upwards from hf_offset; ``slots`` lists the blob
        each index entry points at (default: one entry per blob)."""
        body = b"".join(blobs)
        hf = self.pagesize - len(body)
        offs = list(accumulate(map(len, blobs), initial=hf))
        inp = offs[:-1] if slots is None else [offs[i] for i in slots]
        gap = hf - SIZEOF_PAGE - 2 * len(inp)
        assert gap >= 0, "page overfull"
        head = _header(pgno, prev, nxt, len(inp), hf, level, ptype)
        self.pages[pgno] = b"".join((head, _inp(inp), bytes(gap), body))

    def chain(self, data: bytes, refs: int = 1) -> int:
        """Overflow pages holding ``data``; returns the first page number."""
        space = self.cap
        count = -(-len(data) // space)
        first = self.next_pgno
        self.next_pgno += count
        for i in range(count):
            pgno = first + i
            part = data[i * space : (i + 1) * space]
            head = _header(
                pgno,
                pgno - 1 if i else 0,
                pgno + 1 if i + 1 < count else 0,
                refs if i == 0 else 1,  # __db_ovref counts on the first page only
                len(part),
                0,
                P_OVERFLOW,
            )
            self.pages[pgno] = b"".join((head, part, bytes(space - len(part))))
        return first

    def item(self, data: bytes, key: bool = False) -> bytes:
        """A leaf item: ``BKEYDATA``, or a ``BOVERFLOW`` whose chain is written now."""
        n = len(data)
        if n > self.ovfl:
            refs = 1 + self.refs.get(data, 0) if key else 1
            first = self.chain(data, refs)
            if key:
                self.chains[data] = first
            return _BOVERFLOW.pack(0, B_OVERFLOW, 0, first, n)
        t = self.t
        return b"".join((t.hdr[n], data, t.pad[n]))

    def item_size(self, n: int) -> int:
        return BOVERFLOW_SIZE if n > self.ovfl else self.t.size[n]

    def internal_pages(self, levels: list[list[list[Separator]]], numbers: list[list[int]]) -> None:
        for depth, level_pages in enumerate(levels):
            below, here = numbers[depth], numbers[depth + 1]
            child = 0
            for p, page in enumerate(level_pages):
                blobs = []
                for j, (sep, big) in enumerate(page):
                    if p == 0 and j == 0:
                        sep, big = b"", False  # the leftmost key is never compared
                    if big:
                        bo = _BOVERFLOW.pack(0, B_OVERFLOW, 0, self.chains[sep], len(sep))
                        blobs.append(
                            _BINTERNAL.pack(BOVERFLOW_SIZE, B_OVERFLOW, 0, below[child], 0) + bo
                        )
                    else:
                        n = len(sep)
                        pad = bytes(_align4(12 + n) - 12 - n)
                        blobs.append(
                            b"".join((_BINTERNAL.pack(n, B_KEYDATA, 0, below[child], 0), sep, pad))
                        )
                    child += 1
                prev = here[p - 1] if p else 0
                nxt = here[p + 1] if p + 1 < len(here) else 0
                self.page(here[p], prev, nxt, depth + 2, P_IBTREE, blobs)

    def dup_tree(self, values: list[bytes]) -> int:
        """An off-page duplicate tree (recno pages, as for unsorted ``DB_DUP``); its root."""
        sizes = [self.item_size(len(v)) + 2 for v in values]
        starts = self.pack(sizes)
        bounds = [*starts, len(values)]
        first = self.next_pgno
        self.next_pgno += len(starts)
        pgnos = list(range(first, first + len(starts)))
        counts = []
        for p, pgno in enumerate(pgnos):
            chunk = values[bounds[p] : bounds[p + 1]]
            blobs = [self.item(v) for v in chunk]
            prev = pgnos[p - 1] if p else 0
            nxt = pgnos[p + 1] if p + 1 < len(pgnos) else 0
            self.page(pgno, prev, nxt, LEAFLEVEL, P_LRECNO, blobs)
            counts.append(len(chunk))
        level = LEAFLEVEL
        entries = list(zip(pgnos, counts, strict=True))
        while len(entries) > 1:
            level += 1
            starts = self.pack([RINTERNAL_SIZE + 2] * len(entries))
            bounds = [*starts, len(entries)]
            first = self.next_pgno
            self.next_pgno += len(starts)
            pgnos = list(range(first, first + len(starts)))
            up: list[tuple[int, int]] = []
            for p, pgno in enumerate(pgnos):
                links = entries[bounds[p] : bounds[p + 1]]
                blobs = [_RINTERNAL.pack(c, n) for c, n in links]
                prev = pgnos[p - 1] if p else 0
                nxt = pgnos[p + 1] if p + 1 < len(pgnos) else 0
                if len(pgnos) == 1:  # a recno root keeps the record count (RE_NREC)
                    prev = sum(n for _, n in links)
                self.page(pgno, prev, nxt, level, P_IRECNO, blobs)
                up.append((pgno, sum(n for _, n in links)))
            entries = up
        return entries[0][0]

    # -- the two loads -------------------------------------------------------------
    def stream_pairs(
        self,
        f: BinaryIO,
        keys: list[bytes],
        values: list[bytes],
        klen: list[int],
        vlen: list[int],
        uid: bytes,
    ) -> None:
        """Unique keys, every item on-page, written to ``f`` as the leaves are made.

        Sizes and item headers come from tables, offsets from running totals (no
        per-item packing); internal pages are planned from the separators first, so
        the meta page and the root go out before the leaves, which are never kept."""
        t = self.t
        n = len(keys)
        isz = [0] * (2 * n)
        isz[0::2] = map(t.size.__getitem__, klen)
        isz[1::2] = map(t.size.__getitem__, vlen)
        icum = array("q", accumulate(isz, initial=0))
        del isz
        # A pair takes its two items and two index entries.
        starts = self.pack_cum(array("q", map(add, icum[0::2], range(0, 4 * n + 1, 4))))
        bounds = [*starts, n]
        seps = [(b"", False)] + [self.separator(keys[s - 1], keys[s]) for s in starts[1:]]
        levels = self.plan_internal(seps)
        numbers = self.number(len(starts), levels)
        self.internal_pages(levels, numbers)
        last_pgno = self.next_pgno - 1 if levels else 1
        f.write(self.meta(False, uid, last_pgno))
        if levels:
            f.write(self.pages[1])
        hdr, pad = t.hdr.__getitem__, t.pad.__getitem__
        leaves = numbers[0]
        pagesize = self.pagesize
        last = len(leaves) - 1
        for p, pgno in enumerate(leaves):
            a, b = bounds[p], bounds[p + 1]
            m = b - a
            base = icum[2 * a]
            hf = pagesize - (icum[2 * b] - base)
            inp = array("H", map(add, icum[2 * a : 2 * b], repeat(hf - base, 2 * m)))
            if not _LE:
                inp.byteswap()
            head = _header(
                pgno,
                leaves[p - 1] if p else 0,
                leaves[p + 1] if p < last else 0,
                2 * m,
                hf,
                LEAFLEVEL,
                P_LBTREE,
            )
            ks, vs = klen[a:b], vlen[a:b]
            parts: list[bytes] = [b""] * (6 * m + 3)
            parts[0] = head
            parts[1] = inp.tobytes()
            parts[2] = bytes(hf - SIZEOF_PAGE - 4 * m)
            parts[3::6] = map(hdr, ks)
            parts[4::6] = keys[a:b]
            parts[5::6] = map(pad, ks)
            parts[6::6] = map(hdr, vs)
            parts[7::6] = values[a:b]
            parts[8::6] = map(pad, vs)
            f.write(b"".join(parts))
        for pgno in range(len(leaves) + 2, last_pgno + 1):
            f.write(self.pages[pgno])

    def load_groups(self, groups: list[tuple[bytes, list[bytes]]]) -> None:
        """Any keys and values: big items on overflow pages, duplicate sets on or off page."""
        onpage = self.pagesize // 4
        sizes, modes = [], []
        for key, values in groups:
            ks = self.item_size(len(key))
            if len(values) == 1:
                sizes.append(ks + self.item_size(len(values[0])) + 4)
                modes.append(0)
                continue
            vs = [self.item_size(len(v)) for v in values]
            if ks + 2 + sum(vs) + 2 * len(vs) < onpage:
                sizes.append(ks + sum(vs) + 4 * len(vs))
                modes.append(1)
            else:
                sizes.append(ks + BOVERFLOW_SIZE + 4)
                modes.append(2)
        starts = self.pack(sizes) if groups else [0]
        bounds = [*starts, len(groups)]
        seps = [(b"", False)] + [self.separator(groups[s - 1][0], groups[s][0]) for s in starts[1:]]
        levels = self.plan_internal(seps)
        numbers = self.number(len(starts), levels)
        leaves = numbers[0]
        last = len(leaves) - 1
        for p, pgno in enumerate(leaves):
            blobs: list[bytes] = []
            slots: list[int] = []
            for g in range(bounds[p], bounds[p + 1]):
                key, values = groups[g]
                k = len(blobs)
                blobs.append(self.item(key, key=True))
                mode = modes[g]
                if mode == 0:
                    slots += (k, k + 1)
                    blobs.append(self.item(values[0]))
                elif mode == 1:
                    for i, v in enumerate(values, 1):
                        slots += (k, k + i)
                        blobs.append(self.item(v))
                else:
                    root = self.dup_tree(values)
                    slots += (k, k + 1)
                    blobs.append(_BOVERFLOW.pack(0, B_DUPLICATE, 0, root, 0))
            prev = leaves[p - 1] if p else 0
            nxt = leaves[p + 1] if p < last else 0
            self.page(pgno, prev, nxt, LEAFLEVEL, P_LBTREE, blobs, slots)
        self.internal_pages(levels, numbers)

    def meta(self, duplicates: bool, uid: bytes, last_pgno: int) -> bytes:
        head = layout.pack_meta(
            "<",
            magic=MAGIC,
            version=VERSION,
            pagesize=self.pagesize,
            type=P_BTREEMETA,
            last_pgno=last_pgno,
            flags=BTM_DUP if duplicates else 0,
            uid=uid,
        )
        head += _BTMETA.pack(0, MINKEY, 0, RE_PAD, 1)
        return head + bytes(self.pagesize - len(head))


def write(
    f: BinaryIO,
    items: Sequence[tuple[bytes, bytes]],
    *,
    duplicates: bool = False,
    page_size: int = PAGESIZE,
    uid: bytes | None = None,
) -> None:
    """Write ``items`` to ``f`` as a libdb 5.3 btree database, keys in libdb's order.

    ``items`` must have unique keys unless ``duplicates`` (``makemap -d``: then a
    key's values keep their order). ``page_size`` as libdb's ``set_pagesize``;
    ``uid`` is the 20-byte file id (default: a new one, as ``__os_fileid`` makes it
    for ``f``'s file). Integers are little-endian, as on the machines makemap runs
    on; libdb reads either order.

    >>> import io
    >>> f = io.BytesIO()
    >>> write(f, [(b"k", b"2"), (b"j", b"0"), (b"k", b"1")], duplicates=True)
    >>> list(read(f.getvalue()))
    [(b'j', b'0'), (b'k', b'2'), (b'k', b'1')]
    """
    collecting = gc.isenabled()
    gc.disable()  # millions of acyclic objects: collections would only rescan them
    try:
        _write(f, items, duplicates, page_size, uid)
    finally:
        if collecting:
            gc.enable()


def _write(
    f: BinaryIO,
    items: Sequence[tuple[bytes, bytes]],
    duplicates: bool,
    pagesize: int,
    uid: bytes | None,
) -> None:
    w = _Writer(pagesize)
    if uid is None:
        try:
            fd: int | None = f.fileno()
        except (AttributeError, OSError, ValueError):
            fd = None
        uid = layout.file_uid(fd)
    elif len(uid) != 20:
        raise ValueError(f"uid of {len(uid)} bytes: expected 20")
    if duplicates:
        ordered = sorted(items, key=itemgetter(0))
        groups: list[tuple[bytes, list[bytes]]] = []
        for key, value in ordered:
            if groups and groups[-1][0] == key:
                groups[-1][1].append(value)
            else:
                groups.append((key, [value]))
        w.load_groups(groups)
    else:
        ordered = sorted(items, key=itemgetter(0))
        keys = list(map(itemgetter(0), ordered))
        values = list(map(itemgetter(1), ordered))
        if any(map(eq, keys[1:], keys)):
            dup = next(a for a, b in zip(keys[1:], keys, strict=False) if a == b)
            raise ValueError(f"key {dup!r} given twice: expected unique keys (or duplicates=True)")
        del ordered
        _write_sorted(w, f, keys, values, uid)
        return
    _write_pages(w, f, duplicates, uid)


def write_table(f: BinaryIO, table: dict[bytes, bytes], *, uid: bytes | None = None) -> None:
    """:func:`write` of ``table``'s pairs (unique keys by nature), without a tuple per pair.

    The keys are sorted on their own and the values looked up after them: at 100,000 pairs
    half the time of sorting the pairs by key and splitting them again.

    >>> import io
    >>> f = io.BytesIO()
    >>> write_table(f, {b"k": b"1", b"j": b"0"})
    >>> list(read(f.getvalue()))
    [(b'j', b'0'), (b'k', b'1')]
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        w = _Writer(PAGESIZE)
        if uid is None:
            try:
                fd: int | None = f.fileno()
            except (AttributeError, OSError, ValueError):
                fd = None
            uid = layout.file_uid(fd)
        keys = sorted(table)
        _write_sorted(w, f, keys, list(map(table.__getitem__, keys)), uid)
    finally:
        if collecting:
            gc.enable()


def _write_sorted(
    w: _Writer, f: BinaryIO, keys: list[bytes], values: list[bytes], uid: bytes
) -> None:
    """Unique ``keys`` in order, and their ``values``, written to ``f``."""
    klen = list(map(len, keys))
    vlen = list(map(len, values))
    if keys and max(klen) <= w.ovfl and max(vlen) <= w.ovfl:
        w.stream_pairs(f, keys, values, klen, vlen, uid)
        return
    w.load_groups([(k, [v]) for k, v in zip(keys, values, strict=True)])
    _write_pages(w, f, False, uid)


def _write_pages(w: _Writer, f: BinaryIO, duplicates: bool, uid: bytes) -> None:
    """The pages :meth:`_Writer.load_groups` made, after the meta page."""
    written = w.pages
    last_pgno = max(written)
    f.write(w.meta(duplicates, uid, last_pgno))
    f.writelines(written[p] for p in range(1, last_pgno + 1))


class _Reader:
    """Pages of one file, in the byte order its meta page says."""

    def __init__(self, data: bytes) -> None:
        if len(data) < 512:
            raise BtreeFormatError(f"{len(data)} bytes: expected at least a 512-byte meta page")
        for order in "<>":
            if struct.unpack_from(order + "I", data, 12)[0] == MAGIC:
                break
        else:
            raise BtreeFormatError(f"magic {data[12:16].hex()}: expected 0x053162 (btree)")
        self.order = order
        self.data = data
        (version, pagesize) = struct.unpack_from(order + "II", data, 16)
        enc, ptype, metaflags = data[24], data[25], data[26]
        flags = struct.unpack_from(order + "I", data, 48)[0]
        self.flags = flags
        if ptype != P_BTREEMETA:
            raise BtreeFormatError(f"meta page type {ptype}: expected {P_BTREEMETA} (btree)")
        if version not in (8, 9):
            raise BtreeFormatError(f"btree version {version}: expected 9 (libdb 4.2 to 5.3)")
        if pagesize & (pagesize - 1) or not 512 <= pagesize <= 65536:
            raise BtreeFormatError(f"page size {pagesize}: expected a power of 2, 512 to 65536")
        if enc or metaflags & 1:
            raise BtreeFormatError("encrypted or checksummed file: expected a plain makemap map")
        if flags & (BTM_RECNO | BTM_SUBDB | BTM_COMPRESS):
            raise BtreeFormatError(
                f"btree flags {flags:#x}: expected a plain btree "
                "(no recno, subdatabases, compression)"
            )
        self.pagesize = pagesize
        self.npages = len(data) // pagesize
        self.root = struct.unpack_from(order + "I", data, 88)[0]
        self.head = struct.Struct(order + "8xIIIHHBB")
        self.u16 = struct.Struct(order + "H")
        self.u32 = struct.Struct(order + "I")
        self.claimed: set[int] = set()
        """Leaf and overflow pages this traversal has read: none is reached twice in a file
        libdb wrote, and refusing a second visit bounds a read's output by the file's size."""

    def header(self, pgno: int, expect: tuple[int, ...]) -> tuple[int, int, int, int, int]:
        """(next, entries, hf_offset, level, type) of a page of one of these types."""
        if not 0 < pgno < self.npages:
            raise BtreeFormatError(
                f"page {pgno}: beyond the file's {self.npages} pages, expected a page number"
            )
        own, _prev, nxt, entries, hf, level, ptype = self.head.unpack_from(
            self.data, pgno * self.pagesize
        )
        if own != pgno or ptype not in expect:
            raise BtreeFormatError(
                f"page {pgno}: page number {own}, type {ptype}; expected page {pgno} "
                f"of type {' or '.join(map(str, expect))}"
            )
        return nxt, entries, hf, level, ptype

    def index(self, pgno: int, entries: int) -> tuple[int, ...]:
        """The absolute offsets of a page's items, each checked to lie on the page."""
        base = pgno * self.pagesize
        low = SIZEOF_PAGE + 2 * entries
        if low > self.pagesize:
            raise BtreeFormatError(
                f"page {pgno}: {entries} entries, expected at most {(self.pagesize - 26) // 2}"
            )
        offs = struct.unpack_from(f"{self.order}{entries}H", self.data, base + SIZEOF_PAGE)
        if offs and (min(offs) < low or max(offs) > self.pagesize - 4):
            raise BtreeFormatError(
                f"page {pgno}: an item offset outside {low}..{self.pagesize - 4}, "
                "expected every item on the page"
            )
        return tuple(base + o for o in offs)

    def fits(self, at: int, size: int) -> None:
        """Raise unless ``size`` bytes from ``at`` stay on ``at``'s page."""
        if at % self.pagesize + size > self.pagesize:
            raise BtreeFormatError(
                f"page {at // self.pagesize}: a {size}-byte item at offset "
                f"{at % self.pagesize}, expected it to end on the page"
            )

    def overflow(self, pgno: int, tlen: int) -> bytes:
        out = []
        got = 0
        seen = 0
        while got < tlen:
            if pgno == 0 or seen > self.npages:
                raise BtreeFormatError(
                    f"overflow chain ends after {got} of {tlen} bytes: expected more pages"
                )
            if pgno in self.claimed:  # no two items of a file libdb wrote share a chain
                raise BtreeFormatError(
                    f"page {pgno} is reached twice (items share an overflow chain): "
                    "expected each chain to belong to one item"
                )
            self.claimed.add(pgno)
            nxt, _refs, length, _level, _ = self.header(pgno, (P_OVERFLOW,))
            if length > self.pagesize - SIZEOF_PAGE or length == 0:
                raise BtreeFormatError(
                    f"page {pgno}: {length} bytes of overflow data, expected 1 to "
                    f"{self.pagesize - SIZEOF_PAGE}"
                )
            start = pgno * self.pagesize + SIZEOF_PAGE
            out.append(self.data[start : start + length])
            got += length
            pgno = nxt
            seen += 1
        if got != tlen:
            raise BtreeFormatError(f"overflow chain of {got} bytes: expected {tlen}")
        return b"".join(out)

    def item(self, at: int) -> bytes | None:
        """The item at an absolute offset; None if deleted; raises on a duplicate item."""
        data = self.data
        ptype = data[at + 2]
        if ptype & B_DELETE:
            return None
        if ptype == B_KEYDATA:
            n = self.u16.unpack_from(data, at)[0]
            if at % self.pagesize + 3 + n > self.pagesize:
                self.fits(at, 3 + n)
            return data[at + 3 : at + 3 + n]
        if ptype == B_OVERFLOW:
            self.fits(at, BOVERFLOW_SIZE)
            pgno, tlen = struct.unpack_from(self.order + "II", data, at + 4)
            return self.overflow(pgno, tlen)
        raise BtreeFormatError(f"offset {at}: item type {ptype}, expected a key or data item")

    def leftmost(self, pgno: int, leaf: tuple[int, ...]) -> int:
        """Down the first children of internal pages to the first leaf."""
        for _ in range(256):
            _nxt, entries, _hf, _level, ptype = self.header(pgno, (*leaf, P_IBTREE, P_IRECNO))
            if ptype in leaf:
                return pgno
            if entries == 0:
                raise BtreeFormatError(f"page {pgno}: an empty internal page, expected children")
            at = self.index(pgno, 1)[0]
            self.fits(at, 12 if ptype == P_IBTREE else RINTERNAL_SIZE)
            pgno = self.u32.unpack_from(self.data, at + (4 if ptype == P_IBTREE else 0))[0]
        raise BtreeFormatError(f"page {pgno}: a tree deeper than 255 levels, expected a btree")

    def leaves(self, pgno: int, leaf: tuple[int, ...]) -> Iterator[tuple[int, int]]:
        """(page, entries) along the leaf chain from the tree's first leaf."""
        pgno = self.leftmost(pgno, leaf)
        for _ in range(self.npages):
            nxt, entries, _hf, _level, _ = self.header(pgno, leaf)
            if pgno in self.claimed:
                raise BtreeFormatError(
                    f"page {pgno} is reached twice (two chains share a leaf): "
                    "expected each leaf in one chain"
                )
            self.claimed.add(pgno)
            yield pgno, entries
            if nxt == 0:
                return
            pgno = nxt
        raise BtreeFormatError(f"page {pgno}: the leaf chain loops, expected it to end")

    def duplicates(self, root: int) -> Iterator[bytes]:
        for pgno, entries in self.leaves(root, (P_LRECNO, P_LDUP)):
            for at in self.index(pgno, entries):
                value = self.item(at)
                if value is not None:
                    yield value

    def pairs(self) -> Iterator[tuple[bytes, bytes]]:
        data = self.data
        ps = self.pagesize
        u16 = self.u16.unpack_from
        for pgno, entries in self.leaves(self.root, (P_LBTREE,)):
            if entries % 2:
                raise BtreeFormatError(
                    f"page {pgno}: {entries} index entries, expected key/data pairs"
                )
            inp = self.index(pgno, entries)
            keys = [a for i, a in enumerate(inp[0::2]) if not i or a != inp[2 * i - 2]]
            if len(set(inp[1::2])) * 2 != entries or len(set(keys)) != len(keys):
                raise BtreeFormatError(
                    f"page {pgno}: two index entries name one item, expected each item once "
                    "(only on-page duplicates share their key)"
                )
            last_at, key = -1, b""
            for i in range(0, entries, 2):
                at, dat = inp[i], inp[i + 1]
                if at != last_at:  # an on-page duplicate shares its key's item
                    if data[at + 2] == B_KEYDATA:  # the common case, inline
                        n = u16(data, at)[0]
                        if at % ps + 3 + n > ps:
                            self.fits(at, 3 + n)
                        key = data[at + 3 : at + 3 + n]
                    else:
                        got = self.item(at)
                        if got is None:
                            continue
                        key = got
                    last_at = at
                kind = data[dat + 2]
                if kind == B_KEYDATA:
                    n = u16(data, dat)[0]
                    if dat % ps + 3 + n > ps:
                        self.fits(dat, 3 + n)
                    yield key, data[dat + 3 : dat + 3 + n]
                elif kind == B_DUPLICATE:
                    self.fits(dat, BOVERFLOW_SIZE)
                    root = self.u32.unpack_from(data, dat + 4)[0]
                    for dup in self.duplicates(root):
                        yield key, dup
                else:
                    value = self.item(dat)
                    if value is not None:
                        yield key, value


def read(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """The (key, value) pairs of a btree file, in key order (duplicates in their order).

    Raises :class:`BtreeFormatError` for bytes that are not a btree file.

    >>> list(read(bytes(4096)))
    Traceback (most recent call last):
    ...
    sendmailcfg.output.bdb.btree.BtreeFormatError: magic 00000000: expected 0x053162 (btree)
    """
    return _Reader(data).pairs()
