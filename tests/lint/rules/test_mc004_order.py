import pytest

from tests.lint.helpers import one

OS = "OSTYPE(`linux')dnl\n"
TABLE = [
    (OS + "FEATURE(`access_db')dnl\nFEATURE(`lookupdotdomain')dnl\nMAILER(`smtp')dnl\n", []),
    (OS + "MAILER(`local')dnl\nMAILER(`smtp')dnl\nMAILER(`uucp')dnl\n", []),
    ("FEATURE(`mailertable')dnl\nMAILER(`smtp')dnl\n", [(1, 1)]),
    ("define(`__OSTYPE__',`')dnl\nFEATURE(`msp', `[127.0.0.1]')dnl\n", []),
    (OS + OS, [(2, 1)]),
    ("MAILER(`smtp')dnl\n" + OS, [(2, 1)]),
    (OS + "MAILER(`smtp')dnl\nMAILER(`smtp')dnl\n", [(3, 1)]),
    (OS + "MAILER(`uucp')dnl\nMAILER(`smtp')dnl\n", [(2, 1)]),
    (OS + "MAILER(`cyrus')dnl\nMAILER(`local')dnl\n", [(2, 1)]),
    (OS + "FEATURE(`lookupdotdomain')dnl\nFEATURE(`access_db')dnl\n", [(2, 1)]),
    (OS + "FEATURE(`greet_pause')dnl\n", [(2, 1)]),
    (OS + "FEATURE(`greet_pause', `5000')dnl\n", []),
    (OS + "FEATURE(`access_db')dnl\nFEATURE(`ratecontrol', `nodelay')dnl\n", [(3, 1)]),
    (OS + "FEATURE(`mailertable')dnl\ndefine(`DATABASE_MAP_TYPE', `btree')dnl\n", [(3, 1)]),
    (OS + "define(`DATABASE_MAP_TYPE', `btree')dnl\nFEATURE(`mailertable')dnl\n", []),
    (
        OS + "INPUT_MAIL_FILTER(`f', `S=local:/run/f.sock')dnl\n"
        "define(`confINPUT_MAIL_FILTERS', `g')dnl\n",
        [(3, 1)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc004(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC004", text, "mc") == expected
