"""Issue 26 items 4 and 5: hard links, crashes at every step, writers that race.

A write through a hard link cannot be a rename, so it is made recoverable; the lock
is the file's own (its inode), so two names of one file are one lock; a change by
another program between our read and our rename is noticed, never overwritten.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sendmailcfg import fileio

ROOT = str(Path(__file__).resolve().parents[1])
ENV = dict(os.environ, PYTHONPATH=ROOT)

APPENDER = textwrap.dedent(
    """
    import sys, time
    from sendmailcfg import fileio

    path, tag, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    for i in range(count):
        def change(old, i=i):
            time.sleep(0.002)  # widen the read-modify-write window
            return old + f"{tag}{i} x\\n".encode()
        fileio.update(path, change)
    """
)


def _run_appenders(script: Path, names: list[tuple[Path, str]], count: int) -> None:
    procs = [
        subprocess.Popen([sys.executable, str(script), str(p), tag, str(count)], env=ENV)
        for p, tag in names
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0


def test_forty_updates_through_two_names_of_one_file_lose_none(tmp_path: Path) -> None:
    a = tmp_path / "mailertable"
    a.write_bytes(b"")
    b = tmp_path / "mailertable.other"
    os.link(a, b)
    script = tmp_path / "appender.py"
    script.write_text(APPENDER)
    _run_appenders(script, [(a, "a"), (b, "b")], 20)
    lines = a.read_bytes().decode().splitlines()
    assert sorted(lines) == sorted(f"{t}{i} x" for t in "ab" for i in range(20))
    assert a.stat().st_ino == b.stat().st_ino and a.stat().st_nlink == 2
    assert sorted(os.listdir(tmp_path)) == ["appender.py", "mailertable", "mailertable.other"]


def test_a_symlink_and_its_target_are_one_lock(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"")
    (tmp_path / "link").symlink_to("real")
    script = tmp_path / "appender.py"
    script.write_text(APPENDER)
    _run_appenders(script, [(tmp_path / "real", "a"), (tmp_path / "link", "b")], 15)
    lines = (tmp_path / "real").read_bytes().decode().splitlines()
    assert sorted(lines) == sorted(f"{t}{i} x" for t in "ab" for i in range(15))


KILLER = textwrap.dedent(
    """
    import os, sys
    from sendmailcfg import fileio

    path, step = sys.argv[1], sys.argv[2]

    def hook(name):
        if name == step:
            os._exit(9)  # as sudden as a power cut: no cleanup runs

    fileio._step_hook = hook
    fileio.update(path, lambda old: b"NEW " * 3000)
    """
)
OLD = b"old text that is long enough to leave a tail\n" * 200
NEW = b"NEW " * 3000
STEPS = ["temp-written", "journal-written", "journal-renamed", "half-written", "file-written"]


@pytest.mark.parametrize("linked", [False, True], ids=["plain", "hard-linked"])
@pytest.mark.parametrize("step", STEPS)
def test_a_kill_at_any_step_leaves_no_torn_file(tmp_path: Path, step: str, linked: bool) -> None:
    p = tmp_path / "mailertable"
    p.write_bytes(OLD)
    if linked:
        os.link(p, tmp_path / "second-name")
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    status = subprocess.run([sys.executable, str(script), str(p), step], env=ENV).returncode
    assert status in (0, 9)
    # What a reader sees right after the crash: the old text or the new, never a mix.
    assert fileio.read_bytes(p) in (OLD, NEW)
    if linked:
        assert fileio.read_bytes(tmp_path / "second-name") in (OLD, NEW)
    # The next run repairs the file and its leftovers go.
    seen = fileio.update(p, lambda old: old).before
    assert seen in (OLD, NEW)
    assert p.read_bytes() == seen
    fileio.clean_stale_temporaries(str(tmp_path), age=0)
    left = sorted(n for n in os.listdir(tmp_path) if n.startswith("."))
    assert left == []
    if linked:
        assert p.stat().st_nlink == 2


def test_an_interrupted_in_place_write_is_finished_by_the_next_write(tmp_path: Path) -> None:
    p = tmp_path / "access"
    p.write_bytes(OLD)
    os.link(p, tmp_path / "access.link")
    script = tmp_path / "killer.py"
    script.write_text(KILLER)
    subprocess.run([sys.executable, str(script), str(p), "half-written"], env=ENV, check=False)
    assert p.read_bytes() not in (OLD, NEW)  # torn on disk...
    assert fileio.read_bytes(p) == NEW  # ...but read through its recovery copy
    assert fileio.recover(p)
    assert p.read_bytes() == NEW
    assert not fileio.recover(p)


def test_a_change_by_another_program_is_not_overwritten(tmp_path: Path) -> None:
    p = tmp_path / "mailertable"
    p.write_bytes(b"a x\n")

    def change(old: bytes) -> bytes:
        with open(p, "ab") as f:  # another program (an editor) writes meanwhile
            f.write(b"theirs y\n")
        return old + b"ours z\n"

    with pytest.raises(fileio.ChangedMeanwhileError, match="changed by another program"):
        fileio.update(p, change)
    assert p.read_bytes() == b"a x\ntheirs y\n"
    assert os.listdir(tmp_path) == ["mailertable"]


def test_a_file_replaced_by_another_program_is_not_overwritten(tmp_path: Path) -> None:
    p = tmp_path / "mailertable"
    p.write_bytes(b"a x\n")
    os.link(p, tmp_path / "link")

    def change(old: bytes) -> bytes:
        (tmp_path / "new").write_bytes(b"theirs\n")
        os.replace(tmp_path / "new", p)  # as vi or sed -i do
        return old + b"ours z\n"

    with pytest.raises(fileio.ChangedMeanwhileError):
        fileio.update(p, change)
    assert p.read_bytes() == b"theirs\n"


def test_a_touch_alone_is_no_change(tmp_path: Path) -> None:
    p = tmp_path / "mailertable"
    p.write_bytes(b"a x\n")

    def change(old: bytes) -> bytes:
        os.utime(p, ns=(1, 1))
        return old + b"b y\n"

    assert fileio.update(p, change).written
    assert p.read_bytes() == b"a x\nb y\n"


def test_edit_command_exits_75_when_the_file_changes_under_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from sendmailcfg.cli import main

    p = tmp_path / "mailertable"
    p.write_bytes(b"a smtp:x\n")
    real = fileio._Seen.still
    monkeypatch.setattr(fileio._Seen, "still", lambda self, target: False)
    assert main(["map", str(p), "set", "b", "smtp:y"]) == fileio.EX_TEMPFAIL
    assert "changed by another program" in capsys.readouterr().err
    assert p.read_bytes() == b"a smtp:x\n"
    monkeypatch.setattr(fileio._Seen, "still", real)
    assert main(["map", str(p), "set", "b", "smtp:y"]) == 0


def test_lint_fix_does_not_overwrite_a_newer_file(tmp_path: Path) -> None:
    from sendmailcfg.lint import lint_text
    from sendmailcfg.lint.fixing import fix_files

    p = tmp_path / "sendmail.mc"
    text = "FEATURE(`access_db', `hash /etc/mail/access')dnl\n"
    p.write_text(text)
    findings = lint_text(text, "mc", path=str(p))
    assert any(f.fix is not None for f in findings)
    p.write_text(text + "dnl a line another job added\n")
    changed, _ = fix_files(findings, None, write=True, kinds={str(p): "mc"})
    assert changed == 0
    assert p.read_text() == text + "dnl a line another job added\n"
    p.write_text(text)
    changed, _ = fix_files(findings, None, write=True, kinds={str(p): "mc"})
    assert changed == 1 and "-T<TMPF>" in p.read_text()


def test_dump_errors_name_the_file(tmp_path: Path) -> None:
    import sendmailcfg

    doc = sendmailcfg.loads("a x\n", "map")
    target = tmp_path / "missing-folder" / "map"
    with pytest.raises(OSError) as info:
        sendmailcfg.dump(doc, target)
    assert info.value.filename == str(target)
    assert str(target) in str(info.value)


def test_lint_fix_and_concurrent_mc_set_lose_nothing(tmp_path: Path) -> None:
    """Every writer takes the same lock: neither the fix nor any ``mc set`` is lost."""
    p = tmp_path / "sendmail.mc"
    p.write_text("FEATURE(`access_db', `hash /etc/mail/access')dnl\n")
    cmd = [sys.executable, "-m", "sendmailcfg"]
    procs = [
        subprocess.Popen(
            [*cmd, "mc", str(p), "set", f"confX{i}", f"v{i}"],
            env=ENV,
            stdout=subprocess.DEVNULL,
        )
        for i in range(4)
    ]
    fixer = subprocess.run(
        [*cmd, "lint", "--fix", "--exit-zero", str(p)], env=ENV, capture_output=True, text=True
    )
    assert all(proc.wait(timeout=120) == 0 for proc in procs)
    text = p.read_text()
    for i in range(4):
        assert f"define(`confX{i}', `v{i}')" in text
    assert "-T<TMPF>" in text or "changed since it was linted" in fixer.stderr
