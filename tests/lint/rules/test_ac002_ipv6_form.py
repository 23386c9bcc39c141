from pathlib import Path

import pytest

from tests.lint.helpers import folder, one, where

TABLE = [
    ("Connect:IPv6:2001:db8:0:0:0:0:0:1 REJECT\n", []),
    ("Connect:IPv6:2002:c0a8:2c7 RELAY\n", []),
    ("Connect:IPv6:2002:c0a8:02c7 RELAY\n", [(1, 14)]),
    ("Connect:IPv6:2001:db8::1 REJECT\n", [(1, 14)]),
    ("IPv6:2001:0db8::1 REJECT\n", [(1, 6)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_ac002(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("AC002", text, "access") == expected


def test_ac002_hint_gives_sendmail_form() -> None:
    from sendmailcfg.lint import lint_text
    from sendmailcfg.lint.config import LintConfig

    (f,) = lint_text("Connect:IPv6:2001:DB8::1 REJECT\n", "access", config=LintConfig(("AC002",)))
    assert "Connect:IPv6:2001:db8:0:0:0:0:0:1" in f.hint


def test_ac002_compressed_allowed_by_option(tmp_path: Path) -> None:
    mc = "define(`confUSE_COMPRESSED_IPV6_ADDRESSES', `True')dnl\nFEATURE(`access_db')dnl\n"
    text = "Connect:IPv6:2001:db8::1 REJECT\n"
    assert where(folder("AC002", tmp_path, {"sendmail.mc": mc, "access": text})) == []
