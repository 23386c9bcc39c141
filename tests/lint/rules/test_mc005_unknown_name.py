import pytest

from sendmailcfg.lint import lint_text
from sendmailcfg.lint.config import LintConfig
from tests.lint.helpers import one

TABLE = [
    ("OSTYPE(`linux')dnl\nFEATURE(`mailertable')dnl\nMAILER(`smtp')dnl\n", []),
    ("OSTYPE(debian)dnl\nFEATURE(`drac')dnl\nMAILER(local)dnl\n", []),
    ("FEATURE(`blacklist_recipients')dnl\n", []),  # obsolete: MC007's job
    ("FEATURE(`mailer_table')dnl\n", [(1, 9)]),
    ("MAILER(`esmtp')dnl\n", [(1, 8)]),
    ("OSTYPE(`Linux')dnl\n", [(1, 8)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc005(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC005", text, "mc") == expected


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("FEATURE(`mailer_table')dnl\n", "did you mean `mailertable'?"),
        ("MAILER(`esmtp')dnl\n", "the esmtp mailer is defined by MAILER(`smtp')"),
        ("OSTYPE(`Linux')dnl\n", "did you mean `linux'? (names are case-sensitive)"),
    ],
)
def test_mc005_hints(text: str, hint: str) -> None:
    (f,) = lint_text(text, "mc", config=LintConfig(("MC005",)))
    assert f.hint == hint
