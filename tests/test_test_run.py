"""The test run itself: a short report on a machine without the real sendmail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sendmailcfg.lint.config import _toml_module
from tests import oracle as oracle_mod

pytestmark = pytest.mark.ci_only  # pytest runs in a child process

TOP = Path(__file__).resolve().parents[1]


def test_skips_are_not_listed_one_by_one() -> None:
    config = _toml_module().loads((TOP / "pyproject.toml").read_text())
    addopts = config["tool"]["pytest"]["ini_options"]["addopts"]
    assert "-ra" not in addopts.split() and "-rs" not in addopts


def test_oracle_skips_are_summed_up_in_one_line(tmp_path: Path) -> None:
    if (TOP / ".oracle").exists():
        pytest.skip("the checkout has an unpacked oracle: no oracle test would skip")
    env = dict(os.environ, SENDMAIL_ORACLE=str(tmp_path / "none"), PYTHONPATH=str(TOP))
    env.pop("CI", None)
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "tests/lint/rules/test_x007_stale_cf.py",
            "tests/lint/rules/test_mt002_rhs_form.py",
        ],
        cwd=TOP,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "SKIPPED [" not in p.stdout
    assert "2 skipped: real sendmail/makemap/m4 not installed" in p.stdout
    assert "SENDMAIL_ORACLE" in p.stdout


def test_project_metadata() -> None:
    project = _toml_module().loads((TOP / "pyproject.toml").read_text())["project"]
    assert project["authors"]
    classifiers = project["classifiers"]
    assert "Programming Language :: Python :: 3.10" in classifiers
    assert any(c.startswith("Operating System :: POSIX") for c in classifiers)
    assert "urls" not in project  # the project has no published home yet


def test_readme_names_sendmail_oracle() -> None:
    assert "SENDMAIL_ORACLE" in (TOP / "README.md").read_text()
    assert oracle_mod.find.__doc__
