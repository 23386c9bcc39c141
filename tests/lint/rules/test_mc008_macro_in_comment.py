import pytest

from tests.lint.helpers import one

TABLE = [
    ("dnl FEATURE(`promiscuous_relay')\n", []),
    ("# a plain comment\n", []),
    ("# FEATURE(`promiscuous_relay')\n", [(1, 3)]),
    ("divert(-1)\n# the LOCAL_CONFIG section\ndivert(0)\n", [(2, 7)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc008(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC008", text, "mc") == expected
