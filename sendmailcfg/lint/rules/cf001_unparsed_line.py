"""A ``.cf`` line sendmail refuses when it reads the file.

sendmail reads ``sendmail.cf`` line by line (a line starting with a space or
a tab continues the one before) and prints an error for a line it cannot
use: an unknown first letter, a rule without a tab between its LHS and RHS,
a ruleset, macro, map or mailer without a name. The message is sendmail's own.

Bad::

    R$+ < @ $* >  $#smtp $@ $2

Good (a tab between the pattern and the replacement)::

    R$+ < @ $* >	$#smtp $@ $2
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import diagnostics
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "CF001"
NAME = "cf-unparsed-line"
SEVERITY = "error"
KINDS = ("cf",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for d in diagnostics(file):
        yield Problem(d.line, d.column, d.message, d.expected)
