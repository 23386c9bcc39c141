"""A mailer macro (``*_MAILER_ARGS``, ``_FLAGS``, ``_MAX``, ``_PATH``...) after its MAILER().

``MAILER(`smtp')`` writes the mailers' ``M`` lines into the ``.cf`` when m4 reads
it, with the values the macros have at that moment; a ``define`` after it is
never read. ``define(`RELAY_MAILER_ARGS', `TCP $h 587')`` after ``MAILER(`smtp')``
leaves ``A=TCP $h`` in the ``.cf``: sendmail connects to port 25, and m4 says
nothing. The same holds for ``_QGRP`` and ``_CHARSET``. ``mc show`` marks such a define
as having no effect.

Bad::

    MAILER(`smtp')dnl
    define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl

Good::

    define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl
    MAILER(`smtp')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._mcfacts import facts
from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.facts import ineffective_mailer_defines

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "RL002"
NAME = "rl-define-after-mailer"
SEVERITY = "error"
KINDS = ("mc",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for define, mailer in ineffective_mailer_defines(facts(file)):
        yield Problem(
            define.line,
            define.column,
            f"{define.first} is defined after MAILER(`{mailer.first}') on line {mailer.line}: "
            "m4 has already written the mailer, this define has no effect",
            f"move it above MAILER(`{mailer.first}')",
        )
