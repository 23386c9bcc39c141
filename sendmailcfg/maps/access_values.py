"""Deprecated alias of :mod:`sendmailcfg.maps.access.values` (moved in 0.2; removed in 0.3)."""

import warnings

from sendmailcfg.maps.access.values import *  # noqa: F403

warnings.warn(
    "sendmailcfg.maps.access_values moved to sendmailcfg.maps.access.values",
    DeprecationWarning,
    stacklevel=2,
)
