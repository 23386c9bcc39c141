"""Reading files and writing them safely: atomic, locked, through links, with backups.

:func:`read_bytes` reads a user's file without hanging or filling memory (a FIFO,
a device, a folder or a huge file is refused, not read); :func:`write_atomic`
replaces a file so readers see the old bytes or the new ones, never half;
:func:`update` is the whole edit of an admin tool -- take the file's lock, read,
change, write (atomically, keeping mode, owner and extended attributes, through
a symbolic link, without breaking hard links), optionally keep a backup -- and
says whether anything changed. docs/safety.md says what each step guarantees.

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
import errno
import fcntl
import os
import signal
import stat
import time
from collections.abc import Callable, Iterator

import attrs

from sendmailcfg._core import SendmailcfgError
from sendmailcfg._core import adopt_mode as adopt_mode
from sendmailcfg._core import copy_xattrs as copy_xattrs

MAX_READ = 1 << 30
"""The largest file :func:`read_bytes` reads (1 GiB); a larger one is refused, not read."""
EX_TEMPFAIL = 75
"""The exit status of an edit that found its file changed by another program (sysexits'
``EX_TEMPFAIL``: nothing was written, run it again)."""
LOCK_SUFFIX = ".sendmailcfg-lock"
"""The lock file of versions before 0.10 (``.NAME`` + this suffix); now removed when met."""
TEMP_SUFFIX = ".sendmailcfg.tmp"
"""Our temporary files: ``.NAME.XXXXXXXX.sendmailcfg.tmp`` beside the file they replace."""
JOURNAL_SUFFIX = ".sendmailcfg-journal"
"""The recovery copy of an in-place write: ``.sendmailcfg.DEV-INO`` + this suffix."""
STALE_TEMP_AGE = 2.0
"""Seconds after which an unlocked temporary of ours is a killed run's leftover."""


class NotRegularFileError(OSError):
    """The path names a FIFO, socket, device or folder, which is never read as a file.

    ``what`` says which (``a FIFO``, ``a folder``...).
    """

    what: str = "not a regular file"


class FileTooLargeError(OSError):
    """The file is larger than the reader's limit (:data:`MAX_READ` by default); ``size``
    is its size (or what was read of it)."""

    size: int = 0


class ChangedMeanwhileError(SendmailcfgError):
    """Another program changed the file between our read and our write; nothing was written.

    The command line exits with :data:`EX_TEMPFAIL` (75).
    """

    def __init__(self, path: str) -> None:
        super().__init__(
            f"{path}: changed by another program while it was being edited; "
            "nothing written (run the edit again)"
        )
        self.path = path


_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISDIR, "a folder"),
)


def file_kind(mode: int) -> str | None:
    """None for a regular file, else what it is (``a FIFO``, ``a folder``...).

    >>> file_kind(stat.S_IFIFO), file_kind(stat.S_IFREG)
    ('a FIFO', None)
    """
    if stat.S_ISREG(mode):
        return None
    for test, what in _KINDS:
        if test(mode):
            return what
    return "not a regular file"


def _not_regular(path: str, what: str) -> NotRegularFileError:
    code = errno.EISDIR if what == "a folder" else errno.EINVAL
    exc = NotRegularFileError(code, f"not a regular file: {what}", path)
    exc.what = what
    return exc


def _too_large(path: str, limit: int, size: int) -> FileTooLargeError:
    exc = FileTooLargeError(errno.EFBIG, f"larger than {limit} bytes", path)
    exc.size = size
    return exc


def open_regular(path: str | os.PathLike[str]) -> tuple[int, os.stat_result]:
    """Open ``path`` for reading without blocking (a FIFO cannot hang us) and make sure
    it is a regular file, before and (``fstat``, in case it was swapped) after opening:
    ``(descriptor, its stat)``; :class:`NotRegularFileError` if not."""
    name = os.fspath(path)
    what = file_kind(os.stat(name).st_mode)  # a socket cannot even be opened: say what it is
    if what is not None:
        raise _not_regular(name, what)
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC | getattr(os, "O_BINARY", 0)
    fd = os.open(name, flags)
    try:
        st = os.fstat(fd)
        what = file_kind(st.st_mode)
        if what is not None:
            raise _not_regular(name, what)
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def _read_fd(fd: int, name: str, limit: int) -> bytes:
    chunks = []
    left = limit + 1
    while left > 0:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    data = b"".join(chunks)
    if len(data) > limit:
        raise _too_large(name, limit, len(data))
    return data


def read_bytes(path: str | os.PathLike[str], *, max_size: int = MAX_READ) -> bytes:
    """The bytes of the regular file at ``path``: every command reads user files here.

    Opened without blocking and checked with ``fstat`` (the file cannot be swapped
    in between): a FIFO, socket, device or folder raises :class:`NotRegularFileError`,
    a file over ``max_size`` bytes :class:`FileTooLargeError` (both ``OSError``), and
    never more than ``max_size + 1`` bytes are read. A file whose in-place write was
    cut short reads as the complete text of its recovery copy (:func:`recover`).
    """
    name = os.fspath(path)
    fd, st = open_regular(name)
    try:
        if st.st_size > max_size:
            raise _too_large(name, max_size, st.st_size)
        if st.st_nlink > 1:
            journal = journal_path(real_target(name), st)
            if os.path.lexists(journal):
                with contextlib.suppress(OSError):
                    jfd, _ = open_regular(journal)
                    try:
                        return _read_fd(jfd, journal, max_size)
                    finally:
                        os.close(jfd)
        return _read_fd(fd, name, max_size)
    finally:
        os.close(fd)


_HINTS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is used up",
    errno.ELOOP: "a symbolic link loop",
    errno.EROFS: "mounted read-only",
}


MTIME_SLACK_NS = 1_000_000_000
"""How much later a source's modification time must be to count as newer than what was
made from it: a checkout (git clone, a copy, a package) writes both in one go, in any
order, a few milliseconds apart."""


def newer(source: str | os.PathLike[str], product: str | os.PathLike[str]) -> bool:
    """Whether ``source`` changed after ``product`` was made from it (the rule of make,
    with :data:`MTIME_SLACK_NS` of slack); False when either cannot be read.

    >>> import tempfile
    >>> folder = tempfile.mkdtemp()
    >>> mc, cf = os.path.join(folder, "x.mc"), os.path.join(folder, "x.cf")
    >>> for p in (cf, mc):
    ...     open(p, "w").close()
    >>> newer(mc, cf)  # written together
    False
    >>> os.utime(cf, (0, 0))
    >>> newer(mc, cf)
    True
    """
    try:
        return os.stat(source).st_mtime_ns > os.stat(product).st_mtime_ns + MTIME_SLACK_NS
    except OSError:
        return False


def describe(exc: OSError) -> str:
    """What went wrong, as the system says it, with a hint where one helps: ``Permission
    denied``, ``No space left on device (the disk is full)``, ``not a regular file: a
    FIFO``... (no file name: the caller says which file, and what it was doing).

    >>> describe(OSError(errno.ENOSPC, "No space left on device", "x"))
    'No space left on device (the disk is full)'
    """
    text = exc.strerror or str(exc)
    hint = _HINTS.get(exc.errno or 0)
    return f"{text} ({hint})" if hint else text


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
    """The lock file versions before 0.10 kept beside ``path``'s real target.

    No longer made: :func:`locked` locks the file itself; a leftover is removed.

    >>> lock_path("/etc/mail/mailertable").endswith("/.mailertable.sendmailcfg-lock")
    True
    """
    target = real_target(path)
    folder, name = os.path.split(target)
    return os.path.join(folder, f".{name}{LOCK_SUFFIX}")


def journal_path(target: str, st: os.stat_result) -> str:
    """The recovery copy of an in-place write of the file ``st`` (named by its identity,
    so every hard link in the folder finds it)."""
    folder = os.path.dirname(target)
    return os.path.join(folder, f".sendmailcfg.{st.st_dev:x}-{st.st_ino:x}{JOURNAL_SUFFIX}")


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


@contextlib.contextmanager
def locked(path: str | os.PathLike[str]) -> Iterator[None]:
    """Hold an exclusive ``flock`` on the file ``path`` names (its inode) while the block runs.

    Keyed by the file's identity, not its name: two hard links or a symbolic link
    and its target are one lock. An atomic rename gives the file a new inode, so
    after the lock is granted we check the path still names the inode we locked,
    and start again if not. A missing file locks its folder until it exists. No
    lock file is made (a leftover of an older version is removed). Every writer of
    this module takes it; other programs are not stopped, but :func:`update` notices
    what they change (:class:`ChangedMeanwhileError`).
    """
    target = real_target(path)
    folder = os.path.dirname(target) or "."
    while True:
        try:
            fd, st = open_regular(target)
            ident: tuple[int, int] | None = (st.st_dev, st.st_ino)
        except FileNotFoundError:
            fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
            ident = None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if _identity(target) == ident:
                with contextlib.suppress(OSError):
                    os.unlink(lock_path(target))
                yield
                return
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


def make_backup(path: str | os.PathLike[str], data: bytes | None = None) -> str | None:
    """Copy ``path`` (through links; bytes, mode, times, extended attributes) to
    :func:`backup_name`, atomically: a full disk leaves no half backup behind.

    ``data`` is the file's bytes when the caller has them. Returns the backup's
    path, or None when ``path`` does not exist.
    """
    source = real_target(path)
    try:
        st = os.stat(source)
    except FileNotFoundError:
        return None
    if data is None:
        data = read_bytes(source)
    name = backup_name(path)
    folder = os.path.dirname(os.path.abspath(name))
    fd, tmp = _new_temp(folder, os.path.basename(name))
    try:
        _write_all(fd, data)
        os.fsync(fd)
        adopt_mode(tmp, st, 0o600)
        copy_xattrs(source, tmp)
        os.utime(tmp, ns=(st.st_atime_ns, st.st_mtime_ns))
        try:
            os.link(tmp, name)  # never over an existing file
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
                raise
            os.replace(tmp, name)  # a file system without hard links: the name was free
    finally:
        os.close(fd)
        _remove_quietly(tmp)
    return name


# -- temporaries -----------------------------------------------------------------------

_TEMP_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789"


def _new_temp(folder: str, name: str) -> tuple[int, str]:
    """A new file ``.NAME.XXXXXXXX.sendmailcfg.tmp`` (mode 0600) in ``folder``, locked
    (``flock``) while we live, so :func:`clean_stale_temporaries` knows it is in use."""
    for _ in range(100):
        tag = "".join(_TEMP_CHARS[b % len(_TEMP_CHARS)] for b in os.urandom(8))
        tmp = os.path.join(folder, f".{name}.{tag}{TEMP_SUFFIX}")
        try:
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        except FileExistsError:
            continue
        fcntl.flock(fd, fcntl.LOCK_EX)
        return fd, tmp
    raise FileExistsError(errno.EEXIST, "no free temporary name", folder)  # pragma: no cover


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        view = view[n:]


def _remove_quietly(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


def clean_stale_temporaries(folder: str, age: float = STALE_TEMP_AGE) -> list[str]:
    """Remove the temporaries of ours in ``folder`` that a killed edit left; what went.

    A temporary is ours by its name (``.*.sendmailcfg.tmp``) and stale when no live
    process holds its lock and it is older than ``age`` seconds.
    """
    removed: list[str] = []
    try:
        names = [n for n in os.listdir(folder or ".") if n.startswith(".")]
    except OSError:
        return removed
    now = time.time()
    for name in names:
        if not name.endswith(TEMP_SUFFIX):
            continue
        path = os.path.join(folder, name)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode) or now - st.st_mtime < age:
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            if _identity(path) == (st.st_dev, st.st_ino):
                os.unlink(path)
                removed.append(path)
        except OSError:
            continue
        finally:
            os.close(fd)
    return removed


def _fsync_folder(folder: str) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


# -- writing ---------------------------------------------------------------------------

_step_hook: Callable[[str], None] | None = None
"""Tests set this to stop a write at a named step (simulating a crash there)."""


def _step(name: str) -> None:
    if _step_hook is not None:
        _step_hook(name)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait until the block is done (an in-place write is not cut)."""
    held = {signal.SIGINT, signal.SIGTERM}
    old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


@attrs.frozen
class _Seen:
    """What a read saw of a file: enough to notice that someone changed it since."""

    ident: tuple[int, int, int, int] | None  # dev, ino, size, mtime_ns
    digest: bytes | None

    @classmethod
    def of(cls, target: str, data: bytes | None) -> _Seen:
        import hashlib  # only an update needs it: a read-only command starts without

        try:
            st = os.stat(target)
        except FileNotFoundError:
            return cls(None, None)
        return cls(
            (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns),
            hashlib.sha256(data).digest() if data is not None else None,
        )

    def still(self, target: str) -> bool:
        now = _Seen.of(target, None)
        if now.ident == self.ident:
            return True
        if now.ident is None or self.ident is None or self.digest is None:
            return False
        try:
            data = read_bytes(target)
        except OSError:
            return False
        return _Seen.of(target, data).digest == self.digest


def _write_in_place(target: str, data: bytes, st: os.stat_result) -> None:
    """Overwrite ``target``'s own inode (its hard links keep seeing it), recoverably.

    The complete new text is first made durable as the recovery copy
    (:func:`journal_path`, renamed into place whole); only then is the file
    written and truncated; the copy goes once the file is synced. A crash at any
    step leaves the old text, or the recovery copy that :func:`read_bytes` reads
    instead and :func:`recover` (run by the next write) puts back.
    """
    folder = os.path.dirname(target)
    journal = journal_path(target, st)
    fd, tmp = _new_temp(folder, os.path.basename(target))
    try:
        _write_all(fd, data)
        os.fsync(fd)
        _step("journal-written")
        os.replace(tmp, journal)
    except BaseException:
        _remove_quietly(tmp)
        raise
    finally:
        os.close(fd)
    with _signals_held():  # SIGINT/SIGTERM wait: from here the file itself changes
        _fsync_folder(folder)
        _step("journal-renamed")
        _copy_in_place(target, data)
        _step("file-written")
        os.unlink(journal)
        _fsync_folder(folder)


def _copy_in_place(target: str, data: bytes) -> None:
    fd = os.open(target, os.O_WRONLY | os.O_CLOEXEC)
    try:
        half = len(data) // 2
        _write_all(fd, data[:half])
        _step("half-written")
        _write_all(fd, data[half:])
        os.ftruncate(fd, len(data))
        os.fsync(fd)
    finally:
        os.close(fd)


def recover(path: str | os.PathLike[str]) -> bool:
    """Finish an in-place write that was cut short: True when the file was restored.

    Call it holding :func:`locked` (:func:`update` does).
    """
    target = real_target(path)
    try:
        st = os.stat(target)
    except FileNotFoundError:
        return False
    journal = journal_path(target, st)
    if not os.path.lexists(journal):
        return False
    fd, _ = open_regular(journal)
    try:
        data = _read_fd(fd, journal, MAX_READ)
    finally:
        os.close(fd)
    with _signals_held():
        _copy_in_place(target, data)
        os.unlink(journal)
        _fsync_folder(os.path.dirname(target))
    return True


def _write(target: str, data: bytes, new_mode: int, seen: _Seen | None) -> None:
    folder = os.path.dirname(target)
    try:
        old: os.stat_result | None = os.stat(target)
    except FileNotFoundError:
        old = None
    if old is not None and old.st_nlink > 1 and stat.S_ISREG(old.st_mode):
        if seen is not None and not seen.still(target):
            raise ChangedMeanwhileError(target)
        _write_in_place(target, data, old)
        return
    fd, tmp = _new_temp(folder, os.path.basename(target))
    try:
        _write_all(fd, data)
        os.fsync(fd)
        _step("temp-written")
        adopt_mode(tmp, old, new_mode)
        if old is not None:
            copy_xattrs(target, tmp)
        if seen is not None and not seen.still(target):
            raise ChangedMeanwhileError(target)
        os.replace(tmp, target)
    except BaseException:
        _remove_quietly(tmp)
        raise
    finally:
        os.close(fd)
    _fsync_folder(folder)


def _named(exc: OSError, path: str) -> OSError:
    """``exc`` naming ``path`` (the file the caller asked for), not one of our temporaries."""
    if exc.filename == path:
        return exc
    new = type(exc)(exc.errno, exc.strerror or str(exc), path)
    new.__cause__ = exc
    return new


def write_atomic(path: str | os.PathLike[str], data: bytes, *, new_mode: int = 0o666) -> None:
    """Write ``data`` to ``path`` so no reader sees half of it, keeping mode, owner and
    extended attributes; under :func:`locked`.

    * a symbolic link is followed: its target is written, the link stays a link;
    * a new temporary file in the target's folder is synced, given the old
      file's permission bits, extended attributes and (when we may) owner, and
      renamed over it;
    * a file with other hard links is written in place instead, recoverably
      (see :func:`_write_in_place`), so every link keeps naming the same file;
    * a new file gets ``new_mode`` less the umask.

    An ``OSError`` names ``path``.
    """
    name = os.fspath(path)
    try:
        with locked(name):
            target = real_target(name)
            recover(target)
            clean_stale_temporaries(os.path.dirname(target))
            _write(target, data, new_mode, None)
    except OSError as exc:
        raise _named(exc, name) from exc.__cause__


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
    wrote. A change by another program between the read and the rename is
    noticed and raises :class:`ChangedMeanwhileError` (nothing is written).
    ``change`` may raise to abort (nothing is written). ``check=True`` writes
    nothing; ``backup=True`` copies the old file first (:func:`make_backup`);
    ``missing_ok=True`` lets a missing file read as empty (and be created).
    ``OSError`` names ``path``.
    """
    name = os.fspath(path)
    try:
        with locked(name):
            target = real_target(name)
            recover(target)
            try:
                before: bytes | None = read_bytes(name)
            except FileNotFoundError:
                if not missing_ok:
                    raise
                before = None
            seen = _Seen.of(target, before)
            after = change(before if before is not None else b"")
            if after == (before if before is not None else b"") or check:
                return UpdateResult(name, before, after, written=False)
            clean_stale_temporaries(os.path.dirname(target))
            saved = make_backup(name, before) if backup and before is not None else None
            try:
                _write(target, after, new_mode, seen)
            except BaseException:
                if saved is not None:
                    _remove_quietly(saved)
                raise
            return UpdateResult(name, before, after, written=True, backup=saved)
    except OSError as exc:
        raise _named(exc, name) from exc.__cause__
