"""Deprecated alias of :mod:`sendmailcfg.maps.access.keys` (moved in 0.2; removed in 0.3)."""

import warnings

from sendmailcfg.maps.access.keys import *  # noqa: F403

warnings.warn(
    "sendmailcfg.maps.access_keys moved to sendmailcfg.maps.access.keys",
    DeprecationWarning,
    stacklevel=2,
)
