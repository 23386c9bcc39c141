import pytest

from tests.lint.helpers import one

TABLE = [
    ("define(`SMART_HOST', `relay.example.net')dnl\n", []),
    ("dnl “typographic” quotes in a dnl comment are harmless\n", []),
    ("define(`confSMTP_LOGIN_MSG', `$j \"hello\"')dnl\n", []),
    ("define(\u201cSMART_HOST\u201d, `x')dnl\n", [(1, 8), (1, 19)]),
    ('define("SMART_HOST", `x\')dnl\n', [(1, 8)]),
    ("FEATURE(&#96;mailertable&#39;)dnl\n", [(1, 9), (1, 25)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc002(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC002", text, "mc") == expected


def test_mc002_apostrophe_inside_quoted_text_is_fine() -> None:
    assert one("MC002", "VERSIONID(`J\u00fcrgen\u2019s config')dnl\n", "mc") == []
