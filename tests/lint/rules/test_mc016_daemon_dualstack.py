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
