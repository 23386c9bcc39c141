"""``python -m sendmailcfg route``: text, --explain, the JSON contract, exit statuses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sendmailcfg.cli import main

TOP = Path(__file__).resolve().parents[1]
STORY = TOP / "docs" / "where-does-mail-go"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["route", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(
        capsys, "--config", str(STORY / "gateway"), "ken@www.takaq.jp", "ken@takaq.jp", "--json"
    )
    assert (status, err) == (0, "")
    data = json.loads(out)
    keys = ["address", "mailer", "host", "user", "parse", "decided_by", "steps", "engine"]
    keys += ["port", "hosts", "auth", "auth_note"]  # how sendmail connects (issue 21)
    assert [list(d) for d in data] == [keys, keys]
    assert [d["engine"] for d in data] == ["model", "model"]
    assert data[1] == {
        "address": "ken@takaq.jp",
        "mailer": "local",
        "host": None,
        "user": "ken",
        "parse": {"mailer": "local", "host": None, "user": "ken"},
        "decided_by": "local",
        "steps": [f"{STORY / 'gateway' / 'sendmail.mc'}:6: takaq.jp is one of this host's names "
                  "(LOCAL_DOMAIN)"],
        "engine": "model",
        "port": None,
        "hosts": None,
        "auth": None,
        "auth_note": None,
    }  # fmt: skip
    assert data[0]["decided_by"] == "mailertable"


def test_ruleset_5_relay_and_luser(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sendmail.mc").write_text(
        "define(`confDOMAIN_NAME', `www.takaq.jp')dnl\n"
        "define(`MAIL_HUB', `hub.takaq.jp')dnl\n"
        "define(`LUSER_RELAY', `lu.takaq.jp')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n"
    )
    status, out, _ = run(
        capsys, "--config", str(tmp_path), "--json", "--no-such-user", "gone", "bob", "gone"
    )
    assert status == 0
    bob, gone = json.loads(out)
    assert (bob["mailer"], bob["host"], bob["user"], bob["decided_by"]) == (
        "relay",
        "hub.takaq.jp",
        "bob@hub.takaq.jp",
        "mail-hub",
    )
    assert bob["parse"] == {"mailer": "local", "host": None, "user": "bob"}
    assert any("if bob has no passwd entry" in s for s in bob["steps"])
    assert (gone["host"], gone["user"], gone["decided_by"]) == (
        "lu.takaq.jp",
        "gone@lu.takaq.jp",
        "luser-relay",
    )


def test_text_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--config", str(STORY / "www"), "ken@gateway.takaq.jp")
    assert status == 0
    assert out == (
        "ken@gateway.takaq.jp -> relay to [mmr.plala.or.jp], user ken@gateway.takaq.jp "
        "(smart-host)\n"
    )
    status, out, _ = run(capsys, "--config", str(STORY / "www"), "--explain", "root")
    assert out.splitlines() == [
        "root -> local, user root (local)",
        "  root has no host: a local user",
    ]


def test_config_defaults_to_the_current_folder(tmp_path: Path) -> None:
    (tmp_path / "site.mc").write_text("define(`SMART_HOST', `[isp.example]')dnl\n")
    env = dict(os.environ, PYTHONPATH=str(TOP))
    p = subprocess.run(
        [sys.executable, "-m", "sendmailcfg", "route", "u@x.example"],
        cwd=tmp_path, capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert (p.returncode, p.stdout) == (
        0,
        "u@x.example -> relay to [isp.example], user u@x.example (smart-host)\n",
    )


def test_hostname_and_root(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    conf, root = tmp_path / "conf", tmp_path / "root"
    conf.mkdir()
    (root / "srv/mail").mkdir(parents=True)
    (conf / "sendmail.mc").write_text(
        "FEATURE(`mailertable', `hash /srv/mail/mt')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n"
    )
    (root / "srv/mail/mt").write_text("example.org smtp:[mx.example.org]\n")
    status, out, err = run(
        capsys, "--config", str(conf), "--root", str(root), "--hostname", "box.example",
        "u@example.org", "u@box.example",
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert out.splitlines() == [
        "u@example.org -> smtp to [mx.example.org], user u@example.org (mailertable)",
        "u@box.example -> local, user u (local)",
    ]


def test_missing_map_is_a_warning(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sendmail.mc").write_text(
        "FEATURE(`mailertable', `hash -o /nonexistent/sendmailcfg/mt')dnl\nMAILER(`smtp')dnl\n"
    )
    status, out, err = run(capsys, "--config", str(tmp_path), "u@example.org")
    assert status == 0
    assert "mailertable /nonexistent/sendmailcfg/mt not found" in err
    assert "answering as if it were empty" in err
    assert out.startswith("u@example.org -> esmtp to example.org.")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--config", "/nonexistent/sendmailcfg", "u@x"], "no such file or directory"),
        (["--config", "{tmp}", "a b@c"], "does not cover"),
        (["--config", "{tmp}/empty", "u@x"], "no .mc file here"),
    ],
)
def test_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    (tmp_path / "sendmail.mc").write_text("MAILER(`smtp')dnl\n")
    (tmp_path / "empty").mkdir()
    status, out, err = run(capsys, *(a.format(tmp=tmp_path) for a in argv))
    assert (status, out) == (2, "")
    assert message in err and err.startswith("route: ")


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["route"])
    assert exc.value.code == 2


def test_no_name_for_this_host_is_said(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sendmail.mc").write_text("MAILER(`local')dnl\nMAILER(`smtp')dnl\n")
    status, out, err = run(capsys, "--config", str(tmp_path), "u@x.example")
    assert status == 0 and out.startswith("u@x.example -> esmtp to x.example.")
    assert "no confDOMAIN_NAME: give --hostname FQDN" in err
    status = main(["sender", "--config", str(tmp_path), "ken"])
    out, err = capsys.readouterr()
    assert out == "ken via esmtp: envelope ken@$j, header ken@$j\n"
    assert "no confDOMAIN_NAME" in err


def test_mc_picks_one_of_several(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--mc`` (as for ``make``) and ``$SENDMAIL_MC`` choose among a folder's .mc files;
    without either, the error names both ways."""
    monkeypatch.delenv("SENDMAIL_MC", raising=False)
    for name, relay in (("one.mc", "a.example"), ("two.mc", "b.example")):
        (tmp_path / name).write_text(
            f"define(`confDOMAIN_NAME', `h.example')dnl\ndefine(`SMART_HOST', `[{relay}]')dnl\n"
            "MAILER(`smtp')dnl\n"
        )
    base = ["route", "--engine", "model", "--config", str(tmp_path), "--json", "x@y.example"]
    assert main(base) == 2
    assert "--mc FILE or $SENDMAIL_MC" in capsys.readouterr().err
    assert main([*base, "--mc", "two.mc"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["host"] == "[b.example]"
    monkeypatch.setenv("SENDMAIL_MC", "one.mc")
    assert main(base) == 0
    assert json.loads(capsys.readouterr().out)[0]["host"] == "[a.example]"
    assert main(["sender", "--config", str(tmp_path), "--mc", "nope.mc", "x"]) == 2
    assert "no such .mc file (--mc)" in capsys.readouterr().err
