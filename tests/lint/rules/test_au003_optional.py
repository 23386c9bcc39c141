"""AU003: FEATURE(authinfo) with -o hides a missing database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import oracle as oracle_mod
from tests.lint.helpers import one
from tests.oracle.relay import bt

TABLE = [
    ("FEATURE(`authinfo', `hash -o /etc/mail/authinfo')dnl\n", [(1, 27)]),
    ("FEATURE(`authinfo', `hash /etc/mail/authinfo')dnl\n", []),
    ("FEATURE(`authinfo')dnl\n", []),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_au003(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("AU003", text, "mc") == expected


@pytest.mark.oracle
def test_au003_missing_db_is_silent_with_o(oracle: oracle_mod.Oracle, oracle_dir: Path) -> None:
    ask = [".D{server_name}x.example", "authinfo x"]
    spec = f"hash -o {oracle_dir}/authinfo"
    quiet = bt(oracle, oracle_dir, f"FEATURE(`authinfo', `{spec}')dnl\n", ask)
    assert "missing map file" not in quiet and "returns: no" in quiet
    spec = f"hash {oracle_dir}/authinfo"
    loud = bt(oracle, oracle_dir, f"FEATURE(`authinfo', `{spec}')dnl\n", ask)
    assert "missing map file" in loud and "status 75" in loud  # tempfail: the mail waits
