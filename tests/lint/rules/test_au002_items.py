"""AU002: authinfo values sendmail drops or reads short."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendmailcfg.lint import LintConfig, lint_text
from tests import oracle as oracle_mod
from tests.lint.helpers import one
from tests.oracle.relay import authinfo_answer

TABLE = [
    ('AuthInfo:a\t"U:joe" "P:x"\n', []),
    ("AuthInfo:a\tU:joe P:x\n", [(1, 12), (1, 12), (1, 12)]),
    ('AuthInfo:a\t"U:joe"\n', [(1, 12)]),
    ('AuthInfo:a\t"U:joe" "P:x" "Q:y"\n', [(1, 27)]),
    ('AuthInfo:a\t"U:joe" "P=!!"\n', [(1, 23)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_au002(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("AU002", text, "authinfo") == expected


def test_au002_severity_and_no_password_shown() -> None:
    found = lint_text(
        'AuthInfo:a\t"U:joe" "P:topsecret" M:PLAIN\nAuthInfo:b\t"U:x" "P;topsecret"\n',
        "authinfo",
        config=LintConfig(("AU002",)),
    )
    assert [(f.line, f.severity) for f in found] == [(1, "warning"), (2, "error")]
    assert not any("topsecret" in f.message + f.hint for f in found)


@pytest.mark.oracle
def test_au002_sendmail_returns_unquoted_items_as_tokens(
    oracle: oracle_mod.Oracle, oracle_dir: Path
) -> None:
    """The ruleset hands back ``U : joe`` (three tokens): getauth stops at the first one,
    which does not start with a double quote (end to end: tests/test_relay_e2e.py)."""
    out = authinfo_answer(oracle, oracle_dir, "AuthInfo:a.example\tU:joe P:x\n", "a.example")
    assert "returns: $# U : joe P : x" in out
