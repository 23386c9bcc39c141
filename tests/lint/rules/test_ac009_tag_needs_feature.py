from pathlib import Path

import pytest

from tests.lint.helpers import folder, where

ACCESS = "GreetPause:localhost 0\nGreetPause:192.0.2 100\nSpam:example.com FRIEND\n"
TABLE = [
    (
        "FEATURE(`access_db')dnl\nFEATURE(`greet_pause', `5000')dnl\n"
        "FEATURE(`delay_checks', `friend')dnl\n",
        [],
    ),
    (
        "FEATURE(`access_db')dnl\nFEATURE(`delay_checks')dnl\n",
        [("access", 1, 1), ("access", 3, 1)],
    ),
]


@pytest.mark.parametrize(("mc", "expected"), TABLE)
def test_ac009(tmp_path: Path, mc: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(folder("AC009", tmp_path, {"sendmail.mc": mc, "access": ACCESS})) == expected


def test_ac009_needs_an_mc(tmp_path: Path) -> None:
    assert folder("AC009", tmp_path, {"access": ACCESS}) == []
