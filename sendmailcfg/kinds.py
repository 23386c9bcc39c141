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

from typing import NamedTuple


class DeclaredKind(NamedTuple):
    """One kind: ``document`` is ``module:Class``; the others are None where they do not apply."""

    name: str
    document: str
    feature: str | None = None
    """The FEATURE whose map this is (``access_db`` for ``access``)."""
    prefix: str | None = None
    """File names starting with this are of this kind (``access.local``)."""
    query: str | None = None
    """The module of the ``query`` sub-command for this kind."""
    is_map: bool = True
    """A makemap source (a :class:`~sendmailcfg.maps.MapDocument`)."""


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
