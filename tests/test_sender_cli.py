"""``python -m sendmailcfg sender``: text, the JSON contract, --mailer, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendmailcfg.cli import main

MC = (
    "define(`confDOMAIN_NAME', `www.takaq.jp')dnl\n"
    "MASQUERADE_AS(`takaq.jp')dnl\nFEATURE(`masquerade_envelope')dnl\n"
    "FEATURE(`genericstable', `hash /nonexistent/sendmailcfg/genericstable')dnl\n"
    "GENERICS_DOMAIN(`www.takaq.jp')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n"
)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["sender", *argv])
    out, err = capsys.readouterr()
    return status, out, err


@pytest.fixture
def conf(tmp_path: Path) -> Path:
    (tmp_path / "sendmail.mc").write_text(MC)
    (tmp_path / "genericstable").write_text("ken\tken.ito@takaq.jp\n")
    return tmp_path


def test_json_contract(conf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, "--config", str(conf), "--json", "ken", "bob@www.takaq.jp")
    assert (status, err) == (0, "")
    ken, bob = json.loads(out)
    assert list(ken) == ["address", "envelope", "header", "steps", "engine"]
    assert (ken["envelope"], ken["header"]) == ("ken.ito@takaq.jp", "ken.ito@takaq.jp")
    assert any("genericstable:1:" in s and "ken.ito@takaq.jp" in s for s in ken["steps"])
    assert (bob["envelope"], bob["header"]) == ("bob@takaq.jp", "bob@takaq.jp")


def test_text_and_mailer(conf: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--config", str(conf), "--mailer", "local", "bob")
    # the local mailer leaves an unqualified sender alone (no always_add_domain)
    assert (status, out) == (0, "bob via local: envelope bob, header bob\n")
    status, out, _ = run(capsys, "--config", str(conf), "--mailer", "relay", "bob")
    assert out == "bob via relay: envelope bob@takaq.jp, header bob@takaq.jp\n"


@pytest.mark.parametrize(
    ("argv", "message"),
    [(["--mailer", "uucp", "bob"], "mailer 'uucp'"), (["a,b"], "give user@host")],
)
def test_exit_2(
    conf: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    status, out, err = run(capsys, "--config", str(conf), *argv)
    assert (status, out) == (2, "")
    assert message in err
