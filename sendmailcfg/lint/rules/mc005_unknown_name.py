"""An unknown ``FEATURE``, ``MAILER`` or ``OSTYPE`` name.

Each of these includes ``cf/feature/<name>.m4``, ``cf/mailer/<name>.m4`` or
``cf/ostype/<name>.m4``; a misspelt name makes m4 print ``cannot open`` and
the setting is simply missing from the .cf. Names are checked against
sendmail 8.18's cf tree plus Debian's additions; a close match is suggested.
Obsolete features are reported by MC007 instead.

Bad::

    FEATURE(`mailer_table')dnl
    MAILER(`esmtp')dnl
    OSTYPE(`Linux')dnl

Good::

    FEATURE(`mailertable')dnl
    MAILER(`smtp')dnl
    OSTYPE(`linux')dnl
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.facts import FEATURES, MAILER_FILES, OBSOLETE_FEATURES, OSTYPES

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC005"
NAME = "mc-unknown-name"
SEVERITY = "error"
KINDS = ("mc",)

_PLAIN = re.compile(r"[A-Za-z0-9_.+-]+\Z")
_KNOWN = {"FEATURE": FEATURES, "MAILER": frozenset(MAILER_FILES), "OSTYPE": OSTYPES}


def _suggest(name: str, known: frozenset[str], macro: str) -> str:
    lowered = {k.lower(): k for k in known}
    if name.lower() in lowered:
        return f"did you mean `{lowered[name.lower()]}'? (names are case-sensitive)"
    if macro == "MAILER":
        for file, mailers in MAILER_FILES.items():
            if name in mailers:
                return f"the {name} mailer is defined by MAILER(`{file}')"
    import difflib

    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f"did you mean `{close[0]}'?" if close else f"see cf/{macro.lower()}/ for the names"


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for s in file.mc.statements:
        known = _KNOWN.get(s.name)
        if known is None or s.bare or not s.args:
            continue
        name = s.value(0).strip()
        if not name or name in known or (s.name == "FEATURE" and name in OBSOLETE_FEATURES):
            continue
        if not _PLAIN.match(name):
            continue  # built by a macro, or mis-quoted (MC001/MC002 report that)
        yield Problem(
            s.args[0].line,
            s.args[0].column,
            f"unknown {s.name} `{name}' (m4 cannot open cf/{s.name.lower()}/{name}.m4)",
            _suggest(name, known, s.name),
        )
