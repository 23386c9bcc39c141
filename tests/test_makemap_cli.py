"""``python -m sendmailcfg makemap`` against the real makemap: flags, output, exit statuses."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.cli import main
from sendmailcfg.cli.makemap import USAGE, parse_argv, type_from_cf
from sendmailcfg.output import berkeley, pure
from tests.oracle import Oracle
from tests.test_makemap_reader import _flags, _source

needs_btree = pytest.mark.skipif(
    not pure.available("btree") and not berkeley.available(),
    reason="no btree writer: neither sendmailcfg.output.bdb.btree nor the berkeleydb binding",
)


def same_pairs(ours: bytes, real: bytes) -> None:
    """Two ``makemap -u`` dumps list the same pairs, each key's duplicates in the same order.

    Our pure-Python hash files size their bucket table at once, so the buckets
    (and the -u order across keys) differ from libdb's own files.
    """
    assert sorted(ours.split(b"\n")) == sorted(real.split(b"\n"))
    for key in {line.split(b"\t")[0] for line in real.split(b"\n")}:
        mine = [x for x in ours.split(b"\n") if x.split(b"\t")[0] == key]
        assert mine == [x for x in real.split(b"\n") if x.split(b"\t")[0] == key]


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, bytes, bytes]:
    """Our makemap in this process: (exit status, stdout, stderr)."""
    saved = sys.stdin, sys.stdout, sys.stderr
    out, err = io.BytesIO(), io.BytesIO()
    wrappers = (
        io.TextIOWrapper(io.BytesIO(stdin)),
        io.TextIOWrapper(out, write_through=True),
        io.TextIOWrapper(err, write_through=True),
    )
    sys.stdin, sys.stdout, sys.stderr = wrappers
    try:
        try:
            status = main(["makemap", *argv])
        except SystemExit as exc:
            status = int(exc.code or 0)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        for w in wrappers:
            w.flush()
            w.detach()
    return status, out.getvalue(), err.getvalue()


def real_run(oracle: Oracle, argv: list[str], stdin: bytes = b"") -> tuple[int, bytes, bytes]:
    p = subprocess.run(
        [str(oracle.makemap_bin), *argv], input=stdin, capture_output=True, timeout=60
    )
    err = b"".join(
        line for line in p.stderr.splitlines(keepends=True) if not line.startswith(b"WARNING: ")
    )
    return p.returncode, p.stdout, err


def without_hints(err: bytes) -> bytes:
    return b"".join(
        line for line in err.splitlines(keepends=True) if not line.startswith(b"makemap: hint: ")
    )


# -- command line parsing ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["-t:", "-rv", "hash", "m"],
        ["-t", ":", "-r", "-v", "hash", "m"],
        ["hash", "m", "-t:", "-vr"],  # glibc getopt: options may follow the operands
        ["-vrt:", "hash", "m"],
    ],
)
def test_getopt_styles(argv: list[str]) -> None:
    ns = parse_argv(argv)
    assert sorted(ns.flags) == [("-r", ""), ("-t", ":"), ("-v", "")]
    assert ns.operands == ["hash", "m"]


def test_usage_errors_exit_64() -> None:
    for argv in (["-z", "hash", "m"], ["hash"], [], ["-t"], ["hash", "m", "x"]):
        status, out, err = run(argv)
        assert status == 64, argv
        assert err.endswith(USAGE.encode())
        assert out == b""


def test_help_is_ours() -> None:
    status, out, _ = run(["--help"])
    assert status == 0
    assert b"--backend" in out


def test_type_from_cf() -> None:
    cf = "Kmailertable hash -o /etc/mail/mailertable.db\nKaccess btree /etc/mail/access\n"
    assert type_from_cf(cf, "/etc/mail/mailertable", False) == "hash"
    assert type_from_cf(cf, "other/access", False) == "btree"
    assert type_from_cf(cf, "/etc/mail/access", True) == "btree"
    assert type_from_cf(cf, "/etc/other/access", True) == ""
    assert type_from_cf(cf, "virtusertable", False) == ""


def test_build_dump_verbose(tmp_path: Path) -> None:
    m = str(tmp_path / "m")
    status, out, err = run(["-v", "hash", m], b"A b\nc\n")
    assert status == 65
    assert out == b"key=`a', val=`b'\n"
    assert err.startswith(f"makemap: {m}: line 2: no RHS for LHS c\n".encode())
    assert b"makemap: hint: write a value after the key, or build with -e" in err
    assert run(["-u", "-t:", "hash", m]) == (0, b"a:b\n", b"")


# -- differential -----------------------------------------------------------------------------

ARGV_CASES = [
    [],
    ["hash"],
    ["-z", "hash", "m"],
    ["-t"],
    ["hash", "m", "x"],
    ["-l"],
    ["-L"],
    ["-x"],
    ["-l", "-z"],
    ["nosuch", "m"],
    ["cdb", "m"],
    ["dbm", "m"],
    ["-u", "hash", "nothere"],
    ["-o", "hash", "missing"],
    ["cf", "m"],
    ["-i", "hash", "cf", "m"],
    ["-t", "", "hash", "m"],
    ["-c", "0", "hash", "m"],
    ["-c", "-5", "btree", "m"],
    ["-c", "12k", "implicit", "m"],
    ["-D", "", "-rv", "hash", "m"],
    ["hash", "m", "-d", "-v"],
    ["-C", "/nonexistent/sendmail.cf", "hash", "m"],
    ["-u", "-d", "hash", "m"],
]


@needs_btree
@pytest.mark.oracle
@pytest.mark.parametrize("argv", ARGV_CASES, ids=[" ".join(a) or "none" for a in ARGV_CASES])
def test_statuses_and_output_match(
    oracle: Oracle, oracle_dir: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str]
) -> None:
    source = b"k v\n#c d\nK v2\nlonely\n"
    monkeypatch.chdir(oracle_dir)
    full = ["-C", "/dev/null", *argv]
    real = real_run(oracle, full, source)
    for name in ("m.db", "missing.db"):
        (oracle_dir / name).unlink(missing_ok=True)
    ours = run(full, source)
    assert ours[0] == real[0]
    assert ours[1] == real[1]
    if real[0] == 64:  # glibc names the program by its full path
        assert ours[2].endswith(real[2].split(b"\n", 1)[-1] if b"-- " in real[2] else real[2])
    else:
        assert without_hints(ours[2]) == real[2]


@needs_btree
@pytest.mark.oracle
@given(
    source=_source(),
    flags=_flags,
    verbose=st.booleans(),
    maptype=st.sampled_from(["hash", "btree"]),
)
def test_cli_matches_real_makemap(
    oracle: Oracle,
    tmp_path_factory: pytest.TempPathFactory,
    source: bytes,
    flags: list[str],
    verbose: bool,
    maptype: str,
) -> None:
    folder = tmp_path_factory.mktemp("cli")
    argv = [*flags, *(["-v"] if verbose else [])]
    ours_name, real_name = str(folder / "ours"), str(folder / "real")
    real = real_run(oracle, ["-C", "/dev/null", *argv, maptype, real_name], source)
    ours = run([*argv, maptype, ours_name], source)
    assert ours[0] == real[0]
    assert ours[1] == real[1]
    assert without_hints(ours[2]).replace(ours_name.encode(), b"M") == real[2].replace(
        real_name.encode(), b"M"
    )
    dump_flags = ["-d"] if any("d" in f for f in flags if not f.startswith("-D")) else []
    same_pairs(
        oracle.dump(maptype, ours_name, dump_flags), oracle.dump(maptype, real_name, dump_flags)
    )
    # and our -u reads the real map exactly as real -u does
    assert run(["-u", *dump_flags, maptype, real_name])[1] == oracle.dump(
        maptype, real_name, dump_flags
    )


@pytest.mark.oracle
def test_console_entry_point(oracle: Oracle, oracle_dir: Path) -> None:
    """The module runs as ``python -m sendmailcfg makemap`` (a subprocess, as users run it)."""
    p = subprocess.run(
        [sys.executable, "-m", "sendmailcfg", "makemap", "-l"],
        capture_output=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert (p.returncode, p.stdout) == (0, b"hash\nbtree\nimplicit\n")


@pytest.mark.parametrize("backend", ["pure", "auto"])
def test_pure_backend_needs_no_binding(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, backend: str
) -> None:
    monkeypatch.setattr(berkeley, "available", lambda: False)
    mapname = str(tmp_path / "m")
    status, _, err = run(["--backend", backend, "hash", mapname], b"Key value\nk2 v2\n")
    assert (status, err) == (0, b"")
    status, out, _ = run(["-u", "--backend", backend, "hash", mapname])
    assert status == 0
    assert sorted(out.splitlines()) == [b"k2\tv2", b"key\tvalue"]


def test_unknown_backend_is_a_usage_error() -> None:
    status, _, err = run(["--backend", "nosuch", "hash", "m"])
    assert status == 64
    assert b"--backend must be pure, berkeleydb or makemap" in err


def test_full_disk_exits_74(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno
    import os

    from sendmailcfg.output import bdb

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(bdb, "write", full)
    mapname = str(tmp_path / "m")
    status, _, err = run(["hash", mapname], b"a b\n")
    assert status == 74
    assert err == f"makemap: close({mapname}): No space left on device\n".encode()
    assert list(tmp_path.iterdir()) == []
