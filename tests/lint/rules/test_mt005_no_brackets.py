import pytest

from tests.lint.helpers import one

TABLE = [
    ("a.example esmtp:[relay.example]\n", []),
    ("a.example esmtp:192.0.2.1\n", []),
    ("a.example local:bob\nb.example error:5.1.1:550 x\n", []),
    ("a.example smtp:mx1.example:mx2.example\n", []),
    ("a.example esmtp:relay.example\n", [(1, 17)]),
    ("a.example relay:hub\n", [(1, 17)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mt005(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MT005", text, "mailertable") == expected
