"""Semantics of makemap sources: documents, key folding, per-kind meaning.

Each kind's module is imported on first use (``sendmailcfg.maps.AccessDocument`` imports
``maps.access``), so a command that reads one kind pays for that kind only.

>>> from sendmailcfg.maps import document_class
>>> document_class("mailertable").__name__
'MailertableDocument'
"""

from __future__ import annotations

import importlib

from sendmailcfg.kinds import DECLARED as _DECLARED
from sendmailcfg.maps.keys import fold
from sendmailcfg.maps.kinds import KINDS, MAP_KINDS, infer_kind

TYPE_CHECKING = False

if TYPE_CHECKING:
    from sendmailcfg.maps.access import AccessDocument
    from sendmailcfg.maps.authinfo import AuthinfoDocument, AuthinfoResolution
    from sendmailcfg.maps.document import LocatedEntry, MapDocument
    from sendmailcfg.maps.domaintable import DomaintableDocument, DomaintableResolution
    from sendmailcfg.maps.genericstable import GenericsResolution, GenericstableDocument
    from sendmailcfg.maps.mailertable import MailertableDocument
    from sendmailcfg.maps.virtusertable import (
        VirtuserError,
        VirtuserResolution,
        VirtusertableDocument,
    )

_CLASS_OF_KIND = {
    k.name: tuple(k.document.split(":", 1)) for k in _DECLARED if k.is_map
}  # sendmailcfg.kinds.DECLARED: one row per kind
_LAZY = {
    **{cls: module for module, cls in _CLASS_OF_KIND.values()},
    "LocatedEntry": "sendmailcfg.maps.document",
    "DomaintableResolution": "sendmailcfg.maps.domaintable",
    "AuthinfoResolution": "sendmailcfg.maps.authinfo",
    "GenericsResolution": "sendmailcfg.maps.genericstable",
    "VirtuserError": "sendmailcfg.maps.virtusertable",
    "VirtuserResolution": "sendmailcfg.maps.virtusertable",
}


def document_class(kind: str) -> type[MapDocument]:
    """The document class of a map kind (``KeyError`` for a kind that is not a map's)."""
    module, name = _CLASS_OF_KIND[kind]
    cls: type[MapDocument] = getattr(importlib.import_module(module), name)
    return cls


if not TYPE_CHECKING:

    def __getattr__(name: str) -> object:
        if name == "DOCUMENT_CLASSES":
            value = {kind: document_class(kind) for kind in _CLASS_OF_KIND}
        elif name in _LAZY:
            value = getattr(importlib.import_module(_LAZY[name]), name)
        else:
            raise AttributeError(f"module 'sendmailcfg.maps' has no attribute {name!r}")
        globals()[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(__all__)


DOCUMENT_CLASSES: dict[str, type[MapDocument]]
"""Every map kind's document class (built on first use)."""

__all__ = [
    "DOCUMENT_CLASSES",
    "KINDS",
    "MAP_KINDS",
    "AccessDocument",
    "AuthinfoDocument",
    "AuthinfoResolution",
    "DomaintableDocument",
    "DomaintableResolution",
    "GenericsResolution",
    "GenericstableDocument",
    "LocatedEntry",
    "MailertableDocument",
    "MapDocument",
    "VirtuserError",
    "VirtuserResolution",
    "VirtusertableDocument",
    "document_class",
    "fold",
    "infer_kind",
]
