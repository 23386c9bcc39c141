import pytest

from tests.lint.helpers import one

TABLE = [
    ("V10/Berkeley\nS0\nR$*\t$@ $1\n", []),
    ("Z junk\n", [(1, 1)]),
    ("S0\nR$* x\n", [(2, 6)]),
    ("Dx a\n\tb\nD{abc\n", [(3, 6)]),
    ("# fine\n\nK\n", [(3, 2)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_cf001(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("CF001", text, "cf") == expected
