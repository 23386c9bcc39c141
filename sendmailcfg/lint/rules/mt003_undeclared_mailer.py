"""A mailertable route through a mailer that no ``MAILER()`` in the ``.mc`` declares.

The mailer before the colon must be an ``M`` line of the built .cf: the
ones ``MAILER(`smtp')`` defines (smtp, esmtp, smtp8, dsmtp, relay), the
local ones (local, prog), ``error``, and any mailer written under
``MAILER_DEFINITIONS``. Routing to an undeclared mailer bounces every
message for that domain. Checked only when the folder holds a ``.mc`` file.

Bad (with an .mc that only has ``MAILER(`local')``)::

    example.com   esmtp:[mx.example.net]

Good::

    dnl in the .mc
    MAILER(`smtp')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import entries, value_text
from sendmailcfg.lint._mcfacts import set_facts
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MT003"
NAME = "mt-undeclared-mailer"
SEVERITY = "error"
KINDS = ("mailertable",)

_MAILER = re.compile(r"([^\s:\[\]<>@,]+):")


def declared(fileset: FileSet) -> set[str]:
    """Mailer names the set's .mc files declare (plus the built-in ones)."""
    return set_facts(fileset).declared_mailers()


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    if not set_facts(fileset).present:
        return
    known = declared(fileset)
    for e in entries(file):
        m = _MAILER.match(value_text(e.value))
        if m is None or m.group(1).lower() in known:
            continue
        yield Problem(
            e.line,
            e.value_column,
            f"mailer {m.group(1)!r} is not declared by any MAILER() in the .mc",
            "add the MAILER() that defines it, or use one of: " + ", ".join(sorted(known)),
        )
