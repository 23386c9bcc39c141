"""The built wheel carries the grammars and works from a fresh virtual environment."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

TOP = Path(__file__).resolve().parents[1]


def test_wheel_installs_and_runs_outside_the_checkout(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(wheels),
            str(TOP),
        ],
        check=True,
        timeout=300,
    )
    [wheel] = wheels.glob("sendmailcfg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "sendmailcfg/grammars/map.lark" in names
    assert "sendmailcfg/py.typed" in names
    # lark and attrs come from this interpreter's site-packages; the package itself only from the wheel
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(system_site_packages=True, with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "--no-deps",
            "-q",
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    work = tmp_path / "elsewhere"
    work.mkdir()
    (work / "mailertable").write_text("takaq.jp smtp:takaq.jp\n lead x\n")
    code = (
        "import sendmailcfg, sendmailcfg._grammar as g;"
        "print(sendmailcfg.__file__); print(g.grammar_path('map'));"
        "from sendmailcfg.syntax.map_parser import parse_map_lines_lark as p; print(len(p('a b\\n')))"
    )
    out = subprocess.run(
        [str(python), "-c", code], cwd=work, capture_output=True, text=True, check=True
    )
    module_file, grammar, count = out.stdout.split()
    assert str(env_dir) in module_file and str(env_dir) in grammar and count == "1"
    cli = subprocess.run(
        [str(python), "-m", "sendmailcfg", "check", "mailertable"],
        cwd=work,
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 1
    assert "mailertable:2:1: syntax error (leading space)" in cli.stdout
