import pytest

from tests.lint.helpers import one

TABLE = [
    ("define(`SMART_HOST', `relay.example.net')dnl\n", []),
    ("dnl don't worry\n", []),
    ("# it's a comment copied to the cf\n", []),
    ("define('SMART_HOST', 'relay.example.net')dnl\n", [(1, 8)]),
    ("OSTYPE(`linux')dnl\ndefine(`confDOMAIN_NAME', `mail.example.com)dnl\n", [(2, 27)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc001(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC001", text, "mc") == expected


def test_mc001_stray_quote_in_discarded_text() -> None:
    assert one("MC001", "divert(-1)\nthis file's header\ndivert(0)dnl\n", "mc") == []
    assert one("MC001", "divert(0)\nthis file's header\n", "mc") == [(2, 10)]


def test_mc001_unclosed_argument_list_is_an_error() -> None:
    from sendmailcfg.lint import LintConfig, lint_text

    text = "OSTYPE(`linux')dnl\nFEATURE(`mailertable'\nMAILER(`smtp')dnl\n"
    (f,) = lint_text(text, "mc", config=LintConfig(("MC001",)))
    assert (f.line, f.column, f.severity) == (2, 1, "error")
    assert "not closed" in f.message
