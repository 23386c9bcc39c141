import pytest

from tests.lint.helpers import one

TABLE = [
    ("k " + "v" * 1020 + "\n", []),
    ("k " + "v" * 1021 + "\n", [(1, 1023)]),
    ("a b\nk\x00 v\n", [(2, 2)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_map003(text: str, expected: list[tuple[int, int]]) -> None:
    assert [line for line, _ in one("MAP003", text, "access")] == [e[0] for e in expected]
