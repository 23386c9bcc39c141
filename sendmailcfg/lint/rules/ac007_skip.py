"""An access value ``SKIP`` while ``FEATURE(`access_db')`` lacks the ``skip`` argument.

``SKIP`` ("stop looking at parent domains and shorter networks") only works
when the access_db feature is declared with ``skip``, e.g.
``FEATURE(`access_db', , `skip')``. Otherwise the word ``SKIP`` is taken as
an error text and the client or sender is *rejected* with it (checked
against sendmail 8.17). Checked only when the folder holds a ``.mc`` file.

Bad (with ``FEATURE(`access_db')``)::

    Connect:192.0.2.7    SKIP
    Connect:192.0.2      REJECT

Good (with ``FEATURE(`access_db', `hash -T<TMPF> /etc/mail/access', `skip')``)::

    Connect:192.0.2.7    SKIP
    Connect:192.0.2      REJECT
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._access import SKIP_VALUE, suspects
from sendmailcfg.lint._facts import value_text
from sendmailcfg.lint._mcfacts import set_facts
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AC007"
NAME = "ac-skip"
SEVERITY = "warning"
KINDS = ("access",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    mc = set_facts(fileset)
    calls = list(mc.feature_calls("access_db"))
    if not calls or mc.opaque:
        return  # no .mc, or no access_db at all (X001 reports that)
    if mc.feature_has_option("access_db", "skip"):
        return
    for a in suspects(file, SKIP_VALUE):
        if value_text(a.entry.value).strip().upper() == "SKIP":
            yield Problem(
                a.entry.line,
                a.entry.value_column,
                "SKIP without FEATURE(`access_db', ..., `skip'): sendmail rejects with the "
                "text 'SKIP'",
                "add `skip' as an argument of FEATURE(`access_db')",
            )
