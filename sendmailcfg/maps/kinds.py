"""The map kinds we know, and which document class each one gets.

>>> infer_kind("/etc/mail/mailertable")
'mailertable'
>>> infer_kind("access.local")
'access'
>>> infer_kind("/etc/mail/authinfo")
'authinfo'
>>> infer_kind("sendmail.mc")
'mc'
>>> infer_kind("submit.cf")
'cf'
>>> infer_kind("aliases") is None
True
"""

from __future__ import annotations

import os

from sendmailcfg.kinds import DECLARED

MAP_KINDS = tuple(k.name for k in DECLARED if k.is_map)
KINDS = (*MAP_KINDS, *(k.name for k in DECLARED if not k.is_map))
_PREFIXES = tuple(k.prefix for k in DECLARED if k.prefix)


def infer_kind(path: str | os.PathLike[str]) -> str | None:
    """The kind a file name implies (``*.mc``, ``*.cf``; mailertable*, access*, ...), or None."""
    base = os.path.basename(os.fspath(path))
    if base.endswith(".mc"):
        return "mc"
    if base.endswith(".cf"):
        return "cf"
    for prefix in _PREFIXES:
        if base.startswith(prefix):
            return prefix
    return None
