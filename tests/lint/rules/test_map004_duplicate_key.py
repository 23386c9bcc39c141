import pytest

from sendmailcfg.lint import lint_text
from sendmailcfg.lint.config import LintConfig
from tests.lint.helpers import one

TABLE = [
    ("a x\nb y\n", []),
    ("a x\na y\n", [(2, 1)]),
    ("Example.COM x\nexample.com y\nEXAMPLE.com z\n", [(2, 1), (3, 1)]),
    ("a x\n#a y\n", []),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_map004(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MAP004", text, "mailertable") == expected


def test_map004_names_the_first_line() -> None:
    (f,) = lint_text("a x\nb y\nA z\n", "access", config=LintConfig(select=("MAP004",)))
    assert "first at line 1" in f.message
