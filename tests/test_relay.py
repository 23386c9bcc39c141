"""relay set/show/unset: the five pieces of an authenticated relay, written as edits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sendmailcfg.relay import RelayError, set_relay, show_relay, unset_relay
from tests import oracle as oracle_mod

MC = (
    "divert(0)dnl\n"
    "OSTYPE(`linux')dnl\n"
    "FEATURE(`access_db')dnl\n"
    "MAILER(`local')dnl\n"
    "MAILER(`smtp')dnl\n"
    "define(`RELAY_MAILER_ARGS', `TCP $h 2525')dnl\n"
)
SECRET = "hunter2-not-shown"
HOST_JSON = ("smtp.example.net", "--json")


def _run(
    folder: Path, *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sendmailcfg", "relay", *args],
        capture_output=True,
        text=True,
        input=stdin,
        cwd=folder,
        env={**os.environ, **(env or {})},
        timeout=60,
    )


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "sendmail.mc").write_text(MC)
    pw = tmp_path / "pw"
    pw.write_text(SECRET + "\n")
    pw.chmod(0o600)
    return tmp_path


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def test_set_writes_the_five_pieces_before_the_mailers(folder: Path) -> None:
    p = _run(folder, "set", "smtp.example.net", "--user", "joe", "--password-file", "pw", "--diff")
    assert p.returncode == 0, p.stderr
    assert SECRET not in p.stdout + p.stderr and '"P:***' in p.stdout
    mc = (folder / "sendmail.mc").read_text()
    lines = mc.splitlines()
    mailer = lines.index("MAILER(`local')dnl")
    for want in (
        "define(`SMART_HOST', `[smtp.example.net]')dnl",
        "define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl",
        "define(`ESMTP_MAILER_ARGS', `TCP $h 587')dnl",
        "define(`confAUTH_MECHANISMS', `PLAIN LOGIN')dnl",
    ):
        assert lines.index(want) < mailer, want
    # a path with a `_' in it gets a second pair of quotes (m4 yields it all the same)
    (feature,) = [i for i, ln in enumerate(lines) if ln.startswith("FEATURE(`authinfo'")]
    assert feature < mailer and f"hash {folder}/authinfo'" in lines[feature]
    from sendmailcfg.mc import parse_mc

    (authinfo,) = [f for f in parse_mc(mc).features if f.name == "authinfo"]
    assert authinfo.args == (f"hash {folder}/authinfo",)
    assert "TCP $h 2525" not in mc  # the define after MAILER(smtp) was moved, not kept
    ai = folder / "authinfo"
    assert ai.read_text() == f'AuthInfo:smtp.example.net\t"U:joe" "P:{SECRET}"\n'
    assert ai.stat().st_mode & 0o777 == 0o600
    assert (folder / "authinfo.db").stat().st_mode & 0o777 == 0o600
    q = subprocess.run(
        [sys.executable, "-m", "sendmailcfg", "query", "authinfo", "authinfo.db", *HOST_JSON],
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=60,
    )
    assert json.loads(q.stdout)["auth"]["user"] == "joe"


def test_idempotent_and_check(folder: Path) -> None:
    args = ("set", "smtp.example.net", "--user", "joe", "--password-file", "pw")
    assert _run(folder, *args, "--check").returncode == 1
    assert _files(folder).keys() == {"sendmail.mc", "pw"}
    assert _run(folder, *args).returncode == 0
    before = _files(folder)
    p = _run(folder, *args, "--check")
    assert p.returncode == 0 and "would change" not in p.stdout
    p = _run(folder, *args, "--json")
    assert json.loads(p.stdout)["changed"] is False
    assert _files(folder) == before


def test_password_change_shows_masked_and_backup_is_private(folder: Path) -> None:
    set_relay(folder, "smtp.example.net", user="joe", password="first-secret")
    p = _run(
        folder,
        "set",
        "smtp.example.net",
        "--user",
        "joe",
        "--password-env",
        "RELAY_PW",
        "--json",
        "--backup",
        env={"RELAY_PW": "second-secret"},
    )
    out = json.loads(p.stdout)
    assert out["changed"] is True
    assert "secret" not in p.stdout + p.stderr
    assert '"P:***(new)"' in out["diff"]
    backups = [f["backup"] for f in out["files"] if f["backup"]]
    private = [os.stat(folder / b).st_mode & 0o077 == 0 for b in backups if "authinfo" in b]
    assert private and all(private)


def test_owner_is_kept(folder: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to give the file another owner")
    ai = folder / "authinfo"
    ai.write_text("")
    ai.chmod(0o644)
    os.chown(ai, 1, 1)
    set_relay(folder, "smtp.example.net", user="joe", password="x")
    st = ai.stat()
    assert (st.st_uid, st.st_gid, st.st_mode & 0o777) == (1, 1, 0o600)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["smtp.example.net:587", "--user", "joe", "--password-file", "pw"], "holds a port"),
        (
            [
                "smtp.example.net",
                "--user",
                "joe",
                "--password-file",
                "pw",
                "--mechanisms",
                "PLAIN X",
            ],
            "unknown SASL mechanism",
        ),
        (["smtp.example.net", "--user", "joe"], "--user needs"),
        (["smtp.example.net", "--user", "joe", "--password-env", "NOPE_NOT_SET"], "is not set"),
        (["smtp.example.net", "--user", "joe", "--password-file", "loose"], "group or others"),
    ],
)
def test_bad_input_exit_2_nothing_written(folder: Path, args: list[str], message: str) -> None:
    loose = folder / "loose"
    loose.write_text(SECRET)
    loose.chmod(0o644)
    before = _files(folder)
    p = _run(folder, "set", *args)
    assert p.returncode == 2 and message in p.stderr, p.stderr
    assert SECRET not in p.stdout + p.stderr
    assert _files(folder) == before


def test_authinfo_sendmail_would_not_read_is_refused(folder: Path) -> None:
    (folder / "authinfo").write_text('AuthInfo:other.example\t"U:a" P:x\n')
    before = _files(folder)
    p = _run(folder, "set", "smtp.example.net", "--user", "joe", "--password-file", "pw")
    assert p.returncode == 2
    assert "authinfo:1:" in p.stderr and "[authinfo-unquoted]" in p.stderr
    assert _files(folder) == before


def test_password_from_stdin_never_in_argv(folder: Path) -> None:
    p = _run(folder, "set", "smtp.example.net", "--user", "joe", "--password-stdin", stdin="s t\n")
    assert p.returncode == 0, p.stderr
    assert (folder / "authinfo").read_text().endswith('"P:s t"\n')  # one quoted token
    v = show_relay(folder)
    assert (v.host, v.port, v.user) == ("smtp.example.net", 587, "joe")


def test_show_and_unset(folder: Path) -> None:
    set_relay(folder, "smtp.example.net", port=2587, user="joe", password=SECRET)
    p = _run(folder, "show", "--json")
    got = json.loads(p.stdout)
    assert got["host"] == "smtp.example.net" and got["port"] == 2587
    assert got["auth"]["user"] == "joe" and got["auth"]["password"] == "***"
    r = unset_relay(folder)
    assert r.changed
    mc = (folder / "sendmail.mc").read_text()
    assert "SMART_HOST" not in mc and "authinfo" not in mc and "MAILER_ARGS" not in mc
    assert (folder / "authinfo").read_text() == ""
    assert not unset_relay(folder).changed
    assert show_relay(folder).host is None


def test_api_errors_never_hold_the_password(folder: Path) -> None:
    with pytest.raises(RelayError) as e:
        set_relay(folder, "smtp.example.net", user='jo"e', password=SECRET)
    assert SECRET not in str(e.value)
    with pytest.raises(RelayError) as e:
        set_relay(folder, "smtp.example.net", user="joe", password=SECRET + "\n2")
    assert SECRET not in str(e.value)


@pytest.mark.oracle
def test_real_m4_renders_what_relay_set_wrote(oracle: oracle_mod.Oracle, tmp_path: Path) -> None:
    mc = oracle.offline_mc(tmp_path, "") + "define(`RELAY_MAILER_ARGS', `TCP $h 2525')dnl\n"
    (tmp_path / "sendmail.mc").write_text(mc)
    cf, _, rc = oracle.mc2cf(mc)
    assert rc == 0 and "A=TCP $h 2525" not in cf  # after MAILER(smtp): never read
    set_relay(tmp_path, "smtp.example.net", port=587, user="joe", password=SECRET)
    cf, err, rc = oracle.mc2cf((tmp_path / "sendmail.mc").read_text())
    assert rc == 0, err
    assert "\nDS[smtp.example.net]\n" in cf
    mailers = {m.split(",")[0]: m for m in cf.split("\nM")[1:]}
    for name in ("relay", "esmtp"):
        assert "A=TCP $h 587" in mailers[name], mailers[name]
    assert mailers["smtp"].rstrip().endswith("A=TCP $h")
    assert f"\nKauthinfo hash {tmp_path}/authinfo\n" in cf
    assert "\nO AuthMechanisms=PLAIN LOGIN\n" in cf
    assert SECRET not in cf
