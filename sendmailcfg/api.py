"""The json-module-shaped entry points: ``loads``, ``load``, ``dumps``, ``dump``.

>>> doc = loads("takaq.jp\\tsmtp:takaq.jp\\n", "mailertable")
>>> doc.set(".takaq.jp", "smtp:[mail2.takaq.jp]")
True
>>> dumps(doc)
'takaq.jp\\tsmtp:takaq.jp\\n.takaq.jp\\tsmtp:[mail2.takaq.jp]\\n'
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeAlias, TypedDict, overload

from sendmailcfg import _source, fileio
from sendmailcfg.errors import Diagnostic, UnknownKindError
from sendmailcfg.maps import KINDS, document_class, infer_kind
from sendmailcfg.syntax.map_nodes import MapSyntax
from sendmailcfg.textdiff import unified_diff

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from sendmailcfg.cf.document import CfDocument
    from sendmailcfg.maps import (
        AccessDocument,
        AuthinfoDocument,
        DomaintableDocument,
        GenericstableDocument,
        MailertableDocument,
        MapDocument,
        VirtusertableDocument,
    )
    from sendmailcfg.mc.document import McDocument

MapKind: TypeAlias = Literal[
    "mailertable", "access", "virtusertable", "genericstable", "domaintable", "authinfo", "map"
]
"""The map kinds: a ``kind=`` that gives a :class:`~sendmailcfg.maps.MapDocument` subclass."""
Kind: TypeAlias = Literal[MapKind, "mc", "cf"]
"""Every kind :func:`load` and :func:`loads` accept (``sendmailcfg.maps.KINDS`` at run time)."""
Duplicates: TypeAlias = Literal["first", "last", "all"]
"""makemap's duplicate-key policy: the first wins (default), ``-r`` (last), ``-d`` (all)."""

AnyDocument: TypeAlias = "MapDocument | McDocument | CfDocument"
"""What :func:`load` returns when the kind comes from the file name: narrow it with
``isinstance`` (or pass ``kind=`` as a literal, which types the result exactly)."""


class _LoadOptions(TypedDict, total=False):
    strict: bool
    syntax: MapSyntax | None
    fold_keys: bool
    duplicates: Duplicates


class _LoadsOptions(_LoadOptions, total=False):
    path: str | None


class _HasText(Protocol):
    @property
    def text(self) -> str: ...


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise UnknownKindError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")


def _as_text(text: str | bytes) -> str:
    if isinstance(text, bytes | bytearray | memoryview):
        return _source.decode(bytes(text))  # as load() decodes a file: every byte survives
    if not isinstance(text, str):
        raise TypeError(
            f"loads() takes the file's text (str) or its bytes, not {type(text).__name__}; "
            "to read a file pass its path to load()"
        )
    return text


@overload
def loads(
    text: str | bytes, kind: Literal["mailertable"], **options: Unpack[_LoadsOptions]
) -> MailertableDocument: ...
@overload
def loads(
    text: str | bytes, kind: Literal["access"], **options: Unpack[_LoadsOptions]
) -> AccessDocument: ...
@overload
def loads(
    text: str | bytes, kind: Literal["virtusertable"], **options: Unpack[_LoadsOptions]
) -> VirtusertableDocument: ...
@overload
def loads(
    text: str | bytes, kind: Literal["genericstable"], **options: Unpack[_LoadsOptions]
) -> GenericstableDocument: ...
@overload
def loads(
    text: str | bytes, kind: Literal["domaintable"], **options: Unpack[_LoadsOptions]
) -> DomaintableDocument: ...
@overload
def loads(
    text: str | bytes, kind: Literal["authinfo"], **options: Unpack[_LoadsOptions]
) -> AuthinfoDocument: ...
@overload
def loads(
    text: str | bytes, kind: Literal["map"], **options: Unpack[_LoadsOptions]
) -> MapDocument: ...
@overload
def loads(
    text: str | bytes, kind: Literal["mc"], **options: Unpack[_LoadsOptions]
) -> McDocument: ...
@overload
def loads(
    text: str | bytes, kind: Literal["cf"], **options: Unpack[_LoadsOptions]
) -> CfDocument: ...
@overload
def loads(text: str | bytes, kind: str, **options: Unpack[_LoadsOptions]) -> AnyDocument: ...
def loads(
    text: str | bytes,
    kind: str,
    *,
    strict: bool = False,
    path: str | None = None,
    syntax: MapSyntax | None = None,
    fold_keys: bool = True,
    duplicates: Duplicates = "first",
) -> AnyDocument:
    """Parse ``text`` as a ``kind`` file (see :data:`Kind`).

    ``text`` may be bytes, decoded as :func:`load` decodes a file. Never fails on
    content: problems become diagnostics (``doc.diagnostics``) unless ``strict=True``,
    which raises :class:`~sendmailcfg.errors.ParseError`. ``syntax``, ``fold_keys`` and
    ``duplicates`` mirror makemap's ``-D``/``-t``/``-e``, ``-f`` and ``-r``/``-d`` flags
    for map kinds. A literal ``kind`` types the result exactly:

    >>> loads(b"a x\\n", "map").get("a")
    'x'
    """
    text = _as_text(text)
    _check_kind(kind)
    if kind == "mc":
        from sendmailcfg.mc import parse_mc

        return parse_mc(text, path=path, strict=strict)
    if kind == "cf":
        from sendmailcfg.cf.document import parse_cf

        return parse_cf(text, path=path, strict=strict)
    cls = document_class(kind)
    if duplicates not in ("first", "last", "all"):
        raise ValueError("duplicates must be 'first', 'last' or 'all'")
    return cls.from_text(
        text,
        syntax=syntax or MapSyntax(),
        fold_keys=fold_keys,
        duplicates=duplicates,
        path=path,
        strict=strict,
    )


_Path: TypeAlias = "str | os.PathLike[str]"


@overload
def load(
    path: _Path, kind: Literal["mailertable"], **options: Unpack[_LoadOptions]
) -> MailertableDocument: ...
@overload
def load(
    path: _Path, kind: Literal["access"], **options: Unpack[_LoadOptions]
) -> AccessDocument: ...
@overload
def load(
    path: _Path, kind: Literal["virtusertable"], **options: Unpack[_LoadOptions]
) -> VirtusertableDocument: ...
@overload
def load(
    path: _Path, kind: Literal["genericstable"], **options: Unpack[_LoadOptions]
) -> GenericstableDocument: ...
@overload
def load(
    path: _Path, kind: Literal["domaintable"], **options: Unpack[_LoadOptions]
) -> DomaintableDocument: ...
@overload
def load(
    path: _Path, kind: Literal["authinfo"], **options: Unpack[_LoadOptions]
) -> AuthinfoDocument: ...
@overload
def load(path: _Path, kind: Literal["map"], **options: Unpack[_LoadOptions]) -> MapDocument: ...
@overload
def load(path: _Path, kind: Literal["mc"], **options: Unpack[_LoadOptions]) -> McDocument: ...
@overload
def load(path: _Path, kind: Literal["cf"], **options: Unpack[_LoadOptions]) -> CfDocument: ...
@overload
def load(path: _Path, kind: str | None = ..., **options: Unpack[_LoadOptions]) -> AnyDocument: ...
def load(
    path: _Path,
    kind: str | None = None,
    *,
    strict: bool = False,
    syntax: MapSyntax | None = None,
    fold_keys: bool = True,
    duplicates: Duplicates = "first",
) -> AnyDocument:
    """Read the file at ``path`` (as bytes, so any encoding survives) and parse it.

    With ``kind=None`` the kind comes from the file name (``*.mc``, ``*.cf``, ``mailertable*``,
    ``access*``, ``virtusertable*``, ``genericstable*``, ``domaintable*``, ``authinfo*``)
    and the result
    is typed :data:`AnyDocument`; a literal ``kind`` types it exactly.
    """
    name = os.fspath(path)
    if kind is None:
        kind = infer_kind(name)
        if kind is None:
            raise UnknownKindError(
                f"{name}: cannot tell the kind of this file from its name; "
                f"pass kind= (one of {', '.join(KINDS)})"
            )
    text = _source.decode(fileio.read_bytes(name))
    return loads(
        text,
        kind,
        strict=strict,
        path=name,
        syntax=syntax,
        fold_keys=fold_keys,
        duplicates=duplicates,
    )


def dumps(doc: _HasText) -> str:
    """The document's text: the input byte for byte, plus any edits."""
    return doc.text


def dump(doc: _HasText, path: str | os.PathLike[str] | None = None) -> None:
    """Write the document atomically (temp file + rename), keeping the file's mode.

    ``path`` defaults to the path the document was loaded from.
    """
    target = path if path is not None else getattr(doc, "path", None)
    if target is None:
        raise ValueError("dump() needs a path for a document that was not loaded from a file")
    fileio.write_atomic(target, _source.encode(doc.text))


def diff(before: _HasText | str, after: _HasText | str, path: str = "file") -> str:
    """A unified diff of two documents (or texts): preview an edit before writing it.

    >>> old = loads("a x\\n", "map"); new = old.copy(); _ = new.set("b", "y")
    >>> print(diff(old, new, "m"), end="")
    --- m
    +++ m
    @@ -1 +1,2 @@
     a x
    +b y
    """
    a = before if isinstance(before, str) else before.text
    b = after if isinstance(after, str) else after.text
    return unified_diff(a, b, path)


def diagnostics_text(doc: Any) -> list[str]:
    """``path:line:col: message, expected ...`` for every diagnostic of a document."""
    diags: list[Diagnostic] = doc.diagnostics
    return [d.format(getattr(doc, "path", None)) for d in diags]
