"""An authinfo value sendmail drops or reads short: unquoted or unknown items, no user or password.

sendmail's SMTP client reads the value as a list of double-quoted items
``"U:user"``, ``"I:authid"``, ``"P:password"`` (or ``"P=base64"``), ``"R:realm"``,
``"M:mechanisms"``. It stops at the first item that is not in double quotes
(what follows is ignored), and drops the whole entry, sending without AUTH, for
an unknown item, an item with no ``:``/``=`` after its letter, base64 that does
not decode, or an entry with no user (``U``/``I``) or no password (``P``).
error when the entry is dropped, warning when part of it is ignored or a
mechanism name is unknown. The password is never shown.

Bad::

    AuthInfo:smtp.example.net	U:joe P:secret
    AuthInfo:mail.example.org	"U:joe"

Good::

    AuthInfo:smtp.example.net	"U:joe" "P:secret" "M:PLAIN LOGIN"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.maps.authinfo import parse_value

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AU002"
NAME = "au-items"
SEVERITY = "error"
KINDS = ("authinfo",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for e in file.doc.entries:
        _, problems = parse_value(e.value)
        for p in problems:
            yield Problem(
                e.line,
                e.value_column + p.column - 1,
                f"{e.key}: {p.message}",
                f"expected {p.expected}" if p.expected else "",
                severity=None if p.fatal else "warning",
            )
