"""AU005: an authinfo key for no host the configuration relays to."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import oracle as oracle_mod
from tests.lint.helpers import folder, where
from tests.oracle.relay import bt

MC = "define(`SMART_HOST', `[smtp.example.net]')dnl\nFEATURE(`authinfo')dnl\n"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('AuthInfo:smtp.example.com\t"U:a" "P:b"\n', [("authinfo", 1, 10)]),
        ('AuthInfo:smtp.example.net\t"U:a" "P:b"\n', []),
        ('AuthInfo:SMTP.Example.NET\t"U:a" "P:b"\n', []),
        ('AuthInfo:192.0.2.1\t"U:a" "P:b"\nAuthInfo:\t"U:a" "P:b"\n', []),
        ('AuthInfo:smtp.example.net:587\t"U:a" "P:b"\n', []),  # AU001's
    ],
)
def test_au005(tmp_path: Path, source: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(folder("AU005", tmp_path, {"sendmail.mc": MC, "authinfo": source})) == expected


def test_au005_mx_lookup_makes_it_info(tmp_path: Path) -> None:
    mc = "define(`SMART_HOST', `smtp.example.net')dnl\nFEATURE(`authinfo')dnl\n"
    source = 'AuthInfo:mx1.example.net\t"U:a" "P:b"\n'
    found = folder("AU005", tmp_path, {"sendmail.mc": mc, "authinfo": source})
    assert [f.severity for f in found] == ["info"]


def test_au005_mailertable_hosts_count(tmp_path: Path) -> None:
    mc = MC + "FEATURE(`mailertable')dnl\n"
    files = {
        "sendmail.mc": mc,
        "mailertable": "other.example\tesmtp:[relay.other.example]\n",
        "authinfo": 'AuthInfo:relay.other.example\t"U:a" "P:b"\n',
    }
    assert folder("AU005", tmp_path, files) == []


@pytest.mark.oracle
def test_au005_the_ruleset_asks_for_the_smart_host_name(
    oracle: oracle_mod.Oracle, oracle_dir: Path
) -> None:
    """sendmail sets ${server_name} to the bracketed host and looks up that key only."""
    src = 'AuthInfo:smtp.example.com\t"U:a" "P:b"\n'
    rc, msg = oracle.makemap([], "hash", oracle_dir / "authinfo", src.encode())
    assert rc == 0, msg
    body = f"FEATURE(`authinfo', `hash {oracle_dir}/authinfo')dnl\n"
    out = bt(oracle, oracle_dir, body, [".D{server_name}smtp.example.net", "authinfo x"])
    assert "returns: no" in out
