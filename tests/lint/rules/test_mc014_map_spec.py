import pytest

from sendmailcfg.lint import LintConfig, lint_text
from tests.lint.helpers import one

TABLE = [
    ("FEATURE(`mailertable')dnl\nFEATURE(`access_db')dnl\n", []),
    ("FEATURE(`access_db', `hash -T<TMPF> /etc/mail/access')dnl\n", []),
    ("FEATURE(`access_db', `LDAP')dnl\nFEATURE(`mailertable', `ldap -1 -v x')dnl\n", []),
    ("FEATURE(`mailertable', `hash /etc/mail/mailertable.db')dnl\n", []),  # opens the same file
    ("FEATURE(`access_db', `hash /etc/mail/access')dnl\n", [(1, 22)]),
    ("FEATURE(`virtusertable', `dbm /etc/mail/virtusertable')dnl\n", [(1, 26)]),
    ("FEATURE(`mailertable', `hash -o /etc/mail/mailertable')dnl\n", [(1, 24)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc014(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC014", text, "mc") == expected


def test_mc014_optional_map_is_info() -> None:
    text = "FEATURE(`mailertable', `hash -o /etc/mail/mailertable')dnl\n"
    (f,) = lint_text(text, "mc", config=LintConfig(("MC014",)))
    assert f.severity == "info"
    assert "/etc/mail/mailertable.db " in f.message


def test_mc014_stock_rhel_spelling_is_info_only() -> None:
    """RHEL/Slackware: ``hash -o /etc/mail/mailertable.db``; sendmail opens mailertable.db."""
    text = "FEATURE(`mailertable', `hash -o /etc/mail/mailertable.db')dnl\n"
    (f,) = lint_text(text, "mc", config=LintConfig(("MC014",)))
    assert f.severity == "info"
    assert "/etc/mail/mailertable.db is silently ignored" in f.message
    assert ".db.db" not in f.message
