"""X020: SMART_HOST takes the mail for other hosts of this host's own domain (the user story)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendmailcfg.lint import LintConfig, lint_text
from tests.lint.helpers import folder, one, where

HEAD = "define(`confDOMAIN_NAME', `www.takaq.jp')dnl\n"
ISP = "define(`SMART_HOST', `mmr.plala.or.jp')dnl\n"
TABLE = [
    (HEAD + ISP, [(2, 22)]),
    (HEAD + "define(`SMART_HOST', `[gateway.takaq.jp]')dnl\n", []),  # the usual fix
    (HEAD + "define(`SMART_HOST', `esmtp:[mail.takaq.jp]')dnl\n", []),
    (HEAD, []),  # no smart host: mail goes straight to the hosts
    (ISP, []),  # no $j: the host's domain is not known
    ("define(`confDOMAIN_NAME', `gw.lan')dnl\n" + ISP, []),  # a one-label domain
    (HEAD + "LOCAL_DOMAIN(`takaq.jp')dnl\n" + ISP, [(3, 22)]),  # other hosts still go
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_x020(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("X020", text, "mc") == expected


def test_x020_names_the_addresses_and_both_fixes() -> None:
    [f] = lint_text(HEAD + ISP, "mc", config=LintConfig(("X020",)))
    assert f.severity == "warning"
    assert "postmaster@takaq.jp and postmaster@mail.takaq.jp" in f.message
    assert "relay to mmr.plala.or.jp" in f.message
    assert "mailertable pair `takaq.jp " in f.hint and "`.takaq.jp " in f.hint
    assert "SMART_HOST" in f.hint


def test_x020_mailertable_pair_beside_the_mc_silences_it(tmp_path: Path) -> None:
    mc = HEAD + ISP + "FEATURE(`mailertable')dnl\n"
    pair = "takaq.jp\tsmtp:[gateway.takaq.jp]\n.takaq.jp\tsmtp:[gateway.takaq.jp]\n"
    assert where(folder("X020", tmp_path, {"sendmail.mc": mc, "mailertable": pair})) == []
    half = "takaq.jp\tsmtp:[gateway.takaq.jp]\n"  # the domain, not its other hosts
    (tmp_path / "mailertable").write_text(half)
    found = folder("X020", tmp_path, {"sendmail.mc": mc, "mailertable": half})
    assert where(found) == [("sendmail.mc", 2, 22)]
    assert "postmaster@mail.takaq.jp" in found[0].message
    assert "postmaster@takaq.jp " not in found[0].message


def test_x020_reads_the_class_files_of_the_folder(tmp_path: Path) -> None:
    import os

    mc = HEAD + ISP + "FEATURE(`use_cw_file')dnl\n"
    os.mkfifo(tmp_path / "aliases")  # a FIFO in the folder is never opened
    names = "takaq.jp\nmail.takaq.jp\n"
    assert where(folder("X020", tmp_path, {"sendmail.mc": mc, "local-host-names": names})) == []
    (tmp_path / "local-host-names").write_text("takaq.jp\n")
    found = folder("X020", tmp_path, {"sendmail.mc": mc, "local-host-names": "takaq.jp\n"})
    assert [f.message.split(": ")[1].split(" would")[0] for f in found] == [
        "postmaster@mail.takaq.jp"
    ]
