r"""Berkeley DB 5.3 hash databases (``DB_HASH``), written and read as makemap's libdb does.

The file is a meta page (``HMETA``: magic 0x061561, version 9, the bucket
table's ``max_bucket``/``high_mask``/``low_mask``, ``ffactor``, ``nelem``,
``h_charkey``, ``spares``), then one ``P_HASH`` page per bucket, then the
pages a bucket overflows into (``P_HASH`` again, chained through
``next_pgno``), big items (``P_OVERFLOW`` chains behind ``H_OFFPAGE``) and
off-page duplicate sets (a recno tree of ``P_LRECNO`` leaves behind
``H_OFFDUP``, as libdb makes for unsorted duplicates). A key's bucket is
libdb's default hash ``__ham_func5`` (a Fowler/Noll/Vo hash: start at 0, for
each byte multiply by 16777619, then xor the byte) masked by ``high_mask``,
or by ``low_mask`` when that exceeds ``max_bucket``. Pairs on a page are sorted
by key (``P_HASH``, "sorted hash page": bytes as ``memcmp``, and of two keys
where one begins the other, the longer first), stored from the end of the
page down, key before value.

A big key (over a quarter page, stored off the page as ``H_OFFPAGE``; makemap
never makes one) breaks that order, in libdb: a look-up compares the key
sought with an off-page key as ``__db_moff`` does (of two where one begins the
other, the *shorter* first), with an on-page key as above (the longer first).
So a short key that begins a big one is "before" it when sought and "after" it
when the big one is sought; ``put`` inserts where its own look-up stopped, and a
split re-inserts with ``__ham_copypair`` (shorter first again), so libdb's own
pages hold such keys in whatever order they came and its binary search can miss
either of them, or a third key whose search passes them. We never put a big
key on a page with on-page keys: a bucket that has both keeps its on-page keys
on its first page(s) and its big keys on a page of their own after them, each
in the one order all of libdb's comparisons agree on there (big keys: bytes,
the shorter first). libdb's look-up searches every page of the chain, so it
finds every key; and ``db_verify``'s order check, which compares an off-page
key with the wrong bytes of an on-page neighbour (its type byte, or the
off-page item itself) and so prints for libdb's own files when a big key
begins with a byte below 4, never meets such neighbours.

What we write differs from makemap's file only where libdb's readers do not
look: we size the bucket table for the map at once (libdb starts with two
buckets and splits one whenever a page overflows, so its pages hold the same
pairs in a different arrangement; and a bucket with big keys and others holds
them on two pages, above), the unused space is zeros, and the file id is new.
``ffactor`` is 0 and ``nelem`` is 4096 plus the pairs added, as makemap's
``set_h_nelem(4096)`` leaves them, so a later real ``makemap -o`` grows the
table as it would its own.

Sources: Berkeley DB 5.3 ``src/dbinc/db_page.h`` (``HMETA``, ``HKEYDATA``,
``HOFFPAGE``, ``HOFFDUP``, ``BKEYDATA``, ``BOVERFLOW``, ``RINTERNAL``,
``RE_NREC``), ``src/dbinc/hash.h`` (``BS_TO_PAGE``, ``ISBIG``, ``CHARKEY``),
``src/hash/hash_func.c`` (``__ham_func5``), ``src/hash/hash_open.c``
(``__ham_init_meta``), ``src/hash/hash.c`` (``__ham_call_hash``,
``__ham_expand_table``), ``src/hash/hash_page.c`` (``__ham_add_el``,
``__ham_getindex_sorted``, ``__ham_copypair``, ``__ham_verify_sorted_page``),
``src/db/db_overflow.c`` (``__db_moff``, ``__db_coff``), ``src/hash/hash_dup.c``
(``__ham_add_dup``, ``__ham_dup_convert``), ``src/hash/hash_verify.c``; checked against makemap
8.17.1.9 / libdb 5.3.28 files, ``db5.3_verify`` and the ``berkeleydb`` binding.

>>> import io
>>> f = io.BytesIO()
>>> write(f, [(b"a", b"1"), (b"b", b"2")])
>>> sorted(read(f.getvalue()))
[(b'a', b'1'), (b'b', b'2')]
>>> hash_func(b"a")  # FNV: (0 * 16777619) ^ 0x61
97
"""

from __future__ import annotations

import itertools
import struct
from operator import add, eq, itemgetter, sub

from sendmailcfg.output.bdb import layout
from sendmailcfg.output.bdb.layout import (
    HASH_MAGIC,
    HASH_VERSION,
    META_HEADER_SIZE,
    NATIVE,
    P_HASH,
    P_HASH_UNSORTED,
    P_HASHMETA,
    P_IRECNO,
    P_LDUP,
    P_LRECNO,
    PGNO_INVALID,
    ByteOrder,
    FormatError,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: building a map imports neither typing nor attrs
    from collections.abc import Iterator, Sequence
    from typing import BinaryIO

    from sendmailcfg.output.bdb.pages import PageHeader

H_KEYDATA = 1
H_DUPLICATE = 2
H_OFFPAGE = 3
H_OFFDUP = 4
B_KEYDATA = 1
B_OVERFLOW = 3
B_DELETE = 0x80
NCACHED = 32
"""Entries of the ``spares`` array."""
DB_HASH_DUP = 0x01
"""``DBMETA.flags``: the database allows duplicates (``DB_DUP``, makemap ``-d``)."""
DB_HASH_SUBDB = 0x02
DB_HASH_DUPSORT = 0x04
MAKEMAP_NELEM = 4096
"""makemap's ``set_h_nelem(4096)``; libdb keeps it and counts every pair added on top."""
CHARKEY = b"%$sniglet^&\0"
"""``CHARKEY`` with its NUL: its hash, in the meta page, identifies the hash function."""
FILL = 0.7
"""How full we aim to fill a bucket's first page when sizing the table."""

_HMETA_TAIL = {o: struct.Struct(o + "IIIIII32I") for o in ("<", ">")}
_U16 = {o: struct.Struct(o + "H") for o in ("<", ">")}
_U32 = {o: struct.Struct(o + "I") for o in ("<", ">")}
_OFF = {o: struct.Struct(o + "B3xII") for o in ("<", ">")}
_OFFDUP = {o: struct.Struct(o + "B3xI") for o in ("<", ">")}
_BOVERFLOW = {o: struct.Struct(o + "2xBxII") for o in ("<", ">")}
_RINTERNAL = {o: struct.Struct(o + "II") for o in ("<", ">")}
_OFF_SIZE = 12
_OFFDUP_SIZE = 8


def hash_func(key: bytes) -> int:
    """libdb's default hash, ``__ham_func5``: h = (h * 16777619) ^ byte, from h = 0, mod 2**32.

    >>> hash_func(b""), hash_func(b"ab")
    (0, 1627429073)
    """
    h = 0
    for byte in key:
        h = ((h * 16777619) & 0xFFFFFFFF) ^ byte
    return h


def log2(n: int) -> int:
    """``__db_log2``: the smallest ``i`` with ``2**i >= n``.

    >>> log2(1), log2(2), log2(3), log2(4096)
    (0, 1, 2, 12)
    """
    return max(0, (n - 1).bit_length())


def bucket_of(h: int, max_bucket: int, high_mask: int, low_mask: int) -> int:
    """``__ham_call_hash``: the bucket of a key whose hash is ``h``."""
    bucket = h & high_mask
    return bucket & low_mask if bucket > max_bucket else bucket


def bucket_page(bucket: int, spares: Sequence[int]) -> int:
    """``BS_TO_PAGE``: the first page of ``bucket``."""
    return bucket + spares[log2(bucket + 1)]


# -- writing ---------------------------------------------------------------------------


class _Pages:
    """The file being built: page number -> page bytes, allocated in order after the buckets."""

    def __init__(self, page_size: int, order: ByteOrder, first_free: int) -> None:
        self.page_size = page_size
        self.order = order
        self.extra: list[bytes] = []
        self.first_free = first_free

    def next_pgno(self) -> int:
        return self.first_free + len(self.extra)

    def add(self, page: bytes) -> int:
        pgno = self.next_pgno()
        self.extra.append(page)
        return pgno

    def reserve(self) -> int:
        pgno = self.next_pgno()
        self.extra.append(b"")
        return pgno

    def set(self, pgno: int, page: bytes) -> None:
        self.extra[pgno - self.first_free] = page

    def overflow(self, data: bytes) -> int:
        first = self.next_pgno()
        self.extra.extend(layout.overflow_pages(data, first, self.page_size, self.order))
        return first


def _ovflsize(page_size: int) -> int:
    """``B_MINKEY_TO_OVFLSIZE`` with minkey 2: the biggest item a duplicate leaf holds on page."""
    return (page_size - layout.PAGE_HEADER_SIZE) // 4 - 10


def _offdup(values: Sequence[bytes], store: _Pages) -> int:
    """An off-page duplicate set as ``__ham_dup_convert`` makes it: a recno tree; its root page."""
    size, order = store.page_size, store.order
    big = _ovflsize(size)
    room = size - layout.PAGE_HEADER_SIZE
    items: list[bytes] = []
    for v in values:
        if len(v) > big:
            items.append(_BOVERFLOW[order].pack(B_OVERFLOW, store.overflow(v), len(v)))
        else:
            item = _U16[order].pack(len(v)) + bytes((B_KEYDATA,)) + v
            items.append(item + bytes(-len(item) % 4))
    groups: list[list[bytes]] = [[]]
    used = 0
    for item in items:
        if groups[-1] and used + len(item) + 2 > room:
            groups.append([])
            used = 0
        groups[-1].append(item)
        used += len(item) + 2
    level_pages = [store.reserve() for _ in groups]
    counts = [len(g) for g in groups]
    for i, (pgno, group) in enumerate(zip(level_pages, groups, strict=True)):
        prev = level_pages[i - 1] if i else PGNO_INVALID
        nxt = level_pages[i + 1] if i + 1 < len(groups) else PGNO_INVALID
        store.set(pgno, _item_page(pgno, prev, nxt, 1, P_LRECNO, group, size, order))
    level = 1
    while len(level_pages) > 1:  # recno internal pages over the leaves, up to one root
        level += 1
        entries = [_RINTERNAL[order].pack(p, n) for p, n in zip(level_pages, counts, strict=True)]
        per_page = room // 10
        chunks = [entries[i : i + per_page] for i in range(0, len(entries), per_page)]
        sums = [sum(counts[i : i + per_page]) for i in range(0, len(counts), per_page)]
        parents = [store.reserve() for _ in chunks]
        for pgno, chunk, total in zip(parents, chunks, sums, strict=True):
            # RE_NREC: the root's prev_pgno holds the tree's record count
            nrec = total if len(parents) == 1 else PGNO_INVALID
            page = _item_page(pgno, nrec, PGNO_INVALID, level, P_IRECNO, chunk, size, order)
            store.set(pgno, page)
        level_pages, counts = parents, sums
    return level_pages[0]


def _item_page(
    pgno: int,
    prev: int,
    nxt: int,
    level: int,
    ptype: int,
    items: Sequence[bytes],
    size: int,
    order: ByteOrder,
) -> bytes:
    """A page holding ``items`` (one index entry each), packed from the end of the page down."""
    offsets = []
    top = size
    for item in items:
        top -= len(item)
        offsets.append(top)
    n = len(items)
    head = _HEAD[order].pack(*layout.LSN_NOT_LOGGED, pgno, prev, nxt, n, top & 0xFFFF, level, ptype)
    index = struct.pack(f"{order}{n}H", *offsets)
    gap = top - layout.PAGE_HEADER_SIZE - 2 * n
    if gap < 0:
        raise AssertionError("items do not fit the page")  # pragma: no cover
    items = list(items)
    items.reverse()
    return b"".join((head, index, bytes(gap), *items))


_HEAD = {o: struct.Struct(o + "IIIIIHHBB") for o in ("<", ">")}


def _order_key(key: bytes, big: int) -> tuple[int, ...]:
    """Where ``key`` sorts: its bytes, then its end (after any byte on the page, before off it)."""
    return (*key, 256) if len(key) <= big else (*key, -1)


def page_order(a: bytes, b: bytes, big: int = layout.DEFAULT_PAGE_SIZE // 4) -> int:
    """The order of two keys on a sorted hash page: <0, 0, >0.

    Bytes compare as ``memcmp`` does; when one key is the other's beginning, the
    *longer* comes first if both are on the page (``__ham_getindex_sorted``), the
    shorter if both are off-page (big) keys (``__db_coff``, ``__db_moff``): there
    every comparison libdb makes agrees. Of an on-page key and a big key it
    begins, libdb has no one order (looking the big key up, it comes first;
    looking the short key up, the short one does), so :func:`write` never puts
    the two on one page; here the big one comes first, as libdb's ``put`` of it
    places it.

    >>> page_order(b"ab", b"abc") > 0, page_order(b"ab" * 600, b"ab" * 700) < 0
    (True, True)
    >>> page_order(b"ab", b"ab" * 600) > 0, page_order(b"a", b"b")
    (True, -1)
    """
    ka, kb = _order_key(a, big), _order_key(b, big)
    return (ka > kb) - (ka < kb)


def sort_page_keys(keys: list[bytes], big: int = layout.DEFAULT_PAGE_SIZE // 4) -> None:
    """Sort one page's keys in place into the order of :func:`page_order`."""
    if len(keys) < 2:
        return
    if max(map(len, keys)) <= big:
        # on-page keys only: the end of a key sorts after every byte
        width = max(map(len, keys)) + 1
        keys.sort(key=lambda k: (k.ljust(width, b"\xff"), -len(k)))
    elif min(map(len, keys)) > big:
        keys.sort()  # big keys only: bytes, the shorter first (__db_coff)
    else:
        keys.sort(key=lambda k: _order_key(k, big))


def _hash_pages(bucket_pgno: int, groups: list[list[bytes]], store: _Pages) -> bytes:
    """A bucket's first page; each group is key, value, key, value... and starts a page of its own.

    A page that does not hold a group's pairs continues it on the next page of
    the bucket's chain (allocated in ``store``, as are the pages of later groups).
    """
    size, order = store.page_size, store.order
    room = size - layout.PAGE_HEADER_SIZE
    if len(groups) == 1 and sum(map(len, groups[0])) + 2 * len(groups[0]) <= room:
        return _item_page(bucket_pgno, 0, 0, 0, P_HASH, groups[0], size, order)  # one page
    chain: list[list[bytes]] = []
    for items in groups:
        chain.append([])
        used = 0
        for i in range(0, len(items), 2):
            need = len(items[i]) + len(items[i + 1]) + 4
            if chain[-1] and used + need > room:
                chain.append([])
                used = 0
            chain[-1] += items[i : i + 2]
            used += need
    numbers = [bucket_pgno] + [store.reserve() for _ in chain[1:]]
    first = b""
    for i, (pgno, group) in enumerate(zip(numbers, chain, strict=True)):
        prev = numbers[i - 1] if i else PGNO_INVALID
        nxt = numbers[i + 1] if i + 1 < len(numbers) else PGNO_INVALID
        page = _item_page(pgno, prev, nxt, 0, P_HASH, group, size, order)
        if i == 0:
            first = page
        else:
            store.set(pgno, page)
    return first


def _bucket_count(total: int, page_size: int) -> int:
    room = (page_size - layout.PAGE_HEADER_SIZE) * FILL
    return max(2, 1 << log2(max(1, int(total / room) + 1)))


def hash_many(keys: Sequence[bytes]) -> list[int]:
    """:func:`hash_func` of every key, computed for all keys of one length at once.

    Each key gets a 64-bit lane of one big integer, so one multiplication
    steps every key of that length by a byte (a lane's product stays below
    2**57 and never spills into the next).

    >>> hash_many([b"a", b"ab", b"ab"]) == [hash_func(b"a"), hash_func(b"ab"), hash_func(b"ab")]
    True
    """
    n = len(keys)
    if n >= 64:
        longest = max(map(len, keys))
        if longest * n <= 3 * sum(map(len, keys)) // 2:
            return _hash_padded(keys, longest)
    out = [0] * n
    by_len: dict[int, list[int]] = {}
    for i, k in enumerate(keys):
        by_len.setdefault(len(k), []).append(i)
    for length, idx in by_len.items():
        n = len(idx)
        if length == 0:
            continue
        if n < 16:
            for i in idx:
                out[i] = hash_func(keys[i])
            continue
        blob = b"".join([keys[i] for i in idx])
        lanes = bytearray(8 * n)
        mask = int.from_bytes(b"\xff\xff\xff\xff\0\0\0\0" * n, "little")
        h = 0
        for j in range(length):
            lanes[0::8] = blob[j::length]
            h = ((h * 16777619) & mask) ^ int.from_bytes(lanes, "little")
        values = memoryview(h.to_bytes(8 * n, "little")).cast("Q")
        for i, v in zip(idx, values, strict=True):
            out[i] = v
    return out


_LANE_MASK = int.from_bytes(b"\xff\xff\xff\xff\0\0\0\0" * 4096, "little")


def _hash_padded(keys: Sequence[bytes], longest: int) -> list[int]:
    """:func:`hash_many` of keys of similar lengths: each padded in front with NULs to
    ``longest``, which leaves the hash as it is (it starts at 0, and ``0 * p ^ 0`` is 0),
    then all stepped together, 4,096 lanes at a time (one pass per byte, no grouping)."""
    out: list[int] = []
    chunk = 4096
    rjust = bytes.rjust
    for start in range(0, len(keys), chunk):
        part = keys[start : start + chunk]
        m = len(part)
        blob = b"".join(map(rjust, part, itertools.repeat(longest), itertools.repeat(b"\0")))
        lanes = bytearray(8 * m)
        mask = _LANE_MASK if m == chunk else _LANE_MASK >> (64 * (chunk - m))
        h = 0
        for j in range(longest):
            lanes[0::8] = blob[j::longest]
            h = ((h * 16777619) & mask) ^ int.from_bytes(lanes, "little")
        out += memoryview(h.to_bytes(8 * m, "little")).cast("Q").tolist()
    return out


def write(
    f: BinaryIO,
    items: Sequence[tuple[bytes, bytes]],
    *,
    duplicates: bool = False,
    page_size: int = layout.DEFAULT_PAGE_SIZE,
    order: ByteOrder = NATIVE,
    uid: bytes | None = None,
) -> None:
    """Write ``items`` to ``f`` as a hash database, as makemap would have stored them.

    Keys must be unique unless ``duplicates`` (makemap ``-d``: every value of a
    key is kept, in the order given). ``uid`` is the meta page's 20-byte file id
    (default: made from ``f``'s inode, as libdb does). Raises ``ValueError`` for
    repeated keys without ``duplicates`` or an impossible ``page_size``.
    """
    if page_size & (page_size - 1) or not layout.MIN_PAGE_SIZE <= page_size <= layout.MAX_PAGE_SIZE:
        raise ValueError(f"page size {page_size}: expected a power of two from 512 to 65536")
    big = page_size // 4  # ISBIG; also the largest on-page duplicate set
    grouped: dict[bytes, list[bytes]] | None = None
    if duplicates:
        grouped = {}
        for key, value in items:
            got = grouped.get(key)
            if got is None:
                grouped[key] = [value]
            else:
                got.append(value)
        simple: dict[bytes, bytes] = {k: v[0] for k, v in grouped.items() if len(v) == 1}
    else:
        keys_given = list(map(itemgetter(0), items))
        values = list(map(itemgetter(1), items))
        if not keys_given or (max(map(len, keys_given)) <= big and max(map(len, values)) <= big):
            _write_simple(f, list(items), keys_given, values, page_size, order, uid)
            return
        if len(set(keys_given)) != len(keys_given):
            keys_sorted = sorted(keys_given)
            key = next(a for a, b in zip(keys_sorted[1:], keys_sorted[:-1], strict=True) if a == b)
            raise ValueError(f"key {key!r} given twice (pass duplicates=True to keep both)")
        simple = dict(sorted(items))
    keys = list(grouped if grouped is not None else simple)
    # estimate the pages the pairs need (an off-page item takes 12 bytes on its page)
    total = 0
    for key in keys:
        one = simple.get(key)
        klen = len(key) + 1 if len(key) <= big else _OFF_SIZE
        if one is not None:
            vlen = len(one) + 1 if len(one) <= big else _OFF_SIZE
        else:
            assert grouped is not None
            vlen = min(1 + sum(len(v) + 4 for v in grouped[key]), _OFFDUP_SIZE + big)
        total += klen + vlen + 4
    nbuckets = _bucket_count(total, page_size)
    high_mask = nbuckets - 1
    store = _Pages(page_size, order, nbuckets + 1)
    buckets: list[list[bytes]] = [[] for _ in range(nbuckets)]
    for key, h in zip(keys, hash_many(keys), strict=True):
        buckets[h & high_mask].append(key)
    off = _OFF[order]
    u16 = _U16[order]
    keydata = bytes((H_KEYDATA,))
    body = []
    for b, bucket_keys in enumerate(buckets):
        # on-page keys, then big keys on a page of their own (see the module's notes)
        small = [k for k in bucket_keys if len(k) <= big]
        large = [k for k in bucket_keys if len(k) > big]
        groups: list[list[bytes]] = []
        for group_keys in [g for g in (small, large) if g] or [[]]:
            sort_page_keys(group_keys, big)
            page_items: list[bytes] = []
            for key in group_keys:
                if len(key) <= big:
                    page_items.append(keydata + key)
                else:
                    page_items.append(off.pack(H_OFFPAGE, store.overflow(key), len(key)))
                one = simple.get(key)
                if one is not None:
                    if len(one) <= big:
                        page_items.append(keydata + one)
                    else:
                        page_items.append(off.pack(H_OFFPAGE, store.overflow(one), len(one)))
                    continue
                assert grouped is not None
                values = grouped[key]
                if sum(len(v) + 4 for v in values) <= big and all(len(v) <= big for v in values):
                    dups = b"".join(u16.pack(len(v)) + v + u16.pack(len(v)) for v in values)
                    page_items.append(bytes((H_DUPLICATE,)) + dups)
                else:
                    page_items.append(_OFFDUP[order].pack(H_OFFDUP, _offdup(values, store)))
            groups.append(page_items)
        body.append(_hash_pages(b + 1, groups, store))
    _write_file(f, body, store, nbuckets, len(keys), duplicates, page_size, order, uid)


def _write_simple(
    f: BinaryIO,
    pairs: list[tuple[bytes, bytes]],
    keys: list[bytes],
    values: list[bytes],
    page_size: int,
    order: ByteOrder,
    uid: bytes | None,
) -> None:
    """The common case, made fast: unique keys, every key and value small enough for a page.

    The pairs (``keys`` and ``values`` are their halves) are dealt out to their
    buckets and each bucket is sorted (many short sorts: far fewer comparisons
    than one of every pair), in libdb's longer-first order when one of its keys
    begins another. A key given twice lands twice in one bucket and is refused
    there (``ValueError``, before anything is written).
    """
    total = sum(map(len, keys)) + sum(map(len, values)) + 6 * len(keys)
    nbuckets = _bucket_count(total, page_size)
    mask = nbuckets - 1
    store = _Pages(page_size, order, nbuckets + 1)
    buckets: list[list[tuple[bytes, bytes]]] = [[] for _ in range(nbuckets)]
    for pair, h in zip(pairs, hash_many(keys), strict=True):
        buckets[h & mask].append(pair)
    body = [simple_bucket(b, pairs, store) for b, pairs in enumerate(buckets)]
    _write_file(f, body, store, nbuckets, len(keys), False, page_size, order, uid)


def simple_bucket(b: int, pairs: list[tuple[bytes, bytes]], store: _Pages) -> bytes:
    """Bucket ``b``'s first page, holding ``pairs`` (unique small keys; sorted here in place).

    Pages the bucket overflows into are allocated in ``store``.
    """
    page_size, order = store.page_size, store.order
    if len(pairs) > 1:
        first = itemgetter(0)
        pairs.sort(key=first)
        ks = list(map(first, pairs))
        if any(map(eq, ks[1:], ks)):  # a key given twice lands twice in one bucket
            key = next(a for a, b in zip(ks[1:], ks, strict=False) if a == b)
            raise ValueError(f"key {key!r} given twice (pass duplicates=True to keep both)")
        if any(map(bytes.startswith, ks[1:], ks[:-1])):
            width = max(map(len, ks)) + 1
            pairs.sort(key=lambda pair: (pair[0].ljust(width, b"\xff"), -len(pair[0])))
    flat = list(itertools.chain.from_iterable(pairs))
    n = len(flat)
    # item i (a type byte, then the bytes) ends where item i - 1 begins
    ends = map(add, itertools.accumulate(map(len, flat)), itertools.count(1))
    offsets = list(map(sub, itertools.repeat(page_size), ends))
    if offsets and page_size - offsets[-1] + 2 * n > page_size - layout.PAGE_HEADER_SIZE:
        return _hash_pages(b + 1, [[b"\x01" + x for x in flat]], store)
    top = offsets[-1] if offsets else page_size
    flat.reverse()
    return b"".join(
        (
            _HEAD[order].pack(*layout.LSN_NOT_LOGGED, b + 1, 0, 0, n, top & 0xFFFF, 0, P_HASH),
            struct.pack(f"{order}{n}H", *offsets),
            bytes(top - layout.PAGE_HEADER_SIZE - 2 * n),
            b"\x01" + b"\x01".join(flat) if flat else b"",
        )
    )


def _write_file(
    f: BinaryIO,
    body: list[bytes],
    store: _Pages,
    nbuckets: int,
    nkeys: int,
    duplicates: bool,
    page_size: int,
    order: ByteOrder,
    uid: bytes | None,
) -> None:
    """The meta page, the bucket pages, then every page allocated after them."""
    last_pgno = store.next_pgno() - 1
    f.write(meta_page(nbuckets, nkeys, last_pgno, duplicates, page_size, order, uid, _fileno(f)))
    f.write(b"".join(body))
    f.write(b"".join(store.extra))


def meta_page(
    nbuckets: int,
    nkeys: int,
    last_pgno: int,
    duplicates: bool,
    page_size: int,
    order: ByteOrder,
    uid: bytes | None,
    fileno: int | None,
) -> bytes:
    """The meta page of a file of ``nbuckets`` buckets holding ``nkeys`` keys."""
    max_bucket = high_mask = nbuckets - 1
    low_mask = (nbuckets >> 1) - 1
    spares = [1] * (log2(nbuckets) + 1) + [PGNO_INVALID] * (NCACHED - log2(nbuckets) - 1)
    meta = layout.pack_meta(
        order,
        pgno=0,
        magic=HASH_MAGIC,
        version=HASH_VERSION,
        pagesize=page_size,
        type=P_HASHMETA,
        free=PGNO_INVALID,
        last_pgno=last_pgno,
        flags=DB_HASH_DUP if duplicates else 0,
        uid=uid if uid is not None else layout.file_uid(fileno),
    )
    head = meta + _HMETA_TAIL[order].pack(
        max_bucket,
        high_mask,
        low_mask,
        0,
        (MAKEMAP_NELEM + nkeys) & 0xFFFFFFFF,
        hash_func(CHARKEY),
        *spares,
    )
    return head + bytes(page_size - len(head))


def _fileno(f: BinaryIO) -> int | None:
    try:
        return f.fileno()
    except (AttributeError, OSError, ValueError):
        return None


# -- reading ---------------------------------------------------------------------------


def _header(page: bytes | memoryview, order: ByteOrder) -> PageHeader:
    from sendmailcfg.output.bdb.pages import PageHeader

    return PageHeader.unpack(bytes(page[: layout.PAGE_HEADER_SIZE]), order)


class _Reader:
    def __init__(self, data: bytes) -> None:
        order = layout.byte_order(data, (HASH_MAGIC,))
        if order is None:
            raise FormatError("not a Berkeley DB hash file (magic number 0x061561 not found)")
        self.order: ByteOrder = order
        self.data = memoryview(data)
        from sendmailcfg.output.bdb.pages import Meta

        meta = Meta.unpack(data, order)
        if meta.version not in (8, 9):
            raise FormatError(f"hash version {meta.version}: expected 8 or 9 (libdb 4.6 to 5.3)")
        if meta.encrypt_alg:
            raise FormatError("the database is encrypted")
        size = meta.pagesize
        if size & (size - 1) or not layout.MIN_PAGE_SIZE <= size <= layout.MAX_PAGE_SIZE:
            raise FormatError(f"page size {size}: expected a power of two from 512 to 65536")
        self.meta = meta
        self.page_size = size
        self.overhead = layout.page_overhead(meta.metaflags)
        tail = _HMETA_TAIL[order].unpack_from(data, META_HEADER_SIZE)
        self.max_bucket = tail[0]
        self.spares = tail[6:]
        self.npages = len(data) // size
        self.claimed: set[int] = set()
        """Pages this traversal has read: no page of a database libdb wrote is reached
        twice, and refusing a second visit bounds what a read yields by the file's size."""

    def claim(self, pgno: int) -> memoryview:
        """Page ``pgno``, which this traversal must not have read before."""
        if pgno in self.claimed:
            raise FormatError(
                f"page {pgno} is reached twice (items share pages): not a database libdb wrote"
            )
        self.claimed.add(pgno)
        return self.page(pgno)

    def page(self, pgno: int) -> memoryview:
        if pgno >= self.npages:
            raise FormatError(f"page {pgno} is past the end of the file ({self.npages} pages)")
        start = pgno * self.page_size
        return self.data[start : start + self.page_size]

    def overflow(self, item: memoryview) -> bytes:
        _, pgno, tlen = _OFF[self.order].unpack_from(item)
        return layout.read_overflow(self.claim, pgno, tlen, self.order, self.overhead)

    def pairs(self) -> Iterator[tuple[bytes, bytes]]:
        for bucket in range(self.max_bucket + 1):
            pgno = bucket_page(bucket, self.spares)
            seen: set[int] = set()
            while pgno != PGNO_INVALID:
                if pgno in seen:
                    raise FormatError(f"bucket {bucket}: its pages loop at page {pgno}")
                seen.add(pgno)
                page = self.claim(pgno)
                head = _header(page, self.order)
                if head.type == layout.P_INVALID:
                    break  # a bucket libdb allocated but never wrote: empty
                if head.type not in (P_HASH, P_HASH_UNSORTED):
                    raise FormatError(f"page {pgno}: type {head.type}, expected a hash page (13)")
                yield from self._page_pairs(pgno, page, head.entries)
                pgno = head.next_pgno

    def _page_pairs(
        self, pgno: int, page: memoryview, entries: int
    ) -> Iterator[tuple[bytes, bytes]]:
        if entries % 2:
            raise FormatError(f"page {pgno}: odd number of items ({entries})")
        index = struct.unpack_from(f"{self.order}{entries}H", page, self.overhead)
        size = self.page_size
        for i in range(0, entries, 2):
            kstart, dstart = index[i], index[i + 1]
            kend = size if i == 0 else index[i - 1]
            if not (self.overhead <= dstart < kstart < kend <= size):
                raise FormatError(f"page {pgno}: item {i} has impossible offsets")
            key = self._item(page[kstart:kend], pgno)
            data = page[dstart:kstart]
            dtype = data[0]
            if dtype == H_KEYDATA:
                yield key, bytes(data[1:])
            elif dtype == H_OFFPAGE:
                yield key, self.overflow(data)
            elif dtype == H_DUPLICATE:
                for value in self._on_page_dups(data[1:], pgno):
                    yield key, value
            elif dtype == H_OFFDUP:
                (root,) = _U32[self.order].unpack_from(data, 4)
                for value in self._off_page_dups(root):
                    yield key, value
            else:
                raise FormatError(f"page {pgno}: item {i + 1} has unknown type {dtype}")

    def _item(self, item: memoryview, pgno: int) -> bytes:
        if item[0] == H_KEYDATA:
            return bytes(item[1:])
        if item[0] == H_OFFPAGE:
            return self.overflow(item)
        raise FormatError(f"page {pgno}: a key of type {item[0]}, expected 1 or 3")

    def _on_page_dups(self, data: memoryview, pgno: int) -> Iterator[bytes]:
        u16 = _U16[self.order]
        at = 0
        while at < len(data):
            (n,) = u16.unpack_from(data, at)
            if at + n + 4 > len(data):
                raise FormatError(f"page {pgno}: a duplicate runs past its item")
            yield bytes(data[at + 2 : at + 2 + n])
            at += n + 4

    def _off_page_dups(self, root: int) -> Iterator[bytes]:
        pgno = root
        for _ in range(256):  # down the leftmost branch to the first leaf
            page = self.page(pgno)
            head = _header(page, self.order)
            if head.type in (P_LRECNO, P_LDUP):
                break
            if head.type not in (P_IRECNO, layout.P_IBTREE) or not head.entries:
                raise FormatError(f"page {pgno}: type {head.type} in a duplicate tree")
            (first,) = _U16[self.order].unpack_from(page, self.overhead)
            (pgno,) = _U32[self.order].unpack_from(page, first + (4 if head.type == 3 else 0))
        seen: set[int] = set()
        while pgno != PGNO_INVALID:
            if pgno in seen:
                raise FormatError(f"duplicate leaves loop at page {pgno}")
            seen.add(pgno)
            page = self.claim(pgno)
            head = _header(page, self.order)
            if head.type not in (P_LRECNO, P_LDUP):
                raise FormatError(f"page {pgno}: type {head.type}, expected a duplicate leaf")
            index = struct.unpack_from(f"{self.order}{head.entries}H", page, self.overhead)
            for at in index:
                (n,) = _U16[self.order].unpack_from(page, at)
                btype = page[at + 2]
                if btype & B_DELETE:
                    continue
                if btype == B_KEYDATA:
                    yield bytes(page[at + 3 : at + 3 + n])
                elif btype == B_OVERFLOW:
                    _, opg, tlen = _BOVERFLOW[self.order].unpack_from(page, at)
                    yield layout.read_overflow(self.claim, opg, tlen, self.order, self.overhead)
                else:
                    raise FormatError(f"page {pgno}: duplicate of unknown type {btype}")
            pgno = head.next_pgno


def read(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Every ``(key, value)`` of the hash database ``data``, in libdb's cursor order.

    That is bucket by bucket, page by page along each bucket's chain, pairs in
    page order, a key's duplicates in their stored order (what ``makemap -u``
    prints). Raises :class:`~sendmailcfg.output.bdb.pages.FormatError` on
    bytes that are not a readable hash database.
    """
    try:
        reader = _Reader(data)
    except (struct.error, IndexError) as exc:
        raise FormatError(f"the meta page is damaged: {exc}") from None
    return _guarded(reader.pairs())


def _guarded(pairs: Iterator[tuple[bytes, bytes]]) -> Iterator[tuple[bytes, bytes]]:
    """``pairs``, with a damaged page's low-level errors said as :class:`FormatError`."""
    try:
        yield from pairs
    except (struct.error, IndexError, ValueError) as exc:
        if isinstance(exc, FormatError):
            raise
        raise FormatError(f"a damaged page: {exc}") from None


def meta(data: bytes) -> dict[str, int]:
    """The hash meta page's fields (for tests and ``--verbose`` tools).

    >>> import io
    >>> f = io.BytesIO()
    >>> write(f, [])
    >>> meta(f.getvalue())["max_bucket"], meta(f.getvalue())["nelem"]
    (1, 4096)
    """
    r = _Reader(data)
    tail = _HMETA_TAIL[r.order].unpack_from(data, META_HEADER_SIZE)
    names = ("max_bucket", "high_mask", "low_mask", "ffactor", "nelem", "h_charkey")
    out = dict(zip(names, tail[:6], strict=True))
    out.update(
        pagesize=r.page_size, last_pgno=r.meta.last_pgno, flags=r.meta.flags, free=r.meta.free
    )
    return out


__all__ = ["FormatError", "bucket_of", "bucket_page", "hash_func", "meta", "read", "write"]
