"""A map line starts with white space: makemap rejects it.

makemap has no indentation and no continuation lines: a line that starts
with a space or TAB (including a line holding only blanks and an indented
``#`` comment) is reported as ``syntax error (leading space)`` and skipped,
and makemap exits 65. Only a ``#`` in column 1 starts a comment. ``lint --fix
--unsafe-fixes`` removes the leading blanks (unsafe: the line starts to count).

Bad::

    example.com   smtp:[mx.example.net]
      .example.com smtp:[mx.example.net]

Good::

    example.com   smtp:[mx.example.net]
    .example.com  smtp:[mx.example.net]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import diagnostics
from sendmailcfg.lint.engine import Fix, Problem, offset

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MAP001"
NAME = "map-leading-space"
SEVERITY = "error"
KINDS = ("map",)
FIX = "unsafe"

_BLANKS = " \t\v\f"


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for d in diagnostics(file):
        if d.code != "leading-space":
            continue
        start = offset(file, d.line, 1)
        end = start
        while end < len(file.text) and file.text[end] in _BLANKS:
            end += 1
        fix = Fix(start, end, "") if end < len(file.text) and file.text[end] != "\n" else None
        yield Problem(d.line, d.column, d.message, d.expected, fix=fix)
