"""The default backend: makemap's puts and dumps, on pure-Python Berkeley DB files.

:func:`write` reads the source as makemap does and stores what makemap's
``put`` calls would leave in the database (the first of a repeated key and an
error, ``-r`` the last, ``-d`` all of them in order), then writes the file in
one go with :mod:`sendmailcfg.output.bdb`. :func:`read` lists a file's pairs
in libdb's cursor order. Neither needs libdb, a compiler or sendmail.

>>> import io
>>> from sendmailcfg.maps.makemap_reader import ReaderOptions
>>> f = io.BytesIO()
>>> result = write(f, "hash", b"a 1\\nA 2\\nb 3\\n", ReaderOptions())
>>> result.written, result.errors, result.status
(2, [(2, 'key a: duplicate key')], 65)
>>> sorted(read(f.getvalue(), "hash"))
[(b'a', b'1'), (b'b', b'3')]
"""

from __future__ import annotations

import gc
import os

from sendmailcfg.maps.makemap_lines import (
    EX_DATAERR,
    EX_OK,
    duplicate_message,
    put_unique,
    scan,
)
from sendmailcfg.output import bdb, mapfile
from sendmailcfg.output.bdb.layout import FormatError, byte_order

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: a build imports neither typing nor attrs
    from collections.abc import Callable, Iterable, Iterator
    from typing import BinaryIO

    from sendmailcfg.maps.makemap_lines import ReaderOptions

    PutHook = Callable[[bytes, bytes], None]


class WrongType(FormatError):
    """A database of the other access method (libdb: "Invalid argument")."""


def available(method: str) -> bool:
    """Whether the pure-Python writer for ``method`` (``hash`` or ``btree``) is installed."""
    try:
        bdb.module("btree" if method == "btree" else "hash")
    except NotImplementedError:
        return False
    return True


class WriteResult:
    """What one pass over the source stored: pairs written, errors, makemap's exit status."""

    __slots__ = ("errors", "status", "written")

    def __init__(self, written: int, errors: list[tuple[int, str]], status: int) -> None:
        self.written = written
        self.errors = errors
        self.status = status


def has_duplicates(data: bytes) -> bool:
    """Whether a hash or btree database was made to hold duplicates (``DB_DUP``, makemap ``-d``).

    Bit 0x1 of the meta page's flags in both access methods (``DB_HASH_DUP``, ``BTM_DUP``).
    """
    from sendmailcfg.output.bdb.pages import Meta

    order = byte_order(data)
    if order is None:
        raise FormatError("not a Berkeley DB file")
    return bool(Meta.unpack(data, order).flags & 0x1)


def read(data: bytes, method: str) -> Iterator[tuple[bytes, bytes]]:
    """The pairs of a ``method`` database, in libdb's cursor order.

    Raises :class:`WrongType` for a database of the other access method and
    :class:`~sendmailcfg.output.bdb.pages.FormatError` for anything else unreadable.
    """
    found = bdb.detect(data)
    if found is None:
        raise FormatError("not a Berkeley DB file")
    if found != method:
        raise WrongType(f"a {found} database, not {method}")
    pairs: Iterator[tuple[bytes, bytes]] = bdb.module(method).read(data)
    return pairs


def build_file(
    data: bytes,
    mapname: str,
    maptype: str,
    method: str,
    target: str,
    old: os.stat_result | None,
    reader: ReaderOptions,
    *,
    existing: Iterable[tuple[bytes, bytes]] | None = None,
    existing_duplicates: bool = False,
    on_put: PutHook | None = None,
) -> WriteResult:
    """:func:`write` into a new file beside ``target``, then renamed over it (``old``: its stat).

    ``target`` and ``old`` come from :func:`~sendmailcfg.output.mapfile.prepare`.
    The new file gets the old one's mode and owner; on any failure it is removed
    and :class:`~sendmailcfg.output.mapfile.MapBuildError` says why (74 for a full disk).
    """
    tmp = mapfile.new_temporary(target, maptype, mapname)
    try:
        try:
            with open(tmp, "wb") as f:
                written = write(
                    f,
                    method,
                    data,
                    reader,
                    existing=existing,
                    existing_duplicates=existing_duplicates,
                    on_put=on_put,
                )
                f.flush()
            mapfile.finish(tmp, target, old)
        except OSError as exc:
            raise mapfile.write_error(maptype, mapname, exc) from None
    except BaseException:
        mapfile.remove_quietly(tmp)
        raise
    return written


def build_stream(
    stream: BinaryIO,
    mapname: str,
    maptype: str,
    method: str,
    target: str,
    old: os.stat_result | None,
    reader: ReaderOptions,
    *,
    on_put: PutHook | None = None,
) -> WriteResult:
    """:func:`build_file` reading the source from ``stream`` in bounded memory (no ``-d``).

    See :mod:`sendmailcfg.output.streaming`: the pairs spill to a temporary file
    beside the map when they outgrow the memory budget; the bytes written are
    those :func:`write` makes of the whole source.
    """
    from sendmailcfg.output import streaming

    tmp = mapfile.new_temporary(target, maptype, mapname)
    try:
        try:
            with open(tmp, "wb+") as f:
                done = streaming.write_stream(f, method, stream, reader, on_put=on_put)
                f.flush()
            mapfile.finish(tmp, target, old)
        except OSError as exc:
            raise mapfile.write_error(maptype, mapname, exc) from None
    except BaseException:
        mapfile.remove_quietly(tmp)
        raise
    return WriteResult(done.written, done.errors, done.status)


def write(
    f: BinaryIO,
    method: str,
    data: bytes,
    reader: ReaderOptions,
    *,
    existing: Iterable[tuple[bytes, bytes]] | None = None,
    existing_duplicates: bool = False,
    on_put: PutHook | None = None,
) -> WriteResult:
    """Store the makemap source ``data`` as a ``method`` database in ``f``.

    ``existing`` are the pairs already in the map (makemap ``-o``); new puts
    meet them as makemap's meet the old file's; ``existing_duplicates`` says
    that map was built with ``-d`` (libdb then adds a repeated key as one more
    duplicate, even without ``-d``). ``on_put`` sees every pair makemap would
    try to put (``-v``).

    The cyclic garbage collector is off meanwhile: the build makes millions of
    small objects and no cycles, and its collections cost a third of the time.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _write(f, method, data, reader, existing, existing_duplicates, on_put)
    finally:
        if enabled:
            gc.enable()


def _write(
    f: BinaryIO,
    method: str,
    data: bytes,
    reader: ReaderOptions,
    existing: Iterable[tuple[bytes, bytes]] | None,
    existing_duplicates: bool,
    on_put: PutHook | None,
) -> WriteResult:
    policy = reader.duplicates
    errors: list[tuple[int, str]] = []
    status = EX_OK
    written = 0
    if policy == "all" or existing_duplicates:
        pairs: list[tuple[bytes, bytes]] = list(existing or ())
        present = {k for k, _ in pairs} if policy == "error" else set()
        for lineno, key, value, error in scan(data, reader):
            if error is not None:
                errors.append((lineno, error))
                status = EX_DATAERR
                continue
            if on_put is not None:
                on_put(key, value)
            if policy == "error":
                if key in present:
                    errors.append((lineno, duplicate_message(key)))
                    status = EX_DATAERR
                    continue
                present.add(key)
            pairs.append((key, value))
            written += 1
        bdb.write(method, f, pairs, duplicates=True)  # type: ignore[arg-type]
        return WriteResult(written, errors, status)
    table: dict[bytes, bytes] = dict(existing or ())
    if reader.delimiter is None:
        written = put_unique(table, data, reader, errors, on_put)
        bdb.write(method, f, list(table.items()), duplicates=False)  # type: ignore[arg-type]
        return WriteResult(written, errors, EX_DATAERR if errors else EX_OK)
    keep_first = policy == "error"
    for lineno, key, value, error in scan(data, reader):
        if error is not None:
            errors.append((lineno, error))
            status = EX_DATAERR
            continue
        if on_put is not None:
            on_put(key, value)
        if keep_first and key in table:
            errors.append((lineno, duplicate_message(key)))
            status = EX_DATAERR
            continue
        table[key] = value
        written += 1
    bdb.write(method, f, list(table.items()), duplicates=False)  # type: ignore[arg-type]
    return WriteResult(written, errors, status)


__all__ = [
    "FormatError",
    "WriteResult",
    "WrongType",
    "available",
    "build_file",
    "build_stream",
    "has_duplicates",
    "read",
    "write",
]
