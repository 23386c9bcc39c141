"""A key without a value: makemap reports ``no RHS for LHS`` and skips it.

Unless the map is built with ``makemap -e`` (which stores an empty value),
every key needs a value after the white space.

Bad::

    example.com

Good::

    example.com   smtp:[mx.example.net]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.rules._syntax import problems

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile, Problem

ID = "MAP002"
NAME = "map-no-rhs"
SEVERITY = "error"
KINDS = ("map",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    return problems(file, ("no-rhs",))
