"""``lint --fix`` / ``--diff``: safe fixes only, atomic, re-linted; m4 writes the same .cf."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendmailcfg.cli import main
from sendmailcfg.lint import lint_text
from sendmailcfg.lint.fixing import fixed_text
from tests.oracle import Oracle

HEAD = "OSTYPE(`linux')dnl\n"
FIXABLE = [
    HEAD + "FEATURE(`access_db', `hash /etc/mail/access')dnl\nMAILER(`smtp')dnl\n",
    HEAD + "FEATURE(`access_db', `hash -o /etc/mail/access')dnl\nMAILER(`smtp')dnl\n",
    HEAD + "FEATURE(`access_db')dnl\nFEATURE(`blacklist_recipients')dnl\nMAILER(`smtp')dnl\n",
    HEAD + "FEATURE(access_db, `btree /etc/mail/access')dnl\nFEATURE(blacklist_recipients)dnl\n"
    "MAILER(smtp)dnl\n",
]


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _comments_out(cf: str) -> str:
    """The .cf without comment lines (``#####  $Id: ...`` names the m4 files read), and
    with runs of blanks in ``K`` lines made one: m4's own ``-T<TMPF>`` insertion leaves a
    doubled blank (``Kaccess hash -T<TMPF>  /etc/mail/access``), which sendmail skips."""
    lines = []
    for line in cf.splitlines():
        if line.startswith("#") or not line.strip():
            continue  # comments and blank lines: sendmail skips them
        lines.append(
            " ".join(line.split(" ")) if not line.startswith("K") else " ".join(line.split())
        )
    return "\n".join(lines)


@pytest.mark.oracle
@pytest.mark.parametrize("mc", FIXABLE)
def test_safe_fixes_keep_the_cf_m4_writes(oracle: Oracle, mc: str) -> None:
    new = fixed_text(mc, "mc", lint_text(mc, "mc"))
    assert new is not None and new != mc
    before, err_before, st1 = oracle.mc2cf(mc)
    after, err_after, st2 = oracle.mc2cf(new)
    assert (st1, st2) == (0, 0)
    assert _comments_out(before) == _comments_out(after)
    assert "WARNING" in err_before and "WARNING" not in err_after  # what the fix was for
    assert [f.rule for f in lint_text(new, "mc") if f.fix is not None] == []


def test_fix_writes_and_relints(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mc = here / "sendmail.mc"
    mc.write_text(FIXABLE[2] + "define(`SMART_HOST', `relay.example')dnl\n")
    assert main(["lint", "--fix", str(mc)]) == 1  # MC012 has no safe fix: still reported
    captured = capsys.readouterr()
    assert "fixed 1 problem(s)" in captured.err
    assert "MC007" not in captured.out and "MC012" in captured.out
    assert "FEATURE(`blocklist_recipients')dnl" in mc.read_text()
    assert "`relay.example'" in mc.read_text()  # unsafe hints stay hints


def test_fix_touches_only_the_spans(here: Path) -> None:
    mc = here / "s.mc"
    original = "dnl  keep   this\r\n" + FIXABLE[0].replace("\n", "\r\n") + "\t\n"
    mc.write_bytes(original.encode())
    assert main(["lint", "--fix", "--exit-zero", str(mc)]) == 0
    assert mc.read_bytes() == original.replace("`hash /", "`hash -T<TMPF> /").encode()


def test_diff_prints_and_writes_nothing(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mc = here / "sendmail.mc"
    mc.write_text(FIXABLE[0])
    assert main(["lint", "--diff", str(mc)]) == 1
    out = capsys.readouterr().out
    assert mc.read_text() == FIXABLE[0]
    assert re.search(r"(?m)^-FEATURE\(`access_db', `hash /etc/mail/access'\)dnl$", out)
    assert re.search(r"(?m)^\+FEATURE\(`access_db', `hash -T<TMPF> /etc/mail/access'\)dnl$", out)
    mc.write_text(HEAD + "MAILER(`smtp')dnl\n")
    assert main(["lint", "--diff", str(mc)]) == 0
    assert capsys.readouterr().out == ""


def test_fix_of_stdin_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--fix", "--kind", "mc", "-"]) == 2
