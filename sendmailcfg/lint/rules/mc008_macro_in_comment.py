"""A macro name inside a ``#`` line: m4 expands it (``#`` is not a comment in a .mc).

sendmail's cf.m4 turns m4's ``#`` comments off, so ``# FEATURE(`nouucp')``
really runs the feature, and ``# see LOCAL_CONFIG below`` switches the
output to the LOCAL_CONFIG section. Only ``dnl`` comments are ignored.

Bad::

    # FEATURE(`promiscuous_relay')  -- disabled
    # the rules are in the LOCAL_CONFIG section

Good::

    dnl FEATURE(`promiscuous_relay')  -- disabled
    dnl the rules are in the LOCAL_CONFIG section
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC008"
NAME = "mc-macro-in-comment"
SEVERITY = "warning"
KINDS = ("mc",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for c in file.mc.hash_comment_macros:
        if c.nested:
            continue
        shown = c.name if c.bare else f"{c.name}(...)"
        yield Problem(
            c.line,
            c.column,
            f"m4 expands {shown} inside this # line (# is not a comment in a .mc)",
            "use dnl for comments, or quote the text: `" + c.name + "'",
        )
