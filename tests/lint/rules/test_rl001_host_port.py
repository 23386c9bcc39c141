"""RL001: a port in SMART_HOST/MAIL_HUB/LOCAL_RELAY is a second host to sendmail."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import oracle as oracle_mod
from tests.lint.helpers import one
from tests.oracle.relay import bt

TABLE = [
    ("define(`SMART_HOST', `smtp.gmail.com:587')dnl\n", [(1, 37)]),
    ("define(`SMART_HOST', `[smtp.gmail.com]:587')dnl\n", [(1, 39)]),
    ("define(`MAIL_HUB', `hub.example:2525')dnl\n", [(1, 32)]),
    ("define(`LOCAL_RELAY', `esmtp:relay.example:25')dnl\n", [(1, 43)]),
    ("define(`SMART_HOST', `[smtp.gmail.com]')dnl\n", []),
    ("define(`SMART_HOST', `esmtp:[smtp.gmail.com]')dnl\n", []),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_rl001(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("RL001", text, "mc") == expected


@pytest.mark.oracle
def test_rl001_sendmail_keeps_the_port_in_the_host_list(
    oracle: oracle_mod.Oracle, oracle_dir: Path
) -> None:
    out = bt(
        oracle,
        oracle_dir,
        "define(`SMART_HOST', `smtp.gmail.com:587')dnl\n",
        ["3,0 u@elsewhere.example"],
    )
    assert "parse            returns: $# relay $@ smtp . gmail . com : 587 $:" in out
