"""authinfo or authinfo.db readable by group or others, or in a folder sendmail refuses.

The authinfo map holds passwords in clear text (``P=`` is only base64): the
source and the database should be readable by their owner only (mode 0600).
sendmail also checks the folders above a map: with a folder writable by group
or others on the way (``/tmp``, a shared folder), it refuses to open the map
(``unsafe map file``) unless ``confDONT_BLAME_SENDMAIL`` lists
``MapInUnsafeDirPath``, and then sends without AUTH.

Bad: ``-rw-r--r-- authinfo`` and ``-rw-r--r-- authinfo.db``.

Good: ``chmod 600 authinfo authinfo.db`` (``relay set`` writes them so).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._mcfacts import set_facts
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet

ID = "AU004"
NAME = "au-exposed"
SEVERITY = "error"
KINDS = ("authinfo",)
SCOPE = "set"


def _unsafe_folder(folder: str) -> str | None:
    """The first folder from ``folder`` up that group or others may write to, or None."""
    here = os.path.abspath(folder)
    while True:
        try:
            mode = os.stat(here).st_mode
        except OSError:
            return None
        if stat.S_IMODE(mode) & 0o022:
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def check(fileset: FileSet) -> Iterator[Problem]:
    if not fileset.on_disk:
        return
    for f in fileset.maps("authinfo"):
        for path in (f.path, f.path + ".db"):
            try:
                mode = stat.S_IMODE(os.stat(path).st_mode)
            except OSError:
                continue
            if mode & 0o044:
                who = "others" if mode & 0o004 else "its group"
                yield Problem(
                    1,
                    1,
                    f"{os.path.basename(path)} (mode {mode:04o}) is readable by {who}: "
                    "it holds the relay's password",
                    f"chmod 600 {os.path.basename(path)}",
                    path=f.path,
                    severity="error" if mode & 0o004 else "warning",
                )
        allowed = set_facts(fileset).defines_value("confDONT_BLAME_SENDMAIL") or ""
        if "mapinunsafedirpath" in allowed.lower():
            continue
        unsafe = _unsafe_folder(os.path.dirname(os.path.abspath(f.path)))
        if unsafe is not None:
            yield Problem(
                1,
                1,
                f"{unsafe} is writable by group or others: sendmail refuses to open a map "
                "below it (unsafe map file) and sends without AUTH",
                "keep authinfo in a folder only root can write to (such as /etc/mail)",
                path=f.path,
                severity="warning",
            )
