"""sendmailcfg: lossless parsing, semantics, editing and linting of sendmail configs.

>>> import sendmailcfg
>>> doc = sendmailcfg.loads("Example.COM smtp:[mx.example.net]\\n", "mailertable")
>>> doc.get("example.com")
'smtp:[mx.example.net]'
"""

from sendmailcfg.api import diff, dump, dumps, load, loads
from sendmailcfg.errors import (
    Diagnostic,
    EditError,
    ParseError,
    SendmailcfgError,
    UnknownKindError,
)
from sendmailcfg.maps import (
    AccessDocument,
    DomaintableDocument,
    GenericstableDocument,
    LocatedEntry,
    MailertableDocument,
    MapDocument,
    VirtusertableDocument,
    infer_kind,
)
from sendmailcfg.syntax.map_nodes import MapSyntax

__version__ = "0.1.0"

__all__ = [
    "AccessDocument",
    "Diagnostic",
    "DomaintableDocument",
    "EditError",
    "GenericstableDocument",
    "LocatedEntry",
    "MailertableDocument",
    "MapDocument",
    "MapSyntax",
    "ParseError",
    "SendmailcfgError",
    "UnknownKindError",
    "VirtusertableDocument",
    "__version__",
    "diff",
    "dump",
    "dumps",
    "infer_kind",
    "load",
    "loads",
]
