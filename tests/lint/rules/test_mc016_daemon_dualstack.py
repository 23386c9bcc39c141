import pytest

from tests.lint.helpers import one

V4 = "DAEMON_OPTIONS(`Name=IPv4, Family=inet')dnl\n"
TABLE = [
    (V4 + "DAEMON_OPTIONS(`Name=IPv6, Family=inet6, Modifiers=O')dnl\n", []),
    (V4 + "DAEMON_OPTIONS(`Name=IPv6, Family=inet6, Port=587')dnl\n", []),
    (V4 + "DAEMON_OPTIONS(`Name=IPv6, Family=inet6, Addr=::1')dnl\n", []),
    ("DAEMON_OPTIONS(`Name=IPv6, Family=inet6')dnl\n", []),
    (V4 + "DAEMON_OPTIONS(`Name=IPv6, Family=inet6')dnl\n", [(2, 16)]),
    (V4 + "DAEMON_OPTIONS(`Port=25, Name=IPv6, Family=inet6')dnl\n", [(2, 16)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc016(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC016", text, "mc") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # sendmail reads the first letter of each key: M=O is Modifiers=O (OpenBSD's spelling)
        (
            "DAEMON_OPTIONS(`Family=inet, address=0.0.0.0, Name=MTA')dnl\n"
            "DAEMON_OPTIONS(`Family=inet6, address=::, Name=MTA6, M=O')dnl\n",
            [],
        ),
        (
            "DAEMON_OPTIONS(`Family=inet, address=0.0.0.0, Name=MTA')dnl\n"
            "DAEMON_OPTIONS(`Family=inet6, address=::, Name=MTA6')dnl\n",
            [(2, 16)],
        ),
    ],
)
def test_mc016_abbreviated_keys(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC016", text, "mc") == expected
