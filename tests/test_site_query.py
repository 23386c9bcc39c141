"""``query KIND FILE ... --config PATH``: the options come from the .mc; non-sources are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendmailcfg.cli import main

MC = (
    "define(`confDOMAIN_NAME', `gateway.takaq.jp')dnl\n"
    "define(`SMART_HOST', `[mmr.plala.or.jp]')dnl\n"
    "LOCAL_DOMAIN(`takaq.jp')dnl\n"
    "RELAY_DOMAIN(`partner.example')dnl\n"
    "VIRTUSER_DOMAIN(`virt.example')dnl\n"
    "GENERICS_DOMAIN(`gateway.takaq.jp')dnl\n"
    "MASQUERADE_AS(`takaq.jp')dnl\n"
    "FEATURE(`relay_hosts_only')dnl\n"
    "FEATURE(`access_db', `hash -T<TMPF> /etc/mail/access', `skip')dnl\n"
    "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
)


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    (tmp_path / "sendmail.mc").write_text(MC)
    (tmp_path / "mailertable").write_text(".takaq.jp smtp:[mail2.takaq.jp]\n")
    (tmp_path / "virtusertable").write_text("info@virt.example ken\n")
    (tmp_path / "genericstable").write_text("bob bob.smith\n")
    (tmp_path / "access").write_text("Connect:192.0.2 RELAY\n")
    return tmp_path


def query(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, object, str]:
    status = main(["query", *argv])
    out, err = capsys.readouterr()
    return status, json.loads(out) if out.strip().startswith("[") else out, err


def test_mailertable_takes_names_and_smart_host(
    conf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mt = str(conf / "mailertable")
    status, data, _ = query(capsys, "mailertable", mt, "u@takaq.jp", "u@gmail.com", "--json")
    assert status == 0 and isinstance(data, list)
    assert [d["reason"] for d in data] == ["default", "default"]  # no names, no smart host
    status, data, err = query(
        capsys, "mailertable", mt, "u@takaq.jp", "u@gmail.com", "--json", "--config", str(conf)
    )
    assert (status, err) == (0, "") and isinstance(data, list)
    assert [d["reason"] for d in data] == ["local", "smart-host"]
    assert data[1]["route"] == {
        "mailer": "relay",
        "host": "[mmr.plala.or.jp]",
        "user": "u@gmail.com",
    }


def test_virtusertable_and_genericstable(conf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    vt = str(conf / "virtusertable")
    status, data, _ = query(capsys, "virtusertable", vt, "info@virt.example", "--json")
    assert status == 0 and isinstance(data, list) and data[0]["result"] is None
    status, data, _ = query(
        capsys, "virtusertable", vt, "info@virt.example", "--json", "--config", str(conf)
    )
    assert isinstance(data, list) and data[0]["result"] == "ken"
    gt = str(conf / "genericstable")
    status, data, _ = query(capsys, "genericstable", gt, "bob", "--json", "--config", str(conf))
    assert status == 0 and isinstance(data, list)
    assert data[0]["result"] == "bob.smith@takaq.jp"  # $j is in {G}; MASQUERADE_AS qualifies


def test_access_takes_features_and_relay_domains(
    conf: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    ac = str(conf / "access")
    argv = ["access", ac, "to:u@partner.example", "to:u@sub.partner.example", "--json"]
    status, data, _ = query(capsys, *argv)
    assert status == 0 and isinstance(data, list)
    assert [d["action"] for d in data] == ["REJECT", "REJECT"]  # relaying denied
    status, data, _ = query(capsys, *argv, "--config", str(conf))
    assert isinstance(data, list)
    # RELAY_DOMAIN(partner.example), and relay_hosts_only: the host itself only
    assert [d["action"] for d in data] == ["RELAY", "REJECT"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("mailertable.db", b"\x00\x06\x15\x61" + b"\x00" * 60, "binary data"),
        ("sendmail.mc", MC.encode(), "an .mc file"),
        ("m", b"divert(-1)\nFEATURE(`mailertable')\n", "an .mc file"),
        (
            "passwd",
            b"root:x:0:0:root:/root:/bin/bash\nlist:x:38:38:Mailing List Manager:/var/list:/bin/sh\n",
            "passwd-style",
        ),
        ("words", b"onlyakey\nanother\n", "no KEY VALUE line"),
    ],
)
def test_refuses_what_is_not_a_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: bytes, message: str
) -> None:
    (tmp_path / name).write_bytes(content)
    for kind in ("mailertable", "virtusertable"):
        status, out, err = query(capsys, kind, str(tmp_path / name), "u@example.org")
        assert (status, out) == (2, "")
        assert err.startswith(f"query {kind}: {tmp_path / name}: ") and message in err


def test_an_empty_or_comment_only_source_is_still_a_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "mailertable").write_text("# nothing yet\n\n")
    status, out, _ = query(capsys, "mailertable", str(tmp_path / "mailertable"), "u@x.example")
    assert (status, out) == (
        0,
        "u@x.example -> esmtp to x.example., user u@x.example (no entry: default route)\n",
    )


def test_unreadable_config_exits_2(conf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = query(
        capsys, "mailertable", str(conf / "mailertable"), "u@x", "--config", str(conf / "nope")
    )
    assert (status, out) == (2, "") and "no such file or directory" in err


def test_a_real_database_is_answered_or_refused_by_kind(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sendmailcfg.output.database import build

    build(b".takaq.jp\tsmtp:[mail2.takaq.jp]\n", tmp_path / "mailertable", backend="pure")
    db = str(tmp_path / "mailertable.db")
    status, out, _ = query(capsys, "mailertable", db, "u@www.takaq.jp")
    assert (status, out) == (
        0,
        "u@www.takaq.jp -> smtp to [mail2.takaq.jp], user u@www.takaq.jp (line 1: .takaq.jp)\n",
    )
    status, out, err = query(capsys, "virtusertable", db, "u@www.takaq.jp")
    assert (status, out) == (2, "") and "a Berkeley DB database, not a virtusertable source" in err


def test_route_reads_a_db_without_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sendmailcfg.output.database import build

    (tmp_path / "sendmail.mc").write_text(
        MC + "FEATURE(`mailertable', `hash /nonexistent/sendmailcfg/mailertable')dnl\n"
        "FEATURE(`virtusertable', `hash /nonexistent/sendmailcfg/virtusertable')dnl\n"
    )
    build(
        b".partner.example\tsmtp:[mx.partner.example]\n", tmp_path / "mailertable", backend="pure"
    )
    status = main(["route", "--config", str(tmp_path), "u@www.partner.example"])
    out, err = capsys.readouterr()
    assert status == 0
    assert err == (
        f"route: {tmp_path / 'sendmail.mc'}:13: virtusertable /nonexistent/sendmailcfg/"
        f"virtusertable not found (looked for /nonexistent/sendmailcfg/virtusertable, "
        f"{tmp_path / 'virtusertable'}); "
        "answering as if it were empty\n"
    )
    assert out == (
        "u@www.partner.example -> smtp to [mx.partner.example], user u@www.partner.example "
        "(mailertable)\n"
    )
