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

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import diagnostics
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MAP004"
NAME = "map-duplicate-key"
SEVERITY = "error"
KINDS = ("map",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for d in diagnostics(file):
        if d.code == "duplicate-key":
            node = file.doc.lines[d.line - 1]
            first = file.doc.find(node.key)
            where = f" (first at line {first.line})" if first and first.line != d.line else ""
            yield Problem(d.line, d.column, d.message + where, d.expected)
