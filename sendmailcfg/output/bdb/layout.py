r"""The on-disk layout Berkeley DB 5.3's access methods share, without objects.

Constants, byte order, ``DBMETA`` and ``PAGE`` headers packed and unpacked
as plain values (:func:`pack_meta`, :func:`pack_page_header`,
:func:`unpack_page_header`), overflow chains and the file id. The writers
build on this module alone, so building a map imports neither attrs nor
typing; :mod:`.pages` adds the ``Meta`` and ``PageHeader`` classes and
documents the sources.

>>> head = pack_page_header("<", 3, 0, 0, 1, 5, 0, P_OVERFLOW)
>>> len(head), unpack_page_header(head, "<")[2:]
(26, (3, 0, 0, 1, 5, 0, 7))
>>> chain = overflow_pages(b"x" * 5000, 7, 4096, "<")
>>> len(chain), read_overflow(lambda n: chain[n - 7], 7, 5000, "<") == b"x" * 5000
(2, True)
"""

from __future__ import annotations

import os
import struct
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: the build path imports neither typing nor attrs
    from collections.abc import Callable
    from typing import Literal

    ByteOrder = Literal["<", ">"]
else:
    ByteOrder = str
NATIVE: ByteOrder = "<" if sys.byteorder == "little" else ">"
"""The order libdb writes in: the machine's own."""

# Page types (db_page.h).
P_INVALID = 0
P_DUPLICATE = 1
P_HASH_UNSORTED = 2
P_IBTREE = 3
P_IRECNO = 4
P_LBTREE = 5
P_LRECNO = 6
P_OVERFLOW = 7
P_HASHMETA = 8
P_BTREEMETA = 9
P_QAMMETA = 10
P_QAMDATA = 11
P_LDUP = 12
P_HASH = 13
P_HEAPMETA = 14
P_HEAP = 15
P_IHEAP = 16

# Magic numbers and versions (db.in) of the two access methods makemap writes.
HASH_MAGIC = 0x061561
HASH_VERSION = 9
BTREE_MAGIC = 0x053162
BTREE_VERSION = 9

PGNO_INVALID = 0
"""No page (end of a chain, an empty free list)."""
LSN_NOT_LOGGED = (0, 1)
"""The LSN libdb stamps on every page when nothing is logged (``LSN_NOT_LOGGED``)."""

PAGE_HEADER_SIZE = 26
"""``SIZEOF_PAGE``: the index array starts here (no checksums, no encryption)."""
CHECKSUM_HEADER_SIZE = 32
"""``SIZEOF_PAGE + sizeof(PG_CHKSUM)``: the index array's start in a checksummed file."""
META_HEADER_SIZE = 72
"""``sizeof(DBMETA)``: the access method's own meta fields start here."""
FILE_ID_LEN = 20
DEFAULT_PAGE_SIZE = 4096
"""What libdb picks on a file system with 4 KiB blocks (as makemap never sets one)."""
MIN_PAGE_SIZE = 512
MAX_PAGE_SIZE = 65536

# DBMETA.metaflags
DBMETA_CHKSUM = 0x01
DBMETA_PART_RANGE = 0x02
DBMETA_PART_CALLBACK = 0x04


class FormatError(ValueError):
    """Bytes that are not a Berkeley DB file we can read; the message says what is wrong."""


_META = {o: struct.Struct(o + "IIIIIIBBBBIIIIII20s") for o in ("<", ">")}
_PAGE = {o: struct.Struct(o + "IIIIIHHBB") for o in ("<", ">")}
_U32 = {o: struct.Struct(o + "I") for o in ("<", ">")}


def byte_order(
    data: bytes, magics: tuple[int, ...] = (HASH_MAGIC, BTREE_MAGIC)
) -> ByteOrder | None:
    """The byte order in which the magic number at offset 12 is one of ``magics``; None if neither.

    >>> byte_order(bytes(12) + (0x061561).to_bytes(4, "big")), byte_order(b"nope")
    ('>', None)
    """
    if len(data) < 16:
        return None
    for order in ("<", ">"):
        if _U32[order].unpack_from(data, 12)[0] in magics:
            return order
    return None


def page_overhead(metaflags: int) -> int:
    """Offset of a page's index array (``P_OVERHEAD``): 26, or 32 with ``DBMETA_CHKSUM``."""
    return CHECKSUM_HEADER_SIZE if metaflags & DBMETA_CHKSUM else PAGE_HEADER_SIZE


def pack_meta(
    order: ByteOrder,
    *,
    pgno: int = 0,
    magic: int = 0,
    version: int = 0,
    pagesize: int = DEFAULT_PAGE_SIZE,
    type: int = P_INVALID,
    free: int = PGNO_INVALID,
    last_pgno: int = 0,
    key_count: int = 0,
    record_count: int = 0,
    flags: int = 0,
    uid: bytes = bytes(FILE_ID_LEN),
    lsn: tuple[int, int] = LSN_NOT_LOGGED,
    encrypt_alg: int = 0,
    metaflags: int = 0,
    unused1: int = 0,
    nparts: int = 0,
) -> bytes:
    """``DBMETA``'s 72 bytes in ``order`` (what :class:`Meta` ``.pack`` gives; no object made).

    >>> len(pack_meta("<", magic=HASH_MAGIC, version=HASH_VERSION, type=P_HASHMETA))
    72
    """
    return _META[order].pack(
        lsn[0],
        lsn[1],
        pgno,
        magic,
        version,
        pagesize,
        encrypt_alg,
        type,
        metaflags,
        unused1,
        free,
        last_pgno,
        nparts,
        key_count,
        record_count,
        flags,
        uid,
    )


def pack_page_header(
    order: ByteOrder,
    pgno: int,
    prev_pgno: int,
    next_pgno: int,
    entries: int,
    hf_offset: int,
    level: int,
    type: int,
    lsn: tuple[int, int] = LSN_NOT_LOGGED,
) -> bytes:
    """``PAGE``'s 26 bytes in ``order`` (what :class:`PageHeader` ``.pack`` gives).

    A 64 KiB empty page stores ``hf_offset`` 0, as libdb's ``db_indx_t`` does.
    """
    return _PAGE[order].pack(
        lsn[0], lsn[1], pgno, prev_pgno, next_pgno, entries, hf_offset & 0xFFFF, level, type
    )


def unpack_page_header(
    data: bytes | memoryview, order: ByteOrder, offset: int = 0
) -> tuple[int, int, int, int, int, int, int, int, int]:
    """``PAGE``'s fields at ``offset``: lsn file, lsn offset, pgno, prev, next, entries,
    hf_offset, level, type; :class:`FormatError` if the bytes are too few."""
    if len(data) < offset + PAGE_HEADER_SIZE:
        raise FormatError(f"page header truncated at byte {offset}")
    fields: tuple[int, int, int, int, int, int, int, int, int] = _PAGE[order].unpack_from(
        data, offset
    )
    return fields


def overflow_pages(data: bytes, first_pgno: int, page_size: int, order: ByteOrder) -> list[bytes]:
    """``data`` as ``__db_poff`` stores it: ``P_OVERFLOW`` pages from ``first_pgno`` on.

    Each page holds up to ``page_size - 26`` bytes after its header, links to
    its neighbours, has reference count 1 and ``hf_offset`` = its byte count.
    Every returned page is ``page_size`` bytes long.
    """
    room = page_size - PAGE_HEADER_SIZE
    count = max(1, -(-len(data) // room))
    pages = []
    for i in range(count):
        chunk = data[i * room : (i + 1) * room]
        pgno = first_pgno + i
        header = pack_page_header(
            order,
            pgno,
            pgno - 1 if i else PGNO_INVALID,
            pgno + 1 if i + 1 < count else PGNO_INVALID,
            1,
            len(chunk),
            0,
            P_OVERFLOW,
        )
        pages.append(header + chunk + bytes(room - len(chunk)))
    return pages


def read_overflow(
    page: Callable[[int], bytes | memoryview],
    pgno: int,
    length: int,
    order: ByteOrder,
    overhead: int = PAGE_HEADER_SIZE,
) -> bytes:
    """The ``length`` bytes of the overflow chain starting at page ``pgno`` (``__db_goff``).

    ``page(n)`` returns page ``n``'s bytes. Raises :class:`FormatError` on a
    page that is not an overflow page, a loop, or a chain shorter than ``length``.
    """
    parts: list[bytes] = []
    got = 0
    seen: set[int] = set()
    while got < length:
        if pgno == PGNO_INVALID or pgno in seen:
            raise FormatError(f"overflow chain ends after {got} of {length} bytes")
        seen.add(pgno)
        raw = page(pgno)
        head = unpack_page_header(raw, order)
        if head[8] != P_OVERFLOW:
            raise FormatError(f"page {pgno}: type {head[8]}, expected an overflow page (7)")
        take = min(head[6], length - got)
        parts.append(bytes(raw[overhead : overhead + take]))
        got += take
        pgno = head[4]
    return b"".join(parts)


def file_uid(fd: int | None = None) -> bytes:
    """A 20-byte file id as ``__os_fileid`` makes it: inode, device, a unique number, a serial.

    Without ``fd`` (or when it cannot be stat'ed) the inode and device are random.

    >>> len(file_uid()), file_uid()[16:]
    (20, b'\\x00\\x00\\x00\\x00')
    """
    u32 = _U32[NATIVE]
    ino = dev = None
    if fd is not None:
        try:
            st = os.fstat(fd)
            ino, dev = st.st_ino & 0xFFFFFFFF, st.st_dev & 0xFFFFFFFF
        except OSError:
            pass
    if ino is None or dev is None:
        ino, dev = (int.from_bytes(os.urandom(4), "little") for _ in range(2))
    unique = int.from_bytes(os.urandom(4), "little") ^ (time.time_ns() & 0xFFFFFFFF)
    serial = os.getpid() & 0xFFFFFFFF
    return u32.pack(ino) + u32.pack(dev) + u32.pack(unique) + u32.pack(serial) + bytes(4)


__all__ = [
    "BTREE_MAGIC",
    "BTREE_VERSION",
    "CHECKSUM_HEADER_SIZE",
    "DBMETA_CHKSUM",
    "DEFAULT_PAGE_SIZE",
    "FILE_ID_LEN",
    "HASH_MAGIC",
    "HASH_VERSION",
    "LSN_NOT_LOGGED",
    "MAX_PAGE_SIZE",
    "META_HEADER_SIZE",
    "MIN_PAGE_SIZE",
    "NATIVE",
    "PAGE_HEADER_SIZE",
    "PGNO_INVALID",
    "P_BTREEMETA",
    "P_HASH",
    "P_HASHMETA",
    "P_IBTREE",
    "P_IRECNO",
    "P_LBTREE",
    "P_LDUP",
    "P_LRECNO",
    "P_OVERFLOW",
    "ByteOrder",
    "FormatError",
    "byte_order",
    "file_uid",
    "overflow_pages",
    "pack_meta",
    "pack_page_header",
    "page_overhead",
    "read_overflow",
    "unpack_page_header",
]
