"""A FEATURE map spec that hides or breaks its map.

* warning: a spec for ``FEATURE(`access_db')`` without ``-T<TMPF>`` (m4 warns
  and inserts it: temporary lookup failures then answer 451, as intended —
  write it yourself so the .mc says what the .cf does);
* warning: a map class the local makemap cannot build (``dbm``, ``cdb``:
  Debian's sendmail 8.17 ``makemap -l`` lists only ``hash``, ``btree`` and
  ``implicit``);
* info: ``-o`` (optional): a missing or unbuilt database is then silently
  ignored instead of reported, so mail is routed as if the map were empty.
  The text names the file sendmail really opens.

A ``.db`` suffix on a hash/btree path (``hash -o /etc/mail/mailertable.db``,
the stock RHEL and Slackware spelling) is fine: sendmail and makemap add
``.db`` only when the name lacks it, so both spellings open the same file.

Bad::

    FEATURE(`access_db', `hash /etc/mail/access')dnl
    FEATURE(`virtusertable', `dbm /etc/mail/virtusertable')dnl

Good::

    FEATURE(`access_db', `hash -T<TMPF> /etc/mail/access')dnl
    FEATURE(`mailertable', `hash /etc/mail/mailertable.db')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._mcfacts import facts
from sendmailcfg.lint.engine import Fix, Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC014"
NAME = "mc-map-spec"
SEVERITY = "warning"
KINDS = ("mc",)
FIX = "safe"
"""Adding ``-T<TMPF>`` writes what m4 inserts itself: the .cf gets the same map spec (m4's
own insertion leaves a doubled blank, which sendmail skips; tests/lint/test_fix.py)."""

_UNBUILDABLE = ("dbm", "cdb")


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    mc = facts(file)
    for call in mc.features():
        if call.implied_by is not None or not call.arg(1):
            continue  # the cf package's own default spec
        spec = mc.table_map(call)
        if spec is None or spec.path is None:
            continue
        line, column = call.where(1)
        words = spec.spec.split()
        if spec.map_class in _UNBUILDABLE:
            yield Problem(
                line,
                column,
                f"map class {spec.map_class} is not built by Debian's sendmail 8.17 makemap "
                "(hash, btree, implicit)",
                "use hash",
            )
        if call.first == "access_db" and "<TMPF>" not in spec.spec and "&" not in spec.spec:
            yield Problem(
                line,
                column,
                "access_db map spec without -T<TMPF> (m4 warns and inserts it)",
                f"write `{words[0]} -T<TMPF> {' '.join(words[1:])}'",
                fix=_tmpf_fix(file, call.line, call.column, words[0]),
            )
        if spec.optional:
            yield Problem(
                line,
                column,
                f"-o: a missing or unbuilt {spec.database} is silently ignored",
                "drop -o so sendmail reports a missing map",
                severity="info",
            )


def _tmpf_fix(file: LintFile, line: int, column: int, first: str) -> Fix | None:
    """Insert `` -T<TMPF>`` at the first blank of the spec, exactly where m4 does."""
    for s in file.mc.statements:
        if (s.line, s.column) == (line, column) and len(s.args) > 1:
            arg = s.args[1]
            raw = arg.raw
            at = raw.find(first)
            end = at + len(first)
            if at < 0 or raw[end : end + 1] != " " or raw[:at].strip(" \t\n`"):
                return None
            start = arg.start + end
            return Fix(start, start, " -T<TMPF>")
    return None
