"""Differential proof for the pure-Python btree files: the real tools read what we write,
and we read what they write.

* ``db5.3_verify`` (Debian's db5.3-util) accepts every file we write;
* real ``makemap -u btree`` dumps exactly the pairs we stored;
* real sendmail finds every key through a ``K ... btree`` line (``sendmail -bt``, ``/map``);
* our reader reads every btree file real makemap writes (``-N``, ``-f``, ``-d``, empty
  maps, 1-byte and 1,000-byte keys and values, 50,000 keys; a million as a slow test);
* libdb itself, through the ``berkeleydb`` binding, agrees with us both ways, also for
  what makemap cannot make (overflow items: makemap's lines are at most 1,024 bytes).

Tools that are absent skip the test with the reason; under ``CI=true`` they fail instead.
"""

from __future__ import annotations

import importlib
import io
import os
import random
import shutil
import struct
import subprocess
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from sendmailcfg.output.bdb import btree
from tests.oracle import Oracle

Pairs = list[tuple[bytes, bytes]]
pytestmark = pytest.mark.oracle


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: differential tests must run; see .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def verify() -> str:
    """Berkeley DB 5.3's ``db_verify``."""
    found = shutil.which("db5.3_verify") or shutil.which("db_verify")
    if found is None:
        _missing("db5.3_verify not installed (Debian package db5.3-util)")
    assert found is not None
    return found


@pytest.fixture(scope="session")
def libdb() -> Any:
    """The ``berkeleydb`` binding's ``db`` module (libdb 5.3 itself)."""
    try:
        module: ModuleType = importlib.import_module("berkeleydb.db")
    except ImportError:
        _missing("the berkeleydb binding is missing: pip install 'sendmailcfg[bdb]' (needs db.h)")
        raise
    return module


def write(path: Path, items: Sequence[tuple[bytes, bytes]], **kw: Any) -> Path:
    with open(path, "wb") as f:
        btree.write(f, items, **kw)
    return path


def expected(items: Sequence[tuple[bytes, bytes]], duplicates: bool = False) -> Pairs:
    """Key order, a key's duplicates in the order given."""
    return sorted(items, key=lambda kv: kv[0]) if duplicates else sorted(items)


def dump_text(pairs: Pairs) -> bytes:
    return b"".join(k + b"\t" + v + b"\n" for k, v in pairs)


def access_pairs(n: int, seed: int = 8017) -> Pairs:
    """Access-map-like unique pairs, lower-case keys as makemap stores them."""
    rnd = random.Random(seed)
    values = [b"REJECT", b"OK", b"RELAY", b"DISCARD", b"ERROR:5.7.1:550 Go away"]
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            key = b"connect:%d.%d.%d.%d" % (10 + i % 200, (i >> 8) & 255, i & 255, i // 65536)
        elif kind == 1:
            key = b"from:user%d@host%d.example.com" % (i, rnd.randrange(10**6))
        elif kind == 2:
            key = b"to:postmaster@dept%d.example.org" % i
        else:
            key = b"mail%d.relay%d.example.net" % (i, rnd.randrange(1000))
        out.append((key, rnd.choice(values)))
    return out


def big_pairs() -> Pairs:
    """Keys and values on both sides of the overflow threshold, big first keys on leaves."""
    rnd = random.Random(7)
    out = []
    for i in range(2500):
        k = b"k%05d" % i + b"x" * rnd.choice([0, 0, 1000, 1001, 1002, 1008, 5000, 9000])
        v = b"v" * rnd.choice([0, 1, 1000, 1007, 1008, 4070, 4071, 20000])
        out.append((k, v))
    return out


def dup_pairs() -> Pairs:
    """Duplicate sets small (on the leaf), large (an off-page tree of several pages),
    with big values, and big keys with duplicates."""
    rnd = random.Random(3)
    out = [(b"single", b"1"), (b"two", b"a"), (b"two", b"b")]
    out += [(b"many", b"value %d" % i) for i in range(3000)]
    out += [(b"bigvalues", b"w" * rnd.choice([1, 2000, 9000])) for _ in range(40)]
    out += [(b"K" * 3000, b"%d" % i) for i in range(300)]
    out += [(b"k%04d" % (i % 700), b"%d" % i) for i in range(2100)]
    rnd.shuffle(out)
    return out


CASES: dict[str, tuple[Pairs, dict[str, Any]]] = {
    "empty": ([], {}),
    "empty, 65536-byte pages": ([], {"page_size": 65536}),
    "one pair": ([(b"example.com", b"smtp:[mx.example.net]")], {}),
    "1-byte keys and values": ([(bytes([i]), bytes([256 - i])) for i in range(1, 256)], {}),
    "1000-byte keys": ([(b"%04d" % i + b"k" * 996, b"v%d" % i) for i in range(300)], {}),
    "1000-byte values": ([(b"%04d" % i, b"v" * 1000) for i in range(300)], {}),
    "50,000 keys": (access_pairs(50_000), {}),
    "4 levels of 512-byte pages": (access_pairs(20_000), {"page_size": 512}),
    "65536-byte pages": (access_pairs(20_000), {"page_size": 65536}),
    "overflow pages": (big_pairs(), {}),
    "overflow pages, 1024-byte pages": (big_pairs(), {"page_size": 1024}),
    "duplicates": (dup_pairs(), {"duplicates": True}),
    "duplicates, 512-byte pages": (dup_pairs(), {"duplicates": True, "page_size": 512}),
}


@pytest.fixture(params=list(CASES), scope="module")
def ours(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Any:
    items, kw = CASES[request.param]
    path = write(tmp_path_factory.mktemp("btree") / "map.db", items, **kw)
    return path, items, kw


def test_db_verify_accepts_what_we_write(verify: str, ours: Any) -> None:
    path, _, _ = ours
    p = subprocess.run([verify, "-q", str(path)], capture_output=True, text=True, timeout=300)
    assert (p.returncode, p.stderr, p.stdout) == (0, "", "")


def test_makemap_dumps_the_pairs_we_stored(oracle: Oracle, ours: Any) -> None:
    path, items, kw = ours
    want = expected(items, kw.get("duplicates", False))
    flags = ["-d"] if kw.get("duplicates") else []
    assert oracle.dump("btree", path.with_suffix(""), flags) == dump_text(want)


def test_libdb_reads_the_pairs_we_stored(libdb: Any, ours: Any) -> None:
    path, items, kw = ours
    handle = libdb.DB()
    if kw.get("duplicates"):
        handle.set_flags(libdb.DB_DUP)
    handle.open(str(path), None, libdb.DB_BTREE, libdb.DB_RDONLY)
    try:
        cursor = handle.cursor()
        got = []
        row = cursor.first()
        while row is not None:
            got.append(row)
            row = cursor.next()
        cursor.close()
        for key, value in items[:200]:  # and keyed look-ups through the internal pages
            assert handle.get(key) is not None
            if not kw.get("duplicates"):
                assert handle.get(key) == value
    finally:
        handle.close()
    assert got == expected(items, kw.get("duplicates", False))


def test_our_reader_reads_the_pairs_we_stored(ours: Any) -> None:
    path, items, kw = ours
    assert list(btree.read(path.read_bytes())) == expected(items, kw.get("duplicates", False))


@pytest.mark.parametrize(
    ("page_size", "count", "step"), [(512, 1500, 1), (4096, 50_000, 20)], ids=["512", "4096"]
)
def test_sendmail_finds_every_key(
    oracle: Oracle, oracle_dir: Path, page_size: int, count: int, step: int
) -> None:
    """Real sendmail looks up the keys of a map of several levels, with overflow values
    and duplicates, through ``Kbt btree`` (``/map`` in -bt mode): every key of a map of
    512-byte pages, every 20th of 50,000 on 4 KiB pages; absent keys are no match."""
    items = access_pairs(count)
    items += [(b"long.example", b"L" * 1500), (b"dup.example", b"first")]
    items += [(b"dup.example", b"second %d" % i) for i in range(400)]
    write(oracle_dir / "bt.db", items, page_size=page_size, duplicates=True)
    body = f"LOCAL_CONFIG\nKbt btree {oracle_dir / 'bt'}\n"
    cf_text, err, status = oracle.mc2cf(oracle.offline_mc(oracle_dir, body))
    assert status == 0, err
    cf = oracle_dir / "oracle.cf"
    cf.write_text(cf_text, encoding="latin-1")
    first: dict[bytes, bytes] = {}
    for k, v in items:
        first.setdefault(k, v)
    keys = [*sorted(first)[::step], b"dup.example", b"long.example"]
    absent = [k + b"0" for k in keys[::100] if k + b"0" not in first] + [b"zzzz"]
    commands = [f"/map bt {k.decode()}" for k in [*keys, *absent]]
    outs = oracle.run_bt_each(cf, commands)
    assert len(outs) == len(commands)
    for key, out in zip(keys, outs[: len(keys)], strict=True):
        assert f"map_lookup: bt ({key.decode()}) returns {first[key].decode()} (0)" in out
    for key, out in zip(absent, outs[len(keys) :], strict=True):
        assert f"map_lookup: bt ({key.decode()}) no match" in out


# -- files real makemap writes ----------------------------------------------------------
def source_of(pairs: Pairs) -> bytes:
    return b"".join(k + b"\t" + v + b"\n" for k, v in pairs)


MAKEMAP: dict[str, tuple[list[str], bytes, Pairs]] = {
    "empty": ([], b"", []),
    "comments only": ([], b"# nothing\n\n", []),
    "folded keys": (
        [],
        b"Example.COM\tOK\nB.example REJECT\n",
        [
            (b"b.example", b"REJECT"),
            (b"example.com", b"OK"),
        ],
    ),
    "-f keeps case": (
        ["-f"],
        b"Example.COM\tOK\nB.example REJECT\n",
        [
            (b"B.example", b"REJECT"),
            (b"Example.COM", b"OK"),
        ],
    ),
    "-N stores the NUL": (["-N"], b"a\tb\nc d\n", [(b"a\0", b"b\0"), (b"c\0", b"d\0")]),
    "1-byte keys and values": (
        [],
        b"".join(b"%c %c\n" % (c, c) for c in b"abcdefgh"),
        [(bytes([c]), bytes([c])) for c in b"abcdefgh"],
    ),
    "1000-byte keys": (
        [],
        b"".join(b"%03d" % i + b"k" * 997 + b" v\n" for i in range(200)),
        [(b"%03d" % i + b"k" * 997, b"v") for i in range(200)],
    ),
    "1000-byte values": (
        [],
        b"".join(b"%03d " % i + b"v" * 1000 + b"\n" for i in range(200)),
        [(b"%03d" % i, b"v" * 1000) for i in range(200)],
    ),
    "50,000 keys": ([], source_of(access_pairs(50_000)), access_pairs(50_000)),
}


@pytest.mark.parametrize("case", list(MAKEMAP))
def test_we_read_what_makemap_writes(oracle: Oracle, oracle_dir: Path, case: str) -> None:
    flags, source, pairs = MAKEMAP[case]
    status, msg = oracle.makemap(flags, "btree", oracle_dir / "m", source)
    assert (status, msg) == (0, "")
    got = list(btree.read((oracle_dir / "m.db").read_bytes()))
    assert got == sorted(pairs)
    if "-N" not in flags:
        assert oracle.dump("btree", oracle_dir / "m", flags) == dump_text(got)


@pytest.mark.parametrize(
    ("counts", "what"), [((3, 5), "on-page duplicates"), ((3000, 3), "off-page duplicate trees")]
)
def test_we_read_makemap_duplicates(
    oracle: Oracle, oracle_dir: Path, counts: tuple[int, int], what: str
) -> None:
    """``makemap -d``: every value of a key, in source order (libdb's DB_DUP)."""
    many, keys = counts
    pairs = [(b"k%d" % (i % keys), b"value %d" % i) for i in range(many)]
    pairs += [(b"lone", b"x")]
    status, msg = oracle.makemap(["-d"], "btree", oracle_dir / "d", source_of(pairs))
    assert (status, msg) == (0, "")
    data = (oracle_dir / "d.db").read_bytes()
    types = {data[p + 25] for p in range(4096, len(data), 4096)}
    assert (btree.P_LRECNO in types) == (what == "off-page duplicate trees")
    assert list(btree.read(data)) == expected(pairs, duplicates=True)


@pytest.mark.slow
def test_we_read_a_million_keys_makemap_writes(oracle: Oracle, oracle_dir: Path) -> None:
    pairs = access_pairs(1_000_000)
    status, msg = oracle.makemap(["-c", "100000000"], "btree", oracle_dir / "m", source_of(pairs))
    assert (status, msg) == (0, "")
    assert list(btree.read((oracle_dir / "m.db").read_bytes())) == sorted(pairs)


@pytest.mark.slow
def test_db_verify_accepts_a_million_keys(verify: str, oracle_dir: Path) -> None:
    path = write(oracle_dir / "m.db", access_pairs(1_000_000))
    p = subprocess.run([verify, "-q", str(path)], capture_output=True, text=True, timeout=900)
    assert (p.returncode, p.stderr) == (0, "")


# -- libdb's own files (overflow items makemap cannot make) ---------------------------
def libdb_file(libdb: Any, path: Path, pairs: Pairs, pagesize: int, dup: bool) -> bytes:
    handle = libdb.DB()
    handle.set_pagesize(pagesize)
    if dup:
        handle.set_flags(libdb.DB_DUP)
    handle.open(str(path), None, libdb.DB_BTREE, libdb.DB_CREATE | libdb.DB_TRUNCATE)
    try:
        for k, v in pairs:
            handle.put(k, v)
    finally:
        handle.close()
    return path.read_bytes()


@pytest.mark.parametrize("pagesize", [512, 4096, 8192])
@pytest.mark.parametrize("dup", [False, True])
def test_we_read_what_libdb_writes(libdb: Any, tmp_path: Path, pagesize: int, dup: bool) -> None:
    """Inserted in random order (so pages split as libdb splits them), with overflow keys
    and values and, for DB_DUP, duplicate sets that move off-page."""
    pairs = big_pairs()
    if dup:
        pairs = dup_pairs()
    else:
        random.Random(pagesize).shuffle(pairs)
    data = libdb_file(libdb, tmp_path / "l.db", pairs, pagesize, dup)
    assert list(btree.read(data)) == expected(pairs, dup)


@pytest.mark.parametrize("pagesize", [512, 1024, 4096, 65536])
def test_overflow_threshold_is_libdbs(libdb: Any, tmp_path: Path, pagesize: int) -> None:
    """An item of ovflsize bytes stays on its leaf; one byte more goes to an overflow page,
    in libdb's files and in ours."""
    limit = btree.ovflsize(pagesize)
    for n, overflow in ((limit, False), (limit + 1, True)):
        pairs = [(b"k", b"v" * n)]
        theirs = libdb_file(libdb, tmp_path / "l.db", pairs, pagesize, False)
        f = io.BytesIO()
        btree.write(f, pairs, page_size=pagesize)
        for data in (theirs, f.getvalue()):
            types = {data[p + 25] for p in range(pagesize, len(data), pagesize)}
            assert (btree.P_OVERFLOW in types) == overflow, (pagesize, n)
            assert struct.unpack_from("<I", data, 20)[0] == pagesize


@pytest.mark.parametrize("duplicates", [False, True])
def test_makemap_o_adds_to_our_file(
    oracle: Oracle, verify: str, oracle_dir: Path, duplicates: bool
) -> None:
    """libdb splits our full pages, extends our duplicate trees and still verifies:
    real ``makemap -o`` adds to a map we wrote."""
    items = dup_pairs() if duplicates else access_pairs(20_000)
    write(oracle_dir / "m.db", items, duplicates=duplicates)
    extra = [(b"many", b"one more"), (b"two", b"c")] if duplicates else []
    extra += [(b"new%05d.example" % i, b"OK") for i in range(0, 30_000, 7)]
    extra += [(k + b".more", b"RELAY") for k, _ in items[::50] if len(k) < 900]
    flags = ["-o", "-d"] if duplicates else ["-o"]
    status, msg = oracle.makemap(flags, "btree", oracle_dir / "m", source_of(extra))
    assert (status, msg) == (0, "")
    p = subprocess.run([verify, "-q", str(oracle_dir / "m.db")], capture_output=True, text=True)
    assert (p.returncode, p.stderr) == (0, "")
    want = expected([*items, *extra], duplicates)
    assert list(btree.read((oracle_dir / "m.db").read_bytes())) == want
