import pytest

from tests.lint.helpers import one

TABLE = [
    ("example.com smtp:[mx]\n.example.com smtp:[mx]\n", []),
    (".example.com smtp:[mx]\nEXAMPLE.com smtp:[mx]\n", []),
    (". smtp:[smarthost]\n", []),
    (".example.com smtp:[mx]\n", [(1, 1)]),
    ("example.org smtp:[mx]\n.example.com smtp:[mx]\n", [(2, 1)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mt001(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MT001", text, "mailertable") == expected
