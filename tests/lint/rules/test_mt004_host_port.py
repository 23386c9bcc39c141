import pytest

from tests.lint.helpers import one

TABLE = [
    ("a.example esmtp:[relay.example]\n", []),
    ("a.example esmtp:mx1.example:mx2.example\n", []),
    ("a.example error:5.1.1:550 x\n", []),
    ("a.example esmtp:[relay.example]:2525\n", [(1, 32)]),
    ("a.example smtp:relay.example:25\n", [(1, 29)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mt004(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MT004", text, "mailertable") == expected
