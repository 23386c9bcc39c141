import pytest

from sendmailcfg.lint import lint_text
from sendmailcfg.lint.config import LintConfig
from tests.lint.helpers import one

TABLE = [
    ("define(`confMAX_MESSAGE_SIZE', `1000')dnl\ndefine(`SMART_HOST', `[x]')dnl\n", []),
    ("define(`MY_OWN_HELPER', `x')dnl\ndefine(`_FFR_X', 1)dnl\n", []),
    ("define(`confAUTO_REBUILD')dnl\n", []),  # obsolete: MC007's job
    ("define(`confMAX_MESAGE_SIZE', `1000')dnl\n", [(1, 8)]),
    ("define(`SMARTHOST', `[x]')dnl\n", [(1, 8)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc006(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC006", text, "mc") == expected


def test_mc006_did_you_mean() -> None:
    (f,) = lint_text("define(`confMAX_MESAGE_SIZE', `1')dnl\n", "mc", config=LintConfig(("MC006",)))
    assert f.hint == "did you mean confMAX_MESSAGE_SIZE?"
