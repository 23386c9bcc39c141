r"""The on-disk pieces Berkeley DB 5.3's access methods share: meta header, page header, overflow.

Offers (stable API; ``hash`` and ``btree`` build on it):

* constants: page types (``P_HASH``, ``P_LBTREE``, ``P_OVERFLOW``, ...),
  magic numbers and versions (``HASH_MAGIC``/``HASH_VERSION``,
  ``BTREE_MAGIC``/``BTREE_VERSION``), ``PGNO_INVALID``, sizes
  (``PAGE_HEADER_SIZE``, ``META_HEADER_SIZE``, ``DEFAULT_PAGE_SIZE``);
* byte order: ``NATIVE`` (``"<"`` or ``">"``), :func:`byte_order` (which order
  a file's magic number is in, either way round);
* :class:`Meta` (``DBMETA``, the first 72 bytes of every meta page) and
  :class:`PageHeader` (``PAGE``, the first 26 bytes of every other page), each
  with ``pack(order)`` and ``unpack(data, order, offset=0)``;
* overflow items: :func:`overflow_pages` (a big item as a chain of
  ``P_OVERFLOW`` pages) and :func:`read_overflow`;
* :func:`page_overhead` (where the index array starts: 26, or 32 when the
  file carries checksums), :func:`file_uid` (the meta page's 20-byte file id
  as ``__os_fileid`` makes it) and :class:`FormatError`.

Layout as libdb leaves it when makemap writes a map (no environment, no
logging, no checksums, no encryption): every page's LSN is ``LSN_NOT_LOGGED``
(file 0, offset 1), pages are 4096 bytes on a file system with 4 KiB blocks,
integers are in the writer's native byte order (readers swap when the magic
number reads backwards), unused bytes are zero (libdb may leave stale buffer
bytes there; nothing reads them).

Sources: Berkeley DB 5.3 ``src/dbinc/db_page.h`` (``DBMETA``, ``PAGE``,
``P_INIT``, ``P_OVERHEAD``, ``OV_LEN``/``OV_REF``, page types),
``src/dbinc/db.in`` (magic numbers, versions, ``DB_FILE_ID_LEN``),
``src/db/db_overflow.c`` (``__db_poff``, ``__db_goff``), ``src/os/os_fid.c``
(``__os_fileid``), read from a public mirror of the Berkeley DB source; checked
against files written by Debian's makemap 8.17.1.9 with libdb 5.3.28.

>>> header = PageHeader(pgno=3, type=P_OVERFLOW, entries=1, hf_offset=5)
>>> PageHeader.unpack(header.pack("<"), "<") == header
True
>>> pages = overflow_pages(b"x" * 5000, 7, 4096, "<")
>>> len(pages), read_overflow(lambda n: pages[n - 7], 7, 5000, "<") == b"x" * 5000
(2, True)
"""

from __future__ import annotations

import os
import struct
import sys
import time
from collections.abc import Callable
from typing import Literal

import attrs

ByteOrder = Literal["<", ">"]
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


@attrs.frozen
class Meta:
    """``DBMETA``: the generic head of a meta page (bytes 0-71), shared by hash and btree.

    >>> m = Meta(magic=HASH_MAGIC, version=HASH_VERSION, pagesize=4096, type=P_HASHMETA)
    >>> Meta.unpack(m.pack(">"), ">").magic == HASH_MAGIC
    True
    """

    lsn: tuple[int, int] = LSN_NOT_LOGGED
    pgno: int = 0
    magic: int = 0
    version: int = 0
    pagesize: int = DEFAULT_PAGE_SIZE
    encrypt_alg: int = 0
    type: int = P_INVALID
    metaflags: int = 0
    unused1: int = 0
    free: int = PGNO_INVALID
    last_pgno: int = 0
    nparts: int = 0
    key_count: int = 0
    record_count: int = 0
    flags: int = 0
    uid: bytes = bytes(FILE_ID_LEN)

    def pack(self, order: ByteOrder = NATIVE) -> bytes:
        """The 72 bytes, in ``order``."""
        return _META[order].pack(
            self.lsn[0],
            self.lsn[1],
            self.pgno,
            self.magic,
            self.version,
            self.pagesize,
            self.encrypt_alg,
            self.type,
            self.metaflags,
            self.unused1,
            self.free,
            self.last_pgno,
            self.nparts,
            self.key_count,
            self.record_count,
            self.flags,
            self.uid,
        )

    @classmethod
    def unpack(cls, data: bytes, order: ByteOrder, offset: int = 0) -> Meta:
        """Read the 72 bytes at ``offset``; :class:`FormatError` if there are fewer."""
        if len(data) < offset + META_HEADER_SIZE:
            raise FormatError(f"meta page truncated: {len(data)} bytes, expected at least 72")
        f = _META[order].unpack_from(data, offset)
        return cls((f[0], f[1]), *f[2:])


@attrs.frozen
class PageHeader:
    """``PAGE``: the head of every page but the meta page (bytes 0-25).

    On overflow pages ``entries`` is the reference count (``OV_REF``) and
    ``hf_offset`` the number of bytes the page holds (``OV_LEN``).

    >>> PageHeader(pgno=1, type=P_HASH).hf_offset
    4096
    """

    lsn: tuple[int, int] = LSN_NOT_LOGGED
    pgno: int = 0
    prev_pgno: int = PGNO_INVALID
    next_pgno: int = PGNO_INVALID
    entries: int = 0
    hf_offset: int = DEFAULT_PAGE_SIZE
    level: int = 0
    type: int = P_INVALID

    def pack(self, order: ByteOrder = NATIVE) -> bytes:
        """The 26 bytes, in ``order``."""
        return _PAGE[order].pack(
            self.lsn[0],
            self.lsn[1],
            self.pgno,
            self.prev_pgno,
            self.next_pgno,
            self.entries,
            self.hf_offset & 0xFFFF,  # a 64 KiB empty page stores 0, as libdb's db_indx_t does
            self.level,
            self.type,
        )

    @classmethod
    def unpack(cls, data: bytes, order: ByteOrder, offset: int = 0) -> PageHeader:
        """Read the 26 bytes at ``offset``; :class:`FormatError` if there are fewer."""
        if len(data) < offset + PAGE_HEADER_SIZE:
            raise FormatError(f"page header truncated at byte {offset}")
        f = _PAGE[order].unpack_from(data, offset)
        return cls((f[0], f[1]), *f[2:])


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
        header = PageHeader(
            pgno=pgno,
            prev_pgno=pgno - 1 if i else PGNO_INVALID,
            next_pgno=pgno + 1 if i + 1 < count else PGNO_INVALID,
            entries=1,
            hf_offset=len(chunk),
            type=P_OVERFLOW,
        )
        pages.append(header.pack(order) + chunk + bytes(room - len(chunk)))
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
        head = PageHeader.unpack(bytes(raw[:PAGE_HEADER_SIZE]), order)
        if head.type != P_OVERFLOW:
            raise FormatError(f"page {pgno}: type {head.type}, expected an overflow page (7)")
        take = min(head.hf_offset, length - got)
        parts.append(bytes(raw[overhead : overhead + take]))
        got += take
        pgno = head.next_pgno
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
    "Meta",
    "PageHeader",
    "byte_order",
    "file_uid",
    "overflow_pages",
    "page_overhead",
    "read_overflow",
]
