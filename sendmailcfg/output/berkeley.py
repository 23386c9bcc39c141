"""Writing and reading makemap's Berkeley DB files through the ``berkeleydb`` binding.

The database is opened with makemap's own parameters (``set_h_nelem(4096)`` for
hash, ``DB_DUP`` for ``-d``, mode 0640), so real sendmail and ``makemap -u`` read
what we write. Only the cache differs: makemap's 1 MiB default makes large maps
thrash, so unless ``-c`` is given the cache grows with the input.

>>> available() in (True, False)
True
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterator
from typing import Any

import attrs

from sendmailcfg.maps.makemap_reader import (
    EX_DATAERR,
    EX_OK,
    ReaderOptions,
    c_string,
    duplicate_message,
    scan,
)

EX_IOERR = 74
MAKEMAP_CACHE = 1024 * 1024
"""makemap's default cache (``-c``)."""
MAX_CACHE = 1024 * 1024 * 1024
HASH_NELEM = 4096
"""makemap's ``smdbp_num_elements``: the hash size hint stored in the file."""
DBMMODE = 0o640
"""sendmail's mode for new map files (before the umask)."""

PutHook = Callable[[bytes, bytes], None]


def _module() -> Any:
    try:
        return importlib.import_module("berkeleydb.db")
    except ImportError:
        return None


def available() -> bool:
    """Whether the ``berkeleydb`` binding can be imported."""
    return _module() is not None


class DatabaseError(Exception):
    """A Berkeley DB failure, with makemap's wording (``strerror``) and errno."""

    def __init__(self, errno: int, text: str) -> None:
        super().__init__(text)
        self.errno = errno
        self.text = text


def _error(exc: Exception) -> DatabaseError:
    args: tuple[object, ...] = tuple(getattr(exc, "args", ()))
    code = args[0] if args and isinstance(args[0], int) else 0
    if code > 0:
        return DatabaseError(code, os.strerror(code))
    detail = str(args[1]) if len(args) > 1 else str(exc)
    return DatabaseError(code, detail.split(" -- ", 1)[0])


def default_cache(source_size: int) -> int:
    """Our cache when ``-c`` is not given: room for the whole map, within bounds.

    >>> default_cache(0) == MAKEMAP_CACHE
    True
    """
    return max(MAKEMAP_CACHE, min(MAX_CACHE, 2 * source_size))


@attrs.frozen
class WriteResult:
    """What one pass over the source put into the database."""

    written: int
    errors: list[tuple[int, str]]
    status: int


def _open(
    path: str, maptype: str, flags: int, cache_size: int, allow_dup: bool, mode: int = DBMMODE
) -> Any:
    db = _module()
    handle = db.DB()
    try:
        size = max(cache_size, 0)  # 0: Berkeley DB's own default
        handle.set_cachesize(size // (1 << 30), size % (1 << 30), 1)
        if maptype == "hash":
            handle.set_h_nelem(HASH_NELEM)
        if allow_dup:
            handle.set_flags(db.DB_DUP)
        kind = db.DB_HASH if maptype == "hash" else db.DB_BTREE
        handle.open(path, None, kind, flags, mode)
    except db.DBError as exc:
        handle.close()
        raise _error(exc) from None
    return handle


def write(
    path: str,
    maptype: str,
    data: bytes,
    reader: ReaderOptions,
    *,
    create: bool = True,
    cache_size: int | None = None,
    on_put: PutHook | None = None,
) -> WriteResult:
    """Put every pair of the makemap source ``data`` into the database file ``path``.

    ``maptype`` is ``hash`` or ``btree``; ``create`` truncates (makemap without
    ``-o``). Lines makemap rejects become errors; the good lines are still written.
    Raises :class:`DatabaseError` when the file cannot be opened or closed.
    """
    db = _module()
    if db is None:  # pragma: no cover - the caller checks available()
        raise RuntimeError("the berkeleydb binding is not installed")
    flags = db.DB_CREATE | db.DB_TRUNCATE if create else 0
    cache = cache_size if cache_size is not None else default_cache(len(data))
    policy = reader.duplicates
    handle = _open(path, maptype, flags, cache, policy == "all")
    errors: list[tuple[int, str]] = []
    status = EX_OK
    written = 0
    put = handle.put
    put_flags = db.DB_NOOVERWRITE if policy == "error" else 0
    key_exists = db.DBKeyExistError
    failure = db.DBError
    try:
        for lineno, key, value, error in scan(data, reader):
            if error is not None:
                errors.append((lineno, error))
                status = EX_DATAERR
                continue
            if on_put is not None:
                on_put(key, value)
            try:
                put(key, value, None, put_flags)
            except key_exists:
                errors.append((lineno, duplicate_message(key)))
                status = EX_DATAERR
                continue
            except failure as exc:
                errors.append((lineno, f"key {c_string(key)}: put error: {_error(exc).text}"))
                status = EX_IOERR
                continue
            written += 1
    finally:
        try:
            handle.close()
        except failure as exc:
            raise _error(exc) from None
    return WriteResult(written, errors, status)


def read(path: str, maptype: str, *, allow_dup: bool = False) -> Iterator[tuple[bytes, bytes]]:
    """Every stored ``(key, value)`` in the database's own order (what ``makemap -u`` lists).

    Raises :class:`DatabaseError` when the file cannot be opened as ``maptype``.
    """
    db = _module()
    if db is None:  # pragma: no cover - the caller checks available()
        raise RuntimeError("the berkeleydb binding is not installed")
    handle = _open(path, maptype, db.DB_RDONLY, MAKEMAP_CACHE, allow_dup, 0)
    try:
        cursor = handle.cursor()
        record = cursor.first()
        while record is not None:
            yield record
            record = cursor.next()
        cursor.close()
    finally:
        handle.close()
