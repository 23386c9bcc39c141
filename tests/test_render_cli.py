"""``sendmailcfg render``: the Makefile's m4 run, its messages on .mc lines, safe writes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from sendmailcfg.cli import main
from sendmailcfg.cli.render import default_output
from sendmailcfg.mc.cfbuild import build_cf, m4_command, parse_messages, same_cf
from sendmailcfg.mc.document import McDocument
from tests.oracle import Oracle

TOP = Path(__file__).resolve().parents[1]
FREEBSD = (TOP / "examples" / "freebsd.mc").read_bytes()
BAD = (
    "divert(0)dnl\n"
    "OSTYPE(`linux')dnl\n"
    "MAILER(`local')dnl\n"
    "FEATURE(`nouucp', `reject')dnl\n"
    "define(`confDEF_GROUP_ID', `x')dnl\n"
    "FEATURE(`delay_checks', `friend')dnl\n"
)


def _plain_m4(oracle: Oracle, folder: Path, name: str, stable: bool = True) -> tuple[str, str]:
    """The Makefile's command line, run by hand (the reference)."""
    cmd = m4_command(name, oracle.cf_dir, stable=stable)
    p = subprocess.run(cmd, cwd=folder, capture_output=True, timeout=120)
    return p.stdout.decode("utf-8", "surrogateescape"), p.stderr.decode("utf-8", "surrogateescape")


def _words(text: str) -> str:
    return "".join(text.split())


STOCK = sorted(
    p.name
    for p in (
        Path(os.environ.get("SENDMAIL_ORACLE", TOP / ".oracle")) / "usr/share/sendmail/cf/cf"
    ).glob("*.mc")
)


@pytest.mark.parametrize("name", STOCK or ["(no oracle)"])
def test_stock_mc_builds_byte_for_byte(name: str, oracle: Oracle) -> None:
    """Our run (with the located errprint) = the Makefile's; every message kept, on a line."""
    folder = oracle.cf_dir / "cf"
    want_cf, want_err = _plain_m4(oracle, folder, name)
    got = build_cf(folder / name, oracle.cf_dir, stable=True)
    assert got.cf == want_cf
    assert _words("".join(m.text for m in got.messages)) == _words(want_err)
    lines = (folder / name).read_bytes().count(b"\n") + 1
    assert all(1 <= m.line <= lines for m in got.messages)
    doc = McDocument.parse((folder / name).read_text(encoding="latin-1"))
    for m in got.messages:
        if "Berkeley sample configuration" in m.text:  # raised in domain/*.m4
            assert [c.name for c in doc.statements if c.line == m.line] == ["DOMAIN"]


def test_messages_on_their_lines(tmp_path: Path, oracle: Oracle) -> None:
    p = tmp_path / "bad.mc"
    p.write_text(BAD)
    got = build_cf(p, oracle.cf_dir, stable=True)
    assert [(m.line, m.severity, m.text[:40]) for m in got.messages] == [
        (4, "error", "*** ERROR: FEATURE() should be before MA"),
        (6, "error", "*** ERROR: FEATURE() should be before MA"),
        (5, "warning", "*** confDEF_GROUP_ID is obsolete. Use co"),
        (6, "error", "*** ERROR: FEATURE(`delay_checks', `argu"),
    ]
    assert not got.ok and got.status == 0  # m4 itself says all is well


def test_parse_messages_m4_own() -> None:
    doc = McDocument.parse("a\nb\nc\n")
    msgs = parse_messages(
        "m4:x.mc:2: Warning: excess arguments to builtin `define' ignored\n", doc, "x.mc"
    )
    assert [(m.line, m.severity) for m in msgs] == [(2, "warning")]
    msgs = parse_messages(
        "m4:x.mc:3: cannot open `nothere': No such file or directory\n", doc, "x.mc"
    )
    assert [(m.line, m.severity) for m in msgs] == [(3, "error")]


def test_cli_writes_then_up_to_date(
    tmp_path: Path, oracle: Oracle, capsys: pytest.CaptureFixture[str]
) -> None:
    mc = tmp_path / "freebsd.mc"
    mc.write_bytes(FREEBSD)
    cf = ["--cf-dir", str(oracle.cf_dir)]
    assert main(["render", str(mc), *cf]) == 0
    assert capsys.readouterr().out == f"{tmp_path / 'freebsd.cf'}: written\n"
    want, _ = _plain_m4(oracle, tmp_path, "freebsd.mc", stable=False)
    assert same_cf(
        (tmp_path / "freebsd.cf").read_text(encoding="utf-8", errors="surrogateescape"), want
    )
    before = (tmp_path / "freebsd.cf").stat().st_mtime_ns
    assert main(["render", str(mc), *cf]) == 0  # only the "built by" lines would differ
    assert capsys.readouterr().out.endswith(": up to date\n")
    assert (tmp_path / "freebsd.cf").stat().st_mtime_ns == before
    assert main(["render", str(mc), *cf, "--check"]) == 0


def test_cli_diff_check_json(
    tmp_path: Path, oracle: Oracle, capsys: pytest.CaptureFixture[str]
) -> None:
    mc = tmp_path / "freebsd.mc"
    mc.write_bytes(FREEBSD)
    out = tmp_path / "sendmail.cf"
    cf = ["--cf-dir", str(oracle.cf_dir), "-o", str(out), "--stable"]
    assert main(["render", str(mc), *cf]) == 0
    capsys.readouterr()
    assert main(["mc", str(mc), "set", "SMART_HOST", "relay.example.net"]) == 0
    capsys.readouterr()
    assert main(["render", str(mc), *cf, "--check", "--diff"]) == 1
    text = capsys.readouterr().out
    assert "-DS\n+DSrelay.example.net\n" in text
    assert text.endswith(f"{out}: would change\n")
    assert main(["render", str(mc), *cf, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["changed"] is True and data["path"] == str(out) and data["messages"] == []
    assert "+DSrelay.example.net\n" in data["diff"]
    assert "DSrelay.example.net\n" in out.read_text()


def test_cli_errors_exit_1_and_write_nothing(
    tmp_path: Path, oracle: Oracle, capsys: pytest.CaptureFixture[str]
) -> None:
    mc = tmp_path / "bad.mc"
    mc.write_text(BAD)
    assert main(["render", str(mc), "--cf-dir", str(oracle.cf_dir)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == f"{mc}:4:1: error: *** ERROR: FEATURE() should be before MAILER()"
    assert not (tmp_path / "bad.cf").exists()


def test_cli_warnings_exit_1_but_write(
    tmp_path: Path, oracle: Oracle, capsys: pytest.CaptureFixture[str]
) -> None:
    mc = tmp_path / "warn.mc"
    mc.write_text("OSTYPE(`linux')dnl\nFEATURE(`promiscuous_relay')dnl\nMAILER(`smtp')dnl\n")
    assert main(["render", str(mc), "--cf-dir", str(oracle.cf_dir)]) == 1
    assert (
        f"{mc}:2:1: warning: *** WARNING: FEATURE(`promiscuous_relay')" in capsys.readouterr().err
    )
    assert (tmp_path / "warn.cf").exists()


def test_cli_refuses_m4_commands(
    tmp_path: Path, oracle: Oracle, capsys: pytest.CaptureFixture[str]
) -> None:
    mc = tmp_path / "e.mc"
    marker = tmp_path / "ran"
    mc.write_text(f"OSTYPE(`linux')dnl\nsyscmd(`touch {marker}')dnl\nMAILER(`smtp')dnl\n")
    assert main(["render", str(mc), "--cf-dir", str(oracle.cf_dir)]) == 2
    err = capsys.readouterr().err
    assert f"{mc}:2:1: error: m4 builtin syscmd()" in err and "--allow-m4-commands" in err
    assert not marker.exists() and not (tmp_path / "e.cf").exists()
    assert main(["render", str(mc), "--cf-dir", str(oracle.cf_dir), "--allow-m4-commands"]) == 0
    assert marker.exists()


def test_cli_refuses_untrusted_include(tmp_path: Path, oracle: Oracle) -> None:
    mc = tmp_path / "i.mc"
    mc.write_text("OSTYPE(`linux')dnl\ninclude(`/home/someone/x.m4')dnl\n")
    assert main(["render", str(mc), "--cf-dir", str(oracle.cf_dir)]) == 2


def test_cli_timeout(tmp_path: Path, oracle: Oracle, capsys: pytest.CaptureFixture[str]) -> None:
    mc = tmp_path / "loop.mc"
    mc.write_text("define(`x', `x')x\n")
    assert main(["render", str(mc), "--cf-dir", str(oracle.cf_dir), "--timeout", "1"]) == 2
    assert "did not finish within 1 s" in capsys.readouterr().err
    assert not (tmp_path / "loop.cf").exists()


def test_cli_cf_dir_from_environment(
    tmp_path: Path, oracle: Oracle, monkeypatch: pytest.MonkeyPatch
) -> None:
    mc = tmp_path / "freebsd.mc"
    mc.write_bytes(FREEBSD)
    monkeypatch.setenv("SENDMAIL_CF_DIR", str(oracle.cf_dir))
    assert main(["render", str(mc), "-o", str(tmp_path / "x.cf")]) == 0
    assert (tmp_path / "x.cf").stat().st_size > 10_000


def test_cli_stdout(tmp_path: Path, oracle: Oracle, capsys: pytest.CaptureFixture[str]) -> None:
    mc = tmp_path / "freebsd.mc"
    mc.write_bytes(FREEBSD)
    assert main(["render", str(mc), "--cf-dir", str(oracle.cf_dir), "--stable", "-o", "-"]) == 0
    want, _ = _plain_m4(oracle, tmp_path, "freebsd.mc")
    assert capsys.readouterr().out == want


def test_cli_usage_problems(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", str(tmp_path / "none.mc")]) == 2
    assert "cannot read" in capsys.readouterr().err
    mc = tmp_path / "x.mc"
    mc.write_bytes(FREEBSD)
    assert main(["render", str(mc), "--cf-dir", str(tmp_path)]) == 2
    assert "--cf-dir" in capsys.readouterr().err
    mc.write_text("define(`A', `unterminated)\n")
    assert main(["render", str(mc), "--cf-dir", str(tmp_path)]) == 2
    assert "not rendered" in capsys.readouterr().err


def test_default_output() -> None:
    assert default_output("sendmail.mc") == "sendmail.cf"
    assert default_output("x") == "x.cf"


def test_m4_missing(tmp_path: Path, oracle: Oracle, monkeypatch: pytest.MonkeyPatch) -> None:
    mc = tmp_path / "freebsd.mc"
    mc.write_bytes(FREEBSD)
    monkeypatch.setattr(shutil, "which", lambda _name: None)
    with pytest.raises(FileNotFoundError, match="m4 is not installed"):
        build_cf(mc, oracle.cf_dir)
