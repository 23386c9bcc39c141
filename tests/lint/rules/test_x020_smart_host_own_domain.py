"""X020: SMART_HOST takes the mail for other hosts of this host's own domain (the user story)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendmailcfg.lint import LintConfig, lint_text
from tests.lint.helpers import folder, one, where

HEAD = "define(`confDOMAIN_NAME', `www.takaq.jp')dnl\n"
ISP = "define(`SMART_HOST', `mmr.plala.or.jp')dnl\n"
HUB = "define(`MAIL_HUB', `[gateway.takaq.jp]')dnl\n"  # a mail server of the LAN, named
TABLE = [
    (HEAD + ISP, [(2, 22)]),  # info: nothing says takaq.jp's mail is on the LAN
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
    [f] = lint_text(HEAD + HUB + ISP, "mc", config=LintConfig(("X020",)))
    assert f.severity == "warning" and "MAIL_HUB is [gateway.takaq.jp]" in f.message
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


def test_x020_without_evidence_is_info() -> None:
    [f] = lint_text(HEAD + ISP, "mc", config=LintConfig(("X020",)))
    assert f.severity == "info" and "right if the provider hosts it" in f.message


def test_x020_web_host_relaying_to_its_mail_provider_exits_0(tmp_path: Path) -> None:
    """A web host whose domain's mail is hosted by the provider it relays through."""
    from sendmailcfg.cli import main

    (tmp_path / "sendmail.mc").write_text(
        "define(`confDOMAIN_NAME', `www.example.com')dnl\n"
        "define(`SMART_HOST', `[email-smtp.us-east-1.amazonaws.com]')dnl\n"
        "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
    )
    assert main(["lint", "--select", "X020", str(tmp_path)]) == 0


def test_x020_hostname_option_and_hosts_file(tmp_path: Path) -> None:
    from sendmailcfg.lint.engine import lint_files, load_file

    mc = ISP + "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
    f = load_file(str(tmp_path / "sendmail.mc"), "mc", mc)
    assert lint_files([f], LintConfig(("X020",))) == []  # no name: nothing to compare
    found = lint_files([f], LintConfig(("X020",), hostname="www.takaq.jp"))
    assert [x.severity for x in found] == ["info"]
    assert "(this host is www.takaq.jp)" in found[0].message
    (tmp_path / "sendmail.mc").write_text(mc)
    (tmp_path / "hosts").write_text("192.168.1.1\tgateway.takaq.jp gateway\n")
    found = folder("X020", tmp_path, {"sendmail.mc": mc, "hosts": "192.168.1.1 gateway.takaq.jp\n"})
    assert found == []  # sendmail.mc and no --hostname: no name to compare with
    from sendmailcfg.lint.run import lint_paths

    findings, _ = lint_paths(
        [(str(tmp_path / "sendmail.mc"), "mc")],
        LintConfig(("X020",), hostname="www.takaq.jp"),
    )
    assert [x.severity for x in findings] == ["warning"]
    assert "hosts line 1 names the mail host gateway.takaq.jp" in findings[0].message


FREEBSD = Path(__file__).resolve().parents[2] / "corpus" / "freebsd" / "freebsd.mc"


@pytest.mark.parametrize(("aliases", "severity"), [(True, "warning"), (False, "info")])
def test_x020_the_story_on_freebsd(tmp_path: Path, aliases: bool, severity: str) -> None:
    """freebsd.mc copied to www.takaq.jp.mc, SMART_HOST set with ``mc set``; the LAN's mail
    server gateway.takaq.jp gets root's mail (aliases): a warning. Without it: info."""
    import subprocess
    import sys

    mc = tmp_path / "www.takaq.jp.mc"
    mc.write_bytes(FREEBSD.read_bytes())
    p = subprocess.run(
        [
            sys.executable,
            "-m",
            "sendmailcfg",
            "mc",
            str(mc),
            "set",
            "SMART_HOST",
            "mmr.plala.or.jp",
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert p.returncode == 0, p.stderr
    if aliases:
        (tmp_path / "aliases").write_text("root: ken@gateway.takaq.jp\n")
    p = subprocess.run(
        [sys.executable, "-m", "sendmailcfg", "lint", "--select", "X020", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert f" {severity} X020 " in p.stdout, p.stdout + p.stderr
    assert "(this host is www.takaq.jp)" in p.stdout
    assert p.returncode == (1 if severity == "warning" else 0)
