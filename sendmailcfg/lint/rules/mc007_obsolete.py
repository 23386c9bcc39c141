"""An obsolete or renamed FEATURE or macro.

* ``FEATURE(`blacklist_recipients')`` — renamed ``blocklist_recipients``;
  ``notsticky`` (a no-op); ``tls_failures`` (removed: an m4 ERROR);
  ``nodns`` (deleted in 8.13.6);
* ``FEATURE(`nouucp')`` and ``FEATURE(`nopercenthack')`` without their
  required ``reject``/``nospecial`` argument (m4 error since 8.10);
* ``confAUTO_REBUILD`` (ignored), ``confDAEMON_OPTIONS``/``confCLIENT_OPTIONS``
  (use the ``DAEMON_OPTIONS()``/``CLIENT_OPTIONS()`` macros),
  ``confDEF_GROUP_ID``, ``confREAD_TIMEOUT``, ``confMESSAGE_TIMEOUT``,
  ``UUCP_MAX_SIZE``, ``PROCMAIL_PATH``.

Bad::

    FEATURE(`blacklist_recipients')dnl
    define(`confAUTO_REBUILD')dnl
    FEATURE(`nouucp')dnl

Good::

    FEATURE(`blocklist_recipients')dnl
    FEATURE(`nouucp', `reject')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Fix, Problem
from sendmailcfg.mc.facts import OBSOLETE_FEATURES, OBSOLETE_MACROS

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC007"
NAME = "mc-obsolete"
SEVERITY = "warning"
KINDS = ("mc",)
FIX = "safe"
"""``blacklist_recipients`` -> ``blocklist_recipients``: the old file only includes the new
one, so m4 writes the same .cf (tests/lint/test_fix.py renders both)."""

RENAMED = {"blacklist_recipients": "blocklist_recipients"}


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    doc = file.mc
    for f in doc.features:
        c = f.call
        if f.name in OBSOLETE_FEATURES:
            fix = None
            if f.name in RENAMED and c.args:
                arg = c.args[0]
                at = arg.raw.find(f.name)
                if at >= 0:
                    start = arg.start + at
                    fix = Fix(start, start + len(f.name), RENAMED[f.name])
            yield Problem(
                c.line,
                c.column,
                f"FEATURE(`{f.name}') is obsolete",
                OBSOLETE_FEATURES[f.name],
                fix=fix,
            )
        elif f.name in ("nouucp", "nopercenthack") and not (f.args and f.args[0].strip()):
            yield Problem(
                c.line,
                c.column,
                f"FEATURE(`{f.name}') needs an argument since 8.10 (m4 prints an ERROR)",
                f"write FEATURE(`{f.name}', `reject') or `nospecial'",
            )
    for d in doc.define_statements:
        if d.value is not None and d.name in OBSOLETE_MACROS:
            yield Problem(
                d.call.line, d.call.column, f"{d.name} is obsolete", OBSOLETE_MACROS[d.name]
            )
