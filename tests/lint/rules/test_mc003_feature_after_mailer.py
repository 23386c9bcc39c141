import pytest

from tests.lint.helpers import one

TABLE = [
    ("FEATURE(`mailertable')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n", []),
    ("MAILER(`local')dnl\nMAILER(`smtp')dnl\nFEATURE(`mailertable')dnl\n", [(3, 1)]),
    ("MAILER(`smtp')dnl\ndnl FEATURE(`mailertable')dnl\n", []),
    ("MAILER(`smtp')dnl\n# FEATURE(`x') runs anyway\n", [(2, 3)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc003(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC003", text, "mc") == expected
