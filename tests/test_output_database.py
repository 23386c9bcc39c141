"""Building, dumping and checking .db files (pure Python, the binding and the system makemap)."""

from __future__ import annotations

import os
import stat
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.maps import MapDocument
from sendmailcfg.maps.makemap_reader import ReaderOptions, read_source
from sendmailcfg.output import (
    BackendUnavailable,
    BuildOptions,
    MapBuildError,
    bdb,
    berkeley,
    build,
    database,
    db_path,
    is_stale,
    pure,
    read_map,
    read_map_text,
    rebuild_if_stale,
    system_makemap,
)
from sendmailcfg.syntax.map_nodes import MapSyntax
from tests.oracle import Oracle
from tests.test_makemap_reader import _flags, _source

needs_bdb = pytest.mark.skipif(
    not berkeley.available(),
    reason="the berkeleydb binding is missing: apt-get install libdb5.3-dev; "
    "pip install 'sendmailcfg[bdb]'",
)

needs_btree = pytest.mark.skipif(
    not pure.available("btree") and not berkeley.available(),
    reason="no btree writer: neither sendmailcfg.output.bdb.btree nor the berkeleydb binding",
)

SOURCE = b"# access\nFoo.Example\tREJECT\nbar.example OK\nlonely\nfoo.example RELAY\n"


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_build_and_dump(tmp_path: Path) -> None:
    result = build(SOURCE, tmp_path / "access")
    assert result.path == tmp_path / "access.db"
    assert result.backend == "pure"
    assert (result.status, result.written) == (65, 2)
    assert result.messages("access") == [
        "makemap: access: line 4: no RHS for LHS lonely",
        "makemap: access: line 5: key foo.example: duplicate key",
    ]
    assert sorted(read_map(tmp_path / "access")) == [
        (b"bar.example", b"OK"),
        (b"foo.example", b"REJECT"),
    ]
    assert leftovers(tmp_path) == []


@needs_btree
def test_reader_flags_reach_the_database(tmp_path: Path) -> None:
    options = BuildOptions(ReaderOptions(include_nul=True, duplicates="last", fold=False))
    assert build(SOURCE, tmp_path / "m", "btree", options).status == 65  # "lonely" only
    assert read_map(tmp_path / "m", "btree") == [
        (b"Foo.Example\0", b"REJECT\0"),
        (b"bar.example\0", b"OK\0"),
        (b"foo.example\0", b"RELAY\0"),
    ]
    assert read_map_text(tmp_path / "m", "btree", delimiter=b":").startswith(
        b"Foo.Example:REJECT\n"
    )


def test_document_is_read_with_its_own_syntax(tmp_path: Path) -> None:
    doc = MapDocument.from_text(
        "a key:v1\n;comment\na key:v2\n", syntax=MapSyntax(comment=";", delimiter=":")
    )
    doc.duplicates = "last"
    result = build(doc, tmp_path / "m")
    assert result.status == 0
    assert read_map(tmp_path / "m") == [(b"a key", b"v2")]
    with pytest.raises(ValueError, match="mapname"):
        build(doc)


def test_mode_and_atomic_swap(tmp_path: Path) -> None:
    target = tmp_path / "m.db"
    build(b"a b\n", tmp_path / "m")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640 & ~umask
    target.chmod(0o604)
    before = target.stat().st_ino
    build(b"c d\n", tmp_path / "m")
    assert stat.S_IMODE(target.stat().st_mode) == 0o604
    assert target.stat().st_ino != before  # a new file renamed into place
    assert read_map(tmp_path / "m") == [(b"c", b"d")]
    assert leftovers(tmp_path) == []


def test_append(tmp_path: Path) -> None:
    build(b"k v1\n", tmp_path / "m")
    r = build(b"k v2\nj x\n", tmp_path / "m", options=BuildOptions(append=True))
    assert r.errors == [(1, "key k: duplicate key")]
    assert sorted(read_map(tmp_path / "m")) == [(b"j", b"x"), (b"k", b"v1")]
    with pytest.raises(MapBuildError) as exc:
        build(b"a b\n", tmp_path / "new", options=BuildOptions(append=True))
    assert exc.value.status == 73
    assert "No such file or directory" in exc.value.message
    with pytest.raises(MapBuildError, match="Invalid argument"):  # a map built without -d
        build(b"a b\n", tmp_path / "m", options=BuildOptions.from_flags(["-o", "-d"]))
    assert leftovers(tmp_path) == []


def test_links_need_unsafe(tmp_path: Path) -> None:
    build(b"a b\n", tmp_path / "real")
    (tmp_path / "ln.db").symlink_to("real.db")
    with pytest.raises(MapBuildError, match="Symbolic links not allowed"):
        build(b"c d\n", tmp_path / "ln")
    with pytest.raises(MapBuildError, match="Symbolic links not allowed"):
        read_map(tmp_path / "ln")
    build(b"c d\n", tmp_path / "ln", options=BuildOptions(unsafe=True))
    assert (tmp_path / "ln.db").is_symlink()
    assert read_map(tmp_path / "real") == [(b"c", b"d")]
    os.link(tmp_path / "real.db", tmp_path / "hard.db")
    with pytest.raises(MapBuildError, match="Hard links not allowed"):
        build(b"e f\n", tmp_path / "hard")


@pytest.mark.parametrize(
    ("maptype", "message"),
    [
        ("nosuch", "makemap: error opening type nosuch map m: Unknown database type"),
        ("cdb", "makemap: Need to recompile with -DCDB for cdb support"),
        ("dbm", "makemap: Need to recompile with -DNDBM for dbm support"),
    ],
)
def test_unknown_types(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, maptype: str, message: str
) -> None:
    monkeypatch.setattr(database, "choose_backend", lambda backend="auto", t="": ("pure", None))
    with pytest.raises(MapBuildError) as exc:
        build(b"a b\n", "m", maptype)
    assert (exc.value.message, exc.value.status) == (message, 73)


def test_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(MapBuildError, match="No such file or directory") as exc:
        build(b"a b\n", tmp_path / "none" / "m")
    assert exc.value.status == 73


def test_no_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(berkeley, "available", lambda: False)
    monkeypatch.setattr(system_makemap, "find", lambda: None)
    monkeypatch.setattr(pure, "available", lambda method: False)
    with pytest.raises(BackendUnavailable) as exc:
        build(b"a b\n", "m")
    assert exc.value.status == 69
    assert "pip install 'sendmailcfg[bdb]'" in exc.value.message
    assert "libdb5.3-dev" in exc.value.message


def test_staleness(tmp_path: Path) -> None:
    source = tmp_path / "mailertable"
    source.write_bytes(b"example.com smtp:[mx]\n")
    assert is_stale(source)
    result = rebuild_if_stale(source)
    assert result is not None and result.status == 0
    assert not is_stale(source)
    assert rebuild_if_stale(source) is None
    db = db_path(source)
    os.utime(source, ns=(db.stat().st_mtime_ns + 10**9,) * 2)
    assert is_stale(source, db)
    with pytest.raises(FileNotFoundError):
        is_stale(tmp_path / "nothing")


@needs_bdb
def test_big_cache_is_only_a_default(tmp_path: Path) -> None:
    assert berkeley.default_cache(10) == berkeley.MAKEMAP_CACHE
    assert berkeley.default_cache(10**12) == berkeley.MAX_CACHE
    for cache in (0, -1, 100_000):
        options = BuildOptions(cache_size=cache)
        assert build(b"a b\n", tmp_path / "m", options=options).status == 0


# -- differential: our .db files read by the real makemap, the same as its own ---------------


def _both(
    oracle: Oracle, folder: Path, source: bytes, flags: list[str], maptype: str, backend: str
) -> None:
    ours, real = folder / "ours", folder / "real"
    status, msgs = oracle.makemap(flags, maptype, real, source)
    options = BuildOptions.from_flags(flags)
    result = build(source, ours, maptype, options, backend=backend)  # type: ignore[arg-type]
    assert result.status == status
    ours_msgs = "".join(m + "\n" for m in result.messages(str(real)))
    assert ours_msgs.encode("utf-8", "surrogateescape") == msgs.encode("latin-1")
    # The same insertion order and parameters give the same page layout: same -u order.
    dump_flags = ["-d"] if "-d" in " ".join(flags) else []
    assert oracle.dump(maptype, ours, dump_flags) == oracle.dump(maptype, real, dump_flags)


@needs_bdb
@pytest.mark.oracle
@given(
    source=_source(),
    flags=_flags,
    maptype=st.sampled_from(["hash", "btree", "implicit"]),
)
def test_our_databases_dump_like_real_ones(
    oracle: Oracle,
    tmp_path_factory: pytest.TempPathFactory,
    source: bytes,
    flags: list[str],
    maptype: str,
) -> None:
    _both(oracle, tmp_path_factory.mktemp("db"), source, flags, maptype, "berkeleydb")


def _by_key(lines: list[bytes]) -> dict[bytes, list[bytes]]:
    out: dict[bytes, list[bytes]] = {}
    for line in lines:
        out.setdefault(line.split(b"\t", 1)[0], []).append(line)
    return out


@pytest.mark.oracle
@given(source=_source(), flags=_flags)
def test_pure_databases_dump_like_real_ones(
    oracle: Oracle, tmp_path_factory: pytest.TempPathFactory, source: bytes, flags: list[str]
) -> None:
    """Real makemap -u lists, from our pure-Python file, exactly the pairs of its own."""
    folder = tmp_path_factory.mktemp("db")
    ours, real = folder / "ours", folder / "real"
    status, msgs = oracle.makemap(flags, "hash", real, source)
    result = build(source, ours, "hash", BuildOptions.from_flags(flags), backend="pure")
    assert result.status == status
    ours_msgs = "".join(m + "\n" for m in result.messages(str(real)))
    assert ours_msgs.encode("utf-8", "surrogateescape") == msgs.encode("latin-1")
    dump_flags = ["-d"] if "-d" in " ".join(flags) else []
    mine = oracle.dump("hash", ours, dump_flags).split(b"\n")
    theirs = oracle.dump("hash", real, dump_flags).split(b"\n")
    assert sorted(mine) == sorted(theirs)
    # a key's duplicates in the same order; the pure reader agrees with makemap -u
    assert _by_key(mine) == _by_key(theirs)
    assert read_map_text(ours, backend="pure", allow_dup=bool(dump_flags)) == b"\n".join(mine)


@needs_bdb
def test_binding_backend_still_works(tmp_path: Path) -> None:
    result = build(SOURCE, tmp_path / "access", backend="berkeleydb")
    assert (result.backend, result.status, result.written) == ("berkeleydb", 65, 2)
    assert sorted(read_map(tmp_path / "access", backend="berkeleydb")) == sorted(
        read_map(tmp_path / "access", backend="pure")
    )


def test_unknown_backend_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(system_makemap, "find", lambda: "/nonexistent/makemap")
    assert database.choose_backend("makemap") == ("makemap", "/nonexistent/makemap")
    with pytest.raises(ValueError, match="unknown backend 'bdb'"):
        database.choose_backend("bdb")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown backend 'nosuch'"):
        database.choose_backend("nosuch")  # type: ignore[arg-type]


def test_pure_append_meets_duplicates(tmp_path: Path) -> None:
    build(b"k 1\nk 2\n", tmp_path / "m", options=BuildOptions.from_flags(["-d"]))
    r = build(b"k 3\nj x\n", tmp_path / "m", options=BuildOptions.from_flags(["-o", "-d"]))
    assert r.status == 0
    assert sorted(read_map(tmp_path / "m")) == [
        (b"j", b"x"),
        (b"k", b"1"),
        (b"k", b"2"),
        (b"k", b"3"),
    ]
    r = build(b"k 4\n", tmp_path / "m", options=BuildOptions.from_flags(["-o"]))
    assert r.errors == [(1, "key k: duplicate key")]


def test_full_disk_exits_74_and_keeps_the_old_map(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    build(b"old map\n", tmp_path / "m")
    import errno

    def full(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(bdb, "write", full)
    with pytest.raises(MapBuildError) as exc:
        build(b"new map\n", tmp_path / "m")
    assert exc.value.status == 74
    assert (
        exc.value.message == "makemap: close(" + str(tmp_path / "m") + "): No space left on device"
    )
    assert read_map(tmp_path / "m") == [(b"old", b"map")]
    assert leftovers(tmp_path) == []


def test_killed_builds_leave_nothing_behind(tmp_path: Path) -> None:
    old = time.time() - 2 * database.STALE_TMP_AGE
    stale = tmp_path / ".m.db.abcd1234.tmp"
    stale.write_bytes(b"half a map")
    stale_dir = tmp_path / ".m.db.zz_99xyz.tmp"
    stale_dir.mkdir()
    (stale_dir / "map.db").write_bytes(b"x")
    fresh = tmp_path / ".m.db.fresh123.tmp"  # a build running right now
    fresh.write_bytes(b"")
    other = tmp_path / ".other.db.abcd1234.tmp"  # another map's
    other.write_bytes(b"")
    mine_but_not_ours = tmp_path / ".m.db.notes"
    mine_but_not_ours.write_bytes(b"")
    for path in (stale, stale_dir, other, mine_but_not_ours):
        os.utime(path, (old, old))
    build(b"a b\n", tmp_path / "m")
    assert leftovers(tmp_path) == sorted(p.name for p in (fresh, other, mine_but_not_ours))


@pytest.mark.oracle
@pytest.mark.parametrize("flags", [[], ["-r", "-t:"], ["-d", "-N"], ["-f", "-e"]])
def test_system_backend(
    oracle: Oracle, oracle_dir: Path, monkeypatch: pytest.MonkeyPatch, flags: list[str]
) -> None:
    monkeypatch.setenv(system_makemap.ENV, str(oracle.makemap_bin))
    source = b"K v1\nk v2\n bad\nx:y z\nnorhs\n" + b"L" * 1030 + b" v\n"
    _both(oracle, oracle_dir, source, flags, "hash", "makemap")
    assert leftovers(oracle_dir) == []
    text = read_map_text(oracle_dir / "ours", backend="makemap", allow_dup="-d" in flags)
    assert text == oracle.dump("hash", oracle_dir / "ours", ["-d"] if "-d" in flags else [])
    assert sorted(
        read_map(oracle_dir / "ours", backend="makemap", allow_dup="-d" in flags)
    ) == sorted((k, v) for k, _, v in (line.partition(b"\t") for line in text.split(b"\n")[:-1]))


@needs_bdb
@pytest.mark.oracle
def test_appending_like_real_makemap(oracle: Oracle, oracle_dir: Path) -> None:
    for name in ("ours", "real"):
        oracle.makemap([], "hash", oracle_dir / name, b"k v1\na b\n")
    status, _ = oracle.makemap(["-o"], "hash", oracle_dir / "real", b"k v2\nc d\n")
    result = build(b"k v2\nc d\n", oracle_dir / "ours", options=BuildOptions(append=True))
    assert result.status == status == 65
    assert oracle.dump("hash", oracle_dir / "ours") == oracle.dump("hash", oracle_dir / "real")


@needs_bdb
@pytest.mark.oracle
def test_sendmail_reads_our_map(oracle: Oracle, oracle_dir: Path) -> None:
    """Real sendmail looks keys up in a mailertable we built (``/map`` in -bt mode)."""
    mapfile = oracle_dir / "mailertable"
    mc = oracle.offline_mc(oracle_dir, f"FEATURE(`mailertable', `hash -o {mapfile}')dnl\n")
    cf_text, err, status = oracle.mc2cf(mc)
    assert status == 0, err
    cf = oracle_dir / "oracle.cf"
    cf.write_text(cf_text)
    doc = MapDocument.from_text(
        "Example.COM\tsmtp:[mx.example.net]\n.example.org\tesmtp:relay.example.net\n"
    )
    assert build(doc, mapfile).status == 0
    outs = oracle.run_bt_each(
        cf, ["/map mailertable example.com", "/map mailertable .example.org", "/map mailertable x"]
    )
    assert "returns smtp:[mx.example.net]" in outs[0]
    assert "returns esmtp:relay.example.net" in outs[1]
    assert "no match" in outs[2]


def test_read_source_agrees_with_stored_pairs() -> None:
    result = read_source(SOURCE)
    assert result.pairs == [(b"foo.example", b"REJECT"), (b"bar.example", b"OK")]


def test_docs_run_without_the_binding_or_makemap(tmp_path: Path) -> None:
    """docs/building-maps.md's examples pass where neither libdb's binding nor makemap exists."""
    import subprocess
    import sys

    blocker = tmp_path / "berkeleydb"
    blocker.mkdir()
    (blocker / "__init__.py").write_text("raise ImportError('no libdb on this machine')\n")
    top = Path(__file__).resolve().parents[1]
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(tmp_path), str(top), env.get("PYTHONPATH", "")])
    env[system_makemap.ENV] = str(tmp_path / "no-makemap")
    env["PATH"] = os.pathsep.join(
        p for p in env.get("PATH", "").split(os.pathsep) if not (Path(p) / "makemap").exists()
    )
    check = "import sendmailcfg.output.berkeley as b; assert not b.available()"
    subprocess.run([sys.executable, "-c", check], env=env, check=True, timeout=60)
    args = ["-q", "-p", "no:cacheprovider", "tests/test_docs.py", "-k", "building-maps"]
    p = subprocess.run(
        [sys.executable, "-m", "pytest", *args],
        cwd=top,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-2000:]
    assert "2 passed" in p.stdout


def test_module_examples() -> None:
    import doctest
    import importlib

    from sendmailcfg.cli import _mapsource

    compare_module = importlib.import_module("sendmailcfg.output.compare")
    for module in (database, pure, compare_module, _mapsource):
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0 and result.attempted > 0, module.__name__


@needs_bdb
def test_full_disk_with_the_binding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import errno

    build(b"old map\n", tmp_path / "m", backend="berkeleydb")

    def full_fsync(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full_fsync)
    with pytest.raises(MapBuildError) as exc:
        build(b"new map\n", tmp_path / "m", backend="berkeleydb")
    assert exc.value.status == 74
    monkeypatch.undo()
    assert read_map(tmp_path / "m") == [(b"old", b"map")]
    assert leftovers(tmp_path) == []


def test_output_compare_is_the_function_whatever_is_imported_first() -> None:
    """``sendmailcfg.output`` loads its names lazily; importing the ``compare`` submodule
    first must not shadow the ``compare`` function (a fresh interpreter, each order)."""
    import subprocess
    import sys

    for first in ("sendmailcfg.output.compare", "sendmailcfg.output.database", "sendmailcfg"):
        code = (
            f"import {first}, sendmailcfg.output as o, sendmailcfg.output.compare; "
            "assert callable(o.compare) and o.compare.__name__ == 'compare', o.compare; "
            "assert o.MapDifference.__name__ == 'MapDifference'"
        )
        subprocess.run([sys.executable, "-c", code], check=True)
