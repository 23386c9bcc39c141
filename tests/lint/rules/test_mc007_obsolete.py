import pytest

from tests.lint.helpers import one

TABLE = [
    ("FEATURE(`blocklist_recipients')dnl\nFEATURE(`nouucp', `reject')dnl\n", []),
    ("FEATURE(`blacklist_recipients')dnl\n", [(1, 1)]),
    ("FEATURE(`nouucp')dnl\n", [(1, 1)]),
    ("define(`confAUTO_REBUILD')dnl\n", [(1, 1)]),
    ("define(`confDAEMON_OPTIONS', `Port=25')dnl\n", [(1, 1)]),
    ("dnl define(`confAUTO_REBUILD')dnl\n", []),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc007(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC007", text, "mc") == expected
