"""``python -m sendmailcfg check``: file:line:col problems and exit statuses 0/1/2."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendmailcfg.cli import main


def test_clean_files_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "mailertable").write_text("takaq.jp smtp:takaq.jp\n")
    (tmp_path / "access").write_bytes(b"# \x82\xa0 Shift_JIS\r\nConnect:10 RELAY\r\n")
    assert main(["check", str(tmp_path)]) == 0
    assert "2 file(s) checked, 0 problem(s)" in capsys.readouterr().err


def test_every_problem_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "virtusertable.local"
    path.write_text(" indented x\nlonely\nk v\nK w\n")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert [line.split(": ", 1)[0] for line in out] == [f"{path}:1:1", f"{path}:2:7", f"{path}:4:1"]
    assert out[2].endswith("[duplicate-key]")


def test_unreadable_or_unknown_paths_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path / "missing")]) == 2
    assert "no such file" in capsys.readouterr().err
    (tmp_path / "routes").write_text("a b\n")
    assert main(["check", str(tmp_path / "routes")]) == 2
    assert "use --kind" in capsys.readouterr().err
    assert main(["check", "--kind", "mailertable", str(tmp_path / "routes")]) == 0
    with pytest.raises(SystemExit) as info:
        main(["check", "--kind", "aliases", str(tmp_path / "routes")])
    assert info.value.code == 2


def test_dash_reads_standard_input_as_lint_does() -> None:
    import subprocess
    import sys

    top = Path(__file__).resolve().parents[1]
    run = [sys.executable, "-m", "sendmailcfg", "check", "--kind", "mailertable", "-"]
    bad = subprocess.run(run, input=b"ok smtp:x\n  lead x\n", capture_output=True, cwd=top)
    assert bad.returncode == 1
    assert bad.stdout.decode().startswith("-:2:1: syntax error (leading space)")
    assert b"1 file(s) checked, 1 problem(s)" in bad.stderr
    good = subprocess.run(run, input=b"ok smtp:x\n", capture_output=True, cwd=top)
    assert good.returncode == 0
    no_kind = subprocess.run([*run[:4], "-"], input=b"", capture_output=True, cwd=top)
    assert no_kind.returncode == 2 and b"needs --kind" in no_kind.stderr


def test_a_fifo_in_a_folder_is_reported_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import os

    (tmp_path / "mailertable").write_text("takaq.jp smtp:takaq.jp\n")
    os.mkfifo(tmp_path / "access")  # opening it for reading would block forever
    assert main(["check", str(tmp_path)]) == 0
    err = capsys.readouterr().err
    assert f"{tmp_path / 'access'}: not read: a FIFO" in err
