"""The map kinds we know, and which document class each one gets.

>>> infer_kind("/etc/mail/mailertable")
'mailertable'
>>> infer_kind("access.local")
'access'
>>> infer_kind("/etc/mail/authinfo")
'authinfo'
>>> infer_kind("sendmail.mc")
'mc'
>>> infer_kind("aliases") is None
True
"""

from __future__ import annotations

import os

MAP_KINDS = (
    "mailertable",
    "access",
    "virtusertable",
    "genericstable",
    "domaintable",
    "authinfo",
    "map",
)
KINDS = (*MAP_KINDS, "mc")
_PREFIXES = (
    "mailertable",
    "access",
    "virtusertable",
    "genericstable",
    "domaintable",
    "authinfo",
)


def infer_kind(path: str | os.PathLike[str]) -> str | None:
    """The kind a file name implies (``*.mc``; mailertable*, access*, ...), or None."""
    base = os.path.basename(os.fspath(path))
    if base.endswith(".mc"):
        return "mc"
    for prefix in _PREFIXES:
        if base.startswith(prefix):
            return prefix
    return None
