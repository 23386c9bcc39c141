"""Progress for long work: on a terminal's stderr only, erased at the end, never with JSON."""

from __future__ import annotations

import io
import threading
from pathlib import Path

import pytest

from sendmailcfg.cli import main
from sendmailcfg.cli._progress import Progress, wanted


class Tty(io.StringIO):
    def __init__(self) -> None:
        super().__init__()
        self.wrote = threading.Event()

    def isatty(self) -> bool:
        return True

    def write(self, s: str) -> int:
        n = super().write(s)
        self.wrote.set()
        return n


def test_progress_line_is_shown_then_erased() -> None:
    tty = Tty()
    with Progress("makemap: building big from 1,000,000 lines", stream=tty, delay=0):
        assert tty.wrote.wait(30)
    out = tty.getvalue()
    assert out.startswith("\rmakemap: building big from 1,000,000 lines... ")
    assert out.endswith("\r\x1b[K")


def test_no_progress_off_a_terminal_or_with_json(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TERM", raising=False)
    assert wanted(Tty())
    assert not wanted(Tty(), json=True)
    assert not wanted(io.StringIO())
    monkeypatch.setenv("TERM", "dumb")
    assert not wanted(Tty())
    quiet = io.StringIO()
    with Progress("x", stream=quiet, delay=0) as p:
        assert not p.enabled
    assert quiet.getvalue() == ""


def test_lint_of_many_files_prints_no_progress_to_a_pipe(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(60):
        (tmp_path / f"d{i}").mkdir()
        (tmp_path / f"d{i}" / "mailertable").write_text("example.org\tsmtp:[x]\n")
    assert main(["lint", "--select", "MT002", str(tmp_path)]) == 0
    assert capsys.readouterr().err == "All checks passed!\n"
