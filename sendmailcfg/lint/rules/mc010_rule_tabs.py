"""A rewriting rule (``R`` line) without a TAB between its left and right side.

In LOCAL_RULE_n, LOCAL_RULESETS and the other rule sections, the left-hand
side, right-hand side and comment of an ``R`` line are separated by TABs;
spaces are part of the pattern. A rule written with spaces only makes
sendmail log ``invalid rewrite line ... (tab expected)`` and skip it. A line
that starts with a blank continues the line before it (as in sendmail.cf).

Bad (spaces)::

    LOCAL_RULE_0
    R$* < @ example.com . > $*    $#esmtp $@ [mx.example.net] $: $1 < @ example.com . > $2

Good (TAB before ``$#``)::

    LOCAL_RULE_0
    R$* < @ example.com . > $*	$#esmtp $@ [mx.example.net] $: $1 < @ example.com . > $2
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC010"
NAME = "mc-rule-tabs"
SEVERITY = "error"
KINDS = ("mc",)

_R_LINE = re.compile(r"^R[^\n]*(?:\n[ \t][^\n]*)*", re.M)
"""An R line with its continuation lines (lines that start with a blank continue it)."""
_RULE_SECTIONS = frozenset(
    {
        "LOCAL_RULE_0",
        "LOCAL_RULE_1",
        "LOCAL_RULE_2",
        "LOCAL_RULE_3",
        "LOCAL_RULESETS",
        "LOCAL_NET_CONFIG",
        "LOCAL_UUCP",
        "LOCAL_DNSBL",
        "LOCAL_SRV_FEATURES",
        "LOCAL_CLT_FEATURES",
        "LOCAL_TRY_TLS",
        "LOCAL_TLS_RCPT",
        "LOCAL_TLS_CLIENT",
        "LOCAL_TLS_SERVER",
    }
)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    text = file.mc.text
    for section in file.mc.sections:
        if section.name not in _RULE_SECTIONS:
            continue
        for m in _R_LINE.finditer(text, section.body_start, section.body_end):
            line_text = m.group().replace("\r", "")
            body = line_text.split("dnl", 1)[0] if " dnl" in line_text else line_text
            if "\t" in body or len(body.strip()) <= 1:
                continue
            line = text.count("\n", 0, m.start()) + 1
            gap = re.search(r" {2,}|\s(?=\$[#@:>])", body)
            column = gap.start() + 1 if gap else 1
            yield Problem(
                line,
                column,
                "rule without a TAB between left and right side (sendmail: tab expected)",
                "separate LHS, RHS and comment with TAB characters",
            )
