import pytest

from sendmailcfg.lint import LintConfig, lint_text
from tests.lint.helpers import one

TABLE = [
    ("To:example.com RELAY\nConnect:192.0.2 RELAY\nConnect:127 RELAY\n", []),
    ("Connect:IPv6:2001:db8:20 RELAY\nFrom:user@ RELAY\nConnect:[192.0.2.1] RELAY\n", [(2, 1)]),
    ("Connect:localhost RELAY\n", []),  # RHEL's access: loopback only (RFC 6761)
    ("localhost RELAY\n", []),
    ("Connect:localhost.localdomain RELAY\n", []),
    ("Connect:mail.localhost RELAY\n", []),
    ("Connect:lan RELAY\n", [(1, 9)]),  # a one-label name: every host called *.lan
    ("To:com RELAY\n", [(1, 4)]),
    ("com RELAY\n", [(1, 1)]),
    ("Connect:10 RELAY\n", [(1, 9)]),
    ("From:example.com RELAY\n", [(1, 1)]),
    ("To:com REJECT\n", []),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_ac008(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("AC008", text, "access") == expected


def test_ac008_severities() -> None:
    text = "To:com RELAY\nConnect:10 RELAY\nFrom:x.example RELAY\n"
    found = lint_text(text, "access", config=LintConfig(("AC008",)))
    assert [f.severity for f in found] == ["error", "warning", "warning"]
