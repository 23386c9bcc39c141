"""docs/from-the-shell.md end to end, m4 steps included (``console oracle skip`` blocks).

tests/test_docs.py runs the page's plain ``console`` blocks everywhere; the blocks that
need m4 and sendmail's cf package are marked ``oracle`` (and ``skip`` for it) and run
here, in page order with the others, against the real cf package.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.oracle import Oracle
from tests.test_docs import COMMAND, _blocks

TOP = Path(__file__).resolve().parents[1]
PAGE = TOP / "docs" / "from-the-shell.md"


def _steps(info: str, body: str) -> list[tuple[str, list[str]]]:
    steps: list[tuple[str, list[str]]] = []
    for row in body.splitlines():
        m = COMMAND.match(row)
        if m:
            steps.append((m.group(1), []))
        elif steps:
            steps[-1][1].append(row)
    return steps


def test_page_has_oracle_blocks() -> None:
    infos = [info for _line, info, _body in _blocks(PAGE, "console")]
    assert any("oracle" in i and "skip" in i for i in infos)


def test_the_whole_story_runs(tmp_path: Path, oracle: Oracle) -> None:
    (tmp_path / "examples").symlink_to(TOP / "examples")
    env = dict(os.environ, PYTHONPATH=str(TOP), COLUMNS="80", SENDMAIL_CF_DIR=str(oracle.cf_dir))
    env.pop("SENDMAIL_MC", None)
    ran = 0
    for line, info, body in _blocks(PAGE, "console"):
        if "skip" in info and "oracle" not in info:
            continue
        for command, expected in _steps(info, body):
            status = 0
            st = re.search(r"\s+# exit (\d+)$", command)
            if st:
                status = int(st.group(1))
                command = command[: st.start()]
            command = re.sub(
                r"(^|&& |; |\| )python ", lambda m: f'{m.group(1)}"{sys.executable}" ', command
            )
            p = subprocess.run(
                command,
                shell=True,
                cwd=tmp_path,
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
            )
            got = (p.stdout + p.stderr).rstrip("\n").splitlines()
            want = list(expected)
            while want and not want[-1].strip():
                want.pop()
            assert p.returncode == status, f"{PAGE.name}:{line}: `{command}`: {p.stderr}"
            assert got == want, f"{PAGE.name}:{line}: `{command}` printed:\n" + "\n".join(got)
            ran += 1
    assert ran >= 15
    mail = tmp_path / "build" / "mail"
    assert "DSrelay.example.net" in (mail / "sendmail.cf").read_text().splitlines()
