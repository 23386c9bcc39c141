"""``sendmailcfg make``: the /etc/mail Makefile's targets, staleness by mtime, install."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from sendmailcfg.cli import main
from sendmailcfg.cli.make import RESTART, find_mc, table_maps
from sendmailcfg.mc.document import McDocument
from tests.oracle import Oracle

TOP = Path(__file__).resolve().parents[1]
EXAMPLES = TOP / "examples"


@pytest.fixture
def mail(tmp_path: Path, oracle: Oracle, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A FreeBSD-like /etc/mail: freebsd.mc, access, mailertable (no virtusertable)."""
    folder = tmp_path / "mail"
    folder.mkdir()
    for name in ("freebsd.mc", "access", "mailertable"):
        shutil.copy(EXAMPLES / name, folder / name)
    monkeypatch.setenv("SENDMAIL_CF_DIR", str(oracle.cf_dir))
    monkeypatch.delenv("SENDMAIL_MC", raising=False)
    return folder


def _age(path: Path, seconds: int = 100) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - seconds * 10**9))


def test_check_lists_then_all_builds(mail: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["make", str(mail), "--check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "would build freebsd.cf from freebsd.mc",
        "would build access.db from access",
        "would build mailertable.db from mailertable",
    ]
    assert sorted(os.listdir(mail)) == ["access", "freebsd.mc", "mailertable"]
    assert main(["make", str(mail)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "built freebsd.cf from freebsd.mc",
        "built access.db from access",
        "built mailertable.db from mailertable",
    ]
    assert main(["make", str(mail)]) == 0
    assert capsys.readouterr().out == "make: everything is up to date\n"
    assert main(["make", str(mail), "--check"]) == 0


def test_built_files_are_what_the_real_tools_make(mail: Path, oracle: Oracle) -> None:
    assert main(["make", str(mail)]) == 0
    cf, _, _ = oracle.mc2cf((mail / "freebsd.mc").read_text(encoding="latin-1"), stable=False)
    built = (mail / "freebsd.cf").read_text(encoding="utf-8", errors="surrogateescape")
    strip = [x for x in built.splitlines() if not x.startswith(("##### built by", "##### in "))]
    assert strip == [
        x for x in cf.splitlines() if not x.startswith(("##### built by", "##### in "))
    ]
    want = mail.parent / "ref"
    status, msg = oracle.makemap([], "hash", want, (mail / "mailertable").read_bytes())
    assert status == 0, msg
    assert sorted(oracle.dump("hash", mail / "mailertable").splitlines()) == sorted(
        oracle.dump("hash", want).splitlines()
    )


def test_stale_map_only(mail: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["make", str(mail)]) == 0
    for name in os.listdir(mail):
        _age(mail / name, 200 if not name.endswith((".db", ".cf")) else 100)
    capsys.readouterr()
    assert (
        main(["map", str(mail / "mailertable"), "set", "example.org", "smtp:[mx.example.org]"]) == 0
    )
    capsys.readouterr()
    assert main(["make", str(mail), "--check"]) == 1
    assert capsys.readouterr().out == "would build mailertable.db from mailertable\n"
    assert main(["make", str(mail), "mailertable.db"]) == 0
    assert capsys.readouterr().out == "built mailertable.db from mailertable\n"
    assert main(["make", str(mail), "mailertable.db"]) == 0
    assert capsys.readouterr().out == "make: everything is up to date\n"


def test_install(
    mail: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(mail)
    assert main(["make", "install", "--check"]) == 1
    assert capsys.readouterr().out.splitlines() == [
        "would build freebsd.cf from freebsd.mc",
        "would install freebsd.cf as sendmail.cf",
    ]
    assert not (mail / "sendmail.cf").exists()
    assert main(["make", "install"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "built freebsd.cf from freebsd.mc",
        "installed freebsd.cf as sendmail.cf",
        RESTART,
    ]
    assert (mail / "sendmail.cf").read_bytes() == (mail / "freebsd.cf").read_bytes()
    assert main(["make", "install"]) == 0
    assert capsys.readouterr().out == "make: everything is up to date\n"
    # the .mc changes: install rebuilds and copies again
    assert main(["mc", "freebsd.mc", "set", "SMART_HOST", "relay.example.net"]) == 0
    capsys.readouterr()
    assert main(["make", "install"]) == 0
    assert "DSrelay.example.net\n" in (mail / "sendmail.cf").read_text()


def test_symlinked_sendmail_cf_is_written_through(mail: Path) -> None:
    real = mail / "real.cf"
    real.write_text("old\n")
    (mail / "sendmail.cf").symlink_to("real.cf")
    assert main(["make", str(mail), "install"]) == 0
    assert (mail / "sendmail.cf").is_symlink()
    assert real.read_bytes() == (mail / "freebsd.cf").read_bytes()


def test_mc_with_errors_fails_and_installs_nothing(
    mail: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (mail / "freebsd.mc").write_text(
        "OSTYPE(`linux')dnl\nMAILER(`smtp')dnl\nFEATURE(`nouucp')dnl\n"
    )
    assert main(["make", str(mail), "install"]) == 1
    err = capsys.readouterr().err
    assert "freebsd.mc:3:1: error: *** ERROR: FEATURE() should be before MAILER()" in err
    assert not (mail / "freebsd.cf").exists() and not (mail / "sendmail.cf").exists()


def test_bad_map_line_is_reported(mail: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (mail / "mailertable").write_text("good.example smtp:x\nlonely\n")
    assert main(["make", str(mail), "mailertable.db"]) == 1
    captured = capsys.readouterr()
    assert "makemap: mailertable: line 2: no RHS for LHS lonely" in captured.err
    assert (mail / "mailertable.db").exists()  # the good lines are written, as makemap does


def test_missing_map_source(mail: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["make", str(mail), "virtusertable.db"]) == 1
    assert "no source virtusertable" in capsys.readouterr().err
    assert main(["make", str(mail), "maps"]) == 0  # "maps" skips sources that are absent


def test_usage_errors(mail: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["make", str(mail), "frobnicate"]) == 2
    assert "unknown target 'frobnicate'" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["make", str(empty)]) == 2
    assert "no .mc to build" in capsys.readouterr().err


def test_find_mc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENDMAIL_MC", raising=False)
    (tmp_path / "freebsd.mc").write_text("")
    assert find_mc(tmp_path, None) == tmp_path / "freebsd.mc"
    (tmp_path / "sendmail.mc").write_text("")
    assert find_mc(tmp_path, None) == tmp_path / "sendmail.mc"
    monkeypatch.setenv("SENDMAIL_MC", "freebsd.mc")
    assert find_mc(tmp_path, None) == tmp_path / "freebsd.mc"
    assert find_mc(tmp_path, "other.mc") == tmp_path / "other.mc"


def test_table_maps_of_an_included_file_are_built(tmp_path: Path) -> None:
    """A FEATURE written in a file the .mc includes is one make builds, as Site reads it."""
    (tmp_path / "maps.m4").write_text("FEATURE(`mailertable', `hash -o /etc/mail/routes')dnl\n")
    doc = McDocument.parse("include(`maps.m4')dnl\nFEATURE(`access_db')dnl\n")
    got = [(m.feature, m.source.name) for m in table_maps(doc, tmp_path)]
    assert got == [("mailertable", "routes"), ("access_db", "access")]


def test_table_maps_follow_the_feature_specs(tmp_path: Path) -> None:
    doc = McDocument.parse(
        "define(`DATABASE_MAP_TYPE', `btree')\n"
        "FEATURE(`access_db')\n"
        "FEATURE(`mailertable', `hash -o /etc/mail/routes')\n"
        "FEATURE(`virtusertable', `ldap:-k foo')\n"
        "FEATURE(`genericstable', `hash -o /etc/mail/gt.db')\n"
        "FEATURE(`nouucp')\n"
    )
    got = [(m.feature, m.source.name, m.maptype) for m in table_maps(doc, tmp_path)]
    assert got == [
        ("access_db", "access", "btree"),
        ("mailertable", "routes", "hash"),
        ("genericstable", "gt", "hash"),
    ]


def test_debian_sendmail_mc_builds_sendmail_cf(
    mail: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (mail / "freebsd.mc").rename(mail / "sendmail.mc")
    assert main(["make", str(mail), "install"]) == 0
    assert capsys.readouterr().out.splitlines() == ["built sendmail.cf from sendmail.mc"]
    assert (mail / "sendmail.cf").stat().st_size > 10_000


def test_submit_mc_is_built_and_installed(mail: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (mail / "freebsd.submit.mc").write_text(
        "OSTYPE(`freebsd6')dnl\nFEATURE(`msp', `[127.0.0.1]')dnl\n"
    )
    assert main(["make", str(mail), "install"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "built freebsd.cf from freebsd.mc",
        "installed freebsd.cf as sendmail.cf",
        "built freebsd.submit.cf from freebsd.submit.mc",
        "installed freebsd.submit.cf as submit.cf",
        RESTART,
    ]
    assert "D{MTAHost}[127.0.0.1]" in (mail / "submit.cf").read_text().splitlines()


def test_cf_dir_flag(mail: Path, oracle: Oracle, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENDMAIL_CF_DIR")
    from sendmailcfg.mc.render import DEFAULT_CF_DIRS

    if not any((Path(d) / "m4" / "cf.m4").exists() for d in DEFAULT_CF_DIRS):
        assert main(["make", str(mail), "cf"]) == 2  # no cf package: a usage error
        assert not (mail / "freebsd.cf").exists()
    assert main(["make", str(mail), "cf", "--cf-dir", str(oracle.cf_dir)]) == 0
    assert (mail / "freebsd.cf").exists()


def test_failed_rebuild_does_not_install_the_old_cf(
    mail: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["make", str(mail), "cf"]) == 0
    good = (mail / "freebsd.cf").read_bytes()
    _age(mail / "freebsd.cf")
    with open(mail / "freebsd.mc", "a") as f:
        f.write("FEATURE(`nouucp', `reject')\n")  # after MAILER: an m4 *** ERROR
    capsys.readouterr()
    assert main(["make", str(mail), "install"]) == 1
    assert "should be before MAILER()" in capsys.readouterr().err
    assert (mail / "freebsd.cf").read_bytes() == good  # kept
    assert not (mail / "sendmail.cf").exists()  # and not installed


def test_find_mc_prefers_the_host_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    monkeypatch.delenv("SENDMAIL_MC", raising=False)
    monkeypatch.setattr(socket, "gethostname", lambda: "gw.lan.example")
    (tmp_path / "freebsd.mc").write_text("")
    (tmp_path / "gw.mc").write_text("")
    assert find_mc(tmp_path, None) == tmp_path / "gw.mc"
    (tmp_path / "gw.lan.example.mc").write_text("")
    assert find_mc(tmp_path, None) == tmp_path / "gw.lan.example.mc"
    only = tmp_path / "only"
    only.mkdir()
    (only / "site.mc").write_text("")
    (only / "site.submit.mc").write_text("")
    assert find_mc(only, None) == only / "site.mc"


def test_cf_dir_may_be_the_parent_of_the_cf_folder(
    mail: Path, oracle: Oracle, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("SENDMAIL_CF_DIR")
    assert main(["make", str(mail), "cf", "--cf-dir", str(oracle.cf_dir.parent)]) == 0
    assert (mail / "freebsd.cf").exists()
    assert "cf_dir=" not in capsys.readouterr().err


def test_check_without_a_cf_package_says_so(
    mail: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("SENDMAIL_CF_DIR", str(tmp_path / "nowhere"))
    assert main(["make", str(mail), "--check"]) == 2
    out, err = capsys.readouterr()
    assert "would build freebsd.cf" not in out
    assert "sendmail-cf macros not found" in err
    assert "pass --cf-dir or set SENDMAIL_CF_DIR" in err
    assert "cf_dir=" not in err


def test_make_json_and_check_json_is_not_a_failure(
    mail: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    assert main(["make", str(mail), "install", "--check", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["changed"] is True and got["failed"] is False and got["restart"] is False
    assert got["actions"][0] == {
        "text": "would build freebsd.cf from freebsd.mc",
        "action": "build",
        "target": "freebsd.cf",
        "source": "freebsd.mc",
        "done": False,
    }
    assert main(["make", str(mail), "install", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["changed"] is True and got["restart"] is True
    assert [a["action"] for a in got["actions"]] == ["build", "install"]
    assert main(["make", str(mail), "install", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == {
        "changed": False,
        "actions": [],
        "messages": [],
        "restart": False,
        "failed": False,
    }
