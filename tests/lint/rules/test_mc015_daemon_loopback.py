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


def test_mc015_quiet_when_another_daemon_listens_on_the_network() -> None:
    text = (
        "DAEMON_OPTIONS(`Family=inet, address=127.0.0.1, Port=24, Name=NCMSA')dnl\n"
        "DAEMON_OPTIONS(`Family=inet, address=0.0.0.0, Name=MTA')dnl\n"
    )
    assert one("MC015", text, "mc") == []
    assert one("MC015", "DAEMON_OPTIONS(`Family=inet, address=127.0.0.1')dnl\n", "mc") == [(1, 16)]
