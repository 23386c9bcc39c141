"""What the quick-start paths (``makemap``) share with everything else, without attrs or typing.

Holds :class:`SendmailcfgError` (re-exported by :mod:`sendmailcfg.errors`,
where it belongs to users) and :func:`adopt_mode` (re-exported by
:mod:`sendmailcfg.fileio`). Importing this module imports only ``os`` and
``stat`` (not even ``contextlib``), so a command that needs no more starts in milliseconds.

>>> issubclass(SendmailcfgError, Exception), SendmailcfgError.__module__
(True, 'sendmailcfg.errors')
"""

from __future__ import annotations

import os
import stat


class SendmailcfgError(Exception):
    """Base class of every error this library raises on purpose."""


SendmailcfgError.__module__ = "sendmailcfg.errors"


def adopt_mode(tmp: str, old: os.stat_result | None, new_mode: int) -> None:
    """Give ``tmp`` the permission bits (and, where we may, owner) of the file it replaces.

    With no old file, ``new_mode`` less the process umask, as ``open`` would give.
    """
    if old is not None:
        os.chmod(tmp, stat.S_IMODE(old.st_mode))
        if (old.st_uid, old.st_gid) != (os.getuid(), os.getgid()):
            try:  # noqa: SIM105 - contextlib costs 3 ms of start-up
                os.chown(tmp, old.st_uid, old.st_gid)
            except PermissionError:
                pass  # not ours to give away: keep our own, as an editor would
    else:
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, new_mode & ~umask)


def copy_xattrs(source: str, target: str) -> None:
    """Copy the extended attributes (ACLs, SELinux labels, ``user.*``) of ``source`` to
    ``target``, where the system and our rights allow; an attribute we may not set is
    left out, as ``cp --preserve=xattr`` does."""
    listxattr = getattr(os, "listxattr", None)
    if listxattr is None:  # pragma: no cover - not Linux
        return
    try:
        names = listxattr(source)
    except OSError:
        return
    for name in names:
        try:
            os.setxattr(target, name, os.getxattr(source, name))
        except OSError:
            continue
