"""The pure-Python btree writer and reader: round trips and the page layout libdb needs.

The differential proof (db5.3_verify, real makemap, real sendmail, libdb itself)
is in ``test_bdb_btree_oracle.py``; these tests need nothing installed.
"""

from __future__ import annotations

import doctest
import io
import struct
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.output.bdb import btree
from sendmailcfg.output.bdb import pages as bdb_pages

Pairs = list[tuple[bytes, bytes]]
# Lengths around the overflow threshold (page size 512: 111, 1024: 239, 4096: 1007).
SIZES = st.sampled_from([0, 1, 2, 3, 4, 5, 50, 110, 111, 112, 238, 239, 240, 1007, 1008, 3000])
PAGESIZES = st.sampled_from([512, 1024, 4096])


def built(items: Sequence[tuple[bytes, bytes]], **kw: object) -> bytes:
    f = io.BytesIO()
    btree.write(f, items, uid=bytes(20), **kw)  # type: ignore[arg-type]
    return f.getvalue()


@st.composite
def unique_items(draw: st.DrawFn) -> Pairs:
    keys = draw(
        st.lists(
            st.builds(lambda b, n: b + b"k" * n, st.binary(max_size=6), SIZES),
            unique=True,
            max_size=60,
        )
    )
    return [(k, draw(st.binary(max_size=4)) + b"v" * draw(SIZES)) for k in keys]


@st.composite
def dup_items(draw: st.DrawFn) -> Pairs:
    keys = draw(st.lists(st.binary(max_size=3), min_size=1, max_size=5))
    n = draw(st.integers(0, 400))
    return [
        (draw(st.sampled_from(keys)), draw(st.binary(max_size=3)) + b"v" * draw(SIZES))
        for _ in range(n)
    ]


@given(unique_items(), PAGESIZES)
def test_write_then_read_gives_the_pairs_sorted(items: Pairs, pagesize: int) -> None:
    data = built(items, page_size=pagesize)
    assert len(data) % pagesize == 0
    assert list(btree.read(data)) == sorted(items)


@given(dup_items(), PAGESIZES)
def test_duplicates_keep_their_order_within_a_key(items: Pairs, pagesize: int) -> None:
    data = built(items, duplicates=True, page_size=pagesize)
    assert list(btree.read(data)) == sorted(items, key=lambda kv: kv[0])


def test_empty_map_is_a_meta_page_and_an_empty_root_leaf() -> None:
    data = built([])
    assert len(data) == 2 * 4096
    assert list(btree.read(data)) == []
    pgno, prev, nxt, entries, hf, level, ptype = struct.unpack_from("<8xIIIHHBB", data, 4096)
    assert (pgno, prev, nxt, entries, hf, level, ptype) == (1, 0, 0, 0, 4096, 1, btree.P_LBTREE)


def meta(data: bytes) -> dict[str, int]:
    f = struct.unpack_from("<6I4B6I20s5I", data, 0)
    names = "lsn_file lsn_off pgno magic version pagesize enc type metaflags unused free last "
    names += "nparts keys records flags uid unused1 minkey re_len re_pad root"
    return {n: v for n, v in zip(names.split(), f, strict=True) if n != "uid"}


def test_meta_page_is_the_btree_meta_makemap_writes() -> None:
    data = built([(b"a", b"b")], duplicates=True)
    m = meta(data)
    assert m["magic"] == 0x053162 and m["version"] == 9 and m["pagesize"] == 4096
    assert (m["type"], m["minkey"], m["re_pad"], m["root"]) == (9, 2, 0x20, 1)
    assert (m["lsn_file"], m["lsn_off"], m["free"], m["last"]) == (0, 1, 0, 1)
    assert m["flags"] == btree.BTM_DUP
    assert meta(built([(b"a", b"b")]))["flags"] == 0


def pages(data: bytes, pagesize: int = 4096) -> Iterator[tuple[int, int, int, int, int, int]]:
    """(pgno, prev, next, entries, level, type) of every page after the meta page."""
    for p in range(1, len(data) // pagesize):
        pgno, prev, nxt, entries, _hf, level, ptype = struct.unpack_from(
            "<8xIIIHHBB", data, p * pagesize
        )
        assert pgno == p
        yield pgno, prev, nxt, entries, level, ptype


def test_many_keys_build_levels_with_the_root_on_page_1() -> None:
    items = [(b"key%06d" % i, b"value%d" % (i * 7)) for i in range(20_000)]
    data = built(items, page_size=512)
    assert list(btree.read(data)) == items
    kinds = {(level, ptype) for _, _, _, _, level, ptype in pages(data, 512)}
    assert (1, btree.P_LBTREE) in kinds and (3, btree.P_IBTREE) in kinds
    root = next(pages(data, 512))
    assert root[5] == btree.P_IBTREE and root[4] == max(level for level, _ in kinds)
    assert meta(data)["last"] == len(data) // 512 - 1


def test_leaves_are_chained_in_key_order() -> None:
    items = [(b"%05d" % i, b"v") for i in range(3000)]
    data = built(items, page_size=512)
    leaves = {p[0]: p for p in pages(data, 512) if p[5] == btree.P_LBTREE}
    first = [p for p in leaves.values() if p[1] == 0]
    assert len(first) == 1
    chain, pgno = [], first[0][0]
    while pgno:
        chain.append(pgno)
        pgno = leaves[pgno][2]
    assert sorted(chain) == sorted(leaves)


def test_big_items_go_to_overflow_pages() -> None:
    items = [(b"k" * 5000, b"v" * 9000), (b"small", b"x" * 1007), (b"z", b"y" * 1008)]
    data = built(items)
    types = [p[5] for p in pages(data)]
    assert types.count(btree.P_OVERFLOW) == 2 + 3 + 1
    assert list(btree.read(data)) == sorted(items)


def test_threshold_is_libdbs() -> None:
    assert [btree.ovflsize(n) for n in (512, 1024, 4096, 8192)] == [111, 239, 1007, 2031]


def test_large_duplicate_sets_move_off_page_into_recno_trees() -> None:
    items = [(b"many", b"value %d" % i) for i in range(2000)] + [(b"few", b"a"), (b"few", b"b")]
    data = built(items, duplicates=True)
    types = [p[5] for p in pages(data)]
    assert btree.P_LRECNO in types and btree.P_IRECNO in types
    assert list(btree.read(data)) == sorted(items, key=lambda kv: kv[0])


def test_small_duplicate_sets_stay_on_the_leaf_sharing_one_key_item() -> None:
    data = built([(b"k", b"1"), (b"k", b"2"), (b"k", b"3")], duplicates=True)
    entries = struct.unpack_from("<20xH", data, 4096)[0]
    inp = struct.unpack_from("<6H", data, 4096 + 26)
    assert entries == 6 and inp[0] == inp[2] == inp[4]
    assert len(data) == 2 * 4096


def test_keys_sort_bytewise_shorter_first() -> None:
    items = [(b"ab", b"1"), (b"a", b"2"), (b"\xff", b"3"), (b"", b"4"), (b"a\x00", b"5")]
    assert [k for k, _ in btree.read(built(items))] == [b"", b"a", b"a\x00", b"ab", b"\xff"]


def test_repeated_key_without_duplicates_is_refused() -> None:
    with pytest.raises(ValueError, match="given twice"):
        built([(b"a", b"1"), (b"a", b"2")])


def test_written_bytes_depend_only_on_the_pairs_and_uid() -> None:
    items = [(b"b%d" % i, b"x" * (i % 50)) for i in range(500)]
    assert built(items) == built(list(reversed(items)))
    f = io.BytesIO()
    btree.write(f, items)
    assert f.getvalue()[52:72] != bytes(20)  # a fresh file id, as libdb gives one


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda d: d[:100], "expected at least a 512-byte meta page"),
        (lambda d: d[:12] + b"\0\0\0\0" + d[16:], "expected 0x053162"),
        (lambda d: d[:25] + b"\x08" + d[26:], r"meta page type 8: expected 9 \(btree\)"),
        (lambda d: d[:20] + struct.pack("<I", 1000) + d[24:], "page size 1000"),
        (lambda d: d[:4096], "beyond the file's 1 pages"),
        (lambda d: d[: 4096 + 25] + b"\x07" + d[4096 + 26 :], "expected page 1 of type"),
    ],
)
def test_damaged_files_are_refused_with_the_reason(damage: object, message: str) -> None:
    data = built([(b"a", b"b")])
    with pytest.raises(btree.BtreeFormatError, match=message):
        list(btree.read(damage(data)))  # type: ignore[operator]


def test_format_errors_are_the_shared_bdb_format_error() -> None:
    assert issubclass(btree.BtreeFormatError, bdb_pages.FormatError)
    assert issubclass(btree.BtreeFormatError, ValueError)


def test_broken_overflow_chain_is_refused() -> None:
    data = bytearray(built([(b"a", b"v" * 5000)]))
    struct.pack_into("<I", data, 2 * 4096 + 16, 0)  # the first overflow page loses its next
    with pytest.raises(btree.BtreeFormatError, match="overflow chain ends"):
        list(btree.read(bytes(data)))


def test_big_endian_files_are_read() -> None:
    """A map made on a big-endian host: libdb stores its own byte order."""
    le = built([(b"key", b"value")])
    be = bytearray(len(le))
    fields = "6I4B6I20s5I"
    be[:4096] = struct.pack(">" + fields, *struct.unpack_from("<" + fields, le, 0)).ljust(
        4096, b"\0"
    )
    head = struct.unpack_from("<IIIIIHHBB", le, 4096)
    offs = struct.unpack_from("<2H", le, 4096 + 26)
    page = bytearray(le[4096:])
    struct.pack_into(">IIIIIHHBB", page, 0, *head)
    struct.pack_into(">2H", page, 26, *offs)
    for o in offs:
        struct.pack_into(">H", page, o, struct.unpack_from("<H", le, 4096 + o)[0])
    be[4096:] = page
    assert list(btree.read(bytes(be))) == [(b"key", b"value")]


def test_module_examples() -> None:
    assert doctest.testmod(btree, optionflags=doctest.ELLIPSIS).failed == 0


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    items = draw(unique_items())
    duplicates = draw(st.booleans())
    if duplicates:
        items += [(b"dup", b"v%d" % i) for i in range(draw(st.integers(0, 120)))]
    data = bytearray(built(items, duplicates=duplicates, page_size=512))
    for _ in range(draw(st.integers(1, 12))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    if draw(st.booleans()):
        del data[draw(st.integers(0, len(data))) :]
    return bytes(data)


@given(damaged())
def test_damaged_bytes_read_or_raise_the_format_error(data: bytes) -> None:
    """Whatever the bytes, read() returns pairs or raises BtreeFormatError (no IndexError,
    struct.error or endless loop)."""
    try:
        pairs = list(btree.read(data))
    except btree.BtreeFormatError:
        return
    assert all(isinstance(k, bytes) and isinstance(v, bytes) for k, v in pairs)
