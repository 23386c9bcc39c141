import pytest

from tests.lint.helpers import one

TABLE = [
    ("include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n", []),
    ("include(`/etc/mail/m4/dialup.m4')dnl\n", []),
    ("divert(-1)\nundivert(1)\n", []),
    ("esyscmd(`id')dnl\n", [(1, 1)]),
    ("define(`X', syscmd(`id'))dnl\n", [(1, 13)]),
    ("include(`/home/user/extra.m4')dnl\n", [(1, 1)]),
    ("changequote([,])dnl\n", [(1, 1)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc013(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC013", text, "mc") == expected
