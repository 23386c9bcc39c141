"""The locked m4 run (issue 26 items 1 and 3): no command runs, no outside file is read.

Each bypass of a text check is run with real m4 and the cf package: the payload
would create a marker file (a command) or copy a secret into the .cf (a read),
and the test proves neither happened. ``--allow-m4-commands`` brings the plain
m4 run back.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sendmailcfg.cli import main
from sendmailcfg.mc import m4safe
from sendmailcfg.mc.cfbuild import build_cf
from sendmailcfg.mc.render import RenderError, render
from tests.oracle import Oracle

SECRET = "SECRET-6b1f0c"
HEAD = "OSTYPE(`linux')dnl\n"
TAIL = "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"


@pytest.fixture
def evil(tmp_path: Path) -> Path:
    """A folder outside the cf package with m4 files that would run a command and leak."""
    d = tmp_path / "evil"
    for sub in ("", "m4", "feature", "ostype", "mailer", "domain", "hack", "siteconfig"):
        (d / sub).mkdir(parents=True, exist_ok=True)
    for f in ("x.m4", "m4/proto.m4", "m4/helpers.m4", "feature/x.m4", "ostype/x.m4"):
        (d / f).write_text(f"divert(0){SECRET}\nsyscmd(`touch {tmp_path}/ran')dnl\n")
    for sub in ("mailer", "domain", "hack", "siteconfig"):
        (d / sub / "x.m4").write_text(f"divert(0){SECRET}\n")
    return d


def _rel(from_dir: Path, to: Path) -> str:
    return os.path.relpath(to, from_dir)


def _attacks(cf: Path, tmp: Path, evil: Path) -> dict[str, str]:
    touch = f"touch {tmp}/ran"
    up = {k: _rel(cf / k, evil / "x") for k in ("ostype", "feature", "mailer", "domain", "hack")}
    return {
        "defn": f"define(`Q', defn(`esyscmd'))Q(`{touch}')",
        "defn-syscmd": f"define(`Q', defn(`syscmd'))Q(`{touch}')",
        "pushdef-defn": f"pushdef(`Q', defn(`syscmd'))Q(`{touch}')",
        "pushdef-popdef": f"pushdef(`syscmd', `x')popdef(`syscmd')syscmd(`{touch}')",
        "concatenation": f"define(`N', `esys'`cmd(`{touch}')')N",
        "define-pieces": f"define(`A', `sys')define(`B', `cmd')define(`C', A`'B)indir(C, `{touch}')",
        "translit": f"indir(translit(`ESYSCMD', `A-Z', `a-z'), `{touch}')",
        "substr": f"indir(substr(`xxesyscmd', `2'), `{touch}')",
        "builtin": f"builtin(`esyscmd', `{touch}')",
        "indir": f"indir(`syscmd', `{touch}')",
        "maketemp": f"maketemp(`{tmp}/ranXXXXXX')",
        "mkstemp": f"mkstemp(`{tmp}/ranXXXXXX')",
        "debugfile": f"debugfile(`{tmp}/ran')traceon(`define')define(`x', `y')",
        "undivert-file": f"undivert(`{evil}/x.m4')",
        "include-abs": f"include(`{evil}/x.m4')",
        "sinclude-abs": f"sinclude(`{evil}/x.m4')",
        "include-dotdot": "include(`../evil/m4/helpers.m4')",
        "include-cf-dotdot": f"include(`{cf}/m4/../../{_rel(cf.parent, evil / 'x.m4')}')",
        "cf-dir-redefined": f"define(`_CF_DIR_', `{evil}/')include(_CF_DIR_`m4/proto.m4')",
        "cf-dir-feature": f"define(`_CF_DIR_', `{evil}/')FEATURE(`x')",
        "ostype": f"OSTYPE(`{up['ostype']}')",
        "feature": f"FEATURE(`{up['feature']}')",
        "mailer": f"MAILER(`{up['mailer']}')",
        "domain": f"DOMAIN(`{up['domain']}')",
        "hack": f"HACK(`{up['hack']}')",
        "siteconfig": f"SITECONFIG(`../../{_rel(cf.parent, evil / 'siteconfig' / 'x')}', `a', `U')",
        "include-name-built": "define(`I', `inc'`lude(`../evil/x.m4')')I",
        "defn-include": f"define(`I', defn(`include'))I(`{evil}/x.m4')",
        "changequote-capture": "changequote(`_SMC', `(')",
        "changecom": "changecom(`_SMC')",
        "esyscmd-in-m4wrap": f"m4wrap(`esyscmd(`{touch}')')",
        "quote-injection": f"include(`x'')esyscmd(`{touch}')dnl')",
        "capture-by-injection": "define(`L', include(`x'')define(`M', ````'))L M",
        "capture-in-brackets": (
            "changequote([, ])define([L], indir([_SENDMAILCFG_inc:]"
            f"[{cf}/m4/version.m4]))L _SENDMAILCFG_cq_br()changequote(`, ')"
        ),
        "capture-in-angles": (
            "changequote(<<, >>)define(<<L>>, _SENDMAILCFG_cq_bq_x)"
            "define(<<usr>>, <<etc>>)changequote(`, ')"
            f"indir(`_SENDMAILCFG_inc:{cf}/m4/version.m4')"
        ),
        "switch-out-of-place": "_SENDMAILCFG_cq_bq()esyscmd(`x')",
        "defn-of-fixed-call": f"defn(`_SENDMAILCFG_inc:{cf}/m4/version.m4')",
        "defn-of-switch": "define(`L', defn(`_SENDMAILCFG_cq_br'))L",
        "defn-two-names": "defn(`_ARG_', `include')",
    }


QUIET = {"capture-in-brackets"}
"""Attacks that come to nothing without an error (indir is plain text in other quotes)."""


def _cases() -> list[str]:
    return sorted(_attacks(Path("/cf"), Path("/t"), Path("/e")))


@pytest.mark.parametrize("name", _cases())
def test_bypass_runs_nothing_reads_nothing(
    name: str, tmp_path: Path, evil: Path, oracle: Oracle
) -> None:
    attack = _attacks(oracle.cf_dir, tmp_path, evil)[name]
    mc = tmp_path / "work" / "a.mc"
    mc.parent.mkdir()
    mc.write_text(f"{HEAD}{attack}\n{TAIL}")
    got = build_cf(mc, oracle.cf_dir, stable=True)
    assert not (tmp_path / "ran").exists(), got.messages
    assert not list(tmp_path.glob("ran*"))
    assert SECRET not in got.cf
    assert "_SMC" not in got.cf  # the real builtins' names never reach the text
    if name in QUIET:
        return
    assert not got.ok
    assert any(m4safe.REFUSED in m.text or "m4:" in m.text for m in got.errors), got.messages


def test_allow_m4_commands_runs_them(tmp_path: Path, oracle: Oracle) -> None:
    mc = tmp_path / "a.mc"
    mc.write_text(f"{HEAD}esyscmd(`touch {tmp_path}/ran')dnl\n{TAIL}")
    got = build_cf(mc, oracle.cf_dir, stable=True, allow_m4_commands=True)
    assert got.ok and (tmp_path / "ran").exists()
    cf = render(mc.read_text(), oracle.cf_dir, allow_m4_commands=True)
    assert "DZ8.17" in cf or "V10" in cf


def test_render_api_refuses(tmp_path: Path, oracle: Oracle) -> None:
    text = f"{HEAD}define(`Q', defn(`esyscmd'))Q(`touch {tmp_path}/ran')\n{TAIL}"
    with pytest.raises(RenderError, match=r"refused defn\(`esyscmd'\)"):
        render(text, oracle.cf_dir)
    assert not (tmp_path / "ran").exists()


def test_cli_allow_m4_commands(
    tmp_path: Path, oracle: Oracle, capsys: pytest.CaptureFixture[str]
) -> None:
    """The text check misses a built name; the locked run refuses it; the flag runs it."""
    mc = tmp_path / "a.mc"
    mc.write_text(f"{HEAD}define(`N', `esys'`cmd(`touch {tmp_path}/ran')')N\n{TAIL}")
    cf = ["--cf-dir", str(oracle.cf_dir)]
    assert main(["render", str(mc), *cf, "-o", "-"]) == 1
    err = capsys.readouterr().err
    assert f"{mc}:2:1: error: *** ERROR: sendmailcfg refused esyscmd(" in err
    assert "--allow-m4-commands" in err and not (tmp_path / "ran").exists()
    assert main(["render", str(mc), *cf, "--allow-m4-commands"]) == 0
    assert (tmp_path / "ran").exists() and (tmp_path / "a.cf").exists()


def test_make_is_locked_too(tmp_path: Path, oracle: Oracle) -> None:
    mc = tmp_path / "sendmail.mc"
    mc.write_text(f"{HEAD}define(`Q', defn(`syscmd'))Q(`touch {tmp_path}/ran')\n{TAIL}")
    assert main(["make", str(tmp_path), "cf", "--cf-dir", str(oracle.cf_dir)]) == 1
    assert not (tmp_path / "ran").exists() and not (tmp_path / "sendmail.cf").exists()


def test_legitimate_includes_still_work(tmp_path: Path, oracle: Oracle) -> None:
    """cf.m4 included again (as the stock files do), SITECONFIG of a missing file, undivert."""
    text = (
        f"include(`{oracle.cf_dir}/m4/cf.m4')dnl\n{HEAD}SITECONFIG(`nothere', `a', `U')dnl\n"
        "FEATURE(`domainmap', `example.org', `hash /etc/mail/dm')dnl\n"
        "define(`confTO_QUEUEWARN', `8h')dnl\n"
        "LOCAL_CONFIG\nundivert(1)dnl\n"
        f"{TAIL}"
    )
    locked = render(text, oracle.cf_dir)
    plain = render(text, oracle.cf_dir, allow_m4_commands=True)
    assert locked == plain and "O Timeout.queuewarn=8h" in locked


def test_bracket_quotes_of_debian(tmp_path: Path, oracle: Oracle) -> None:
    """changequote([, ]) and back, as ostype/debian.m4 does, is allowed."""
    text = "changequote([, ])dnl\ndefine([confMUST_QUOTE_CHARS], [.'])dnl\nchangequote(`, ')dnl\n"
    text = f"{HEAD}{text}{TAIL}"
    assert render(text, oracle.cf_dir) == render(text, oracle.cf_dir, allow_m4_commands=True)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_timeout_kills_the_group(tmp_path: Path, oracle: Oracle) -> None:
    """A child of esyscmd does not outlive the timeout (allowed run); a loop is stopped."""
    mc = tmp_path / "a.mc"
    pidfile = tmp_path / "pid"
    mc.write_text(f"{HEAD}esyscmd(`sleep 30 & echo $! > {pidfile}; wait')\n{TAIL}")
    with pytest.raises(m4safe.RenderTimeout, match="within 1 s"):
        build_cf(mc, oracle.cf_dir, timeout=1, allow_m4_commands=True)
    assert not _alive(int(pidfile.read_text()))
    mc.write_text(f"{HEAD}define(`L', `L')L\n{TAIL}")
    with pytest.raises(m4safe.RenderTimeout):
        build_cf(mc, oracle.cf_dir, timeout=1)


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting for its reaper counts as dead)."""
    for _ in range(200):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except FileNotFoundError:
            return False
        if stat.rpartition(")")[2].split()[0] in ("Z", "X"):
            return False
        time.sleep(0.01)
    return True


def test_output_is_capped(tmp_path: Path, oracle: Oracle) -> None:
    mc = tmp_path / "a.mc"
    mc.write_text(f"{HEAD}divert(0)define(`G', `xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx G')G\n{TAIL}")
    with pytest.raises(m4safe.RenderOutputTooLarge, match="more than 65536 bytes"):
        m4safe.run_m4(mc.read_bytes(), oracle.cf_dir, m4="m4", timeout=30, max_output=65536)


def test_timeout_must_be_positive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for bad in ("0", "-1", "nan", "x"):
        with pytest.raises(SystemExit) as exc:
            main(["render", str(tmp_path / "a.mc"), "--timeout", bad])
        assert exc.value.code == 2
        assert "positive number of seconds" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["make", str(tmp_path), "--timeout", "0"])
    with pytest.raises(ValueError, match="positive"):
        render("", "/nonexistent", timeout=0)


def test_mc_named_like_an_option(
    tmp_path: Path, oracle: Oracle, capsys: pytest.CaptureFixture[str]
) -> None:
    """``render -- -Ffreebsd.mc`` builds -Ffreebsd.cf and leaves freebsd.mc alone."""
    top = Path(__file__).resolve().parents[1]
    data = (top / "examples" / "freebsd.mc").read_bytes()
    (tmp_path / "freebsd.mc").write_bytes(data)
    (tmp_path / "-Ffreebsd.mc").write_bytes(data)
    env = {**os.environ, "PYTHONPATH": str(top)}
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "sendmailcfg",
            "render",
            "--cf-dir",
            str(oracle.cf_dir),
            "--stable",
            "--",
            "-Ffreebsd.mc",
        ],
        cwd=tmp_path,
        capture_output=True,
        env=env,
        timeout=120,
    )
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "freebsd.mc").read_bytes() == data
    assert (tmp_path / "-Ffreebsd.cf").read_text().count("\nDj") <= 1
    assert b"Mlocal" in (tmp_path / "-Ffreebsd.cf").read_bytes()
    assert not (tmp_path / "freebsd.cf").exists()


def test_lockdown_is_one_line_and_secret() -> None:
    a = m4safe.lockdown("/usr/share/sendmail/cf", includes=["/usr/share/sendmail/cf/m4/x.m4"])
    b = m4safe.lockdown("/usr/share/sendmail/cf", includes=["/usr/share/sendmail/cf/m4/x.m4"])
    assert "\n" not in a and a != b  # random names each run
    with pytest.raises(RenderError, match="misread"):
        m4safe.lockdown("/usr/share/it's/cf", includes=[])


def test_symlink_out_of_the_package_is_not_listed(tmp_path: Path) -> None:
    cf = tmp_path / "cf"
    (cf / "feature").mkdir(parents=True)
    (cf / "feature" / "ok.m4").write_text("x")
    (tmp_path / "outside.m4").write_text("y")
    (cf / "feature" / "link.m4").symlink_to(tmp_path / "outside.m4")
    paths = m4safe.include_paths(str(cf), cwd=str(tmp_path))
    assert f"{cf}/feature/ok.m4" in paths
    assert not any(p.endswith("link.m4") for p in paths)


TOP = Path(__file__).resolve().parents[1]
ORACLE_CF = Path(os.environ.get("SENDMAIL_ORACLE", TOP / ".oracle")) / "usr/share/sendmail/cf"
STOCK = sorted(p.name for p in (ORACLE_CF / "cf").glob("*.mc"))
CORPUS = sorted(str(p.relative_to(TOP)) for p in (TOP / "tests" / "corpus").rglob("*.mc"))


def _plain(oracle: Oracle, data: bytes, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    cf = oracle.cf_dir
    return subprocess.run(
        ["m4", f"-D_CF_DIR_={cf}/", "-D_NO_MAKEINFO_", f"{cf}/m4/cf.m4", "-"],
        input=data,
        capture_output=True,
        cwd=cwd,
        timeout=120,
    )


@pytest.mark.parametrize("name", STOCK or ["(no oracle)"])
def test_stock_mc_same_as_plain_m4(name: str, oracle: Oracle) -> None:
    """Every stock cf/cf/*.mc: the locked run prints what plain m4 prints, byte for byte."""
    folder = oracle.cf_dir / "cf"
    data = (folder / name).read_bytes()
    want = _plain(oracle, data, folder)
    got = m4safe.run_m4(data, oracle.cf_dir, m4="m4", timeout=120, cwd=str(folder))
    assert (got.stdout, got.stderr, got.status) == (want.stdout, want.stderr, want.returncode)


@pytest.mark.parametrize("name", CORPUS)
def test_corpus_mc_same_as_plain_m4(name: str, oracle: Oracle) -> None:
    """Real-world .mc files, built in the cf package's cf/ folder (as its Build does).

    The output is identical. Where plain m4 cannot open a file (a ``.mc`` that
    names ``/usr/share/sendmail/cf/m4/cf.m4`` while the package is elsewhere),
    the locked run refuses that same path by name instead (an error either way).
    """
    data = (TOP / name).read_bytes()
    folder = oracle.cf_dir / "cf"
    want = _plain(oracle, data, folder)
    got = m4safe.run_m4(data, oracle.cf_dir, m4="m4", timeout=120, cwd=str(folder))
    assert got.stdout == want.stdout
    unopened = re.findall(r"cannot open `([^']*)'", want.stderr.decode("latin-1"))
    if not unopened:
        assert (got.stderr, got.status) == (want.stderr, want.returncode)
        return
    refused = got.stderr.decode("latin-1")
    for path in unopened:
        assert f"{m4safe.REFUSED}include(`{path}')" in refused
    others = [x for x in want.stderr.decode("latin-1").splitlines() if "cannot open" not in x]
    assert [x for x in refused.splitlines() if m4safe.REFUSED not in x] == others


def test_makemap_name_like_an_option() -> None:
    """Every tool gets names it cannot take for options (makemap's getopt too)."""
    from sendmailcfg.output import system_makemap

    run = system_makemap.run("/bin/echo", ["-C", "/dev/null"], "hash", "-Fx", b"")
    assert run.stdout.split()[-2:] == [b"hash", b"./-Fx"]


def test_built_by_lines_without_makeinfo_sh(tmp_path: Path, oracle: Oracle) -> None:
    """Unstable builds get cf's makeinfo.sh lines, written here (m4 runs no sh)."""
    from sendmailcfg.mc.cfbuild import same_cf

    data = (TOP / "examples" / "freebsd.mc").read_bytes()
    locked = m4safe.run_m4(data, oracle.cf_dir, m4="m4", stable=False, cwd=str(tmp_path))
    plain = m4safe.run_m4(
        data, oracle.cf_dir, m4="m4", stable=False, cwd=str(tmp_path), allow_m4_commands=True
    )
    a, b = locked.stdout.decode(), plain.stdout.decode()
    assert same_cf(a, b)
    heads = [[x.split()[1] for x in t.splitlines() if x.startswith("##### ")][:3] for t in (a, b)]
    assert heads[0] == heads[1] == ["built", "in", "using"]
    assert f"##### in {tmp_path.resolve()}\n" in a


def test_relative_includes_only_inside_the_package(tmp_path: Path) -> None:
    cf = tmp_path / "cf"
    (cf / "m4").mkdir(parents=True)
    (cf / "cf").mkdir()
    (cf / "m4" / "cf.m4").write_text("x")
    assert "../m4/cf.m4" in m4safe.include_paths(str(cf), cwd=str(cf / "cf"))
    outside = m4safe.include_paths(str(cf), cwd=str(tmp_path))
    assert outside == [f"{cf}/m4/cf.m4"] or all(p.startswith("/") for p in outside)
