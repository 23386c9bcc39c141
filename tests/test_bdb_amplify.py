"""Issue 26 item 6: a crafted ``.db`` whose items share one overflow chain.

An 8 MB file of items that all point at the same overflow chain read as 4 GB (and a
``MemoryError``). No page of a database libdb wrote is reached twice, so the readers
refuse a second visit; what they yield is bounded by the file's size. The files are
built here (the pure writer makes a real makemap-shaped file) and then damaged.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from sendmailcfg.output import pure
from sendmailcfg.output.bdb import btree, hash

PAGE = 4096
ITEMS = [(f"key{i:04d}".encode(), bytes([65 + i % 26]) * 3000) for i in range(200)]


def _index(page: bytes) -> tuple[int, ...]:
    entries = struct.unpack_from("<H", page, 20)[0]
    return struct.unpack_from(f"<{entries}H", page, 26)


def _share_one_chain(data: bytes, page_type: int, item_type: int, type_at: int) -> bytes:
    """Point every off-page data item of ``page_type`` pages at the first one's chain."""
    out = bytearray(data)
    first: tuple[int, int] | None = None
    for start in range(PAGE, len(data), PAGE):
        page = data[start : start + PAGE]
        if page[25] != page_type:
            continue
        for off in _index(page)[1::2]:
            if page[off + type_at] != item_type:
                continue
            where = start + off + 4
            if first is None:
                first = struct.unpack_from("<II", data, where)
            else:
                struct.pack_into("<II", out, where, *first)
    assert first is not None
    return bytes(out)


def _hash_file() -> bytes:
    f = io.BytesIO()
    hash.write(f, ITEMS, order="<")
    # hash item: type(1) pad(3) pgno(4) tlen(4); data items H_OFFPAGE (3) on P_HASH (13)
    return _share_one_chain(f.getvalue(), 13, hash.H_OFFPAGE, 0)


def _btree_file() -> bytes:
    f = io.BytesIO()
    btree.write(f, ITEMS)
    # btree item: len(2) type(1) pad(1) pgno(4) tlen(4); B_OVERFLOW (3) on P_LBTREE (5)
    return _share_one_chain(f.getvalue(), 5, 3, 2)


def test_the_files_read_whole_before_the_damage() -> None:
    for method in ("hash", "btree"):
        f = io.BytesIO()
        (hash if method == "hash" else btree).write(f, ITEMS)
        assert sorted(pure.read(f.getvalue(), method)) == sorted(ITEMS)


@pytest.mark.parametrize("method", ["hash", "btree"])
def test_a_shared_overflow_chain_is_refused(method: str) -> None:
    data = _hash_file() if method == "hash" else _btree_file()
    yielded = 0
    with pytest.raises(pure.FormatError, match="reached twice"):
        for key, value in pure.read(data, method):
            yielded += len(key) + len(value)
    assert yielded <= len(data)


def test_btree_index_entries_naming_one_item_are_refused() -> None:
    f = io.BytesIO()
    btree.write(f, [(f"k{i:03d}".encode(), b"v" * 900) for i in range(40)])
    data = bytearray(f.getvalue())
    for start in range(PAGE, len(data), PAGE):
        if data[start + 25] == 5:
            index = _index(bytes(data[start : start + PAGE]))
            for n in range(3, len(index), 2):  # every data entry names the first value
                struct.pack_into("<H", data, start + 26 + 2 * n, index[1])
            break
    with pytest.raises(pure.FormatError, match="two index entries"):
        list(pure.read(bytes(data), "btree"))


def test_makemap_u_stops_with_an_error(tmp_path: Path) -> None:
    (tmp_path / "evil.db").write_bytes(_hash_file())
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "sendmailcfg",
            "makemap",
            "--backend",
            "pure",
            "-u",
            "hash",
            str(tmp_path / "evil"),
        ],
        capture_output=True,
        env={"PYTHONPATH": str(Path(__file__).resolve().parents[1])},
    )
    assert run.returncode == 73
    assert b"Invalid argument" in run.stderr
    assert len(run.stdout) < len(_hash_file())
