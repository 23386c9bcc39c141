"""The mailertable map (FEATURE(`mailertable')): host -> ``mailer:host`` routes."""

from __future__ import annotations

from sendmailcfg.maps.document import MapDocument


class MailertableDocument(MapDocument):
    """A mailertable source file."""

    kind = "mailertable"
