"""Reading and atomically writing files, keeping their mode.

>>> import tempfile, os
>>> folder = tempfile.mkdtemp()
>>> p = os.path.join(folder, "m")
>>> write_atomic(p, b"a b\\n")
>>> read_bytes(p)
b'a b\\n'
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile


def read_bytes(path: str | os.PathLike[str]) -> bytes:
    """The file's bytes."""
    with open(path, "rb") as f:
        return f.read()


def adopt_mode(tmp: str, old: os.stat_result | None, new_mode: int) -> None:
    """Give ``tmp`` the permission bits (and, where we may, owner) of the file it replaces.

    With no old file, ``new_mode`` less the process umask, as ``open`` would give.
    """
    if old is not None:
        os.chmod(tmp, stat.S_IMODE(old.st_mode))
        with contextlib.suppress(PermissionError):
            if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
                os.chown(tmp, old.st_uid, old.st_gid)
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, new_mode & ~umask)


def write_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to a temporary file in the same folder, then rename it over ``path``.

    Readers see either the old file or the new one, never half of it. An
    existing file's permission bits (and, when we may, its owner) are kept.
    """
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    try:
        old = os.stat(path)
    except FileNotFoundError:
        old = None
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".sendmailcfg.tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        adopt_mode(tmp, old, 0o666)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
