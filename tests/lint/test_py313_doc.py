"""Rule pages keep the TABs of their examples on every Python (3.13 expands them in ``__doc__``)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sendmailcfg.lint.rules import rule_by_id

TOP = Path(__file__).resolve().parents[2]


def test_mc010_good_example_has_its_tab() -> None:
    assert "$*\t$#esmtp" in rule_by_id("MC010").doc


def _python313() -> str | None:
    for base in sorted((Path.home() / ".pyenv" / "versions").glob("3.13*/bin/python3.13")):
        return str(base)
    return shutil.which("python3.13")


def test_the_page_is_the_same_on_python_313() -> None:
    py = _python313()
    if py is None:
        pytest.skip("python3.13 is not installed")
    import attrs

    # attrs is pure Python: borrow this interpreter's copy when 3.13 has none of its own
    path = os.pathsep.join([str(TOP), str(Path(attrs.__file__).resolve().parents[1])])
    env = {**os.environ, "PYTHONPATH": path}
    probe = subprocess.run([py, "-c", "import attrs"], capture_output=True, cwd=TOP, env=env)
    if probe.returncode != 0:
        pytest.skip("python3.13 cannot import attrs")
    out = subprocess.run(
        [py, "-m", "sendmailcfg.lint.docgen"],
        capture_output=True,
        text=True,
        cwd=TOP,
        env=env,
        check=True,
    ).stdout
    assert out == (TOP / "docs" / "lint-rules.md").read_text(encoding="utf-8")
