"""A map line longer than makemap's 1022 bytes, or holding a NUL byte.

makemap reads lines with a 1024-byte buffer: a longer line is reported as
``line too long (1024 bytes max)`` and *the rest of it is read as the next
line(s)*, which can store a bogus entry. A NUL byte ends the C string early
and is reported the same way.

Bad: a key or value of 2,000 characters on one line.

Good: split long lists over several keys, or use a shorter value.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.rules._syntax import problems

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile, Problem

ID = "MAP003"
NAME = "map-line-too-long"
SEVERITY = "error"
KINDS = ("map",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    return problems(file, ("too-long", "nul-byte"))
