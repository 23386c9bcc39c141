"""Map kinds with no semantics of their own yet: plain lossless documents."""

from __future__ import annotations

from sendmailcfg.maps.document import MapDocument


class VirtusertableDocument(MapDocument):
    """A virtusertable source file (FEATURE(`virtusertable'))."""

    kind = "virtusertable"


class GenericstableDocument(MapDocument):
    """A genericstable source file (FEATURE(`genericstable'))."""

    kind = "genericstable"


class DomaintableDocument(MapDocument):
    """A domaintable source file (FEATURE(`domaintable'))."""

    kind = "domaintable"
