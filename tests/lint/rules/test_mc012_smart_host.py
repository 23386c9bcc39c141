from pathlib import Path

import pytest

from sendmailcfg.lint import lint_text
from sendmailcfg.lint.config import LintConfig
from tests.lint.helpers import folder, one, where

TABLE = [
    ("define(`SMART_HOST', `[relay.example.net]')dnl\n", []),
    ("define(`SMART_HOST', `esmtp:[relay.example.net]')dnl\n", []),
    ("define(`SMART_HOST', `192.0.2.1')dnl\n", []),
    ("define(`SMART_HOST', `')dnl\n", []),
    ("define(`SMART_HOST', `relay.example.net')dnl\n", [(1, 22)]),
    ("define(`MAIL_HUB', `smtp:hub.example.net')dnl\n", [(1, 20)]),
    ("define(`SMART_HOST', `uucp-dom:gateway')dnl\n", []),  # uux: no MX lookup
    ("define(`SMART_HOST', `uucp:gateway')dnl\n", []),
    # m4 keeps the last define only
    ("define(`SMART_HOST', `relay.example')dnl\ndefine(`SMART_HOST', `[relay.example]')dnl\n", []),
    (
        "define(`confDOMAIN_NAME', `mail.example.com')dnl\n"
        "define(`SMART_HOST', `[mail.example.com]')dnl\n",
        [(2, 22)],
    ),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc012(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC012", text, "mc") == expected


def test_mc012_loop_is_an_error_and_hint_keeps_mailer() -> None:
    cfg = LintConfig(("MC012",))
    (f,) = lint_text("define(`SMART_HOST', `[localhost]')dnl\n", "mc", config=cfg)
    assert f.severity == "error"
    (g,) = lint_text("define(`SMART_HOST', `esmtp:relay.example')dnl\n", "mc", config=cfg)
    assert g.hint == "write `esmtp:[relay.example]'"


def test_mc012_reads_local_host_names(tmp_path: Path) -> None:
    files = {
        "sendmail.mc": "FEATURE(`use_cw_file')dnl\ndefine(`SMART_HOST', `[mx.example.org]')dnl\n",
        "local-host-names": "# ours\nmx.example.org\n",
    }
    assert where(folder("MC012", tmp_path, files)) == [("sendmail.mc", 2, 22)]


def test_mc012_ignores_local_host_names_without_use_cw_file(tmp_path: Path) -> None:
    """Without FEATURE(`use_cw_file') sendmail never reads the file: the relay is elsewhere."""
    files = {
        "sendmail.mc": "define(`SMART_HOST', `[mx.example.org]')dnl\n",
        "local-host-names": "# ours\nmx.example.org\n",
    }
    assert where(folder("MC012", tmp_path, files)) == []


def test_mc012_reads_the_first_word_of_each_line_only(tmp_path: Path) -> None:
    """sendmail reads one name per line of a class file (tests/test_map_facts.py shows it)."""
    files = {
        "sendmail.mc": "FEATURE(`use_cw_file')dnl\ndefine(`SMART_HOST', `[mx.example.org]')dnl\n",
        "local-host-names": "this.example mx.example.org\n",
    }
    assert where(folder("MC012", tmp_path, files)) == []


def test_mc012_brackets_are_information_a_loop_is_an_error() -> None:
    cfg = LintConfig(("MC012",))
    (f,) = lint_text("define(`SMART_HOST', `relay.example.net')dnl\n", "mc", config=cfg)
    assert f.severity == "info"  # an MX lookup is sendmail working as documented
