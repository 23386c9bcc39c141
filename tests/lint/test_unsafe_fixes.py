"""``--unsafe-fixes``: fixes that change what sendmail does, to what the line plainly meant.

Each one is confirmed with the real tools, as the safe fixes are: before the fix the line
does not do what it says (real sendmail, makemap or m4 shows it), after the fix it does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sendmailcfg.cli import main
from sendmailcfg.lint.config import LintConfig
from sendmailcfg.lint.engine import lint_text
from sendmailcfg.lint.fixing import fixed_text
from tests import oracle as oracle_mod
from tests.oracle.access import AccessOracle, Query, classify

ACCESS = (
    "Connect:2001:db8::1\tREJECT\n"
    "Connect:IPv6:2001:db8::2\tREJECT\n"
    "Connect:IPv6:2001:0db8:0:0:0:0:0:3\tREJECT\n"
    "  example.com\tOK\n"
)
ACCESS_FIXED = (
    "Connect:IPv6:2001:db8:0:0:0:0:0:1\tREJECT\n"
    "Connect:IPv6:2001:db8:0:0:0:0:0:2\tREJECT\n"
    "Connect:IPv6:2001:db8:0:0:0:0:0:3\tREJECT\n"
    "example.com\tOK\n"
)
MC = (
    "OSTYPE(`linux')dnl\n"
    'define("confMAX_MESSAGE_SIZE", "1048576")dnl\n'
    "define(“SMART_HOST”, “relay.example.net”)dnl\n"
    "MAILER(&#96;smtp&#39;)dnl\n"
)
MC_FIXED = (
    "OSTYPE(`linux')dnl\n"
    "define(`confMAX_MESSAGE_SIZE', `1048576')dnl\n"
    "define(`SMART_HOST', `relay.example.net')dnl\n"
    "MAILER(`smtp')dnl\n"
)


def _fix(text: str, kind: str, rules: tuple[str, ...], *, unsafe: bool) -> str | None:
    found = lint_text(text, kind, path=kind, config=LintConfig(select=rules))
    return fixed_text(text, kind, found, unsafe=unsafe)


def test_the_fixes_are_offered_only_when_asked() -> None:
    rules = ("AC001", "AC002", "MAP001")
    assert _fix(ACCESS, "access", rules, unsafe=False) is None
    assert _fix(ACCESS, "access", rules, unsafe=True) == ACCESS_FIXED
    assert _fix(MC, "mc", ("MC002",), unsafe=False) is None
    assert _fix(MC, "mc", ("MC002",), unsafe=True) == MC_FIXED


def test_cli_fix_with_unsafe_fixes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    access = tmp_path / "access"
    access.write_text(ACCESS)
    assert main(["lint", "--select", "AC,MAP", "--fix", str(access)]) == 1
    assert access.read_text() == ACCESS  # safe fixes only: nothing to do
    assert "4 more fixes are available with --unsafe-fixes." in capsys.readouterr().err
    assert main(["lint", "--select", "AC,MAP", "--fix", "--unsafe-fixes", str(access)]) == 0
    assert access.read_text() == ACCESS_FIXED
    assert capsys.readouterr().err.endswith("All checks passed!\n")


@pytest.mark.oracle
def test_access_fixes_make_the_entries_match(oracle: oracle_mod.Oracle) -> None:
    """Real sendmail: the IPv6 clients are not rejected before the fix, rejected after."""
    d = oracle_mod.workdir()
    try:
        ao = AccessOracle(oracle, d, ())
        queries = [Query("connect", f"client.test:IPv6:2001:db8:0:0:0:0:0:{n}") for n in (1, 2, 3)]
        ao.load(ACCESS.encode()[: ACCESS.index("  ")])  # makemap rejects the indented line
        assert [classify(r)[0] for r in ao.ask(queries)] != ["ERROR"] * 3
        ao.load(ACCESS_FIXED.encode())
        assert [classify(r)[0] for r in ao.ask(queries)] == ["ERROR"] * 3
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.oracle
def test_map001_fix_makes_makemap_store_the_key(oracle: oracle_mod.Oracle) -> None:
    d = oracle_mod.workdir()
    try:
        status, msg = oracle.makemap([], "hash", d / "access", ACCESS.encode())
        assert status == 65 and "leading space" in msg
        assert b"example.com\tOK" not in oracle.dump("hash", d / "access")
        status, msg = oracle.makemap([], "hash", d / "access", ACCESS_FIXED.encode())
        assert status == 0, msg
        assert b"example.com\tOK" in oracle.dump("hash", d / "access")
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.oracle
def test_mc002_fix_makes_m4_read_the_names(oracle: oracle_mod.Oracle) -> None:
    before, _, _ = oracle.mc2cf(MC)
    after, err, status = oracle.mc2cf(MC_FIXED)
    assert status == 0, err
    assert "O MaxMessageSize=1048576" not in before.splitlines()
    assert "DSrelay.example.net" not in before.splitlines()
    assert "O MaxMessageSize=1048576" in after.splitlines()
    assert "DSrelay.example.net" in after.splitlines()
