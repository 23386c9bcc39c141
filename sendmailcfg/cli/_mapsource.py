"""The map a ``query`` command answers from: a source, or a built ``.db`` (like ``postmap -q``).

:func:`load_query_map` looks at the file's first bytes: a Berkeley DB hash or
btree file (by its magic number) is read with the pure-Python reader and its
pairs become a document of the asked kind, so the answer is what sendmail
reads, which may differ from the source; anything else is loaded as a source.
"""

from __future__ import annotations

import os
from typing import Any

from sendmailcfg import _source, fileio

_DELIMITERS = "\t\x01\x02\x03\x04\x05\x06\x07"
_COMMENTS = "#\x01\x02\x03\x04\x05\x06\x07"


def is_database(data: bytes) -> bool:
    """Whether ``data`` starts like a Berkeley DB hash or btree file."""
    from sendmailcfg.output.bdb import detect

    return detect(data[:16]) is not None


def pairs_as_source(pairs: list[tuple[bytes, bytes]], *, fold_keys: bool = True) -> tuple[str, Any]:
    """A makemap source that stores ``pairs`` again, and the syntax to read it with.

    A trailing NUL (``makemap -N``) is dropped: sendmail adds it when it looks
    up (``K ... -N``). With ``fold_keys`` (a ``K`` line without ``-f``) a key
    with upper-case letters is left out: sendmail lower-cases what it looks up,
    so it can never match. The delimiter is TAB unless some key holds one, the
    comment character ``#`` unless some key starts with it.

    >>> text, syntax = pairs_as_source([(b"a.example\\0", b"smtp:[mx]\\0"), (b"B", b"x")])
    >>> text, syntax.delimiter, syntax.comment
    ('a.example\\tsmtp:[mx]\\n', '\\t', '#')
    """
    from sendmailcfg.syntax.map_nodes import MapSyntax

    lines: list[tuple[str, str]] = []
    for key, value in pairs:
        if key.endswith(b"\0"):
            key = key[:-1]
        if value.endswith(b"\0"):
            value = value[:-1]
        if fold_keys and key != key.lower():
            continue
        lines.append((_source.decode(key), _source.decode(value)))
    delimiter = next(d for d in _DELIMITERS if not any(d in k for k, _ in lines))
    comment = next(c for c in _COMMENTS if c != delimiter and not any(k[:1] == c for k, _ in lines))
    empty = any(not v for _, v in lines)
    text = "".join(f"{k}{delimiter}{v}\n" for k, v in lines)
    return text, MapSyntax(comment=comment, delimiter=delimiter, allow_empty=empty)


def load_query_map(path: str | os.PathLike[str], kind: str, *, fold_keys: bool = True) -> Any:
    """The document of ``kind`` a query answers from: the file's own, or its database's pairs.

    A database's pairs keep the database's order (for ``-d`` maps the first
    value of a key is the one sendmail finds); a document made from a database
    counts its lines in that order. Raises ``OSError`` when the file cannot be
    read and :class:`~sendmailcfg.output.database.MapBuildError` when a file that
    starts like a database cannot be read as one.
    """
    from sendmailcfg import api

    name = os.fspath(path)
    data = fileio.read_bytes(name)
    if not is_database(data):
        return api.loads(_source.decode(data), kind, path=name, fold_keys=fold_keys)
    from sendmailcfg.output.bdb import detect
    from sendmailcfg.output.database import MapBuildError
    from sendmailcfg.output.pure import FormatError, read

    method = detect(data)
    assert method is not None
    try:
        pairs = list(read(data, method))
    except (FormatError, NotImplementedError) as exc:
        raise MapBuildError(f"{name}: cannot read this Berkeley DB file: {exc}") from None
    text, syntax = pairs_as_source(pairs, fold_keys=fold_keys)
    return api.loads(text, kind, path=name, syntax=syntax, fold_keys=fold_keys)


__all__ = ["is_database", "load_query_map", "pairs_as_source"]
