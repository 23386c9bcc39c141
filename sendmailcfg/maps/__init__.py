"""Semantics of makemap sources: documents, key folding, per-kind meaning."""

from sendmailcfg.maps.access import AccessDocument
from sendmailcfg.maps.document import LocatedEntry, MapDocument
from sendmailcfg.maps.domaintable import DomaintableDocument, DomaintableResolution
from sendmailcfg.maps.genericstable import GenericsResolution, GenericstableDocument
from sendmailcfg.maps.keys import fold
from sendmailcfg.maps.kinds import KINDS, MAP_KINDS, infer_kind
from sendmailcfg.maps.mailertable import MailertableDocument
from sendmailcfg.maps.virtusertable import (
    VirtuserError,
    VirtuserResolution,
    VirtusertableDocument,
)

DOCUMENT_CLASSES: dict[str, type[MapDocument]] = {
    "mailertable": MailertableDocument,
    "access": AccessDocument,
    "virtusertable": VirtusertableDocument,
    "genericstable": GenericstableDocument,
    "domaintable": DomaintableDocument,
    "map": MapDocument,
}

__all__ = [
    "DOCUMENT_CLASSES",
    "KINDS",
    "MAP_KINDS",
    "AccessDocument",
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
    "fold",
    "infer_kind",
]
