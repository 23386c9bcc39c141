"""Issue 26 item 8: the old faults in the new commands.

FIFOs and devices are refused, not read; control characters from the files are shown,
not sent to the terminal; ``make`` reports a file it cannot write, without a
traceback; SIGTERM and SIGINT end a command cleanly; backups are atomic; extended
attributes survive an edit; ``route`` says when a ``.db`` is older than its source.
"""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sendmailcfg import fileio
from sendmailcfg.cli import main

ROOT = str(Path(__file__).resolve().parents[1])
ENV = dict(os.environ, PYTHONPATH=ROOT)
MC = "define(`confDOMAIN_NAME', `mx.example.com')dnl\nFEATURE(`mailertable')dnl\n"


def _cli(*argv: str, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sendmailcfg", *argv],
        env=ENV,
        capture_output=True,
        text=True,
        timeout=timeout,
        errors="surrogateescape",
    )


@pytest.fixture
def fifo_folder(tmp_path: Path) -> Path:
    for name in ("sendmail.mc", "mailertable", "access"):
        os.mkfifo(tmp_path / name)
    (tmp_path / "zero-map").symlink_to("/dev/zero")
    return tmp_path


@pytest.mark.parametrize(
    "argv",
    [
        ["mc", "{d}/sendmail.mc", "show"],
        ["mc", "{d}/sendmail.mc", "set", "A", "b"],
        ["render", "{d}/sendmail.mc"],
        ["query", "mailertable", "{d}/mailertable", "a@b"],
        ["query", "access", "{d}/access", "a@b"],
        ["route", "--config", "{d}/sendmail.mc", "a@b"],
        ["sender", "--config", "{d}/sendmail.mc", "a@b"],
        ["make", "--mc", "{d}/sendmail.mc", "{d}"],
        ["map", "{d}/mailertable", "get", "a"],
        ["map", "--kind", "map", "{d}/zero-map", "get", "a"],
        ["query", "mailertable", "{d}/zero-map", "a@b"],
    ],
    ids=lambda argv: " ".join(argv[:2]),
)
def test_a_fifo_or_device_is_refused_not_read(fifo_folder: Path, argv: list[str]) -> None:
    run = _cli(*(a.format(d=fifo_folder) for a in argv), timeout=60)
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr
    assert "not a regular file" in run.stderr or "cannot build" in run.stderr


def test_read_bytes_refuses_what_is_not_a_regular_file(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "f")
    with pytest.raises(fileio.NotRegularFileError, match="a FIFO"):
        fileio.read_bytes(tmp_path / "f")
    with pytest.raises(fileio.NotRegularFileError, match="a character device"):
        fileio.read_bytes("/dev/zero")
    with pytest.raises(fileio.NotRegularFileError, match="a folder"):
        fileio.read_bytes(tmp_path)
    (tmp_path / "big").write_bytes(b"x" * 100)
    with pytest.raises(fileio.FileTooLargeError):
        fileio.read_bytes(tmp_path / "big", max_size=99)
    assert fileio.read_bytes(tmp_path / "big", max_size=100) == b"x" * 100


EVIL = "relay\x1b]0;owned\x07\x1b[2J.example"


def test_query_and_route_show_control_characters(tmp_path: Path) -> None:
    (tmp_path / "mailertable").write_text("example.com error:5.7.1:550 go\x1b[2Jaway\x07\n")
    (tmp_path / "sendmail.mc").write_text(MC)
    for argv in (
        ["query", "mailertable", str(tmp_path / "mailertable"), "a@example.com"],
        ["route", "--config", str(tmp_path / "sendmail.mc"), "a@example.com"],
        ["route", "--config", str(tmp_path / "sendmail.mc"), "--explain", "a@example.com"],
    ):
        run = _cli(*argv)
        assert run.returncode == 0, run.stderr
        assert "\x1b" not in run.stdout and "\x07" not in run.stdout
        assert "550 go\\e[2Jaway\\x07" in run.stdout
    run = _cli("route", "--json", "--config", str(tmp_path / "sendmail.mc"), "a@example.com")
    assert "\x1b" not in run.stdout  # JSON escapes control characters itself
    assert json.loads(run.stdout)[0]["user"] == "550 go\x1b[2Jaway\x07"


def test_mc_show_escapes_but_get_stays_raw_for_scripts(tmp_path: Path) -> None:
    (tmp_path / "sendmail.mc").write_text(f"define(`SMART_HOST', `{EVIL}')dnl\n")
    show = _cli("mc", str(tmp_path / "sendmail.mc"), "show")
    assert "\x1b" not in show.stdout and "SMART_HOST = relay\\e]0;owned" in show.stdout
    get = _cli("mc", str(tmp_path / "sendmail.mc"), "get", "SMART_HOST")
    assert get.stdout == EVIL + "\n"  # not a terminal: the value as it is


def _full_disk(*_args: object) -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def test_make_reports_a_full_disk_without_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sendmail.mc").write_text(MC)
    (tmp_path / "mailertable").write_text("example.com smtp:relay\n")
    (tmp_path / "sendmail.cf").write_text("old\n")
    monkeypatch.setattr(fileio, "_write_all", _full_disk)
    from sendmailcfg.cli.make import Maker

    monkeypatch.setattr(
        Maker,
        "cf_of",
        lambda self, mc: fileio.update(mc.with_suffix(".cf"), lambda b: b + b"x", missing_ok=True),
    )
    status = main(["make", str(tmp_path), "cf"])
    err = capsys.readouterr().err
    assert status == 1
    assert "sendmail.cf: cannot build: No space left on device (the disk is full)" in err
    assert sorted(os.listdir(tmp_path)) == ["mailertable", "sendmail.cf", "sendmail.mc"]


@pytest.mark.parametrize("what", ["folder", "loop"])
def test_make_reports_a_folder_or_link_loop_where_the_cf_goes(
    tmp_path: Path, what: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sendmail.mc").write_text(MC)
    if what == "folder":
        (tmp_path / "sendmail.cf").mkdir()
    else:
        (tmp_path / "sendmail.cf").symlink_to("sendmail.cf")
    from sendmailcfg.cli.make import Maker

    monkeypatch.setattr(
        Maker,
        "cf_of",
        lambda self, mc: fileio.update(mc.with_suffix(".cf"), lambda b: b + b"x", missing_ok=True),
    )
    status = main(["make", str(tmp_path), "cf"])
    err = capsys.readouterr().err
    assert status == 1 and "Traceback" not in err
    assert "sendmail.cf: cannot build: " in err


def test_an_edit_in_a_read_only_folder_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "mailertable"
    p.write_text("a smtp:x\n")

    def denied(folder: str, name: str) -> tuple[int, str]:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), folder)

    monkeypatch.setattr(fileio, "_new_temp", denied)
    assert main(["map", str(p), "set", "b", "smtp:y"]) == 2
    err = capsys.readouterr().err
    assert "cannot edit: Permission denied" in err and "No such file" not in err
    assert os.listdir(tmp_path) == ["mailertable"]  # and no lock file


def test_backup_on_a_full_disk_leaves_no_empty_backup(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    p = tmp_path / "access"
    p.write_bytes(b"a OK\n")
    monkeypatch.setattr(fileio, "_write_all", _full_disk)
    with pytest.raises(OSError) as info:
        fileio.update(p, lambda b: b + b"b OK\n", backup=True)
    assert info.value.errno == errno.ENOSPC and info.value.filename == str(p)
    assert os.listdir(tmp_path) == ["access"]
    assert p.read_bytes() == b"a OK\n"


def test_a_backup_keeps_bytes_mode_and_times(tmp_path: Path) -> None:
    p = tmp_path / "access"
    p.write_bytes(b"a OK\n")
    os.chmod(p, 0o640)
    os.utime(p, (1_000_000, 1_000_000))
    r = fileio.update(p, lambda b: b + b"b OK\n", backup=True)
    assert r.backup is not None
    backup = Path(r.backup)
    assert backup.read_bytes() == b"a OK\n"
    assert (backup.stat().st_mode & 0o777, backup.stat().st_mtime) == (0o640, 1_000_000)


def _xattrs_supported(path: Path) -> bool:
    try:
        os.setxattr(path, "user.sendmailcfg-test", b"1")
    except OSError:
        return False
    return True


def test_extended_attributes_survive_an_edit(tmp_path: Path) -> None:
    p = tmp_path / "mailertable"
    p.write_text("a smtp:x\n")
    if not _xattrs_supported(p):
        pytest.skip("this file system has no user extended attributes")
    os.setxattr(p, "user.label", b"mail_config_t")
    assert main(["map", str(p), "set", "b", "smtp:y"]) == 0
    assert os.getxattr(p, "user.label") == b"mail_config_t"
    r = fileio.update(p, lambda b: b + b"c smtp:z\n", backup=True)
    assert r.backup is not None and os.getxattr(r.backup, "user.label") == b"mail_config_t"


def test_a_killed_edits_temporary_is_removed_by_the_next_edit(tmp_path: Path) -> None:
    p = tmp_path / "mailertable"
    p.write_text("a smtp:x\n")
    left = tmp_path / ".mailertable.abcdefgh.sendmailcfg.tmp"
    left.write_bytes(b"half of a 53 MB edit")
    old = time.time() - 60
    os.utime(left, (old, old))
    assert main(["map", str(p), "set", "b", "smtp:y"]) == 0
    assert sorted(os.listdir(tmp_path)) == ["mailertable"]


def test_a_live_temporary_is_left_alone(tmp_path: Path) -> None:
    fd, tmp = fileio._new_temp(str(tmp_path), "m")
    try:
        old = time.time() - 60
        os.utime(tmp, (old, old))
        assert fileio.clean_stale_temporaries(str(tmp_path), age=0) == []
    finally:
        os.close(fd)
    assert fileio.clean_stale_temporaries(str(tmp_path), age=0) == [tmp]


SLOW_EDIT = """
import sys, time
from sendmailcfg import fileio
from sendmailcfg.cli import main

def hook(step):
    if step == "temp-written":
        print("writing", flush=True)
        time.sleep(30)

fileio._step_hook = hook
sys.exit(main(["map", sys.argv[1], "set", "b", "smtp:y"]))
"""


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_write_removes_the_temporary(tmp_path: Path, sig: int, status: int) -> None:
    p = tmp_path / "mailertable"
    p.write_text("a smtp:x\n")
    proc = subprocess.Popen(
        [sys.executable, "-c", SLOW_EDIT, str(p)],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "writing\n"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == status
    assert "Traceback" not in err
    assert sorted(os.listdir(tmp_path)) == ["mailertable"]
    assert p.read_text() == "a smtp:x\n"


def test_route_says_when_the_db_is_older_than_its_source(tmp_path: Path) -> None:
    (tmp_path / "sendmail.mc").write_text(MC)
    (tmp_path / "mailertable.db").write_bytes(b"")
    os.utime(tmp_path / "mailertable.db", (1_000_000, 1_000_000))
    (tmp_path / "mailertable").write_text("example.com smtp:relay.example\n")
    text = _cli("route", "--config", str(tmp_path / "sendmail.mc"), "a@example.com")
    assert "mailertable.db is older than its source" in text.stderr
    js = _cli("route", "--json", "--config", str(tmp_path / "sendmail.mc"), "a@example.com")
    assert json.loads(js.stdout)[0]["stale"] == [str(tmp_path / "mailertable.db")]
    os.utime(tmp_path / "mailertable.db")  # rebuilt: no longer stale
    js = _cli("route", "--json", "--config", str(tmp_path / "sendmail.mc"), "a@example.com")
    assert "stale" not in json.loads(js.stdout)[0]


def test_dump_names_the_file_it_could_not_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sendmailcfg

    doc = sendmailcfg.loads("a x\n", "map")
    monkeypatch.setattr(fileio, "_write_all", _full_disk)
    with pytest.raises(OSError) as info:
        sendmailcfg.dump(doc, tmp_path / "map")
    assert info.value.filename == str(tmp_path / "map")
    assert os.listdir(tmp_path) == []


def test_a_killed_builds_temporary_goes_at_the_next_build(tmp_path: Path) -> None:
    from sendmailcfg.output import mapfile
    from sendmailcfg.output.database import build

    killed = tmp_path / ".m.db.Killed12.tmp"  # a build that died a minute ago
    killed.write_bytes(b"half a map")
    old = time.time() - 60
    os.utime(killed, (old, old))
    live = mapfile.new_temporary(str(tmp_path / "m.db"), "hash", "m")  # one running now
    os.utime(live, (old, old))
    try:
        build(b"a b\n", tmp_path / "m")
        assert sorted(os.listdir(tmp_path)) == sorted(["m.db", os.path.basename(live)])
    finally:
        mapfile.remove_quietly(live)
