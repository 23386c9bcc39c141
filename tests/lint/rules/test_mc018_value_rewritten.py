"""MC018: values m4 does not give back as written ($1 replaced, endless expansion)."""

import pytest

from sendmailcfg.lint import LintConfig, lint_text
from tests.lint.helpers import one

TABLE = [
    ("define(`SMART_HOST', `relay$1.example')dnl\n", [(1, 1)]),
    ("define(`SMART_HOST', ``relay$'`1.example'')dnl\n", []),
    ("define(`confSMTP_LOGIN_MSG', `$j Sendmail $v/$Z; $b')dnl\n", []),
    ("define(`MAIL_HUB', `hub.MAIL_HUB.example')dnl\n", [(1, 1)]),
    ("define(`MAIL_HUB', ``hub.MAIL_HUB.example'')dnl\n", []),
    ("define(`X', `$0')dnl\n", [(1, 1)]),
    ("define(`X', `a$0')dnl\n", [(1, 1)]),  # a warning: "aX" is one word, no loop
    ("define(`A', `B')dnl\ndefine(`B', `A')dnl\n", [(1, 1), (2, 1)]),
    ("define(`A', `B')dnl\ndefine(`B', `c')dnl\n", []),
    ("dnl define(`A', `$1')\n", []),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc018(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC018", text, "mc") == expected


def test_mc018_severity_and_message() -> None:
    text = "define(`SMART_HOST', `relay$1.example')dnl\ndefine(`M', `x.M')dnl\n"
    found = lint_text(text, "mc", config=LintConfig(("MC018",)))
    assert [(f.line, f.severity) for f in found] == [(1, "warning"), (2, "error")]
    assert "the .cf gets 'relay.example', not 'relay$1.example'" in found[0].message
    assert "forever" in found[1].message
