"""A ``FEATURE()`` after the first ``MAILER()``.

Features must come before every mailer: m4 prints ``*** ERROR: FEATURE()
should be before MAILER()`` but still exits 0 and writes a .cf in which the
feature may be half applied (local_procmail, smrsh, local_lmtp, allmasquerade
and others change mailer definitions that were already emitted).

Bad::

    MAILER(`local')dnl
    MAILER(`smtp')dnl
    FEATURE(`mailertable')dnl

Good::

    FEATURE(`mailertable')dnl
    MAILER(`local')dnl
    MAILER(`smtp')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC003"
NAME = "mc-feature-after-mailer"
SEVERITY = "error"
KINDS = ("mc",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    first = None
    for s in file.mc.statements:
        if s.name == "MAILER" and first is None:
            first = s
        elif s.name == "FEATURE" and first is not None:
            yield Problem(
                s.line,
                s.column,
                f"FEATURE(`{s.value(0).strip()}') after MAILER(`{first.value(0).strip()}') "
                f"on line {first.line}",
                "move every FEATURE above the first MAILER",
            )
