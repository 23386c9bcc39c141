import pytest

from tests.lint.helpers import one

TABLE = [
    ("DAEMON_OPTIONS(`Port=smtp, Name=MTA')dnl\n", []),
    ("DAEMON_OPTIONS(`Port=smtp, Addr=192.0.2.1, Name=MTA')dnl\n", []),
    ("DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl\n", [(1, 16)]),
    ("DAEMON_OPTIONS(`Family=inet6, Addr=::1, Name=MTA6')dnl\n", [(1, 16)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc015(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC015", text, "mc") == expected
