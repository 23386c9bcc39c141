"""``python -m sendmailcfg query access``: text, JSON contract, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendmailcfg.cli import main

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "access"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["query", "access", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_json_contract(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(
        capsys,
        str(EXAMPLE),
        "connect:mail.spam-cannon.example:198.51.100.3",
        "connect::2001:db8:20::1",
        "from:x@elsewhere.example",
        "to:u@elsewhere.example",
        "--json",
    )
    assert status == 0
    data = json.loads(out)
    assert [list(d) for d in data] == [["query", "key", "action", "code", "reply"]] * 4
    assert data[0] == {
        "query": "connect:mail.spam-cannon.example:198.51.100.3",
        "key": "Connect:spam-cannon.example",
        "action": "REJECT",
        "code": "5.7.1",
        "reply": "550 Access denied",
    }
    assert data[1]["key"] == "Connect:IPv6:2001:db8:20"
    assert data[2] == {
        "query": "from:x@elsewhere.example",
        "key": None,
        "action": None,
        "code": None,
        "reply": None,
    }
    assert data[3]["reply"] == "550 Relaying denied"


def test_features_and_client(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "access"
    f.write_text("To:.example.com\tRELAY\nConnect:10.1\tRELAY\n")
    _, out, _ = run(capsys, str(f), "to:u@a.example.com", "--feature", "lookupdotdomain")
    assert "RELAY (line 1: To:.example.com)" in out
    _, out, _ = run(capsys, str(f), "to:u@a.example.com")
    assert "550 Relaying denied" in out
    _, out, _ = run(capsys, str(f), "to:u@far.test", "--client", "h.test:10.1.2.3")
    assert "RELAY (line 2: Connect:10.1)" in out


def test_explain(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, str(EXAMPLE), "from:billing@x.test", "--explain")
    want = "  tried: TLS_Clt:, From:billing@x.test, billing@x.test, From:billing@"
    assert out.splitlines()[1] == want


@pytest.mark.parametrize("query", ["bogus", "connect:nocolon", "from:a%b@c.test", "mail:x@y.test"])
def test_bad_queries_exit_2(capsys: pytest.CaptureFixture[str], query: str) -> None:
    status, out, err = run(capsys, str(EXAMPLE), query)
    assert status == 2
    assert out == ""
    assert err.startswith("query access: ")


def test_unreadable_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, str(tmp_path / "missing"), "to:x@y.test")
    assert status == 2
    assert "cannot read" in err


def test_unknown_feature_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["query", "access", str(EXAMPLE), "to:x@y", "--feature", "nope"])
    assert exc.value.code == 2


def test_bracketed_ipv6_name(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "access"
    f.write_text("Connect:[IPv6:2001:db8:0:0:0:0:0:9]\tREJECT\n")
    _, out, _ = run(capsys, str(f), "connect:[IPv6:2001:db8::9]:2001:db8::9")
    assert "REJECT 5.7.1 550 Access denied (line 1:" in out


CLIENT_MAP = "Connect:[192.0.2.7]\tRELAY\nConnect:192.0.2.9\tREJECT\nConnect:10.1\tRELAY\n"


@pytest.mark.parametrize(
    ("client", "extra", "want"),
    [
        # no reverse DNS: ${client_resolve} FAIL is checked before Connect:[192.0.2.7]
        (
            "[192.0.2.7]:192.0.2.7",
            [],
            "ERROR 5.7.1 550 Relaying denied. IP name lookup failed [192.0.2.7]",
        ),
        ("[192.0.2.7]:192.0.2.7", ["--resolve", "ok"], "RELAY (line 1: Connect:[192.0.2.7])"),
        (
            "[IPv6:2001:db8::7]:2001:db8::7",
            [],
            "ERROR 5.7.1 550 Relaying denied. IP name lookup failed [IPv6:2001:db8:0:0:0:0:0:7]",
        ),
        (
            "h.test:192.0.2.8",
            ["--resolve", "FORGED"],
            "550 Relaying denied. IP name possibly forged h.test",
        ),
        ("h.test:192.0.2.8", ["--resolve", "TEMP"], "ERROR 4.4.0 450 Relaying temporarily denied."),
        # an address key still relays: addresses are checked before the resolve status
        ("[10.1.2.3]:10.1.2.3", [], "RELAY (line 3: Connect:10.1)"),
    ],
)
def test_client_resolve(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, client: str, extra: list[str], want: str
) -> None:
    f = tmp_path / "access"
    f.write_text(CLIENT_MAP)
    status, out, _ = run(capsys, str(f), "to:u@far.test", "--client", client, *extra)
    assert status == 0 and want in out


@pytest.mark.parametrize(
    "argv",
    [
        ["to:u@far.test", "--client", "[IPv6:2001:db8::7:2001:db8::7"],
        ["to:u@far.test", "--client", "[not-an-ip]:192.0.2.1"],
        ["to:u@far.test", "--client", "h.test:not-an-ip"],
        ["to:u@far.test", "--client", "nocolon"],
        ["to:u@far.test", "--resolve", "FAIL"],
        ["connect:h.test:999.1.2.3"],
    ],
)
def test_garbled_clients_are_usage_errors(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str]
) -> None:
    f = tmp_path / "access"
    f.write_text(CLIENT_MAP)
    status, out, err = run(capsys, str(f), *argv)
    assert status == 2 and out == "" and err.startswith("query access: ")


def test_ipv4_mapped_client_is_dotted(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "access"
    f.write_text(CLIENT_MAP)
    _, out, _ = run(capsys, str(f), "connect:h.test:::ffff:192.0.2.9")
    assert "REJECT 5.7.1 550 Access denied (line 2: Connect:192.0.2.9)" in out


def test_unknown_resolve_status_is_a_usage_error(tmp_path: Path) -> None:
    f = tmp_path / "access"
    f.write_text(CLIENT_MAP)
    with pytest.raises(SystemExit) as exc:
        main(["query", "access", str(f), "to:x@y", "--client", "h:10.1.1.1", "--resolve", "MAYBE"])
    assert exc.value.code == 2
