"""Exceptions and diagnostics shared by every layer.

A :class:`Diagnostic` is a problem found in a file that was still loaded
(parso-style: bad input becomes an error node, never an exception).
:class:`ParseError` is raised only when the caller asks for ``strict=True``.

>>> d = Diagnostic(line=3, column=1, code="leading-space",
...                message="syntax error (leading space)", expected="a key in column 1")
>>> d.format("mailertable")
'mailertable:3:1: syntax error (leading space), expected a key in column 1'
"""

from __future__ import annotations

import attrs

from sendmailcfg._core import SendmailcfgError

__all__ = ["Diagnostic", "EditError", "ParseError", "SendmailcfgError", "UnknownKindError"]


@attrs.frozen
class Diagnostic:
    """One problem in a file: where it is, what is wrong, what was expected."""

    line: int
    column: int
    code: str
    message: str
    expected: str = ""

    def format(self, path: str | None = None) -> str:
        """``path:line:col: message, expected ...`` (``<string>`` without a path)."""
        where = f"{path or '<string>'}:{self.line}:{self.column}"
        tail = f", expected {self.expected}" if self.expected else ""
        return f"{where}: {self.message}{tail}"


class ParseError(SendmailcfgError, ValueError):
    """Input that does not parse, raised only with ``strict=True``."""

    def __init__(self, diagnostic: Diagnostic, path: str | None = None) -> None:
        self.diagnostic = diagnostic
        self.path = path
        self.line = diagnostic.line
        self.column = diagnostic.column
        self.expected = diagnostic.expected
        super().__init__(diagnostic.format(path))


class EditError(SendmailcfgError, ValueError):
    """An edit that cannot be written without changing the file's meaning."""


class UnknownKindError(SendmailcfgError, ValueError):
    """The kind of a file could not be inferred, or is not one we know."""
