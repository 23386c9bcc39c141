"""Bounded-memory makemap builds: the same bytes as the in-memory writer, whatever spills."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sendmailcfg.maps.makemap_lines import Reading, reading_options
from sendmailcfg.output import pure, streaming
from sendmailcfg.output.bdb import btree
from sendmailcfg.output.bdb import hash as bdb_hash
from tests.oracle import Oracle

UID = bytes(range(20))


def _reader(flags: list[str]) -> Reading:
    return Reading(*reading_options([(f, "") for f in flags]))


def _reference(method: str, data: bytes, flags: list[str]) -> tuple[bytes, pure.WriteResult]:
    """What the in-memory writer makes of the whole source (file id fixed)."""
    f = io.BytesIO()
    result = pure.write(f, method, data, _reader(flags))
    out = f.getvalue()
    return out[:52] + UID + out[72:], result


def _streamed(
    method: str, data: bytes, flags: list[str], budget: int, block: int
) -> tuple[bytes, streaming.WriteResult]:
    with tempfile.TemporaryFile() as f:
        result = streaming.write_stream(
            f, method, io.BytesIO(data), _reader(flags), budget=budget, block=block, uid=UID
        )
        f.seek(0)
        return f.read(), result


key = st.text(st.sampled_from("abcAB.-_@0123"), min_size=1, max_size=12)
value = st.text(st.sampled_from("xyz:[]. 09"), min_size=0, max_size=30)
line = st.one_of(
    st.tuples(key, st.sampled_from([" ", "\t", "  "]), value).map(lambda t: "".join(t)),
    st.sampled_from(["", "# note", " lead x", "lonely", "x" * 1030 + " y"]),
)
sources = st.lists(line, max_size=400).map(lambda ls: "\n".join(ls).encode() + b"\n")
flag_sets = st.lists(st.sampled_from(["-N", "-f", "-e", "-r"]), unique=True)


@settings(deadline=None)
@given(
    sources,
    st.sampled_from(["hash", "btree"]),
    flag_sets,
    st.integers(200, 5000),
    st.integers(16, 2048),
)
def test_streamed_build_equals_the_in_memory_one(
    data: bytes, method: str, flags: list[str], budget: int, block: int
) -> None:
    expected, ref = _reference(method, data, flags)
    got, result = _streamed(method, data, flags, budget, block)
    assert got == expected
    assert (result.written, result.errors, result.status) == (ref.written, ref.errors, ref.status)


@pytest.mark.parametrize("method", ["hash", "btree"])
def test_a_map_many_pages_big_spills_and_matches(method: str) -> None:
    data = b"".join(
        b"host%d.example.org smtp:[relay%d.example.net]\n" % (i, i % 97) for i in range(20000)
    )
    data += b"host7.example.org again\n"
    expected, ref = _reference(method, data, [])
    got, result = _streamed(method, data, [], budget=100_000, block=4096)
    assert got == expected
    assert result.errors == ref.errors == [(20001, "key host7.example.org: duplicate key")]


@pytest.mark.parametrize("method", ["hash", "btree"])
@pytest.mark.parametrize("head", [b"", b"a 1\n"])
def test_a_spilled_source_of_rejected_lines(method: str, head: bytes) -> None:
    data = head + b"lonely\n # lead\n" * 3000
    expected, ref = _reference(method, data, [])
    got, result = _streamed(method, data, [], budget=300, block=512)
    assert got == expected
    assert (result.written, result.errors) == (ref.written, ref.errors)


def test_a_spilled_btree_of_four_internal_levels() -> None:
    """Long shared prefixes make long separators, a few to an internal page: the levels
    made from the spilled separators, each read back from its own file, are the bytes of
    the in-memory writer's plan."""
    data = b"".join(b"%s%08d v%d\n" % (b"p" * 300, i * 7919 % 40000, i) for i in range(40000))
    expected, ref = _reference("btree", data, [])
    got, result = _streamed("btree", data, [], budget=100_000, block=1 << 16)
    assert got == expected
    assert result.written == ref.written == 40000
    from sendmailcfg.output.bdb import read as read_db

    assert got[4096 + 24] >= 5  # the root (page 1): leaves are level 1, four levels above
    assert sum(1 for _ in read_db(got)) == 40000


def test_long_overflow_values_in_a_spilled_btree() -> None:
    data = b"".join(b"k%04d %s\n" % (i, b"v" * (1000 + i % 20)) for i in range(300))
    expected, _ = _reference("btree", data, [])
    got, _ = _streamed("btree", data, [], budget=10_000, block=4096)
    assert got == expected


def test_a_line_longer_than_a_block_is_cut_as_makemap_cuts_it() -> None:
    data = b"a 1\n" + b"x" * 5000 + b"\nb 2\n" + b"y" * 3000
    expected, ref = _reference("hash", data, [])
    got, result = _streamed("hash", data, [], budget=100, block=700)
    assert got == expected and result.errors == ref.errors


def test_source_blocks_end_at_newlines() -> None:
    data = b"".join(b"line %d\n" % i for i in range(1000))
    blocks = list(streaming.source_blocks(io.BytesIO(data), 100))
    assert b"".join(blocks) == data
    assert all(b.endswith(b"\n") for b in blocks)


def test_the_spill_file_sits_beside_the_map_and_goes(tmp_path: Path) -> None:
    data = b"".join(b"k%d v\n" % i for i in range(5000))
    with open(tmp_path / "map.db", "wb+") as f:
        streaming.write_stream(
            f, "hash", io.BytesIO(data), _reader([]), budget=1000, folder=str(tmp_path)
        )
    assert os.listdir(tmp_path) == ["map.db"]
    pairs = dict(bdb_hash.read((tmp_path / "map.db").read_bytes()))
    assert len(pairs) == 5000 and pairs[b"k42"] == b"v"
    assert btree.ovflsize() == 1007


# -- through the command, against the real tools ---------------------------------------------

SOURCE = (
    b"".join(
        b"Host%d.Example.ORG\tsmtp:[relay%d.example.net]\n" % (i, i % 89) for i in range(30000)
    )
    + b"host5.example.org dup\n # lead\nlonely\n"
)


def _run(argv: list[str], stdin: bytes) -> tuple[int, bytes, bytes]:
    from tests.test_makemap_cli import run

    return run(argv, stdin)


@pytest.mark.oracle
@pytest.mark.parametrize("method", ["hash", "btree"])
@pytest.mark.parametrize("flags", [[], ["-N"], ["-f"], ["-e"], ["-r"]])
def test_a_spilled_build_reads_back_in_real_makemap(
    method: str,
    flags: list[str],
    oracle: Oracle,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(streaming, "BUDGET", 200_000)  # spill at a few thousand pairs
    ours, real = tmp_path / "ours", tmp_path / "real"
    status, _, err = _run([*flags, method, str(ours)], SOURCE)
    real_status, real_err = oracle.makemap(flags, method, real, SOURCE)
    assert status == real_status
    ours_lines = err.decode().replace(str(ours), "M").splitlines()
    assert [line for line in ours_lines if "hint:" not in line] == real_err.replace(
        str(real), "M"
    ).splitlines()
    assert sorted(oracle.dump(method, ours, flags).splitlines()) == sorted(
        oracle.dump(method, real, flags).splitlines()
    )
    verify = shutil.which("db5.3_verify") or shutil.which("db_verify")
    if verify is not None:
        p = subprocess.run([verify, "-q", f"{ours}.db"], capture_output=True, timeout=120)
        assert p.returncode == 0, p.stderr


def test_a_source_on_a_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "source"
    os.mkfifo(fifo)
    data = b"".join(b"k%d v%d\n" % (i, i) for i in range(20000))

    def feed() -> None:
        with open(fifo, "wb") as w:
            for i in range(0, len(data), 4096):
                w.write(data[i : i + 4096])

    writer = threading.Thread(target=feed)
    writer.start()
    with open(fifo, "rb") as r, open(tmp_path / "m.db", "wb+") as f:
        result = streaming.write_stream(f, "btree", r, _reader([]), budget=50_000)
    writer.join()
    assert (result.written, result.errors) == (20000, [])
    assert len(list(btree.read((tmp_path / "m.db").read_bytes()))) == 20000


@pytest.mark.parametrize("method", ["hash", "btree"])
def test_a_full_disk_while_spilling_exits_74(
    method: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ENOSPC met while the pairs spill (or the pages go out): makemap's 74, nothing left."""
    import errno

    monkeypatch.setattr(streaming, "BUDGET", 20_000)
    real_pwrite = os.pwrite
    written = {"n": 0}

    def pwrite(fd: int, data: bytes, offset: int) -> int:
        written["n"] += len(data)
        if written["n"] > 30_000:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_pwrite(fd, data, offset)

    monkeypatch.setattr(os, "pwrite", pwrite)
    mapname = str(tmp_path / "m")
    status, _, err = _run([method, mapname], SOURCE)
    assert status == 74
    assert err == f"makemap: close({mapname}): No space left on device\n".encode()
    assert list(tmp_path.iterdir()) == []


def _generated(total: int) -> Iterator[bytes]:
    """About ``total`` bytes of a makemap source, made as they are written (never held)."""
    n = 0
    i = 0
    while n < total:
        block = b"".join(
            b"From:user%d@host%d.example.org\tREJECT\n" % (j, j % 1000) for j in range(i, i + 20000)
        )
        i += 20000
        n += len(block)
        yield block


@pytest.mark.slow
@pytest.mark.parametrize("method", ["hash", "btree"])
def test_a_2_gib_source_builds_in_bounded_memory(method: str, tmp_path: Path) -> None:
    """2 GiB piped into ``makemap``: no crash, every pair stored, peak RSS within 128 MiB."""
    total = int(os.environ.get("SENDMAILCFG_BIG_SOURCE", 2 << 30))
    argv = [sys.executable, "-m", "sendmailcfg", "makemap", method, str(tmp_path / "big")]
    p = subprocess.Popen(argv, stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    assert p.stdin is not None and p.stderr is not None
    lines = 0
    for block in _generated(total):
        p.stdin.write(block)
        lines += block.count(b"\n")
    p.stdin.close()
    err = p.stderr.read()
    _, status, usage = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    assert p.returncode == 0, err
    assert usage.ru_maxrss <= 128 * 1024, f"peak RSS {usage.ru_maxrss} KiB"
    assert (tmp_path / "big.db").stat().st_size > total // 2
    if method == "hash":  # nelem: makemap's 4096 plus every key stored
        with open(tmp_path / "big.db", "rb") as f:
            head = f.read(96)
        assert int.from_bytes(head[88:92], sys.byteorder) == (4096 + lines) & 0xFFFFFFFF
