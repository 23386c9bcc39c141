"""RL003: Connect:/To: RELAY in access for the relay host (inbound only; nothing for sending)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import oracle as oracle_mod
from tests.lint.helpers import folder, where
from tests.oracle.access import HELPER
from tests.oracle.relay import bt

MC = "define(`SMART_HOST', `[smtp.example.net]')dnl\nFEATURE(`access_db')dnl\n"


@pytest.mark.parametrize(
    ("access", "expected"),
    [
        ("Connect:smtp.example.net\tRELAY\n", [("access", 1, 1)]),
        ("To:smtp.example.net\tRELAY\n", [("access", 1, 1)]),
        ("Connect:smtp.example.net\tOK\n", []),
        ("Connect:other.example\tRELAY\n", []),
        ("Connect:127.0.0.1\tRELAY\n", []),
    ],
)
def test_rl003(tmp_path: Path, access: str, expected: list[tuple[str, int, int]]) -> None:
    assert where(folder("RL003", tmp_path, {"sendmail.mc": MC, "access": access})) == expected


@pytest.mark.oracle
def test_rl003_the_entry_governs_inbound_clients(
    oracle: oracle_mod.Oracle, oracle_dir: Path
) -> None:
    """sendmail reads Connect: in check_relay, for a client that connects to it."""
    src = "Connect:smtp.example.net\tRELAY\n"
    rc, msg = oracle.makemap([], "hash", oracle_dir / "access", src.encode())
    assert rc == 0, msg
    body = f"FEATURE(`access_db', `hash {oracle_dir}/access')dnl\n"
    ask = [".D{client_name}smtp.example.net", ".D{client_addr}192.0.2.1", "OracleConnect x"]
    out = bt(oracle, oracle_dir, body, ask, after=HELPER)
    assert "OracleConnect    returns: RELAY" in out
