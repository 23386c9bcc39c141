"""Lint's cross-file rules read the folder's live ``.mc``, found as every command finds it.

FreeBSD's /etc/mail holds the stock ``freebsd.mc``, the MSP's ``freebsd.submit.mc`` and,
once ``make`` has run, ``HOSTNAME.mc`` (a copy the site edits, the one its Makefile
builds). Only the live one says which maps sendmail reads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sendmailcfg.lint.config import LintConfig
from sendmailcfg.lint.engine import FileSet, Finding, lint_files, load_file
from sendmailcfg.maps import infer_kind
from sendmailcfg.site.finding import find_mc
from tests.conftest import CORPUS

HOST = "mx.example.org"


@pytest.fixture(autouse=True)
def _no_sendmail_mc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SENDMAIL_MC", raising=False)


def freebsd_folder(tmp_path: Path) -> Path:
    """FreeBSD's stock pair, a HOSTNAME.mc without the mailertable FEATURE, and the maps."""
    for name in ("freebsd.mc", "freebsd.submit.mc"):
        shutil.copy(CORPUS / "freebsd" / name, tmp_path / name)
    stock = (tmp_path / "freebsd.mc").read_text(encoding="utf-8")
    own = "".join(
        line for line in stock.splitlines(keepends=True) if not line.startswith("FEATURE(mailer")
    )
    assert own != stock
    (tmp_path / f"{HOST}.mc").write_text(own, encoding="utf-8")
    (tmp_path / "mailertable").write_text(".lan.example esmtp:[gw.lan.example]\n")
    (tmp_path / "virtusertable").write_text("info@example.org ken\n")
    return tmp_path


def lint(folder: Path, rule: str, hostname: str | None) -> list[Finding]:
    files = []
    for p in sorted(folder.iterdir()):
        kind = infer_kind(p.name)
        if kind is not None:
            files.append(load_file(str(p), kind, p.read_text(encoding="utf-8")))
    return lint_files(files, LintConfig(select=(rule,), hostname=hostname))


def test_the_hostname_mc_is_live_and_its_features_count(tmp_path: Path) -> None:
    folder = freebsd_folder(tmp_path)
    found = lint(folder, "X001", HOST)
    assert [(Path(f.path).name, f.message) for f in found] == [
        ("mailertable", f"mailertable is not used: no FEATURE(`mailertable') in {HOST}.mc")
    ]


def test_elsewhere_the_stock_freebsd_mc_is_live(tmp_path: Path) -> None:
    """Not on the host (another name): find_mc takes freebsd.mc, and so does lint."""
    folder = freebsd_folder(tmp_path)
    assert Path(find_mc(folder, hostname="other.example.org", environ={})).name == "freebsd.mc"
    assert lint(folder, "X001", "other.example.org") == []


def test_the_submit_mc_is_never_the_mta(tmp_path: Path) -> None:
    folder = freebsd_folder(tmp_path)
    (folder / "freebsd.mc").unlink()
    (folder / f"{HOST}.mc").unlink()
    fs = FileSet(
        str(folder),
        [
            load_file(str(folder / "freebsd.submit.mc"), "mc", "FEATURE(`mailertable')dnl\n"),
            load_file(str(folder / "mailertable"), "mailertable", ".a.example esmtp:[b]\n"),
        ],
    )
    assert fs.live_mc_files == []
    assert [f.name for f in fs.mc_files] == ["freebsd.submit.mc"]


def test_sendmail_mc_chooses_like_find_mc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = freebsd_folder(tmp_path)
    monkeypatch.setenv("SENDMAIL_MC", str(folder / "freebsd.mc"))
    assert Path(find_mc(folder, hostname=HOST)).name == "freebsd.mc"
    assert lint(folder, "X001", HOST) == []


def test_several_mcs_and_no_rule_choosing_keep_all_but_the_msps(tmp_path: Path) -> None:
    texts = {"a.mc": "FEATURE(`mailertable')dnl\n", "b.mc": "dnl\n", "b.submit.mc": "dnl\n"}
    files = [load_file(str(tmp_path / n), "mc", t) for n, t in texts.items()]
    fs = FileSet(str(tmp_path), files, config=LintConfig(hostname=""))
    assert [f.name for f in fs.live_mc_files] == ["a.mc", "b.mc"]
