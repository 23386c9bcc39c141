"""The API reference lists every public name, and the README's commands are what CI runs."""

from __future__ import annotations

from pathlib import Path

import sendmailcfg

TOP = Path(__file__).resolve().parents[1]


def test_every_public_name_is_in_the_api_reference() -> None:
    page = (TOP / "docs" / "api.md").read_text(encoding="utf-8")
    missing = [name for name in sendmailcfg.__all__ if f"`{name}" not in page]
    assert missing == []


def test_ci_runs_the_readme_test_command() -> None:
    readme = (TOP / "README.md").read_text(encoding="utf-8").splitlines()
    fence = readme.index("```console skip")
    install_and_run, install_and_test = readme[fence + 1], readme[fence + 2]
    assert install_and_run.startswith("pip install . && python -m sendmailcfg ")
    assert "pytest" in install_and_test
    ci = (TOP / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert install_and_test in ci


def test_readme_main_job_passes_on_the_bundled_examples() -> None:
    import subprocess
    import sys

    readme = (TOP / "README.md").read_text(encoding="utf-8").splitlines()
    command = readme[readme.index("```console skip") + 1].split("&& ", 1)[1]
    assert command.startswith("python -m sendmailcfg ")
    args = command.split()[1:]
    p = subprocess.run([sys.executable, *args], cwd=TOP, capture_output=True, text=True)
    assert p.returncode == 0, p.stdout + p.stderr
