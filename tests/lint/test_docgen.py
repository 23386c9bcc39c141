"""docs/lint-rules.md is generated from the rule docstrings; their examples are checked too."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from sendmailcfg.lint import LintConfig, lint_text
from sendmailcfg.lint.docgen import render
from sendmailcfg.lint.rules import Rule, load_rules

PAGE = Path(__file__).resolve().parents[2] / "docs" / "lint-rules.md"


def test_committed_page_is_up_to_date() -> None:
    assert PAGE.read_text(encoding="utf-8") == render(), (
        "docs/lint-rules.md is stale: run python -m sendmailcfg.lint.docgen > docs/lint-rules.md"
    )


def test_module_entry_point() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "sendmailcfg.lint.docgen"],
        capture_output=True,
        text=True,
        check=True,
        cwd=PAGE.parents[1],
    ).stdout
    assert out == render()


def _examples(rule: Rule) -> list[tuple[str, str]]:
    """``(Bad|Good, text)`` for each literal block of the docstring."""
    out = []
    for m in re.finditer(r"^(Bad|Good)[^\n]*::\n\n((?:    [^\n]*\n|\n)+)", rule.doc + "\n", re.M):
        block = "\n".join(line[4:] for line in m.group(2).rstrip("\n").splitlines()) + "\n"
        out.append((m.group(1), block))
    return out


NEEDS_A_FOLDER = {"MT003", "AC006", "AC007", "AC009"}
KIND = {"map": "mailertable", "virtusertable": "virtusertable"}
CASES = [
    (r, label, text)
    for r in load_rules()
    if r.scope == "file" and r.id not in NEEDS_A_FOLDER
    for label, text in _examples(r)
]


@pytest.mark.parametrize(
    ("rule", "label", "text"),
    CASES,
    ids=[f"{r.id}-{label}-{i}" for i, (r, label, _) in enumerate(CASES)],
)
def test_docstring_examples(rule: Rule, label: str, text: str) -> None:
    kind = KIND.get(rule.kinds[0], rule.kinds[0])
    found = lint_text(text, kind, config=LintConfig((rule.id,)))
    if label == "Bad":
        assert found, f"{rule.id}: the Bad example finds nothing"
    else:
        assert found == [], f"{rule.id}: the Good example finds {found}"


def test_most_rules_have_examples() -> None:
    with_examples = {r.id for r, _, _ in CASES}
    assert len(with_examples) >= 20
