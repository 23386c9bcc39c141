"""Map facts several rules need, computed once per file (through ``LintFile.memo``).

The facts live in :mod:`sendmailcfg.maps.facts`; this module caches them.

>>> from sendmailcfg.lint.engine import load_file
>>> f = load_file("mailertable", "mailertable", "# c\\nexample.com smtp:x\\n")
>>> entries(f)
[Entry(line=2, key='example.com', value='smtp:x', value_column=13)]
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sendmailcfg.errors import Diagnostic
from sendmailcfg.maps import facts as map_facts
from sendmailcfg.maps.facts import Entry, value_text

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import LintFile

__all__ = ["Entry", "candidates", "diagnostics", "entries", "value_text"]


def entries(file: LintFile) -> list[Entry]:
    """Every entry of a map file, in file order."""
    return file.memo("entries", lambda f: map_facts.entries(f.doc))


def candidates(file: LintFile, pattern: re.Pattern[str]) -> list[Entry]:
    """Entries on the lines where ``pattern`` matches (see ``maps.facts.matching_entries``)."""

    def scan(f: LintFile) -> list[Entry]:
        text = f.memo("newline+text", lambda g: "\n" + g.text)
        return map_facts.matching_entries(f.doc, pattern, text)

    return file.memo(f"candidates:{pattern.pattern}:{pattern.flags}", scan)


def diagnostics(file: LintFile) -> list[Diagnostic]:
    """The document's own diagnostics (makemap syntax errors and duplicates)."""
    return file.memo("diagnostics", lambda f: list(f.doc.diagnostics))
