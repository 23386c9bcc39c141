"""The pure-Python Berkeley DB hash format, proven against libdb 5.3, makemap and sendmail."""

from __future__ import annotations

import contextlib
import doctest
import importlib
import io
import os
import shutil
import struct
import subprocess
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sendmailcfg.output import bdb
from sendmailcfg.output.bdb import hash as bdb_hash
from sendmailcfg.output.bdb import pages
from tests.oracle import Oracle

Pairs = list[tuple[bytes, bytes]]


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: differential tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def db_verify() -> str:
    """Debian's ``db5.3_verify`` (package db5.3-util), or ``db_verify``; skips when absent."""
    for name in ("db5.3_verify", "db_verify"):
        found = shutil.which(name)
        if found:
            return found
    _missing("db5.3_verify is not installed (Debian package db5.3-util)")
    raise AssertionError("unreachable")


@pytest.fixture(scope="session")
def binding() -> object:
    """The ``berkeleydb`` module (libdb itself); skips when it is not installed."""
    try:
        return importlib.import_module("berkeleydb.db")
    except ImportError:
        _missing("the berkeleydb binding is not installed (pip install 'sendmailcfg[bdb]')")
        raise AssertionError("unreachable") from None


def written(items: Sequence[tuple[bytes, bytes]], *, duplicates: bool = False) -> bytes:
    f = io.BytesIO()
    bdb_hash.write(f, items, duplicates=duplicates)
    return f.getvalue()


def by_key(pairs: Sequence[tuple[bytes, bytes]]) -> dict[bytes, list[bytes]]:
    """Each key's values in their stored order (the order of a key's duplicates matters)."""
    out: dict[bytes, list[bytes]] = defaultdict(list)
    for k, v in pairs:
        out[k].append(v)
    return dict(out)


def libdb_pairs(binding: object, path: Path, *, duplicates: bool = False) -> Pairs:
    """libdb's own cursor walk over ``path``."""
    db = binding
    handle = db.DB()  # type: ignore[attr-defined]
    if duplicates:
        handle.set_flags(db.DB_DUP)  # type: ignore[attr-defined]
    handle.open(str(path), None, db.DB_HASH, db.DB_RDONLY)  # type: ignore[attr-defined]
    try:
        cursor = handle.cursor()
        out: Pairs = []
        record = cursor.first()
        while record is not None:
            out.append(record)
            record = cursor.next()
        cursor.close()
        return out
    finally:
        handle.close()


def assert_libdb_finds_every_key(
    binding: object, path: Path, items: Pairs, *, duplicates: bool = False
) -> None:
    """libdb's own lookup (a binary search on each sorted page) finds every key's first value.

    Every key, big ones (over a quarter page, stored off the page) too: libdb's
    comparisons disagree only between an on-page key and a big key it begins,
    and we never put those on one page (libdb does, and then misses keys in its
    own files: see ``test_libdb_misses_keys_on_its_own_mixed_pages``).
    """
    db = binding
    handle = db.DB()  # type: ignore[attr-defined]
    if duplicates:
        handle.set_flags(db.DB_DUP)  # type: ignore[attr-defined]
    handle.open(str(path), None, db.DB_HASH, db.DB_RDONLY)  # type: ignore[attr-defined]
    try:
        first: dict[bytes, bytes] = {}
        for k, v in items:
            first.setdefault(k, v)
        for k, v in first.items():
            assert handle.get(k) == v, k[:60]
        assert handle.get(b"\0not a key\0") is None
    finally:
        handle.close()


def verify(db_verify: str, path: Path) -> None:
    """db_verify accepts ``path`` and says nothing else (its sorted-page check only prints)."""
    p = subprocess.run([db_verify, str(path)], capture_output=True, timeout=300)
    said = (p.stdout + p.stderr).decode("latin-1")
    assert p.returncode == 0, said
    assert said == f"BDB5105 Verification of {path} succeeded.\n", said[:2000]


# -- the format, in isolation ----------------------------------------------------------


def test_module_examples() -> None:
    for module in (pages, bdb_hash, bdb):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__


def test_hash_function_is_fnv_from_zero() -> None:
    assert bdb_hash.hash_func(b"") == 0
    assert bdb_hash.hash_func(b"a") == 0x61
    assert bdb_hash.hash_func(b"ab") == ((0x61 * 16777619) & 0xFFFFFFFF) ^ 0x62
    # libdb stores hash(CHARKEY) in every meta page; this is the value makemap's files carry
    assert bdb_hash.hash_func(bdb_hash.CHARKEY) == 0x5E688DD1


def test_meta_page_as_makemap_leaves_it() -> None:
    data = written([(b"a", b"b"), (b"hello", b"world")])
    meta = bdb_hash.meta(data)
    assert meta["nelem"] == 4096 + 2
    assert (meta["max_bucket"], meta["high_mask"], meta["low_mask"], meta["ffactor"]) == (
        1,
        1,
        0,
        0,
    )
    assert meta["pagesize"] == 4096 and len(data) == 3 * 4096
    assert data[:8] == (0).to_bytes(4, "little") + (1).to_bytes(4, "little")  # LSN_NOT_LOGGED
    assert bdb.detect(data) == "hash"


def test_big_keys_and_values_go_to_overflow_pages() -> None:
    items = [(b"k" * 1025, b"v"), (b"x", b"y" * 9000), (b"s" * 1024, b"t" * 1024)]
    data = written(items)
    kinds = {data[n * 4096 + 25] for n in range(1, len(data) // 4096)}
    assert pages.P_OVERFLOW in kinds
    assert sorted(bdb_hash.read(data)) == sorted(items)


def test_repeated_keys_need_duplicates() -> None:
    with pytest.raises(ValueError, match="given twice"):
        written([(b"a", b"1"), (b"a", b"2")])
    data = written([(b"a", b"1"), (b"b", b"0"), (b"a", b"2")], duplicates=True)
    assert by_key(list(bdb_hash.read(data))) == {b"a": [b"1", b"2"], b"b": [b"0"]}


def test_big_endian_files_read_too() -> None:
    f = io.BytesIO()
    items = [(b"key%d" % i, b"value%d" % i) for i in range(500)] + [(b"big", b"B" * 5000)]
    bdb_hash.write(f, items, order=">")
    assert bdb.detect(f.getvalue()) == "hash"
    assert sorted(bdb_hash.read(f.getvalue())) == sorted(items)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not a database at all", "magic number"),
        (written([(b"a", b"b")])[:4096], "past the end"),
    ],
)
def test_bad_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(pages.FormatError, match=message):
        list(bdb_hash.read(data))


keys = st.binary(min_size=0, max_size=40) | st.binary(min_size=1000, max_size=1200)
values = st.binary(min_size=0, max_size=60) | st.binary(min_size=900, max_size=3000)


@given(st.dictionaries(keys, values, max_size=300))
def test_write_then_read_returns_the_pairs(mapping: dict[bytes, bytes]) -> None:
    items = list(mapping.items())
    assert sorted(bdb_hash.read(written(items))) == sorted(items)


@given(st.lists(st.tuples(st.sampled_from([b"a", b"b", b"c" * 1100]), values), max_size=200))
def test_duplicates_keep_their_order(items: Pairs) -> None:
    assert by_key(list(bdb_hash.read(written(items, duplicates=True)))) == by_key(items)


# -- libdb reads and verifies what we write --------------------------------------------


CASES: dict[str, tuple[Pairs, bool]] = {
    "empty": ([], False),
    "one-byte": ([(b"a", b"b")], False),
    "thousand-byte": ([(b"k" * 1000, b"v"), (b"x", b"v" * 1000), (b"y" * 500, b"z" * 500)], False),
    "big": ([(b"K" * 5000, b"v"), (b"x", b"V" * 50000), (b"y" * 2000, b"z" * 3000)], False),
    "many": ([(b"host%d.example.com" % i, b"smtp:[mx%d]" % i) for i in range(20000)], False),
    # keys that begin other keys: libdb puts the longer first on a page
    "prefixes": ([(b"k%d" % i, b"v%d" % i) for i in range(3000)] + [(b"", b"empty")], False),
    "big-prefixes": (
        [(b"p" * n, b"%d" % n) for n in (1, 2, 3, 1000, 1024, 1025, 1026, 2000, 5000)],
        False,
    ),
    "duplicates": (
        [(b"a", b"%d" % i) for i in range(5)]
        + [(b"b", b"x" * 300) for _ in range(4)]
        + [(b"c", b"v%05d" % i) for i in range(3000)]
        + [(b"d", b"q" * 2000), (b"d", b"r")],
        True,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_libdb_verifies_and_reads_our_files(
    case: str, tmp_path: Path, db_verify: str, binding: object
) -> None:
    items, dups = CASES[case]
    path = tmp_path / f"{case}.db"
    path.write_bytes(written(items, duplicates=dups))
    verify(db_verify, path)
    theirs = libdb_pairs(binding, path, duplicates=dups)
    assert_libdb_finds_every_key(binding, path, items, duplicates=dups)
    assert theirs == list(bdb_hash.read(path.read_bytes()))  # same cursor order, too
    assert by_key(theirs) == by_key(items)


prefix_keys = st.builds(
    lambda stem, n: stem * n, st.sampled_from([b"a", b"ab", b"b\xff"]), st.integers(0, 700)
)


# found by hypothesis: a short key ('') that begins a big one, and a key ('ac') whose search
# passed them, on one page; and a big key below b"\x03", which db_verify's order check misreads
@example({b"ac": b"", b"": b"", b"ab" * 514: b"", b"c\x01": b""})
@example({b"\0" * 1100: b"", b"x": b"", b"": b""})
@given(st.dictionaries(keys | prefix_keys, values, max_size=80))
def test_libdb_verifies_any_file(mapping: dict[bytes, bytes]) -> None:
    verifier = shutil.which("db5.3_verify") or shutil.which("db_verify")
    if verifier is None:
        _missing("db5.3_verify is not installed (Debian package db5.3-util)")
        return
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "m.db"
        path.write_bytes(written(list(mapping.items())))
        verify(verifier, path)
        try:
            binding = importlib.import_module("berkeleydb.db")
        except ImportError:
            return
        assert_libdb_finds_every_key(binding, path, list(mapping.items()))


def test_page_order_is_libdbs() -> None:
    """Of two keys where one begins the other, the longer comes first (both on the page)."""
    keys = [b"b", b"bb", b"a", b"ab", b"aa", b"aab", b"", b"x" * 2000, b"x", b"x" * 1900]
    bdb_hash.sort_page_keys(keys)
    # big (off-page) keys: the shorter first (__db_coff); before an on-page key that begins
    # them, as libdb's look-up of the big key has it (its look-up of the short key has it after)
    assert keys == [b"aab", b"aa", b"ab", b"a", b"bb", b"b", b"x" * 1900, b"x" * 2000, b"x", b""]


def page_keys(data: bytes) -> list[list[bytes]]:
    """The keys of each hash page of a little-endian 4096-byte-page file, bucket by bucket.

    Pages come along each bucket's chain; a big key is shown as ``b"<big LENGTH>"``.
    """
    size = pages.DEFAULT_PAGE_SIZE
    at = pages.PAGE_HEADER_SIZE
    out: list[list[bytes]] = []
    for bucket in range(bdb_hash.meta(data)["max_bucket"] + 1):
        pgno = bucket + 1
        while pgno != pages.PGNO_INVALID:
            page = data[pgno * size : (pgno + 1) * size]
            head = pages.PageHeader.unpack(page[:at], "<")
            index = struct.unpack_from(f"<{head.entries}H", page, at)
            keys = []
            for i in range(0, head.entries, 2):
                item = page[index[i] : size if i == 0 else index[i - 1]]
                big = b"<big %d>" % int.from_bytes(item[8:12], "little")
                keys.append(item[1:] if item[0] == bdb_hash.H_KEYDATA else big)
            out.append(keys)
            pgno = head.next_pgno
    return out


def libdb_file(binding: object, path: Path, items: Pairs) -> bytes:
    """The file libdb itself makes by putting ``items`` in that order, as makemap would."""
    db = binding
    handle = db.DB()  # type: ignore[attr-defined]
    handle.open(str(path), None, db.DB_HASH, db.DB_CREATE)  # type: ignore[attr-defined]
    for k, v in items:
        handle.put(k, v)
    handle.close()
    return path.read_bytes()


def test_big_keys_get_a_page_of_their_own() -> None:
    """A bucket with big keys and others: the others on its first page, the big ones next.

    (b"a" * 1025 is alone in bucket 1, on its bucket page.)
    """
    big = b"ab" * 514
    data = written([(b"ac", b""), (b"", b""), (big, b""), (b"c\x01", b""), (b"a" * 1025, b"v")])
    assert bdb_hash.meta(data)["max_bucket"] == 1
    assert page_keys(data) == [[b"ac", b"c\x01", b""], [b"<big 1028>"], [b"<big 1025>"]]


def test_libdb_misses_keys_on_its_own_mixed_pages(
    tmp_path: Path, binding: object, db_verify: str
) -> None:
    """Why big keys get a page of their own: on one page libdb loses keys and db_verify prints.

    Looking a key up, libdb compares it with a big (off-page) key as ``__db_moff`` does, the
    shorter first, and with an on-page key the longer first; so a short key that begins a big
    one is before it when sought, after it when the big one is sought (``put`` inserts where
    its look-up stopped). Put in this order, libdb's own page is ['', big, 'ac', 'c\x01'] and
    its binary search for '' meets 'ac', turns back and misses it; our file has every key.
    """
    db = binding
    big = b"ab" * 514
    items = [(big, b"1"), (b"", b"2"), (b"ac", b"3"), (b"c\x01", b"4")]
    theirs = tmp_path / "theirs.db"
    mixed = [[b"", b"<big 1028>", b"ac", b"c\x01"], []]
    assert page_keys(libdb_file(db, theirs, items)) == mixed
    handle = db.DB()  # type: ignore[attr-defined]
    handle.open(str(theirs), None, db.DB_HASH, db.DB_RDONLY)  # type: ignore[attr-defined]
    assert [handle.get(k) for k, _ in items] == [b"1", None, b"3", b"4"]
    handle.close()
    ours = tmp_path / "ours.db"
    ours.write_bytes(written(items))
    assert_libdb_finds_every_key(db, ours, items)
    verify(db_verify, ours)
    # db_verify's order check reads an on-page key's type byte (1) as its first byte, so a big
    # key that begins with a lower byte, next to an on-page key, makes it print (and succeed)
    items = [(b"\0" * 1100, b""), (b"x", b""), (b"", b"")]
    theirs = tmp_path / "theirs0.db"
    libdb_file(db, theirs, items)
    p = subprocess.run([db_verify, str(theirs)], capture_output=True, timeout=300)
    assert p.returncode == 0 and b"key1:" in p.stdout + p.stderr
    ours = tmp_path / "ours0.db"
    ours.write_bytes(written(items))
    verify(db_verify, ours)


# -- real makemap and sendmail ---------------------------------------------------------


def _real_source(n: int) -> bytes:
    return b"".join(b"Host%d.Example.COM smtp:[mx%d.example.net]\n" % (i, i % 97) for i in range(n))


READER_CASES = {
    "plain": ([], b"a b\nhello world\n"),
    "empty": ([], b""),
    "-N": (["-N"], b"a b\nKey.Example value\n"),
    "-f": (["-f"], b"MiXed.Case Value\nlower v\n"),
    "one-byte": ([], b"a b\n"),
    "thousand-byte-key": ([], b"k" * 1000 + b" v\n" + b"x " + b"v" * 1000 + b"\n"),
    "bucket-overflow": ([], b"".join(b"k%d " % i + b"v" * 900 + b"\n" for i in range(300))),
    "duplicates": (["-d"], b"a 1\nb x\na 2\na 3\n" + b"".join(b"c %d\n" % i for i in range(2000))),
    "big-duplicates": (["-d"], b"".join(b"d " + b"%d" % i * 300 + b"\n" for i in range(50))),
    "many": ([], _real_source(50000)),
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(READER_CASES))
def test_we_read_what_real_makemap_writes(oracle: Oracle, oracle_dir: Path, case: str) -> None:
    flags, source = READER_CASES[case]
    status, msg = oracle.makemap(flags, "hash", oracle_dir / "m", source)
    assert status == 0, msg
    ours = list(bdb.read((oracle_dir / "m.db").read_bytes()))
    dump_flags = ["-d"] if "-d" in flags else []
    real = oracle.dump("hash", oracle_dir / "m", dump_flags)
    # makemap -u prints each key and value up to its first NUL, in libdb's cursor order
    assert real == b"".join(k.split(b"\0")[0] + b"\t" + v.split(b"\0")[0] + b"\n" for k, v in ours)
    if "-N" in flags:
        assert all(k.endswith(b"\0") and v.endswith(b"\0") for k, v in ours)
    # every key sits in the bucket our hash function names: it is libdb's
    meta = bdb_hash.meta((oracle_dir / "m.db").read_bytes())
    assert meta["ffactor"] == 0 and meta["nelem"] >= 4096
    assert len(ours) == len(set(ours)) or "-d" in flags


@pytest.mark.oracle
@pytest.mark.slow
def test_we_read_a_million_key_map(oracle: Oracle, oracle_dir: Path) -> None:
    status, msg = oracle.makemap([], "hash", oracle_dir / "m", _real_source(1_000_000))
    assert status == 0, msg
    ours = list(bdb.read((oracle_dir / "m.db").read_bytes()))
    assert len(ours) == 1_000_000
    assert oracle.dump("hash", oracle_dir / "m") == b"".join(k + b"\t" + v + b"\n" for k, v in ours)


def test_keys_sit_in_their_hash_bucket(tmp_path: Path) -> None:
    """Walking buckets by hand: each key is in the bucket ``__ham_func5`` names."""
    items = [(b"host%d" % i, b"v") for i in range(3000)]
    data = written(items)
    _assert_buckets(data)


def _assert_buckets(data: bytes) -> None:
    meta = bdb_hash.meta(data)
    reader = bdb_hash._Reader(data)
    for bucket in range(meta["max_bucket"] + 1):
        pgno = bdb_hash.bucket_page(bucket, reader.spares)
        while pgno:
            page = reader.page(pgno)
            head = pages.PageHeader.unpack(bytes(page[:26]), reader.order)
            if head.type == pages.P_INVALID:
                break
            for key, _ in reader._page_pairs(pgno, page, head.entries):
                h = bdb_hash.hash_func(key)
                got = bdb_hash.bucket_of(h, meta["max_bucket"], meta["high_mask"], meta["low_mask"])
                assert got == bucket, (key, got, bucket)
            pgno = head.next_pgno


@pytest.mark.oracle
def test_real_makemap_files_hash_like_ours(oracle: Oracle, oracle_dir: Path) -> None:
    status, msg = oracle.makemap([], "hash", oracle_dir / "m", _real_source(20000))
    assert status == 0, msg
    _assert_buckets((oracle_dir / "m.db").read_bytes())


MAKEMAP_CASES = {
    "plain": ([], _real_source(3000) + b"a b\n"),
    "-N": (["-N"], b"a b\nkey.example value\n"),
    "-f": (["-f"], b"MiXed.Case Value\nlower v\n"),
    "-d": (["-d"], b"a 1\na 2\nb 3\n" + b"".join(b"c %d\n" % i for i in range(1500))),
    "long": ([], b"k" * 1000 + b" v\n" + b"x " + b"v" * 1000 + b"\n"),
    "empty": ([], b""),
}


@pytest.mark.oracle
@pytest.mark.parametrize("case", sorted(MAKEMAP_CASES))
def test_real_makemap_dumps_what_it_would_have_stored(
    oracle: Oracle, oracle_dir: Path, case: str, db_verify: str
) -> None:
    flags, source = MAKEMAP_CASES[case]
    status, msg = oracle.makemap(flags, "hash", oracle_dir / "real", source)
    assert status == 0, msg
    stored = list(bdb.read((oracle_dir / "real.db").read_bytes()))
    path = oracle_dir / "ours.db"
    path.write_bytes(written(stored, duplicates="-d" in flags))
    verify(db_verify, path)
    dump_flags = ["-d"] if "-d" in flags else []
    ours = oracle.dump("hash", oracle_dir / "ours", dump_flags).split(b"\n")
    real = oracle.dump("hash", oracle_dir / "real", dump_flags).split(b"\n")
    assert sorted(ours) == sorted(real)
    assert by_key([tuple(x.split(b"\t", 1)) for x in ours if x]) == by_key(  # type: ignore[misc]
        [tuple(x.split(b"\t", 1)) for x in real if x]  # type: ignore[misc]
    )


@pytest.mark.oracle
def test_sendmail_finds_every_key(oracle: Oracle, oracle_dir: Path) -> None:
    """Real sendmail, through a ``K`` line, finds every key of a hash file we wrote."""
    mapfile = oracle_dir / "mailertable"
    mc = oracle.offline_mc(oracle_dir, f"FEATURE(`mailertable', `hash -o {mapfile}')dnl\n")
    cf_text, err, status = oracle.mc2cf(mc)
    assert status == 0, err
    cf = oracle_dir / "oracle.cf"
    cf.write_text(cf_text)
    items = [(b"host%d.example.com" % i, b"smtp:[mx%d.example.net]" % i) for i in range(3000)]
    # sendmail cuts lookup keys at MAXNAME (256): a long key here is 200 bytes
    items += [(b"k" * 200, b"esmtp:[long.example]"), (b"x", b"v" * 900)]
    # keys that begin other keys ("p1", "p10", "p100"): a page's order matters to the lookup
    prefixed = [(b"p%d" % i, b"smtp:[p%d.example]" % i) for i in range(1500)]
    items += prefixed
    mapfile.with_suffix(".db").write_bytes(written(items))
    probe = items  # every key, in one sendmail process
    outs = oracle.run_bt_each(cf, [f"/map mailertable {k.decode()}" for k, _ in probe])
    for (key, value), out in zip(probe, outs, strict=True):
        assert f"returns {value.decode()}" in out, (key[:40], out[:200])
    assert "no match" in oracle.run_bt_each(cf, ["/map mailertable nosuch.example"])[0]


@pytest.mark.oracle
def test_real_makemap_appends_to_our_file(oracle: Oracle, oracle_dir: Path, db_verify: str) -> None:
    """libdb grows our bucket table as it grows its own (``makemap -o`` splits buckets)."""
    first = [(b"host%d.example.com" % i, b"smtp:[mx]") for i in range(20000)]
    (oracle_dir / "m.db").write_bytes(written(first))
    before = bdb_hash.meta((oracle_dir / "m.db").read_bytes())["max_bucket"]
    more = b"".join(b"new%d.example.org relay\n" % i for i in range(20000))
    status, msg = oracle.makemap(["-o"], "hash", oracle_dir / "m", more)
    assert status == 0, msg
    verify(db_verify, oracle_dir / "m.db")
    data = (oracle_dir / "m.db").read_bytes()
    assert bdb_hash.meta(data)["max_bucket"] > before
    pairs = list(bdb_hash.read(data))
    assert len(pairs) == 40000
    assert oracle.dump("hash", oracle_dir / "m") == b"".join(
        k + b"\t" + v + b"\n" for k, v in pairs
    )


def test_libdb_reads_our_big_endian_files(tmp_path: Path, binding: object) -> None:
    """libdb swaps a file written on a big-endian machine; so do we (db_verify, though it
    accepts the file, prints its sorted-page check on unswapped offsets: not run here)."""
    items = [(b"key%d" % i, b"value%d" % i) for i in range(3000)] + [(b"big", b"B" * 5000)]
    items += [(b"d", b"%d" % i) for i in range(400)]
    path = tmp_path / "be.db"
    with path.open("wb") as f:
        bdb_hash.write(f, items, duplicates=True, order=">")
    theirs = libdb_pairs(binding, path, duplicates=True)
    assert theirs == list(bdb_hash.read(path.read_bytes()))
    assert by_key(theirs) == by_key(items)


@pytest.mark.oracle
@pytest.mark.slow
def test_a_million_keys_we_write(oracle: Oracle, oracle_dir: Path, db_verify: str) -> None:
    items = [
        (b"host%d.example.com" % i, b"smtp:[mx%d.example.net]" % (i % 97)) for i in range(10**6)
    ]
    path = oracle_dir / "m.db"
    with path.open("wb") as f:
        bdb_hash.write(f, items)
    verify(db_verify, path)
    dumped = oracle.dump("hash", oracle_dir / "m").split(b"\n")[:-1]
    assert sorted(dumped) == sorted(k + b"\t" + v for k, v in items)


@given(st.data())
def test_damaged_files_fail_cleanly(data: st.DataObject) -> None:
    """Any damage is a FormatError (or still readable), never another exception or a hang."""
    items = [(b"k%d" % i, b"v" * (i % 50)) for i in range(300)] + [(b"big", b"B" * 5000)]
    items += [(b"d", b"%d" % i) for i in range(300)]
    good = bytearray(written(items, duplicates=True))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(good) - 1))
        good[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.sampled_from([len(good), len(good) - 1000, 5000]))
    with contextlib.suppress(pages.FormatError):
        list(bdb_hash.read(bytes(good[:cut])))


@given(
    st.lists(st.binary(min_size=0, max_size=40), min_size=0, max_size=300),
    st.integers(min_value=0, max_value=5000),
)
@example([b"x" * 20] * 4097, 0)  # padded, past one chunk of 4,096 lanes
@example([b"a" * 1000, *[b"b"] * 100], 0)  # lengths far apart: grouped by length
def test_hash_many_is_the_hash_of_every_key(keys: list[bytes], copies: int) -> None:
    """Either formulation (keys padded in front, or grouped by length) gives libdb's hash."""
    many = keys + [b"k%04d" % i for i in range(copies)]
    assert bdb_hash.hash_many(many) == [bdb_hash.hash_func(k) for k in many]
