"""The mailertable (FEATURE(`mailertable')): where sendmail's ruleset 90 sends a domain.

>>> from sendmailcfg.maps.mailertable import MailertableDocument
>>> MailertableDocument.from_text(".example.com smtp:[hub.example.com]\\n").resolve(
...     "u@a.example.com").route.host
'[hub.example.com]'
"""

from sendmailcfg.maps.mailertable.document import (
    MailertableDocument,
    Probe,
    Resolution,
    describe,
    substitute,
)

__all__ = ["MailertableDocument", "Probe", "Resolution", "describe", "substitute"]
