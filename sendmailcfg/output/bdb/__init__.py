r"""Berkeley DB 5.3 hash and btree files, written and read in pure Python (no libdb needed).

:func:`detect` tells a hash file from a btree file by its magic number (either
byte order); :func:`write` and :func:`read` dispatch to :mod:`.hash` or
:mod:`.btree`. The layouts are those makemap (sendmail 8.17 with libdb 5.3)
writes; see :mod:`.pages` for the shared pieces and the sources.

>>> import io
>>> f = io.BytesIO()
>>> write("hash", f, [(b"example.com", b"smtp:[mx.example.net]")])
>>> detect(f.getvalue()), list(read(f.getvalue()))
('hash', [(b'example.com', b'smtp:[mx.example.net]')])
"""

from __future__ import annotations

import importlib

from sendmailcfg.output.bdb.layout import BTREE_MAGIC, HASH_MAGIC, FormatError, byte_order

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: building a map imports neither typing nor attrs
    from collections.abc import Iterator, Sequence
    from types import ModuleType
    from typing import BinaryIO, Literal

    Method = Literal["hash", "btree"]
else:
    Method = str


def detect(data: bytes) -> Method | None:
    """``"hash"`` or ``"btree"`` from the magic number at offset 12 (either byte order); None.

    >>> detect(b"mailertable source, not a database"), detect(bytes(12) + bytes.fromhex("62310500"))
    (None, 'btree')
    """
    order = byte_order(data)
    if order is None:
        return None
    magic = int.from_bytes(data[12:16], "little" if order == "<" else "big")
    return "hash" if magic == HASH_MAGIC else "btree" if magic == BTREE_MAGIC else None


def module(method: Method) -> ModuleType:
    """The module that writes and reads ``method`` files (imported on first use).

    Raises :class:`NotImplementedError` when that access method is not available.
    """
    try:
        return importlib.import_module(f"sendmailcfg.output.bdb.{method}")
    except ModuleNotFoundError as exc:
        if exc.name != f"sendmailcfg.output.bdb.{method}":
            raise
        raise NotImplementedError(f"no pure-Python writer for {method} files yet") from None


def write(
    method: Method,
    f: BinaryIO,
    items: Sequence[tuple[bytes, bytes]],
    *,
    duplicates: bool = False,
    uid: bytes | None = None,
) -> None:
    """Write ``items`` (unique keys unless ``duplicates``) to ``f`` as a ``method`` database.

    ``uid`` is the 20-byte file id (default: a new one, made from ``f``'s file).
    """
    module(method).write(f, items, duplicates=duplicates, uid=uid)


def read(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    """Every ``(key, value)`` of the database ``data``, hash or btree (found by its magic).

    Raises :class:`~sendmailcfg.output.bdb.pages.FormatError` when ``data`` is neither.
    """
    method = detect(data)
    if method is None:
        raise FormatError("not a Berkeley DB hash or btree file (no magic number at byte 12)")
    result: Iterator[tuple[bytes, bytes]] = module(method).read(data)
    return result


__all__ = ["FormatError", "Method", "detect", "module", "read", "write"]
