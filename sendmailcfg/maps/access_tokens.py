"""Deprecated alias of :mod:`sendmailcfg.maps.access.tokens` (moved in 0.2; removed in 0.3)."""

import warnings

from sendmailcfg.maps.access.tokens import *  # noqa: F403

warnings.warn(
    "sendmailcfg.maps.access_tokens moved to sendmailcfg.maps.access.tokens",
    DeprecationWarning,
    stacklevel=2,
)
