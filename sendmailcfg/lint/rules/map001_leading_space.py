"""A map line starts with white space: makemap rejects it.

makemap has no indentation and no continuation lines: a line that starts
with a space or TAB (including a line holding only blanks and an indented
``#`` comment) is reported as ``syntax error (leading space)`` and skipped,
and makemap exits 65. Only a ``#`` in column 1 starts a comment.

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

from sendmailcfg.lint.rules._syntax import problems

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile, Problem

ID = "MAP001"
NAME = "map-leading-space"
SEVERITY = "error"
KINDS = ("map",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    return problems(file, ("leading-space",))
