"""The access map (FEATURE(`access_db')): who may connect, send, relay."""

from __future__ import annotations

from sendmailcfg.maps.document import MapDocument


class AccessDocument(MapDocument):
    """An access source file."""

    kind = "access"
