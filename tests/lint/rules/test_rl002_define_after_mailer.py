"""RL002: a mailer macro defined after the MAILER() that reads it has no effect."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests import oracle as oracle_mod
from tests.lint.helpers import one

TAIL = "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
TABLE = [
    (TAIL + "define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n", [(3, 1)]),
    (TAIL + "define(`ESMTP_MAILER_FLAGS', `e')dnl\n", [(3, 1)]),
    (TAIL + "define(`LOCAL_MAILER_PATH', `/usr/bin/procmail')dnl\n", [(3, 1)]),
    (TAIL + "define(`SMTP_MAILER_MAX', `1000000')dnl\n", [(3, 1)]),
    ("define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n" + TAIL, []),
    (TAIL + "define(`confAUTH_MECHANISMS', `PLAIN')dnl\n", []),
    ("MAILER(`smtp')dnl\ndefine(`LOCAL_MAILER_PATH', `/bin/x')dnl\n", []),  # no MAILER(local)
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_rl002(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("RL002", text, "mc") == expected


CASES = [
    ("RELAY_MAILER_ARGS", "TCP $h 587", r"\nMrelay,.*?A=TCP \$h 587"),
    ("ESMTP_MAILER_ARGS", "TCP $h 2525", r"\nMesmtp,.*?A=TCP \$h 2525"),
    ("SMTP_MAILER_MAX", "1000000", r"\nMsmtp,(?:(?!\nM).)*M=1000000"),
    ("LOCAL_MAILER_PATH", "/usr/local/bin/deliver", r"\nMlocal,\s+P=/usr/local/bin/deliver"),
]


@pytest.mark.oracle
@pytest.mark.parametrize(("macro", "value", "pattern"), CASES)
def test_rl002_m4_ignores_the_late_define(
    oracle: oracle_mod.Oracle, macro: str, value: str, pattern: str
) -> None:
    define = f"define(`{macro}', `{value}')dnl\n"
    late, _, rc = oracle.mc2cf("OSTYPE(`linux')dnl\n" + TAIL + define)
    assert rc == 0 and not re.search(pattern, late, re.S)
    early, _, rc = oracle.mc2cf("OSTYPE(`linux')dnl\n" + define + TAIL)
    assert rc == 0 and re.search(pattern, early, re.S)
    assert one("RL002", TAIL + define, "mc") == [(3, 1)]


def test_mc_show_marks_the_late_define(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sendmailcfg.cli import main

    mc = tmp_path / "x.mc"
    mc.write_text(TAIL + "define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n")
    assert main(["mc", str(mc), "show"]) == 0
    out = capsys.readouterr().out
    assert (
        "RELAY_MAILER_ARGS = TCP $h 587  # no effect: defined after MAILER(`smtp') on line 2" in out
    )
    assert main(["mc", str(mc), "--json", "show"]) == 0
    items = json.loads(capsys.readouterr().out)
    assert items[-1]["no_effect"] == "defined after MAILER(`smtp') on line 2"
