"""``query access --config ... --engine auto|cf|model``: who answers, and that the
``.cf`` engine and the model give the same JSON for the same configuration."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from sendmailcfg.cli import main
from tests import oracle as oracle_mod

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "access"
QUERIES = [
    "connect:mail.spam-cannon.example:198.51.100.3",
    "connect::2001:db8:20::1",
    "connect:h.test:192.0.2.9",
    "from:newsletter@shop.example",
    "from:x@elsewhere.example",
    "to:u@elsewhere.example",
    "to:postmaster@oracle.invalid",
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["query", "access", *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def site(oracle: oracle_mod.Oracle, tmp_path: Path) -> Path:
    """A folder with sendmail.mc and the sendmail.cf real m4 made of it."""
    body = "FEATURE(`access_db')dnl\nFEATURE(`blocklist_recipients')dnl\n"
    mc = oracle.offline_mc(tmp_path, body)
    (tmp_path / "sendmail.mc").write_text(mc)
    cf, err, status = oracle.mc2cf(mc)
    assert status == 0, err
    (tmp_path / "sendmail.cf").write_text(cf, encoding="latin-1")
    return tmp_path


@pytest.mark.oracle
def test_engine_and_model_give_the_same_json(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    common = [str(EXAMPLE), "--config", str(site), "--json", *QUERIES]
    status, out, err = run(capsys, *common)
    assert status == 0, err
    engine = json.loads(out)
    status, out, err = run(capsys, *common, "--engine", "model")
    assert status == 0, err
    model = json.loads(out)
    assert {d.pop("engine") for d in engine} == {"cf"}
    assert {d.pop("engine") for d in model} == {"model"}
    assert engine == model
    assert engine[2] == {
        "query": "connect:h.test:192.0.2.9",
        "key": "Connect:192.0.2",
        "action": "ERROR",
        "code": "5.7.1",
        "reply": "550 Your network is blocked,see https://example.org/policy",
    }


@pytest.mark.oracle
def test_engine_text_and_explain(site: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys, str(EXAMPLE), "--config", str(site), "--engine", "cf", "--explain", QUERIES[1]
    )
    assert status == 0
    lines = out.splitlines()
    assert lines[0] == "connect::2001:db8:20::1 -> RELAY (line 7: Connect:IPv6:2001:db8:20)"
    assert any("check_relay" in line and "input:" in line for line in lines)
    assert any("map access['Connect:IPv6:2001:db8:20'] -> 'RELAY'" in line for line in lines)


@pytest.mark.oracle
def test_local_and_relay_domain_reach_the_engine(
    site: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [str(EXAMPLE), "--config", str(site), "--json", "to:u@other.example"]
    for extra, action in (
        ((), "REJECT"),
        (("--relay-domain", "other.example"), "RELAY"),
        (("--local", "other.example"), "RELAY"),
    ):
        status, out, _ = run(capsys, *argv, *extra)
        assert status == 0 and json.loads(out)[0]["action"] == action, extra


def test_engine_cf_needs_config(capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(capsys, str(EXAMPLE), "--engine", "cf", "to:u@x.example")
    assert status == 2
    assert "--engine cf needs --config" in err


def test_engine_cf_fails_clearly_when_it_cannot_render(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "sendmail.mc").write_text("FEATURE(`access_db')dnl\nMAILER(`smtp')dnl\n")
    monkeypatch.setenv("SENDMAIL_CF_DIR", str(tmp_path / "no-cf-package"))
    argv = [str(EXAMPLE), "--config", str(tmp_path), "--json", "to:u@x.example"]
    status, out, err = run(capsys, *argv, "--engine", "cf", "--cf-dir", str(tmp_path / "none"))
    assert status == 2
    assert err.startswith("query access: --engine cf: no .cf beside")
    status, out, err = run(capsys, *argv, "--engine", "model")
    assert status == 0
    assert json.loads(out)[0]["engine"] == "model"


def test_a_cf_without_an_access_map_is_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cf = tmp_path / "sendmail.cf"
    cf.write_text('V10\nDjh.example\nScheck_rcpt\nR$*\t$#error $@ 5.7.1 $: "550 No"\n')
    os.utime(cf)
    status, out, err = run(capsys, str(EXAMPLE), "--config", str(cf), "--json", "to:u@x.test")
    assert status == 0
    assert "declares no access map" in err
    assert json.loads(out) == [
        {
            "query": "to:u@x.test",
            "key": None,
            "action": "ERROR",
            "code": "5.7.1",
            "reply": "550 No",
            "engine": "cf",
        }
    ]


@pytest.mark.oracle
def test_the_example_cf_is_what_m4_makes_of_the_example_mc(oracle: oracle_mod.Oracle) -> None:
    """docs/access.md runs examples/gateway-demo.cf; it must stay real m4's output."""
    top = EXAMPLE.parent
    cf, err, status = oracle.mc2cf((top / "gateway-demo.mc").read_text())
    assert status == 0, err
    assert (top / "gateway-demo.cf").read_text(encoding="latin-1") == cf


DNSBL_CF = """V10
Kaccess hash -o /nonexistent/access
Kdnsbl dns -R A -T<TMP>
Scheck_relay
R$* $| $*\t\t$: $2
R$-.$-.$-.$-\t\t$: <?> $(dnsbl $4.$3.$2.$1.bl.example. $: OK $)
R<?>OK\t\t$@ OKSOFAR
R<?>$+<TMP>\t\t$@ TMPOK
R<?>$+\t\t$#error $@ 5.7.1 $: "550 Rejected: " $&{client_addr} " listed at bl.example"
"""


def test_dnsbl_lookups_go_through_the_hosts_file_or_are_said(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cf = tmp_path / "sendmail.cf"
    cf.write_text(DNSBL_CF)
    hosts = tmp_path / "hosts"
    hosts.write_text("127.0.0.2\t7.2.0.192.bl.example\n")
    queries = ["connect:h.example:192.0.2.7", "connect:h.example:192.0.2.8"]
    argv = [str(EXAMPLE), "--config", str(cf), "--json", *queries]
    status, out, err = run(capsys, *argv, "--hosts", str(hosts))
    assert status == 0 and "warning: not looked up" not in err
    got = json.loads(out)
    assert (got[0]["action"], got[0]["code"], got[0]["reply"]) == (
        "ERROR",
        "5.7.1",
        "550 Rejected: 192.0.2.7 listed at bl.example",
    )
    assert got[1]["action"] is None
    status, out, err = run(capsys, *argv)
    assert status == 0 and [d["action"] for d in json.loads(out)] == [None, None]
    assert (
        "query access: warning: not looked up offline (taken as not found): "
        "7.2.0.192.bl.example., 8.2.0.192.bl.example.; give --hosts FILE or --dns"
    ) in err
    status, _, err = run(capsys, *argv, "--hosts", str(tmp_path / "missing"))
    assert status == 2 and "cannot read" in err
