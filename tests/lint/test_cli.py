"""``python -m sendmailcfg lint``: exit statuses, formats, folders, usage errors."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from sendmailcfg.cli import main


@pytest.fixture
def etc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)  # no pyproject.toml of ours up the tree
    d = tmp_path / "mail"
    d.mkdir()
    (d / "sendmail.mc").write_text(
        "OSTYPE(`linux')dnl\nFEATURE(`access_db')dnl\nFEATURE(`mailertable')dnl\n"
        "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
    )
    (d / "access").write_text("Connect:192.0.2 REJECT\n")
    (d / "mailertable").write_text("example.com esmtp:[mx.example.net]\n")
    for name in ("access.db", "mailertable.db"):
        (d / name).write_bytes(b"")
    return d


def fresh_dbs(folder: Path) -> None:
    """Make the .db files newer than their sources again (after a test edits a source)."""
    for db in folder.glob("*.db"):
        future = time.time() + 60
        os.utime(db, (future, future))


def test_clean_folder_exits_0(etc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", str(etc)]) == 0
    assert capsys.readouterr().out == ""


def test_findings_exit_1_and_text_format(etc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (etc / "mailertable").write_text(".example.com esmtp:[mx]\n")
    fresh_dbs(etc)
    assert main(["lint", str(etc)]) == 1
    out = capsys.readouterr().out
    assert out == f"{etc}/mailertable:1:1: warning MT001 " + out.split("MT001 ", 1)[1]


def test_info_only_exits_0(etc: Path) -> None:
    os.remove(etc / "access.db")
    assert main(["lint", str(etc)]) == 0


def test_json_format(etc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (etc / "access").write_text("Connect:10.0.0.0/8 REJECT\n")
    assert main(["lint", "--format", "json", str(etc / "access")]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    got = [(f["rule"], f["line"], f["column"], f["severity"]) for f in found]
    # access was rewritten after access.db: the db is stale too
    assert got == [("X003", 1, 1, "warning"), ("AC003", 1, 9, "error")]


def test_select_ignore_and_kind(etc: Path, tmp_path: Path) -> None:
    odd = tmp_path / "routes.txt"
    odd.write_text(".example.com esmtp:[mx]\n")
    assert main(["lint", "--kind", "mailertable", str(odd)]) == 1
    assert main(["lint", "--kind", "mailertable", "--ignore", "MT001", str(odd)]) == 0
    assert main(["lint", "--kind", "mailertable", "--select", "MAP,AC", str(odd)]) == 0


@pytest.mark.parametrize(
    "argv",
    [
        ["lint", "/no/such/path"],
        ["lint", "--select", "NOPE", "."],
        ["lint", "unknown-kind-file.txt"],
    ],
)
def test_usage_errors_exit_2(
    etc: Path, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    Path("unknown-kind-file.txt").write_text("x\n")
    assert main(argv) == 2
    assert capsys.readouterr().err


def test_bad_format_is_an_argparse_error(etc: Path) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["lint", "--format", "xml", str(etc)])
    assert exc.value.code == 2


def test_unreadable_file_exits_2(
    etc: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from sendmailcfg import fileio

    real = fileio.open_regular

    def deny(path: str | os.PathLike[str]) -> tuple[int, os.stat_result]:
        if str(path).endswith("access"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(fileio, "open_regular", deny)
    assert main(["lint", str(etc)]) == 2
    assert "access: cannot read: Permission denied" in capsys.readouterr().err


def test_bad_pyproject_exits_2(
    etc: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.sendmailcfg.lint]\nselect = ["ZZ"]\n')
    assert main(["lint", str(etc)]) == 2
    assert "matches no rule" in capsys.readouterr().err


def test_pyproject_config_applies(etc: Path, tmp_path: Path) -> None:
    (etc / "mailertable").write_text(".example.com esmtp:[mx]\n")
    (tmp_path / "pyproject.toml").write_text('[tool.sendmailcfg.lint]\nignore = ["MT001"]\n')
    fresh_dbs(etc)
    assert main(["lint", str(etc)]) == 0


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    import io

    class Stdin:
        buffer = io.BytesIO(b"Connect:10.0.0.0/8\tREJECT\n")

    monkeypatch.setattr("sys.stdin", Stdin)
    assert main(["lint", "--kind", "access", "-"]) == 1
    assert capsys.readouterr().out.startswith("-:1:9: error AC003 ")


def test_stdin_needs_kind(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "-"]) == 2
    assert "needs --kind" in capsys.readouterr().err


def test_folder_without_known_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "README").write_text("nothing here\n")
    assert main(["lint", str(tmp_path)]) == 0
    assert "no .mc files or map sources found" in capsys.readouterr().err


def test_undecodable_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import subprocess
    import sys

    (tmp_path / "mailertable").write_bytes(b".caf\xe9.example\tsmtp:[x]\n")
    env = dict(os.environ, PYTHONIOENCODING="utf-8:strict")
    top = Path(__file__).resolve().parents[2]
    env["PYTHONPATH"] = str(top)
    run = [sys.executable, "-m", "sendmailcfg", "lint", "--select", "MT001"]
    text = subprocess.run([*run, str(tmp_path)], capture_output=True, env=env, cwd=tmp_path)
    assert text.returncode == 1 and b".caf\xe9.example has no entry" in text.stdout
    js = subprocess.run([*run, "--format", "json", str(tmp_path)], capture_output=True, env=env)
    assert js.returncode == 1
    (f,) = json.loads(js.stdout.decode("utf-8"))["findings"]
    assert f["message"].startswith(".caf\ufffd.example")
