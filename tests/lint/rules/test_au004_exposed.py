"""AU004: authinfo readable by others, or in a folder sendmail's safe-file checks refuse."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests import oracle as oracle_mod
from tests.lint.helpers import folder, where
from tests.oracle.relay import bt

SOURCE = 'AuthInfo:smtp.example.net\t"U:joe" "P:x"\n'
MC = "define(`confDONT_BLAME_SENDMAIL', `MapInUnsafeDirPath')dnl\nFEATURE(`authinfo')dnl\n"


def test_au004_modes(tmp_path: Path) -> None:
    (tmp_path / "authinfo").write_text(SOURCE)
    os.chmod(tmp_path / "authinfo", 0o644)
    found = folder("AU004", tmp_path, {"sendmail.mc": MC, "authinfo": SOURCE})
    assert where(found) == [("authinfo", 1, 1)] and found[0].severity == "error"
    assert "readable by others" in found[0].message
    os.chmod(tmp_path / "authinfo", 0o640)
    found = folder("AU004", tmp_path, {"sendmail.mc": MC, "authinfo": SOURCE})
    assert [f.severity for f in found] == ["warning"]
    os.chmod(tmp_path / "authinfo", 0o600)
    assert folder("AU004", tmp_path, {"sendmail.mc": MC, "authinfo": SOURCE}) == []


def test_au004_unsafe_folder(tmp_path: Path) -> None:
    d = tmp_path / "shared"
    d.mkdir()
    os.chmod(d, 0o777)
    (d / "authinfo").write_text(SOURCE)
    os.chmod(d / "authinfo", 0o600)
    plain = "FEATURE(`authinfo')dnl\n"
    found = folder("AU004", d, {"sendmail.mc": plain, "authinfo": SOURCE})
    assert found and "writable by group or others" in found[0].message
    assert (
        folder("AU004", d, {"sendmail.mc": MC, "authinfo": SOURCE}) == []
    )  # MapInUnsafeDirPath allows it


@pytest.mark.oracle
def test_au004_sendmail_refuses_the_unsafe_folder(
    oracle: oracle_mod.Oracle, oracle_dir: Path
) -> None:
    d = oracle_dir / "shared"
    d.mkdir()
    os.chmod(d, 0o777)
    rc, msg = oracle.makemap([], "hash", d / "authinfo", SOURCE.encode())
    assert rc == 0, msg
    body = f"FEATURE(`authinfo', `hash {d}/authinfo')dnl\n"
    ask = [".D{server_name}smtp.example.net", "authinfo x"]
    out = bt(oracle, oracle_dir, body, ask, safe_dirs=True)
    assert "unsafe map file" in out and "returns: no" in out
    out = bt(oracle, oracle_dir, body, ask)
    assert 'returns: $# "U:joe" "P:x"' in out
