"""sendmailcfg: lossless parsing, semantics, editing and linting of sendmail configs.

>>> import sendmailcfg
>>> doc = sendmailcfg.loads("Example.COM smtp:[mx.example.net]\\n", "mailertable")
>>> doc.get("example.com")
'smtp:[mx.example.net]'
"""

from sendmailcfg._version import __version__

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (type checkers know it)

if TYPE_CHECKING:  # what the lazy names below are, for type checkers
    from sendmailcfg.api import (
        AnyDocument,
        Duplicates,
        Kind,
        MapKind,
        diff,
        dump,
        dumps,
        load,
        loads,
    )
    from sendmailcfg.cf.document import CfDocument
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
    from sendmailcfg.maps.access.rules import AccessDecision, Client
    from sendmailcfg.maps.mailertable import Resolution
    from sendmailcfg.mc import McDocument, RenderError, parse_mc
    from sendmailcfg.mc.render import render
    from sendmailcfg.output.database import MapBuildError, build, is_stale, rebuild_if_stale
    from sendmailcfg.output.makemap_source import to_makemap_source
    from sendmailcfg.protocol import Document
    from sendmailcfg.site import Delivery, SenderForms, Site, load_site, route, sender
    from sendmailcfg.syntax.map_nodes import MapSyntax

# Every name is imported on first use, so that ``import sendmailcfg`` (and so every CLI
# start, which runs this file) costs almost nothing; each command imports what it uses.
_LAZY = {
    **dict.fromkeys(
        ("AnyDocument", "Duplicates", "Kind", "MapKind", "diff", "dump", "dumps", "load", "loads"),
        "sendmailcfg.api",
    ),
    **dict.fromkeys(
        ("Diagnostic", "EditError", "ParseError", "SendmailcfgError", "UnknownKindError"),
        "sendmailcfg.errors",
    ),
    **dict.fromkeys(
        (
            "AccessDocument",
            "DomaintableDocument",
            "GenericstableDocument",
            "LocatedEntry",
            "MailertableDocument",
            "MapDocument",
            "VirtusertableDocument",
            "infer_kind",
        ),
        "sendmailcfg.maps",
    ),
    "Document": "sendmailcfg.protocol",
    "MapSyntax": "sendmailcfg.syntax.map_nodes",
    "McDocument": "sendmailcfg.mc",
    "CfDocument": "sendmailcfg.cf.document",
    "parse_mc": "sendmailcfg.mc",
    "render": "sendmailcfg.mc.render",
    "RenderError": "sendmailcfg.mc",
    "Resolution": "sendmailcfg.maps.mailertable",
    "AccessDecision": "sendmailcfg.maps.access.rules",
    "Client": "sendmailcfg.maps.access.rules",
    "build": "sendmailcfg.output.database",
    "is_stale": "sendmailcfg.output.database",
    "rebuild_if_stale": "sendmailcfg.output.database",
    "MapBuildError": "sendmailcfg.output.database",
    "to_makemap_source": "sendmailcfg.output.makemap_source",
    "Site": "sendmailcfg.site",
    "load_site": "sendmailcfg.site",
    "route": "sendmailcfg.site",
    "sender": "sendmailcfg.site",
    "Delivery": "sendmailcfg.site",
    "SenderForms": "sendmailcfg.site",
}


_SUBMODULES = frozenset(
    {"api", "errors", "fileio", "lint", "maps", "mc", "output", "protocol", "site", "syntax"}
)
"""Subpackages reachable as attributes without importing them first (``sendmailcfg.api``)."""


if not TYPE_CHECKING:  # type checkers see the real imports above, and nothing else

    def __getattr__(name: str) -> object:
        module = _LAZY.get(name)
        if module is None and name in _SUBMODULES:  # sendmailcfg.api.diff in a fresh interpreter
            import importlib

            return importlib.import_module(f"sendmailcfg.{name}")
        if module is None:
            raise AttributeError(f"module 'sendmailcfg' has no attribute {name!r}")
        import importlib

        value = getattr(importlib.import_module(module), name)
        globals()[name] = value  # once found, a plain attribute
        return value

    def __dir__() -> list[str]:
        return sorted(__all__)


__all__ = [  # noqa: RUF022 - sorted, plus the lazy names
    "AccessDecision",
    "AccessDocument",
    "Client",
    "MapBuildError",
    "McDocument",
    "CfDocument",
    "RenderError",
    "Resolution",
    "build",
    "is_stale",
    "rebuild_if_stale",
    "parse_mc",
    "render",
    "to_makemap_source",
    "AnyDocument",
    "Delivery",
    "SenderForms",
    "Site",
    "load_site",
    "route",
    "sender",
    "Diagnostic",
    "Document",
    "DomaintableDocument",
    "Duplicates",
    "Kind",
    "MapKind",
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
