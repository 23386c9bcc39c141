"""A raw sendmail.cf line (``Cw...``, ``O ...``, ``K...``, ``R...``) outside the LOCAL_ sections.

Text that is not a macro is copied to the .cf wherever m4's output goes at
that point: in the header (``divert(0)``) a ``Cwlocalhost`` lands before the
definitions it needs, and inside ``divert(-1)`` it is thrown away. Raw cf
lines belong under ``LOCAL_CONFIG`` (K, C, F, D, O, H lines) or
``LOCAL_RULE_n``/``LOCAL_RULESETS`` (R and S lines) — or better, use the
macro that produces them (``LOCAL_DOMAIN()``, ``define()``).

Bad::

    MAILER(`smtp')dnl
    Cwlocalhost.localdomain

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
    doc = file.doc
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
        if raw.diversion < 0:
            message = f"raw cf line {shown!r} inside divert(-1) is discarded"
        else:
            message = f"raw cf line {shown!r} outside LOCAL_CONFIG/LOCAL_RULE_*"
        hint = "put it under LOCAL_CONFIG (or LOCAL_RULESETS for rules)"
        if text.startswith(("Cw", "C{w}")):
            hint = "use LOCAL_DOMAIN(`...') instead"
        elif text.startswith("O "):
            hint = "use define(`conf...') instead"
        yield Problem(raw.line, 1, message, hint)
