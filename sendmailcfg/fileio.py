"""Reading files and writing them safely: atomic, locked, through links, with backups.

:func:`write_atomic` replaces a file so readers see the old bytes or the new
ones, never half; :func:`update` is the whole edit of an admin tool -- take a
lock, read, change, write (atomically, keeping mode and owner, through a
symbolic link, without breaking hard links), optionally keep a backup -- and
says whether anything changed.

>>> import tempfile, os
>>> folder = tempfile.mkdtemp()
>>> p = os.path.join(folder, "m")
>>> write_atomic(p, b"a b\\n")
>>> read_bytes(p)
b'a b\\n'
>>> update(p, lambda old: old + b"c d\\n").changed
True
>>> update(p, lambda old: old).changed
False
>>> read_bytes(p)
b'a b\\nc d\\n'
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import tempfile
import time
from collections.abc import Callable, Iterator

import attrs

from sendmailcfg._core import adopt_mode as adopt_mode

LOCK_SUFFIX = ".sendmailcfg-lock"
"""The lock file beside the target: ``.NAME`` + this suffix (left in place, empty)."""


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes."""
    with open(path, "rb") as f:
        return f.read()


def real_target(path: str | os.PathLike[str]) -> str:
    """The file a write to ``path`` must change: symbolic links followed to the end.

    A dangling link gives the path it points at (so the write creates that file).

    >>> import tempfile, os
    >>> folder = os.path.realpath(tempfile.mkdtemp())
    >>> os.symlink("real", os.path.join(folder, "link"))
    >>> real_target(os.path.join(folder, "link")) == os.path.join(folder, "real")
    True
    """
    return os.path.realpath(os.fspath(path))


def lock_path(path: str | os.PathLike[str]) -> str:
    """The lock file of ``path`` (of its real target): ``.NAME.sendmailcfg-lock`` beside it.

    >>> lock_path("/etc/mail/mailertable").endswith("/.mailertable.sendmailcfg-lock")
    True
    """
    target = real_target(path)
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name}{LOCK_SUFFIX}")


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive ``flock`` on :func:`lock_path` of ``path`` while the block runs.

    The lock file, not the target, is locked: an atomic rename gives the target
    a new inode, so a lock on the target itself would not stop a second writer.
    Every writer of this module takes it; other programs are not stopped. The
    lock file is created readable by all (it is empty), so a user who may write
    the target but not the lock file can still lock it.
    """
    name = lock_path(path)
    try:
        fd = os.open(name, os.O_RDWR | os.O_CREAT, 0o644)
    except PermissionError:  # another user's lock file: a read-only descriptor locks too
        fd = os.open(name, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def backup_name(path: str | os.PathLike[str], when: float | None = None) -> str:
    """A free name for a backup of ``path``, as Ansible's ``backup=yes`` makes them.

    ``PATH.PID.YYYY-MM-DD@HH:MM:SS~`` (local time); ``~`` keeps it out of folder
    walks and ``make``.

    >>> backup_name("mailertable", 0.0).startswith("mailertable.")
    True
    >>> backup_name("mailertable", 0.0).endswith("~")
    True
    """
    stamp = time.strftime("%Y-%m-%d@%H:%M:%S", time.localtime(when))
    base = f"{os.fspath(path)}.{os.getpid()}.{stamp}"
    name, n = f"{base}~", 1
    while os.path.lexists(name):
        n += 1
        name = f"{base}.{n}~"
    return name


def make_backup(path: str | os.PathLike[str]) -> str | None:
    """Copy ``path`` (through links; bytes, mode and times) to :func:`backup_name`.

    Returns the backup's path, or None when ``path`` does not exist.
    """
    source = real_target(path)
    if not os.path.exists(source):
        return None
    name = backup_name(path)
    shutil.copy2(source, name)
    return name


def _write_temp(folder: str, data: bytes) -> str:
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".sendmailcfg.tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    return tmp


def _fsync_folder(folder: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_in_place(target: str, data: bytes, folder: str) -> None:
    """Overwrite ``target``'s own inode (its hard links keep seeing it).

    The new bytes are first written and synced to a temporary file beside it,
    which is removed only once the file itself holds them (written, truncated,
    synced): a crash midway leaves the complete new text in that temporary
    file. Readers may see a partly written file for that moment.
    """
    tmp = _write_temp(folder, data)
    fd = os.open(target, os.O_WRONLY)
    try:
        view = memoryview(data)
        while view:
            n = os.write(fd, view)
            view = view[n:]
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    finally:
        os.close(fd)
    os.unlink(tmp)


def write_atomic(path: str | os.PathLike[str], data: bytes, *, new_mode: int = 0o666) -> None:
    """Write ``data`` to ``path`` so no reader sees half of it, keeping mode and owner.

    * a symbolic link is followed: its target is written, the link stays a link;
    * a new temporary file in the target's folder is synced, given the old
      file's permission bits (and, when we may, owner) and renamed over it;
    * a file with other hard links is written in place instead (see
      :func:`_write_in_place`), so every link keeps naming the same file;
    * a new file gets ``new_mode`` less the umask.

    Does not lock; :func:`update` does.
    """
    target = real_target(path)
    folder = os.path.dirname(target)
    try:
        old: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        old = None
    if old is not None and old.st_nlink > 1 and stat.S_ISREG(old.st_mode):
        _write_in_place(target, data, folder)
        return
    tmp = _write_temp(folder, data)
    try:
        adopt_mode(tmp, old, new_mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_folder(folder)


@attrs.frozen
class UpdateResult:
    """What :func:`update` did: the bytes before and after, and where they went.

    ``before`` is None when the file did not exist; ``backup`` is the backup's
    path when one was made (only for a change that was written).
    """

    path: str
    before: bytes | None
    after: bytes
    written: bool
    backup: str | None = None

    @property
    def changed(self) -> bool:
        """Whether the new bytes differ from the old ones (written or, with check, would be).

        A missing file that would stay empty is unchanged (it is not created).
        """
        return self.after != (self.before if self.before is not None else b"")


def update(
    path: str | os.PathLike[str],
    change: Callable[[bytes], bytes],
    *,
    check: bool = False,
    backup: bool = False,
    missing_ok: bool = False,
    new_mode: int = 0o666,
) -> UpdateResult:
    """Lock ``path``, read it, apply ``change`` to its bytes, write the result if different.

    The lock (:func:`locked`) is held from the read to the rename, so two
    updates of one file at once both land: the second reads what the first
    wrote. ``change`` may raise to abort (nothing is written). ``check=True``
    writes nothing; ``backup=True`` copies the old file first
    (:func:`make_backup`); ``missing_ok=True`` lets a missing file read as
    empty (and be created).
    """
    name = os.fspath(path)
    with locked(name):
        try:
            before: bytes | None = read_bytes(name)
        except FileNotFoundError:
            if not missing_ok:
                raise
            before = None
        after = change(before if before is not None else b"")
        if after == (before if before is not None else b"") or check:
            return UpdateResult(name, before, after, written=False)
        saved = make_backup(name) if backup and before is not None else None
        write_atomic(name, after, new_mode=new_mode)
        return UpdateResult(name, before, after, written=True, backup=saved)
