import pytest

from tests.lint.helpers import one

TABLE = [
    ("a b\n", []),
    ("key\n", [(1, 4)]),
    ("a b\nkey   \n", [(2, 4)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_map002(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MAP002", text, "virtusertable") == expected
