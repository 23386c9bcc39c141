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


def test_mc016_a_later_m_field_replaces_m_o() -> None:
    from sendmailcfg.lint import LintConfig, lint_text

    text = (
        "OSTYPE(`linux')dnl\n"
        "DAEMON_OPTIONS(`Family=inet, address=0.0.0.0, Port=587, Name=MSA, M=E')dnl\n"
        "DAEMON_OPTIONS(`Family=inet6, address=::, Port=587, Name=MSA6, M=O, M=E')dnl\n"
    )
    (f,) = lint_text(text, "mc", config=LintConfig(("MC016",)))
    assert "M=E replaces M=O" in f.message and f.hint == "write M=OE in one field"
    # OpenBSD's IPv6 sockets never take IPv4: no conflict there
    assert lint_text(text.replace("linux", "openbsd"), "mc", config=LintConfig(("MC016",))) == []
