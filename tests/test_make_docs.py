"""docs/from-the-shell.md end to end, m4 steps included (``console oracle skip`` blocks).

tests/test_docs.py runs the page's plain ``console`` blocks everywhere; the blocks that
need m4 and sendmail's cf package are marked ``oracle`` (and ``skip`` for it) and run
here, in page order with the others, in one shell, against the real cf package.
"""

from __future__ import annotations

from pathlib import Path

from tests.oracle import Oracle
from tests.test_docs import _blocks, check_steps, run_session, steps_of

TOP = Path(__file__).resolve().parents[1]
PAGE = TOP / "docs" / "from-the-shell.md"


def test_page_has_oracle_blocks() -> None:
    infos = [info for _line, info, _body in _blocks(PAGE, "console")]
    assert any("oracle" in i and "skip" in i for i in infos)


def test_the_whole_story_runs(tmp_path: Path, oracle: Oracle) -> None:
    blocks = [b for b in _blocks(PAGE, "console") if "skip" not in b[1] or "oracle" in b[1]]
    steps = steps_of(blocks)
    run_session(steps, tmp_path, {"SENDMAIL_CF_DIR": str(oracle.cf_dir)})
    check_steps(PAGE, steps)
    assert len(steps) >= 15
    mail = tmp_path / "checkout" / "build" / "mail"
    assert "DSrelay.example.net" in (mail / "sendmail.cf").read_text().splitlines()
