import pytest

from tests.lint.helpers import one

TABLE = [
    ("LOCAL_CONFIG\nCwlocalhost.localdomain\nKfoo hash /etc/mail/foo\n", []),
    ("LOCAL_DOMAIN(`localhost.localdomain')dnl\n", []),
    ("MAILER(`smtp')dnl\nCwlocalhost.localdomain\n", [(2, 1)]),
    ("MAILER(`smtp')dnl\nCw localhost\n", [(2, 1)]),
    ("O QueueLA=8\n", [(1, 1)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc009(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC009", text, "mc") == expected
