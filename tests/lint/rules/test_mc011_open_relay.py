import pytest

from sendmailcfg.lint import lint_text
from sendmailcfg.lint.config import LintConfig
from tests.lint.helpers import one

TABLE = [
    ("FEATURE(`access_db')dnl\nRELAY_DOMAIN(`example.com')dnl\n", []),
    ("FEATURE(`promiscuous_relay')dnl\n", [(1, 1)]),
    ("FEATURE(`relay_based_on_MX')dnl\n", [(1, 1)]),
    ("RELAY_DOMAIN(`example.com com')dnl\n", [(1, 1)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc011(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC011", text, "mc") == expected


def test_mc011_severities() -> None:
    text = "FEATURE(`promiscuous_relay')dnl\nFEATURE(`relay_local_from')dnl\n"
    got = [f.severity for f in lint_text(text, "mc", config=LintConfig(("MC011",)))]
    assert got == ["error", "warning"]


def test_mc011_a_submission_config_takes_local_mail_only() -> None:
    msp = "FEATURE(`accept_unresolvable_domains')dnl\nFEATURE(`msp', `[127.0.0.1]')dnl\n"
    assert one("MC011", msp, "mc") == []
    assert one("MC011", msp.replace("accept_unresolvable_domains", "promiscuous_relay"), "mc") == [
        (1, 1)
    ]
