"""The same key twice once case is folded: makemap fails with ``duplicate key``.

makemap lower-cases ASCII letters in keys (unless built with ``-f``), so
``Example.COM`` and ``example.com`` are the same key. Without ``-r`` the
build reports ``duplicate key``, exits 65 and keeps the *first* value; with
``-r`` the last one wins silently. Either way one of the lines does nothing.

Bad::

    example.com   smtp:[mx1.example.net]
    Example.COM   smtp:[mx2.example.net]

Good::

    example.com   smtp:[mx2.example.net]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import candidates, diagnostics
from sendmailcfg.lint.engine import Problem
from sendmailcfg.syntax.map_nodes import WS_CLASS

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MAP004"
NAME = "map-duplicate-key"
SEVERITY = "error"
KINDS = ("map",)


def _first_lines(file: LintFile, keys: set[str]) -> dict[str, int]:
    """Folded key -> line of its first entry (one regex scan; the keys are few)."""
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    pattern = re.compile(rf"\n(?:{alternatives})[{WS_CLASS}\n]", re.I | re.A)
    first: dict[str, int] = {}
    for e in candidates(file, pattern):
        first.setdefault(file.doc.fold(e.key), e.line)
    return first


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    dups = [d for d in diagnostics(file) if d.code == "duplicate-key"]
    if not dups:
        return
    keys = {file.doc.fold(file.doc.lines[d.line - 1].key) for d in dups}
    first = _first_lines(file, keys) if file.doc.fold_keys else {}
    for d in dups:
        line = first.get(file.doc.fold(file.doc.lines[d.line - 1].key))
        where = f" (first at line {line})" if line and line != d.line else ""
        yield Problem(d.line, d.column, d.message + where, d.expected)
