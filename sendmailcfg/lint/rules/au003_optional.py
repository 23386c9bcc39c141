"""FEATURE(`authinfo') with ``-o``: a missing or unreadable database goes unnoticed.

``-o`` makes the map optional: when ``authinfo.db`` is missing (never built, or
removed), sendmail says nothing and sends without AUTH, which the provider then
refuses (``530 Authentication required``) or, worse, accepts from a trusted
address. Without ``-o`` the same mistake is an error sendmail logs.

Bad::

    FEATURE(`authinfo', `hash -o /etc/mail/authinfo')dnl

Good::

    FEATURE(`authinfo', `hash /etc/mail/authinfo')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._mcfacts import facts
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AU003"
NAME = "au-optional"
SEVERITY = "warning"
KINDS = ("mc",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for c in facts(file).features("authinfo"):
        if c.implied_by is not None:
            continue
        spec = c.arg(1)
        words = spec.split()
        if "-o" not in words:
            continue
        line, column = c.where(1)
        column += _quote_at(file.text, line, column)
        yield Problem(
            line,
            column + spec.find("-o"),
            "FEATURE(`authinfo') with -o: if authinfo.db is missing sendmail silently sends "
            "without AUTH",
            f"drop -o: FEATURE(`authinfo', `{' '.join(w for w in words if w != '-o')}')",
        )


def _quote_at(text: str, line: int, column: int) -> int:
    """1 when the argument at ``line:column`` starts with its opening quote, else 0."""
    lines = text.splitlines()
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    return 1 if row[column - 1 : column] == "`" else 0
