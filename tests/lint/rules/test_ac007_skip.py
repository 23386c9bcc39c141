from pathlib import Path

import pytest

from tests.lint.helpers import folder, where

ACCESS = "Connect:192.0.2.7 SKIP\nConnect:192.0.2 REJECT\n"
TABLE = [
    ("FEATURE(`access_db', , `skip')dnl\n", ACCESS, []),
    ("FEATURE(`access_db', `hash -T<TMPF> /etc/mail/access', `skip')dnl\n", ACCESS, []),
    ("FEATURE(`access_db')dnl\n", "Connect:192.0.2 REJECT\n", []),
    ("FEATURE(`access_db')dnl\n", ACCESS, [("access", 1, 19)]),
    ("FEATURE(`access_db')dnl\n", "From:x.test skip\n", [("access", 1, 13)]),
]


@pytest.mark.parametrize(("mc", "access", "expected"), TABLE)
def test_ac007(tmp_path: Path, mc: str, access: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(folder("AC007", tmp_path, {"sendmail.mc": mc, "access": access})) == expected
