"""AU001: an authinfo key with a port, which sendmail never looks up."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests import oracle as oracle_mod
from tests.lint.helpers import one
from tests.oracle.relay import authinfo_answer

TABLE = [
    ('AuthInfo:smtp.example.net:587\t"U:a" "P:b"\n', [(1, 26)]),
    ('AuthInfo:[smtp.example.net]:465\t"U:a" "P:b"\n', [(1, 28)]),
    ('AuthInfo:smtp.example.net\t"U:a" "P:b"\n', []),
    ('AuthInfo:IPv6:2001:db8::1\t"U:a" "P:b"\n', []),
    ('AuthInfo:\t"U:a" "P:b"\n', []),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_au001(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("AU001", text, "authinfo") == expected


@pytest.mark.oracle
def test_au001_sendmail_never_finds_the_key(oracle: oracle_mod.Oracle, oracle_dir: Path) -> None:
    source = 'AuthInfo:smtp.example.net:587\t"U:a" "P:b"\n'
    out = authinfo_answer(oracle, oracle_dir, source, "smtp.example.net")
    assert "authinfo         returns: no" in out
    assert one("AU001", source, "authinfo") == [(1, 26)]
