"""AU006: a password entry for a provider that has been switching password SMTP off (info)."""

from __future__ import annotations

import pytest

from sendmailcfg.lint import LintConfig, lint_text
from tests.lint.helpers import one

TABLE = [
    ('AuthInfo:smtp.office365.com\t"U:a" "P:b"\n', [(1, 10)]),
    ('AuthInfo:smtp.gmail.com\t"U:a" "P:b"\n', [(1, 10)]),
    ('AuthInfo:smtp.example.net\t"U:a" "P:b"\n', []),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_au006(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("AU006", text, "authinfo") == expected


def test_au006_is_info_and_dated() -> None:
    [f] = lint_text(TABLE[0][0], "authinfo", config=LintConfig(("AU006",)))
    assert f.severity == "info" and "2026" in f.message
