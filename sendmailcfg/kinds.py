"""Every kind of file the project reads, declared once: one row per kind.

A row names the kind (``kind=`` of :func:`sendmailcfg.load`), its document class, the
FEATURE that makes sendmail read it, the file-name prefix :func:`~sendmailcfg.maps.infer_kind`
knows it by, and the ``query`` command that answers from it. ``sendmailcfg.maps.KINDS``,
``MAP_KINDS``, the document classes, ``FEATURE_OF_KIND`` and the ``query`` sub-commands are
all read from :data:`DECLARED`; ``tests/test_kinds.py`` ties the typing literal
(:data:`sendmailcfg.api.Kind`) to it. A new kind is a new row (and its literal).

>>> [k.name for k in DECLARED if k.feature]
['mailertable', 'access', 'virtusertable', 'genericstable', 'domaintable', 'authinfo']
"""

from __future__ import annotations


class DeclaredKind:
    """One kind: ``document`` is ``module:Class``; the others are None where they do not apply.

    A plain class, not a ``NamedTuple`` or attrs class: every command imports this table,
    and ``makemap``'s quick path must not pay for ``typing`` or ``attrs``.

    ``feature``: the FEATURE whose map this is (``access_db`` for ``access``); ``prefix``:
    file names starting with this are of this kind (``access.local``); ``query``: the module
    of the ``query`` sub-command for this kind; ``is_map``: a makemap source (a
    :class:`~sendmailcfg.maps.MapDocument`).
    """

    __slots__ = ("document", "feature", "is_map", "name", "prefix", "query")

    def __init__(
        self,
        name: str,
        document: str,
        feature: str | None = None,
        prefix: str | None = None,
        query: str | None = None,
        is_map: bool = True,
    ) -> None:
        self.name = name
        self.document = document
        self.feature = feature
        self.prefix = prefix
        self.query = query
        self.is_map = is_map

    def __repr__(self) -> str:
        return f"DeclaredKind({self.name!r}, {self.document!r})"


DECLARED: tuple[DeclaredKind, ...] = (
    DeclaredKind(
        "mailertable",
        "sendmailcfg.maps.mailertable:MailertableDocument",
        "mailertable",
        "mailertable",
        "sendmailcfg.cli.query_mailertable",
    ),
    DeclaredKind(
        "access",
        "sendmailcfg.maps.access:AccessDocument",
        "access_db",
        "access",
        "sendmailcfg.cli.query_access",
    ),
    DeclaredKind(
        "virtusertable",
        "sendmailcfg.maps.virtusertable:VirtusertableDocument",
        "virtusertable",
        "virtusertable",
        "sendmailcfg.cli.query_virtusertable",
    ),
    DeclaredKind(
        "genericstable",
        "sendmailcfg.maps.genericstable:GenericstableDocument",
        "genericstable",
        "genericstable",
        "sendmailcfg.cli.query_genericstable",
    ),
    DeclaredKind(
        "domaintable",
        "sendmailcfg.maps.domaintable:DomaintableDocument",
        "domaintable",
        "domaintable",
        "sendmailcfg.cli.query_domaintable",
    ),
    DeclaredKind(
        "authinfo",
        "sendmailcfg.maps.authinfo:AuthinfoDocument",
        "authinfo",
        "authinfo",
        "sendmailcfg.cli.query_authinfo",
    ),
    DeclaredKind("map", "sendmailcfg.maps.document:MapDocument"),
    DeclaredKind("mc", "sendmailcfg.mc.document:McDocument", is_map=False),
    DeclaredKind("cf", "sendmailcfg.cf.document:CfDocument", is_map=False),
)
"""Every kind, maps first, in the order commands list them."""

BY_NAME = {k.name: k for k in DECLARED}
