"""A raw sendmail.cf line (``Cw...``, ``O ...``, ``K...``, ``R...``) outside the LOCAL_ sections.

Text that is not a macro is copied to the .cf wherever m4's output goes at
that point:

* warning: inside ``divert(-1)`` it is thrown away;
* warning: an ``R`` line in the header (``divert(0)``, e.g. after the MAILER
  lines) lands before any ruleset: sendmail reports ``missing valid ruleset``
  and drops it; an ``S`` line there starts a ruleset in the wrong place;
* info: other lines (``Cw``, ``D``, ``K``, ``O``...) work in the header
  (sendmail reads them), but the .cf's own lines after them win, and they
  belong under ``LOCAL_CONFIG`` — or better, the macro that produces them
  (``LOCAL_DOMAIN()``, ``define()``).

Bad::

    MAILER(`smtp')dnl
    R$* < @ foo >	$#local $: $1

Good::

    LOCAL_DOMAIN(`localhost.localdomain')dnl
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

import attrs

from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.facts import diversion_at

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC009"
NAME = "mc-raw-cf-line"
SEVERITY = "warning"
KINDS = ("mc",)


_CW_GLUED = re.compile(
    r"^C\{?w\}?(?:localhost|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)\.?[ \t\r]*$", re.M
)
"""``Cwhost.example`` written without a space (the model only takes ``Cw host``)."""


@attrs.frozen
class _Raw:
    line: int
    text: str
    diversion: int


def _raw_lines(file: LintFile) -> list[_Raw]:
    doc = file.mc
    found = [_Raw(r.line, r.text, r.diversion) for r in doc.raw_cf_lines]
    lines = {r.line for r in found}
    text = doc.text
    if "Cw" in text or "C{w}" in text:
        sections = [(s.body_start, s.body_end) for s in doc.sections]
        for m in _CW_GLUED.finditer(text):
            if any(a <= m.start() < b for a, b in sections):
                continue
            line = text.count("\n", 0, m.start()) + 1
            if line not in lines:
                found.append(_Raw(line, m.group().rstrip(), diversion_at(doc, m.start())))
    return sorted(found, key=lambda r: r.line)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for raw in _raw_lines(file):
        text = raw.text.strip()
        shown = text if len(text) <= 40 else text[:37] + "..."
        severity: str | None = None
        if raw.diversion < 0:
            message = f"raw cf line {shown!r} inside divert(-1) is discarded"
        elif text.startswith(("R", "S")):
            message = (
                f"raw cf line {shown!r} lands in the .cf header, before any ruleset "
                "(sendmail: missing valid ruleset)"
            )
        else:
            message = (
                f"raw cf line {shown!r} outside LOCAL_CONFIG/LOCAL_RULE_* lands in the .cf "
                "header (it works there, but later lines of the .cf win)"
            )
            severity = "info"
        hint = "put it under LOCAL_CONFIG (or LOCAL_RULESETS for rules)"
        if text.startswith(("Cw", "C{w}")):
            hint = "use LOCAL_DOMAIN(`...') instead"
        elif text.startswith("O "):
            hint = "use define(`conf...') instead"
        yield Problem(raw.line, 1, message, hint, severity=severity)
