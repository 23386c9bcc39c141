"""lint's output as ruff's: summary line, --statistics, colour only where it belongs."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sendmailcfg.cli import main

TOP = Path(__file__).resolve().parents[2]
ACCESS = "Connect:10.0.0.0/8\tREJECT\nConect:192.0.2\tREJECT\nConect:192.0.3\tREJECT\n"


@pytest.fixture
def access(tmp_path: Path) -> Path:
    p = tmp_path / "access"
    p.write_text(ACCESS)
    return p


def test_summary_line(access: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--select", "AC", str(access)]) == 1
    assert capsys.readouterr().err == "Found 3 problems.\n"
    clean = tmp_path / "clean" / "access"
    clean.parent.mkdir()
    clean.write_text("Connect:10\tREJECT\n")
    assert main(["lint", "--select", "AC", str(clean)]) == 0
    assert capsys.readouterr().err == "All checks passed!\n"


def test_summary_counts_fixable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mc = tmp_path / "x.mc"
    mc.write_text("OSTYPE(`linux')dnl\nFEATURE(`access_db', `hash /etc/mail/access')dnl\n")
    main(["lint", "--select", "MC014", str(mc)])
    assert capsys.readouterr().err == "Found 1 problem (1 fixable with --fix).\n"


def test_statistics(access: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--select", "AC", "--statistics", str(access)]) == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [
        "    2  AC004      ac-unknown-tag",
        "    1  AC003      ac-cidr",
    ]
    assert main(["lint", "--select", "AC", "--statistics", "--format", "json", str(access)]) == 1
    assert json.loads(capsys.readouterr().out)[0] == {
        "code": "AC004",
        "name": "ac-unknown-tag",
        "count": 2,
        "fixable": False,
    }


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sendmailcfg", *args],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(TOP), "PATH": "/usr/bin:/bin", **env},
        check=False,
    )


def test_colour_honours_force_and_no_color(access: Path) -> None:
    args = ["lint", "--select", "AC", str(access)]
    assert "\x1b[" not in _run(args, {}).stdout  # a pipe: plain
    assert "\x1b[1;31merror AC003\x1b[0m" in _run(args, {"FORCE_COLOR": "1"}).stdout
    assert "\x1b[" not in _run(args, {"FORCE_COLOR": "1", "NO_COLOR": "1"}).stdout
    assert "\x1b[" not in _run([*args, "--format", "json"], {"FORCE_COLOR": "1"}).stdout


def test_colour_never_in_an_output_file(access: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.txt"
    _run(["lint", "--select", "AC", "--output-file", str(out), str(access)], {"FORCE_COLOR": "1"})
    assert "\x1b[" not in out.read_text()


def test_use_color_on_a_terminal() -> None:
    from sendmailcfg.lint.formats import use_color

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    assert use_color(Tty(), {"TERM": "xterm"})
    assert not use_color(Tty(), {"TERM": "xterm", "NO_COLOR": "1"})
    assert not use_color(Tty(), {"TERM": "dumb"})
