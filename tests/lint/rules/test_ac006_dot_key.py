from pathlib import Path

import pytest

from tests.lint.helpers import folder, where

TABLE = [
    ("FEATURE(`access_db')dnl\n", "To:example.com RELAY\n", []),
    ("FEATURE(`access_db')dnl\nFEATURE(`lookupdotdomain')dnl\n", "To:.example.com RELAY\n", []),
    ("FEATURE(`access_db', , `lookupdotdomain')dnl\n", "To:.example.com RELAY\n", []),
    ("FEATURE(`access_db')dnl\n", "To:.example.com RELAY\n", [("access", 1, 4)]),
    ("FEATURE(`access_db')dnl\n", ".example.com RELAY\n", [("access", 1, 1)]),
]


@pytest.mark.parametrize(("mc", "access", "expected"), TABLE)
def test_ac006(tmp_path: Path, mc: str, access: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(folder("AC006", tmp_path, {"sendmail.mc": mc, "access": access})) == expected


def test_ac006_needs_an_mc(tmp_path: Path) -> None:
    assert folder("AC006", tmp_path, {"access": "To:.example.com RELAY\n"}) == []
