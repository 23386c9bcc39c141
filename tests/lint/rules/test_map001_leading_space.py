import pytest

from tests.lint.helpers import one

TABLE = [
    ("a b\n", []),
    ("#c\n\na b\n", []),
    (" a b\n", [(1, 1)]),
    ("a b\n\tc d\n", [(2, 1)]),
    ("a b\n   \n", [(2, 1)]),
    ("  # indented comment\n", [(1, 1)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_map001(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MAP001", text, "mailertable") == expected
    assert one("MAP001", text, "access") == expected
