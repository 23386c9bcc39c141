"""Lint rules that read the folder's ``Site`` (the whole configuration)."""

from __future__ import annotations

from pathlib import Path

from tests.lint.helpers import folder, where

MT = ".takaq.jp\tsmtp:[mail2.takaq.jp]\n"


def test_mt001_is_quiet_when_the_bare_domain_is_local(tmp_path: Path) -> None:
    mc = "define(`confDOMAIN_NAME', `gateway.takaq.jp')dnl\nFEATURE(`mailertable')dnl\n"
    found = folder("MT001", tmp_path, {"sendmail.mc": mc, "mailertable": MT})
    assert where(found) == [("mailertable", 1, 1)]  # takaq.jp itself is not routed
    local = mc + "LOCAL_DOMAIN(`takaq.jp')dnl\n"
    assert where(folder("MT001", tmp_path, {"sendmail.mc": local, "mailertable": MT})) == []
    raw = mc + "LOCAL_CONFIG\nCwtakaq.jp\n"  # a Cw line says so too
    assert where(folder("MT001", tmp_path, {"sendmail.mc": raw, "mailertable": MT})) == []


def test_mt006_and_x005_see_dj_lines(tmp_path: Path) -> None:
    mc = "LOCAL_CONFIG\nDjgateway.takaq.jp\n"
    files = {"sendmail.mc": mc, "mailertable": "gateway.takaq.jp\tsmtp:[x]\n"}
    assert where(folder("MT006", tmp_path, files)) == [("mailertable", 1, 1)]
    virt = {"sendmail.mc": mc, "virtusertable": "info@gateway.takaq.jp\tken\n"}
    assert where(folder("X005", tmp_path, virt)) == []
    virt = {"sendmail.mc": mc, "virtusertable": "info@elsewhere.example\tken\n"}
    assert [f.rule for f in folder("X005", tmp_path, virt)] == ["X005"]
