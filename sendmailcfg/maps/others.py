"""Deprecated home of the virtusertable, genericstable and domaintable documents.

They now live in :mod:`sendmailcfg.maps.virtusertable`,
:mod:`sendmailcfg.maps.genericstable` and :mod:`sendmailcfg.maps.domaintable`
(and are importable from :mod:`sendmailcfg.maps`); this module re-exports them.
"""

from __future__ import annotations

from sendmailcfg.maps.domaintable import DomaintableDocument
from sendmailcfg.maps.genericstable import GenericstableDocument
from sendmailcfg.maps.virtusertable import VirtusertableDocument

__all__ = ["DomaintableDocument", "GenericstableDocument", "VirtusertableDocument"]
