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

import re
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


def candidates(file: LintFile, pattern: re.Pattern[str]) -> list[Entry]:
    """Entries on the lines where ``pattern`` matches; it must start with ``\\n``.

    Rules over big maps use this to look at suspicious lines only: one C-speed
    regex scan instead of a Python step per entry. The pattern must match at
    least every line the rule could report (it may match more: the rule checks).
    It is matched against the text with a newline in front, so a leading
    ``\\n`` stands for "start of a line" (a literal prefix the regex engine
    skips to quickly, unlike ``^`` with ``re.M``).
    """

    def scan(f: LintFile) -> list[Entry]:
        out: list[Entry] = []
        text = f.memo("newline+text", lambda g: "\n" + g.text)
        lines = f.doc.lines
        pos = 0
        line = 0
        last = 0
        for m in pattern.finditer(text):
            start = m.start()
            line += text.count("\n", pos, start + 1)
            pos = start + 1
            if line == last:
                continue
            last = line
            node = lines[line - 1] if line <= len(lines) else None
            if type(node) is MapEntry:
                t = node.text
                end = len(t) - 1 if t.endswith("\n") else len(t)
                out.append(
                    Entry(line, t[: node.key_end], t[node.value_start : end], node.value_start + 1)
                )
        return out

    return file.memo(f"candidates:{pattern.pattern}:{pattern.flags}", scan)


def diagnostics(file: LintFile) -> list[Diagnostic]:
    """The document's own diagnostics (makemap syntax errors and duplicates)."""
    return file.memo("diagnostics", lambda f: list(f.doc.diagnostics))


def value_text(value: str) -> str:
    r"""A value without the CR a CRLF line leaves at its end (makemap keeps it)."""
    return value[:-1] if value.endswith("\r") else value
