from pathlib import Path

import pytest

from tests.lint.helpers import folder, where

MC = "OSTYPE(`linux')dnl\nFEATURE(`mailertable')dnl\nMAILER(`local')dnl\n"
TABLE = [
    (MC + "MAILER(`smtp')dnl\n", "a.example esmtp:[mx]\nb.example relay:[mx]\n", []),
    (MC, "a.example local:bob\nb.example error:5.1.1:550 x\n", []),
    (MC, "a.example esmtp:[mx]\n", [("mailertable", 1, 11)]),
    (MC + "MAILER(`smtp')dnl\n", "a.example uucp-dom:host\n", [("mailertable", 1, 11)]),
    (
        MC + "MAILER_DEFINITIONS\nMmyrelay, P=[IPC], F=mDFMuX, S=EnvFromSMTP, A=TCP $h 2525\n",
        "a.example myrelay:[mx]\n",
        [],
    ),
]


@pytest.mark.parametrize(("mc", "table", "expected"), TABLE)
def test_mt003(tmp_path: Path, mc: str, table: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(folder("MT003", tmp_path, {"sendmail.mc": mc, "mailertable": table})) == expected


def test_mt003_needs_an_mc(tmp_path: Path) -> None:
    assert folder("MT003", tmp_path, {"mailertable": "a.example nosuch:[mx]\n"}) == []
