"""A .db whose counts promise more than the file holds: a clear error, memory bounded by the file.

Each case runs in a child whose address space is capped (256 MiB more than it starts
with), so a reader that believed a length of 2 GiB and allocated it would fail there
with ``MemoryError`` instead of a ``FormatError`` naming the problem.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CHILD = textwrap.dedent(
    """
    import io, resource, struct, sys
    from sendmailcfg.output.bdb import btree, hash as bdb_hash, layout

    def capped(data, reader):
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        with open("/proc/self/statm") as f:
            vm = int(f.read().split()[0]) * resource.getpagesize()
        resource.setrlimit(resource.RLIMIT_AS, (vm + (256 << 20), hard))
        try:
            return sum(1 for _ in reader(data))
        except layout.FormatError as exc:
            return f"FormatError: {exc}"

    case = sys.argv[1]
    f = io.BytesIO()
    if case == "hash-buckets":
        bdb_hash.write(f, [(b"k%d" % i, b"v") for i in range(100)])
        d = bytearray(f.getvalue())
        struct.pack_into("=III", d, 72, 0x7FFFFFFF, 0xFFFFFFFF, 0x7FFFFFFF)
        print(capped(bytes(d), bdb_hash.read))
    elif case == "hash-overflow":
        bdb_hash.write(f, [(b"k", b"x" * 3000)])
        d = bytearray(f.getvalue())
        i = d.find(struct.pack("=B3xI", 3, 3))
        struct.pack_into("=I", d, i + 8, 0x7FFFFFF0)
        print(capped(bytes(d), bdb_hash.read))
    elif case == "btree-overflow":
        btree.write(f, [(b"k", b"x" * 3000)])
        d = bytearray(f.getvalue())
        j = d.find(struct.pack("<HBBI", 0, 3, 0, 2))
        struct.pack_into("<I", d, j + 8, 0x7FFFFFF0)
        print(capped(bytes(d), btree.read))
    elif case == "btree-last-pgno":
        btree.write(f, [(b"k%d" % i, b"v") for i in range(100)])
        d = bytearray(f.getvalue())
        struct.pack_into("<I", d, 32, 0x7FFFFFFF)
        print(capped(bytes(d), btree.read))
    """
)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="needs RLIMIT_AS and /proc")
@pytest.mark.parametrize(
    ("case", "expected"),
    [
        # buckets past the end point back at pages already read: refused as a page reached
        # twice (issue 26) before any count past the end is followed
        ("hash-buckets", "FormatError: page 2 is reached twice (items share pages)"),
        ("hash-overflow", "FormatError: overflow chain ends after 3000 of 2147483632 bytes"),
        ("btree-overflow", "FormatError: overflow chain ends after 3000 of 2147483632 bytes"),
        ("btree-last-pgno", "100"),  # the meta page's last page is not believed: all 100 pairs
    ],
)
def test_counts_past_the_end_are_a_clear_error(case: str, expected: str) -> None:
    p = subprocess.run(
        [sys.executable, "-c", CHILD, case], capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip().startswith(expected)
