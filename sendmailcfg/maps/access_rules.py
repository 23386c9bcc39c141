"""Deprecated alias of :mod:`sendmailcfg.maps.access.rules` (moved in 0.2; removed in 0.3)."""

import warnings

from sendmailcfg.maps.access.rules import *  # noqa: F403

warnings.warn(
    "sendmailcfg.maps.access_rules moved to sendmailcfg.maps.access.rules",
    DeprecationWarning,
    stacklevel=2,
)
