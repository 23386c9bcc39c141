"""sendmail.cf: its semantic view (:func:`read_config`) and sendmail's own rules run
(:class:`~sendmailcfg.cf.engine.Engine`, imported on demand)."""

from __future__ import annotations

from sendmailcfg.cf.config import CfConfig, read_config

__all__ = ["CfConfig", "read_config"]
