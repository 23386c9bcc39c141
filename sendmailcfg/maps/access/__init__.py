"""The access map (FEATURE(`access_db')): keys, values, and sendmail's decisions.

``document`` holds :class:`AccessDocument`; ``keys`` and ``values`` parse and validate
what a line says; ``tokens`` is sendmail's tokenizer as the access rulesets see it; ``rules``
makes the decisions (``check_connect``, ``check_from``, ``check_to``).

>>> from sendmailcfg.maps.access import AccessDocument
>>> AccessDocument.from_text("Connect:192.0.2 REJECT\\n").check_connect("", "192.0.2.1").action
'REJECT'
"""

from sendmailcfg.maps.access.document import AccessDocument, AccessEntry
from sendmailcfg.maps.access.rules import AccessDecision, AccessQueryError, Client

__all__ = ["AccessDecision", "AccessDocument", "AccessEntry", "AccessQueryError", "Client"]
