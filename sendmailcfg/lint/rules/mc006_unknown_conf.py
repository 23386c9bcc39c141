"""A ``define()`` of a ``conf*`` macro sendmail's cf files never read (a typo).

An unknown ``confFOO`` is silently ignored: m4 defines it and nothing uses
it, so the option keeps its default. Names are checked against every
``conf*`` macro of the sendmail 8.18 cf tree (plus Debian's
``confREJECT_NUL``), with a did-you-mean. Other upper-case names that are a
near miss of a known macro (``SMARTHOST`` for ``SMART_HOST``) are reported too.

Bad::

    define(`confMAX_MESAGE_SIZE', `10000000')dnl
    define(`SMARTHOST', `[relay.example.net]')dnl

Good::

    define(`confMAX_MESSAGE_SIZE', `10000000')dnl
    define(`SMART_HOST', `[relay.example.net]')dnl
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.facts import CONF_MACROS, OBSOLETE_MACROS, OTHER_MACROS

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

ID = "MC006"
NAME = "mc-unknown-conf"
SEVERITY = "warning"
KINDS = ("mc",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for d in file.mc.define_statements:
        name = d.name
        if d.value is None or not name or name in CONF_MACROS or name in OBSOLETE_MACROS:
            continue
        if not _NAME.match(name):
            continue  # mis-quoted (`'ALIAS_FILE'`): MC001/MC002 report that, once
        call = d.call
        line, column = (
            (call.args[0].line, call.args[0].column) if call.args else (call.line, call.column)
        )
        if name.startswith("conf"):
            import difflib

            close = difflib.get_close_matches(name, sorted(CONF_MACROS), n=1, cutoff=0.75)
            yield Problem(
                line,
                column,
                f"unknown macro {name}: no sendmail option reads it (ignored)",
                f"did you mean {close[0]}?" if close else "see cf/README, TWEAKING CONFIGURATION",
            )
        elif name.isupper() and name not in OTHER_MACROS and not name.startswith("_"):
            import difflib

            close = difflib.get_close_matches(name, sorted(OTHER_MACROS), n=1, cutoff=0.85)
            if close:
                yield Problem(
                    line,
                    column,
                    f"{name} is not a sendmail macro (ignored)",
                    f"did you mean {close[0]}?",
                )
