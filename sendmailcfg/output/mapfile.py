"""The file a build writes: makemap's type and link checks, temporaries, the atomic rename.

Shared by :func:`sendmailcfg.output.database.build` and the quick ``makemap``
path, and as light as they need: ``os`` and ``stat``, nothing of attrs,
``pathlib``, ``tempfile`` or ``re``. Exit statuses are makemap's (73 cannot
open or create the map, 74 it could not be written out, 69 no backend).

>>> check_type("btree", "access"), db_name("access"), db_name("access.db")
('btree', 'access.db', 'access.db')
>>> temporary_name("access.db", "Ab3_x9Zq")
'.access.db.Ab3_x9Zq.tmp'
"""

from __future__ import annotations

import errno
import fcntl
import os
import stat
import time

from sendmailcfg._core import SendmailcfgError, adopt_mode

EX_UNAVAILABLE = 69
EX_CANTCREAT = 73
EX_IOERR = 74

TYPES = {"hash": "hash", "btree": "btree", "implicit": "hash"}
"""Map types we write (Debian's makemap lists exactly these); ``implicit`` means hash."""
RECOMPILE = {"dbm": "NDBM", "cdb": "CDB"}
"""Types Debian's makemap was built without: it asks to recompile with this -D option."""
EXTENSION = ".db"
DBMMODE = 0o640
"""makemap's mode for a new map (``DBMMODE``), less the umask."""
STALE_TMP_AGE = 3600
"""Seconds after which a temporary folder of ours beside a map is a killed build's leftover."""
STALE_TMP_FILE_AGE = 2.0
"""Seconds after which an unlocked temporary file of ours is a killed build's leftover (a
live build holds a ``flock`` on its temporary until it is renamed or removed)."""
_HELD: dict[str, int] = {}
"""Our live temporaries and the descriptor holding each one's lock."""
_TMP_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"
_TMP_SUFFIX = ".tmp"
_TMP_TAG = 8


class MapBuildError(SendmailcfgError):
    """A map that could not be opened, written or read; ``status`` is makemap's exit status."""

    def __init__(self, message: str, status: int = EX_CANTCREAT) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


MapBuildError.__module__ = "sendmailcfg.output.database"


class BackendUnavailable(MapBuildError):
    """Neither the Berkeley DB binding nor a system makemap can be used."""


BackendUnavailable.__module__ = "sendmailcfg.output.database"


def db_name(mapname: str) -> str:
    """The file makemap writes for ``mapname``: ``.db`` added unless already there."""
    return mapname if mapname.endswith(EXTENSION) else mapname + EXTENSION


def opening_error(maptype: str, mapname: str, reason: str) -> MapBuildError:
    """makemap's "error opening type T map M: reason" (exit status 73)."""
    return MapBuildError(f"makemap: error opening type {maptype} map {mapname}: {reason}")


def check_type(maptype: str, mapname: str) -> str:
    """The Berkeley DB access method for ``maptype``, or makemap's error (exit status 73)."""
    if maptype in TYPES:
        return TYPES[maptype]
    if maptype in RECOMPILE:
        raise MapBuildError(
            f"makemap: Need to recompile with -D{RECOMPILE[maptype]} for {maptype} support"
        )
    raise opening_error(maptype, mapname, "Unknown database type")


def check_safe(path: str | os.PathLike[str], maptype: str, mapname: str) -> None:
    """makemap's refusal (without ``-s``) to use a map file that is a symbolic or hard link."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode):
        raise opening_error(maptype, mapname, "Symbolic links not allowed")
    if st.st_nlink > 1:
        raise opening_error(maptype, mapname, "Hard links not allowed")


def prepare(
    mapname: str, maptype: str, *, unsafe: bool = False, append: bool = False
) -> tuple[str, str, os.stat_result | None]:
    """What makemap checks before it writes: ``(access method, target file, its stat)``.

    The type must be one we write (73 otherwise), the target no link unless
    ``unsafe`` (``-s``: then the link's target is written), an ``append`` (``-o``)
    target must exist; a killed build's leftovers beside it are removed.
    """
    method = check_type(maptype, mapname)
    target = db_name(mapname)
    if not unsafe:
        check_safe(target, maptype, mapname)
    else:
        target = os.path.realpath(target)
    try:
        old: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        old = None
    except OSError as exc:
        raise opening_error(maptype, mapname, exc.strerror or str(exc)) from None
    if append and old is None:
        raise opening_error(maptype, mapname, os.strerror(errno.ENOENT))
    clean_stale_temporaries(target)
    return method, target, old


def temporary_name(target_name: str, tag: str) -> str:
    """The name of a build's temporary file beside ``target_name``: ``.NAME.TAG.tmp``."""
    return f".{target_name}.{tag}{_TMP_SUFFIX}"


def _is_ours(name: str, target_name: str) -> bool:
    """Whether ``name`` is a temporary of ours for ``target_name`` (``.NAME.XXXXXXXX.tmp``)."""
    head = f".{target_name}."
    if not (name.startswith(head) and name.endswith(_TMP_SUFFIX)):
        return False
    tag = name[len(head) : -len(_TMP_SUFFIX)]
    return len(tag) == _TMP_TAG and all(c in _TMP_CHARS for c in tag)


def clean_stale_temporaries(
    target: str | os.PathLike[str], age: float = STALE_TMP_AGE
) -> list[str]:
    """Remove what a killed build of ``target`` left beside it; returns what was removed.

    Only our own names (``.NAME.db.XXXXXXXX.tmp``) go: a file that no live build
    holds locked (and older than :data:`STALE_TMP_FILE_AGE`, or ``age`` if smaller),
    a folder older than ``age`` seconds. A build running right now is left alone.
    """
    removed: list[str] = []
    target = os.fspath(target)
    folder, target_name = os.path.split(target)
    try:
        names = os.listdir(folder or ".")
    except OSError:
        return removed
    now = time.time()
    for name in names:
        if not _is_ours(name, target_name):
            continue
        path = os.path.join(folder, name)
        try:
            st = os.lstat(path)
            if stat.S_ISREG(st.st_mode):
                if now - st.st_mtime < min(age, STALE_TMP_FILE_AGE) or not _unlocked(path):
                    continue
            elif now - st.st_mtime < age:
                continue
            if stat.S_ISDIR(st.st_mode):
                import shutil

                shutil.rmtree(path)
            else:
                os.unlink(path)
        except OSError:
            continue
        removed.append(path)
    return removed


def _unlocked(path: str) -> bool:
    """Whether no live build holds ``path``'s lock (we may remove it)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    finally:
        os.close(fd)
    return True


def _release(path: str) -> None:
    fd = _HELD.pop(path, None)
    if fd is not None:
        os.close(fd)


def new_temporary(target: str, maptype: str, mapname: str) -> str:
    """A new empty file (mode 0600) beside ``target`` to build into, as ``mkstemp`` makes one,
    locked while the build lives (:func:`finish` or :func:`remove_quietly` let it go)."""
    folder, target_name = os.path.split(target)
    for _ in range(100):
        raw = os.urandom(_TMP_TAG)
        tag = "".join(_TMP_CHARS[b % len(_TMP_CHARS)] for b in raw)
        path = os.path.join(folder, temporary_name(target_name, tag))
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            continue
        except OSError as exc:
            raise opening_error(maptype, mapname, exc.strerror or str(exc)) from None
        fcntl.flock(fd, fcntl.LOCK_EX)
        _HELD[path] = fd
        return path
    raise opening_error(maptype, mapname, os.strerror(errno.EEXIST))  # pragma: no cover


def finish(tmp: str, target: str | os.PathLike[str], old: os.stat_result | None) -> None:
    """Give the new file the old one's mode and owner (or 0640), sync it, rename it in place."""
    adopt_mode(tmp, old, DBMMODE)
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.replace(tmp, target)
    _release(tmp)


def io_error(mapname: str, exc: OSError) -> MapBuildError:
    """makemap's words when the map cannot be written out (a full disk): exit status 74."""
    return MapBuildError(f"makemap: close({mapname}): {exc.strerror or exc}", EX_IOERR)


WRITE_ERRORS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO)
"""A full disk, a quota, a file too large, an I/O error: makemap's exit status 74."""


def write_error(maptype: str, mapname: str, exc: OSError) -> MapBuildError:
    """The error for an ``OSError`` met while writing: 74 for a full disk and the like, else 73."""
    if exc.errno in WRITE_ERRORS:
        return io_error(mapname, exc)
    return opening_error(maptype, mapname, exc.strerror or str(exc))


def remove_quietly(path: str) -> None:
    """Unlink ``path`` if it is still there (and let its lock go)."""
    try:  # noqa: SIM105 - contextlib costs 3 ms of start-up
        os.unlink(path)
    except FileNotFoundError:
        pass
    _release(path)
