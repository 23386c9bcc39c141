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
  with ``pack(order)`` and ``unpack(data, order, offset=0)``, and
  :func:`pack_meta`, :func:`pack_page_header`, :func:`unpack_page_header`
  that make no object (everything but the two classes lives in :mod:`.layout`,
  which the writers use alone: building a map imports neither attrs nor typing);
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
>>> header.pack("<") == pack_page_header("<", 3, 0, 0, 1, 5, 0, P_OVERFLOW)
True
>>> pages = overflow_pages(b"x" * 5000, 7, 4096, "<")
>>> len(pages), read_overflow(lambda n: pages[n - 7], 7, 5000, "<") == b"x" * 5000
(2, True)
"""

from __future__ import annotations

import attrs

from sendmailcfg.output.bdb import layout as _layout
from sendmailcfg.output.bdb.layout import _META, ByteOrder
from sendmailcfg.output.bdb.layout import (
    BTREE_MAGIC as BTREE_MAGIC,
)
from sendmailcfg.output.bdb.layout import (
    BTREE_VERSION as BTREE_VERSION,
)
from sendmailcfg.output.bdb.layout import (
    CHECKSUM_HEADER_SIZE as CHECKSUM_HEADER_SIZE,
)
from sendmailcfg.output.bdb.layout import (
    DBMETA_CHKSUM as DBMETA_CHKSUM,
)
from sendmailcfg.output.bdb.layout import (
    DBMETA_PART_CALLBACK as DBMETA_PART_CALLBACK,
)
from sendmailcfg.output.bdb.layout import (
    DBMETA_PART_RANGE as DBMETA_PART_RANGE,
)
from sendmailcfg.output.bdb.layout import (
    DEFAULT_PAGE_SIZE as DEFAULT_PAGE_SIZE,
)
from sendmailcfg.output.bdb.layout import (
    FILE_ID_LEN as FILE_ID_LEN,
)
from sendmailcfg.output.bdb.layout import (
    HASH_MAGIC as HASH_MAGIC,
)
from sendmailcfg.output.bdb.layout import (
    HASH_VERSION as HASH_VERSION,
)
from sendmailcfg.output.bdb.layout import (
    LSN_NOT_LOGGED as LSN_NOT_LOGGED,
)
from sendmailcfg.output.bdb.layout import (
    MAX_PAGE_SIZE as MAX_PAGE_SIZE,
)
from sendmailcfg.output.bdb.layout import (
    META_HEADER_SIZE as META_HEADER_SIZE,
)
from sendmailcfg.output.bdb.layout import (
    MIN_PAGE_SIZE as MIN_PAGE_SIZE,
)
from sendmailcfg.output.bdb.layout import (
    NATIVE as NATIVE,
)
from sendmailcfg.output.bdb.layout import (
    P_BTREEMETA as P_BTREEMETA,
)
from sendmailcfg.output.bdb.layout import (
    P_DUPLICATE as P_DUPLICATE,
)
from sendmailcfg.output.bdb.layout import (
    P_HASH as P_HASH,
)
from sendmailcfg.output.bdb.layout import (
    P_HASH_UNSORTED as P_HASH_UNSORTED,
)
from sendmailcfg.output.bdb.layout import (
    P_HASHMETA as P_HASHMETA,
)
from sendmailcfg.output.bdb.layout import (
    P_HEAP as P_HEAP,
)
from sendmailcfg.output.bdb.layout import (
    P_HEAPMETA as P_HEAPMETA,
)
from sendmailcfg.output.bdb.layout import (
    P_IBTREE as P_IBTREE,
)
from sendmailcfg.output.bdb.layout import (
    P_IHEAP as P_IHEAP,
)
from sendmailcfg.output.bdb.layout import (
    P_INVALID as P_INVALID,
)
from sendmailcfg.output.bdb.layout import (
    P_IRECNO as P_IRECNO,
)
from sendmailcfg.output.bdb.layout import (
    P_LBTREE as P_LBTREE,
)
from sendmailcfg.output.bdb.layout import (
    P_LDUP as P_LDUP,
)
from sendmailcfg.output.bdb.layout import (
    P_LRECNO as P_LRECNO,
)
from sendmailcfg.output.bdb.layout import (
    P_OVERFLOW as P_OVERFLOW,
)
from sendmailcfg.output.bdb.layout import (
    P_QAMDATA as P_QAMDATA,
)
from sendmailcfg.output.bdb.layout import (
    P_QAMMETA as P_QAMMETA,
)
from sendmailcfg.output.bdb.layout import (
    PAGE_HEADER_SIZE as PAGE_HEADER_SIZE,
)
from sendmailcfg.output.bdb.layout import (
    PGNO_INVALID as PGNO_INVALID,
)
from sendmailcfg.output.bdb.layout import (
    FormatError as FormatError,
)
from sendmailcfg.output.bdb.layout import (
    byte_order as byte_order,
)
from sendmailcfg.output.bdb.layout import (
    file_uid as file_uid,
)
from sendmailcfg.output.bdb.layout import (
    overflow_pages as overflow_pages,
)
from sendmailcfg.output.bdb.layout import (
    pack_meta as pack_meta,
)
from sendmailcfg.output.bdb.layout import (
    pack_page_header as pack_page_header,
)
from sendmailcfg.output.bdb.layout import (
    page_overhead as page_overhead,
)
from sendmailcfg.output.bdb.layout import (
    read_overflow as read_overflow,
)
from sendmailcfg.output.bdb.layout import (
    unpack_page_header as unpack_page_header,
)

__all__ = ["Meta", "PageHeader"]
__all__ += _layout.__all__


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
        return pack_meta(
            order,
            pgno=self.pgno,
            magic=self.magic,
            version=self.version,
            pagesize=self.pagesize,
            type=self.type,
            free=self.free,
            last_pgno=self.last_pgno,
            key_count=self.key_count,
            record_count=self.record_count,
            flags=self.flags,
            uid=self.uid,
            lsn=self.lsn,
            encrypt_alg=self.encrypt_alg,
            metaflags=self.metaflags,
            unused1=self.unused1,
            nparts=self.nparts,
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
        return pack_page_header(
            order,
            self.pgno,
            self.prev_pgno,
            self.next_pgno,
            self.entries,
            self.hf_offset,
            self.level,
            self.type,
            self.lsn,
        )

    @classmethod
    def unpack(cls, data: bytes, order: ByteOrder, offset: int = 0) -> PageHeader:
        """Read the 26 bytes at ``offset``; :class:`FormatError` if there are fewer."""
        f = unpack_page_header(data, order, offset)
        return cls((f[0], f[1]), *f[2:])
