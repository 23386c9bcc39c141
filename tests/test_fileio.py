"""Safe writes: atomic, mode and owner kept, through symlinks, hard links intact, backups, locks."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg import fileio


def test_write_keeps_mode(tmp_path: Path) -> None:
    p = tmp_path / "mailertable"
    p.write_bytes(b"old\n")
    os.chmod(p, 0o640)
    fileio.write_atomic(p, b"new\n")
    assert p.read_bytes() == b"new\n"
    assert stat.S_IMODE(p.stat().st_mode) == 0o640


def test_new_file_mode_follows_umask(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        fileio.write_atomic(tmp_path / "n", b"x", new_mode=0o666)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "n").stat().st_mode) == 0o640


def test_symlink_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real" / "mailertable"
    real.parent.mkdir()
    real.write_bytes(b"a x\n")
    os.chmod(real, 0o604)
    link = tmp_path / "mailertable"
    link.symlink_to(os.path.relpath(real, tmp_path))
    fileio.write_atomic(link, b"b y\n")
    assert link.is_symlink()
    assert real.read_bytes() == b"b y\n"
    assert stat.S_IMODE(real.stat().st_mode) == 0o604
    # no temporary file is left in either folder
    assert sorted(os.listdir(tmp_path)) == ["mailertable", "real"]
    assert os.listdir(real.parent) == ["mailertable"]


def test_chain_of_symlinks(tmp_path: Path) -> None:
    (tmp_path / "c").write_bytes(b"1")
    (tmp_path / "b").symlink_to("c")
    (tmp_path / "a").symlink_to("b")
    fileio.write_atomic(tmp_path / "a", b"2")
    assert (tmp_path / "a").is_symlink() and (tmp_path / "b").is_symlink()
    assert (tmp_path / "c").read_bytes() == b"2"


def test_dangling_symlink_creates_target(tmp_path: Path) -> None:
    (tmp_path / "link").symlink_to("target")
    fileio.write_atomic(tmp_path / "link", b"x")
    assert (tmp_path / "link").is_symlink()
    assert (tmp_path / "target").read_bytes() == b"x"


def test_hard_links_stay_one_file(tmp_path: Path) -> None:
    a = tmp_path / "access"
    a.write_bytes(b"old contents that are longer\n")
    b = tmp_path / "access.hardlink"
    os.link(a, b)
    inode = a.stat().st_ino
    fileio.write_atomic(a, b"new\n")
    assert a.stat().st_ino == inode == b.stat().st_ino
    assert b.read_bytes() == b"new\n"  # truncated to the new length
    assert a.stat().st_nlink == 2
    assert sorted(os.listdir(tmp_path)) == ["access", "access.hardlink"]


def test_plain_file_gets_new_inode(tmp_path: Path) -> None:
    # a reader holding the old file open keeps reading the old bytes
    p = tmp_path / "m"
    p.write_bytes(b"old\n")
    with open(p, "rb") as reader:
        fileio.write_atomic(p, b"new\n")
        assert reader.read() == b"old\n"
    assert p.read_bytes() == b"new\n"


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_update_writes_exactly_the_change(old: bytes, new: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        p = os.path.join(d, "f")
        with open(p, "wb") as f:
            f.write(old)
        r = fileio.update(p, lambda _b: new)
        assert r.changed == (old != new) == r.written
        assert r.before == old and r.after == new
        assert fileio.read_bytes(p) == new


def test_update_check_writes_nothing(tmp_path: Path) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"a\n")
    r = fileio.update(p, lambda b: b + b"b\n", check=True)
    assert r.changed and not r.written
    assert p.read_bytes() == b"a\n"


def test_update_missing(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        fileio.update(tmp_path / "none", lambda b: b + b"x")
    r = fileio.update(tmp_path / "new", lambda b: b + b"x\n", missing_ok=True)
    assert r.before is None and r.written
    assert (tmp_path / "new").read_bytes() == b"x\n"


def test_update_error_writes_nothing(tmp_path: Path) -> None:
    p = tmp_path / "f"
    p.write_bytes(b"a\n")

    def boom(_b: bytes) -> bytes:
        raise ValueError("no")

    with pytest.raises(ValueError):
        fileio.update(p, boom, backup=True)
    assert p.read_bytes() == b"a\n"
    assert sorted(os.listdir(tmp_path)) == ["f"]  # no lock file, no temporary


def test_backup_only_when_changed(tmp_path: Path) -> None:
    p = tmp_path / "mailertable"
    p.write_bytes(b"a x\n")
    os.chmod(p, 0o600)
    same = fileio.update(p, lambda b: b, backup=True)
    assert same.backup is None
    r = fileio.update(p, lambda b: b + b"b y\n", backup=True)
    assert r.backup is not None
    backup = Path(r.backup)
    assert backup.parent == tmp_path
    assert backup.name.startswith(f"mailertable.{os.getpid()}.") and backup.name.endswith("~")
    assert backup.read_bytes() == b"a x\n"
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600
    assert p.read_bytes() == b"a x\nb y\n"
    # a second backup in the same second gets its own name
    r2 = fileio.update(p, lambda b: b + b"c z\n", backup=True)
    assert r2.backup is not None and r2.backup != r.backup
    assert Path(r2.backup).read_bytes() == b"a x\nb y\n"


def test_backup_through_symlink_copies_target(tmp_path: Path) -> None:
    (tmp_path / "real").write_bytes(b"1\n")
    (tmp_path / "link").symlink_to("real")
    r = fileio.update(tmp_path / "link", lambda b: b"2\n", backup=True)
    assert r.backup is not None
    assert not Path(r.backup).is_symlink()
    assert Path(r.backup).read_bytes() == b"1\n"
    assert (tmp_path / "real").read_bytes() == b"2\n"


def test_legacy_lock_file_name(tmp_path: Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "real").write_bytes(b"")
    (tmp_path / "link").symlink_to("d/real")
    assert fileio.lock_path(tmp_path / "link") == str(
        (tmp_path / "d" / ".real.sendmailcfg-lock").resolve()
    )


def test_legacy_lock_file_is_removed(tmp_path: Path) -> None:
    p = tmp_path / "access"
    p.write_bytes(b"a x\n")
    Path(fileio.lock_path(p)).write_bytes(b"")
    fileio.update(p, lambda b: b + b"b y\n")
    assert sorted(os.listdir(tmp_path)) == ["access"]


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


def test_concurrent_updates_lose_nothing(tmp_path: Path) -> None:
    p = tmp_path / "mailertable"
    p.write_bytes(b"")
    script = tmp_path / "appender.py"
    script.write_text(APPENDER)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    procs = [
        subprocess.Popen([sys.executable, str(script), str(p), tag, "25"], env=env)
        for tag in ("a", "b", "c")
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    lines = p.read_bytes().decode().splitlines()
    assert sorted(lines) == sorted(f"{t}{i} x" for t in "abc" for i in range(25))
    for t in "abc":  # each writer's lines in its own order
        assert [x for x in lines if x.startswith(t)] == [f"{t}{i} x" for i in range(25)]


HOLDER = textwrap.dedent(
    """
    import sys, time
    from sendmailcfg import fileio

    with fileio.locked(sys.argv[1]):
        print("locked", flush=True)
        time.sleep(float(sys.argv[2]))
        with open(sys.argv[1], "ab") as f:
            f.write(b"first\\n")
    """
)


def test_second_writer_waits_and_rereads(tmp_path: Path) -> None:
    p = tmp_path / "access"
    p.write_bytes(b"")
    script = tmp_path / "holder.py"
    script.write_text(HOLDER)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    holder = subprocess.Popen(
        [sys.executable, str(script), str(p), "0.5"], env=env, stdout=subprocess.PIPE
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == b"locked\n"
    r = fileio.update(p, lambda b: b + b"second\n")  # blocks until the holder is done
    assert holder.wait(timeout=60) == 0
    assert r.before == b"first\n"
    assert p.read_bytes() == b"first\nsecond\n"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="chown needs root")
def test_owner_and_group_are_kept(tmp_path: Path) -> None:
    p = tmp_path / "access"
    p.write_bytes(b"old\n")
    os.chown(p, 1234, 4321)
    fileio.write_atomic(p, b"new\n")
    st = p.stat()
    assert (st.st_uid, st.st_gid) == (1234, 4321)
    r = fileio.update(p, lambda b: b + b"more\n", backup=True)
    assert r.backup is not None
    assert (p.stat().st_uid, p.stat().st_gid) == (1234, 4321)


def test_concurrent_updates_of_a_hard_linked_file(tmp_path: Path) -> None:
    """The in-place path is locked too: nothing lost, the links stay one file."""
    p = tmp_path / "mailertable"
    p.write_bytes(b"")
    os.link(p, tmp_path / "other-name")
    inode = p.stat().st_ino
    script = tmp_path / "appender.py"
    script.write_text(APPENDER)
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    procs = [
        subprocess.Popen([sys.executable, str(script), str(p), tag, "15"], env=env)
        for tag in ("a", "b")
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    assert p.stat().st_ino == inode and p.stat().st_nlink == 2
    lines = (tmp_path / "other-name").read_bytes().decode().splitlines()
    assert sorted(lines) == sorted(f"{t}{i} x" for t in "ab" for i in range(15))
