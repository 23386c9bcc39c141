r"""A document's pairs as clean makemap source text.

The text holds one ``key<TAB>value`` line per pair (the ``-t`` character
instead of the TAB when the document was read with one), keys as makemap
stores them, and nothing makemap would reject: no comments, no blank lines,
no leading white space, no over-long lines, no repeated keys unless asked for.
Reading it back with :func:`source_options` (or :func:`makemap_flags` on the
command line) gives exactly the document's pairs.

>>> from sendmailcfg.maps import MapDocument
>>> doc = MapDocument.from_text("# routes\nExample.COM  smtp:[mx]\n\nexample.com  other\n")
>>> to_makemap_source(doc, duplicates="first")
'example.com\tsmtp:[mx]\n'
>>> to_makemap_source(doc, duplicates="last")
'example.com\tother\n'
"""

from __future__ import annotations

from typing import Literal

from sendmailcfg import _source
from sendmailcfg.errors import EditError
from sendmailcfg.maps.document import MapDocument
from sendmailcfg.maps.makemap_reader import MAX_LINE, DuplicatePolicy, ReaderOptions

SourceDuplicates = Literal["error", "first", "last", "all"]
"""What to do with a key written more than once: raise, keep the first, keep the last,
or keep every pair (then build with ``-d``)."""


class SourceError(EditError):
    """A document whose pairs cannot be written as makemap source text."""


def _policy(duplicates: SourceDuplicates) -> DuplicatePolicy:
    return "all" if duplicates == "all" else "error"


def source_options(doc: MapDocument, duplicates: SourceDuplicates = "error") -> ReaderOptions:
    r"""How makemap must read :func:`to_makemap_source`'s text (``-t``, ``-f``, ``-e``, ``-d``).

    >>> from sendmailcfg.maps import MapDocument
    >>> source_options(MapDocument.from_text("a b\n")).delimiter is None
    True
    """
    delimiter = doc.syntax.delimiter
    return ReaderOptions(
        comment=_source.encode(doc.syntax.comment)[:1],
        delimiter=_source.encode(delimiter)[:1] if delimiter is not None else None,
        fold=doc.fold_keys,
        allow_empty=doc.syntax.allow_empty,
        duplicates=_policy(duplicates),
    )


def makemap_flags(doc: MapDocument, duplicates: SourceDuplicates = "error") -> list[str]:
    r"""The makemap flags that read :func:`to_makemap_source`'s text as intended.

    >>> from sendmailcfg.maps import MapDocument
    >>> from sendmailcfg.syntax.map_nodes import MapSyntax
    >>> makemap_flags(MapDocument.from_text("a:b\n", syntax=MapSyntax(delimiter=":")))
    ['-t', ':']
    """
    flags = []
    if doc.syntax.comment != "#":
        flags += ["-D", doc.syntax.comment]
    if doc.syntax.delimiter is not None:
        flags += ["-t", doc.syntax.delimiter]
    if not doc.fold_keys:
        flags.append("-f")
    if doc.syntax.allow_empty:
        flags.append("-e")
    if duplicates == "all":
        flags.append("-d")
    return flags


def source_pairs(doc: MapDocument, duplicates: SourceDuplicates = "error") -> list[tuple[str, str]]:
    """The document's ``(stored key, value)`` pairs under the ``duplicates`` policy.

    Raises :class:`SourceError` for a repeated key with ``duplicates="error"``.
    """
    if duplicates == "all":
        return [(doc.fold(e.key), e.value) for e in doc.entries]
    chosen: dict[str, tuple[str, int]] = {}
    for e in doc.entries:
        key = doc.fold(e.key)
        if key in chosen:
            if duplicates == "error":
                first = chosen[key][1]
                raise SourceError(
                    f"line {e.line}: key {key!r} repeats line {first}; "
                    "expected each key once (or duplicates='first', 'last' or 'all')"
                )
            if duplicates == "first":
                continue
        chosen[key] = (e.value, e.line)
    return [(k, v) for k, (v, _) in chosen.items()]


def to_makemap_source(doc: MapDocument, duplicates: SourceDuplicates = "error") -> str:
    """makemap source text that yields exactly the document's pairs (see the module doc).

    Raises :class:`SourceError` for a pair makemap could not read back as it is
    (a key with a separator, a value starting with one, a line over 1022 bytes, ...).
    """
    sep = doc.syntax.delimiter if doc.syntax.delimiter is not None else "\t"
    out = []
    for key, value in source_pairs(doc, duplicates):
        try:
            doc.check_key(key)
            doc.check_value(value)
        except EditError as exc:
            raise SourceError(f"key {key!r}: {exc}") from None
        line = key + sep + value
        size = _source.byte_length(line)
        if size > MAX_LINE:
            raise SourceError(
                f"key {key!r}: the line would be {size} bytes; "
                f"expected at most {MAX_LINE} (makemap reads 1023 bytes at a time)"
            )
        out.append(line + "\n")
    return "".join(out)
