"""X006: FIFOs, sockets and devices are reported without being opened; big files not read."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from sendmailcfg.cli import main
from sendmailcfg.lint.config import LintConfig
from sendmailcfg.lint.run import lint_paths
from sendmailcfg.lint.walk import Skipped, collect, read_source


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    d = tmp_path / "mail"
    d.mkdir()
    (d / "sendmail.mc").write_text("OSTYPE(`linux')dnl\nMAILER(`smtp')dnl\n")
    return d


def test_a_fifo_is_reported_not_opened(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    os.mkfifo(folder / "access")
    done: list[int] = []
    t = threading.Thread(target=lambda: done.append(main(["lint", str(folder)])), daemon=True)
    t.start()
    t.join(30)
    assert done == [0], "lint hung on a FIFO"  # info only: exit 0
    out = capsys.readouterr().out
    assert f"{folder}/access:1:1: info X006 not read: a FIFO, not a regular file" in out


def test_a_socket_is_reported(folder: Path) -> None:
    s = socket.socket(socket.AF_UNIX)
    try:
        s.bind(str(folder / "mailertable"))
        findings, errors = lint_paths(collect([str(folder)])[0])
    finally:
        s.close()
    assert errors == []
    assert [(Path(f.path).name, f.rule, f.severity) for f in findings] == [
        ("mailertable", "X006", "info")
    ]
    assert "a socket" in findings[0].message


def test_a_device_is_reported_not_read() -> None:
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    result = read_source("/dev/zero", "access")
    assert isinstance(result, Skipped) and result.reason == "a character device"


def test_a_file_over_the_limit_is_reported_not_read(folder: Path) -> None:
    (folder / "virtusertable").write_bytes(b"a@example.com b\n" * 100)
    config = LintConfig(max_file_size=1000)
    findings, _errors = lint_paths(collect([str(folder)])[0], config)
    (f,) = [f for f in findings if f.rule == "X006"]
    assert f.severity == "warning"
    assert "1600 bytes, more than max-file-size (1000)" in f.message
    assert isinstance(read_source(str(folder / "virtusertable"), "", 1000), Skipped)
    assert read_source(str(folder / "virtusertable"), "", 1600) == b"a@example.com b\n" * 100


def test_x006_can_be_switched_off(folder: Path) -> None:
    os.mkfifo(folder / "access")
    findings, _ = lint_paths(collect([str(folder)])[0], LintConfig(ignore=("X006",)))
    assert findings == []
