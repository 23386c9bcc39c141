"""Shared body of the makemap syntax rules (MAP001-MAP004): wrap the document's diagnostics."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import diagnostics
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import LintFile


def problems(file: LintFile, codes: tuple[str, ...]) -> Iterator[Problem]:
    """One problem per diagnostic whose code is in ``codes``."""
    for d in diagnostics(file):
        if d.code in codes:
            yield Problem(d.line, d.column, d.message, d.expected)
