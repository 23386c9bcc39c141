"""Facts several rules need, computed once per file (through ``LintFile.memo``).

Map facts come from :class:`~sendmailcfg.maps.document.MapDocument`; ``.mc``
facts from :mod:`sendmailcfg.lint._mcfacts` (the one place that knows the
``McDocument`` API).

>>> from sendmailcfg.lint.engine import load_file
>>> f = load_file("mailertable", "mailertable", "# c\\nexample.com smtp:x\\n")
>>> entries(f)
[Entry(line=2, key='example.com', value='smtp:x', value_column=13)]
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

from sendmailcfg.errors import Diagnostic
from sendmailcfg.syntax.map_nodes import MapEntry

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import LintFile


class Entry(NamedTuple):
    """A map entry with its 1-based line (a light tuple: maps can have millions)."""

    line: int
    key: str
    value: str
    value_column: int


def _entries(file: LintFile) -> list[Entry]:
    out = []
    for i, node in enumerate(file.doc.lines, 1):
        if type(node) is MapEntry:
            text = node.text
            ke, vs = node.key_end, node.value_start
            end = len(text) - 1 if text.endswith("\n") else len(text)
            out.append(Entry(i, text[:ke], text[vs:end], vs + 1))
    return out


def entries(file: LintFile) -> list[Entry]:
    """Every entry of a map file, in file order."""
    return file.memo("entries", _entries)


def diagnostics(file: LintFile) -> list[Diagnostic]:
    """The document's own diagnostics (makemap syntax errors and duplicates)."""
    return file.memo("diagnostics", lambda f: list(f.doc.diagnostics))


def value_text(value: str) -> str:
    r"""A value without the CR a CRLF line leaves at its end (makemap keeps it)."""
    return value[:-1] if value.endswith("\r") else value
