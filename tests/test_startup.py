"""Start-up: a command imports its own module only; ``--help`` still lists every command.

These tests look at what a fresh interpreter imported (``sys.modules``), never at
the clock: timings are in ``benchmarks/startup.py``.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from sendmailcfg import cli

ROOT = Path(__file__).resolve().parents[1]
LANDED = [m for m in cli.COMMANDS if importlib.util.find_spec(m) is not None]


def _modules_after(argv: list[str], tmp_path: Path) -> tuple[set[str], int]:
    """The modules a fresh ``python -m sendmailcfg ARGV`` has imported when it exits."""
    code = (
        "import atexit, json, os, sys\n"
        "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.__stderr__))\n"
        "import runpy\n"
        f"sys.argv = ['sendmailcfg', *{argv!r}]\n"
        "runpy.run_module('sendmailcfg', run_name='__main__')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=False,
        timeout=120,
    )
    modules: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return set(modules), done.returncode


def _modules_at_start(tmp_path: Path) -> set[str]:
    """The modules a fresh interpreter has imported before running anything (its site)."""
    code = "import json, sys; print(json.dumps(sorted(sys.modules)))"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env
    ).stdout
    modules: list[str] = json.loads(out)
    return set(modules) - {"json", "json.decoder", "json.scanner", "json.encoder"}


@pytest.mark.parametrize("module", LANDED)
def test_a_command_module_is_named_after_its_command(module: str) -> None:
    assert module.rsplit(".", 1)[1] == importlib.import_module(module).NAME


def test_a_command_imports_its_own_module_only(tmp_path: Path) -> None:
    mc = tmp_path / "sendmail.mc"
    mc.write_text("divert(-1)dnl\nOSTYPE(`linux')dnl\nMAILER(`smtp')dnl\n")
    modules, status = _modules_after(["lint", str(mc)], tmp_path)
    assert status in (0, 1)
    assert "sendmailcfg.cli.lint" in modules
    others = {m for m in LANDED if m != "sendmailcfg.cli.lint"}
    assert not others & modules
    assert "lark" not in modules  # no grammar is compiled for a lint of an .mc


NOT_FOR_AN_MC_LINT = (
    "lark",  # no grammar is compiled
    "sendmailcfg.api",  # the .mc is parsed directly, without the map kinds
    "sendmailcfg.maps.document",
    "sendmailcfg.maps.facts",
    "sendmailcfg.maps.access",
    "sendmailcfg.site",  # X020 builds a site only when there is a SMART_HOST
    "sendmailcfg.syntax.map_nodes",
    "sendmailcfg.syntax.map_parser",
    "sendmailcfg.lint.rules.x005_virtuser_domain",  # reads virtusertables only
    "sendmailcfg.lint.rules.map001_leading_space",
    "pathlib",
    "shutil",  # argparse's default help formatter imports it for the terminal width
    "html",  # MC002 needs it only when an HTML entity is there
    "typing_extensions",
)
"""Modules a lint of a plain .mc must not import (each costs start-up time)."""


def test_a_lint_of_an_mc_imports_nothing_it_does_not_use(tmp_path: Path) -> None:
    mc = tmp_path / "sendmail.mc"
    mc.write_text(
        "divert(-1)dnl\ninclude(`cf.m4')dnl\nOSTYPE(`linux')dnl\n"
        "define(`confDOMAIN_NAME', `mx.example.com')dnl\n"
        "FEATURE(`access_db')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n"
    )
    modules, status = _modules_after(["lint", str(mc)], tmp_path)
    assert status in (0, 1)
    assert "sendmailcfg.lint.rules.mc001_quote_unbalanced" in modules  # the rules did run
    started = _modules_at_start(tmp_path)  # what this interpreter's site imports anyway
    assert sorted(m for m in NOT_FOR_AN_MC_LINT if m in modules - started) == []


def test_a_smart_host_without_a_domain_reads_no_map_code(tmp_path: Path) -> None:
    """X020 compares the SMART_HOST with this host's domain: with no confDOMAIN_NAME or Dj
    line there is none. MC012 asks the site for class w, which is cheap: the map code is
    imported only when a map is read."""
    mc = tmp_path / "sendmail.mc"
    mc.write_text(
        "divert(-1)dnl\nOSTYPE(`linux')dnl\nFEATURE(`access_db')dnl\n"
        "FEATURE(`mailertable')dnl\nFEATURE(`virtusertable')dnl\n"
        "define(`SMART_HOST', `[relay.example.net]')dnl\nMAILER(`smtp')dnl\n"
    )
    modules, status = _modules_after(["lint", str(mc)], tmp_path)
    assert status in (0, 1)
    assert "sendmailcfg.lint.rules.x020_smart_host_own_domain" in modules
    not_used = ("sendmailcfg.site.delivery", "sendmailcfg.maps.facts", "sendmailcfg.maps.document")
    assert sorted(m for m in not_used if m in modules) == []
    assert "sendmailcfg.mc.splice" not in modules  # a lint makes no edit


def test_a_smart_host_still_builds_the_site(tmp_path: Path) -> None:
    mc = tmp_path / "sendmail.mc"
    mc.write_text(
        "divert(-1)dnl\ndefine(`confDOMAIN_NAME', `mx.example.com')dnl\n"
        "define(`SMART_HOST', `[relay.example.net]')dnl\nMAILER(`smtp')dnl\n"
    )
    modules, _status = _modules_after(["lint", "--select", "X020", str(mc)], tmp_path)
    assert "sendmailcfg.site" in modules


def test_import_sendmailcfg_imports_no_typing(tmp_path: Path) -> None:
    code = "import sys, sendmailcfg; print(sorted(m for m in sys.modules if m == 'typing'))"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONNOUSERSITE": "1"}
    out = subprocess.run(
        [sys.executable, "-S", "-c", code],  # -S: no site (a .pth may import typing)
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    ).stdout
    assert out.strip() == "[]"


def test_help_lists_every_command_with_its_help(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run(
        [sys.executable, "-m", "sendmailcfg", "--help"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        check=True,
    ).stdout
    flat = " ".join(out.split())
    for name in LANDED:
        module = importlib.import_module(name)
        assert f"{module.NAME} {' '.join(module.HELP.split())}" in flat


def test_a_wrong_command_is_a_usage_error_naming_the_commands(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["no-such-command"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "invalid choice: 'no-such-command'" in err
    for name in LANDED:
        assert repr(name.rsplit(".", 1)[1]) in err


def test_command_help_needs_only_that_command(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        cli.main(["check", "--help"])
    assert info.value.code == 0
    assert "usage: python -m sendmailcfg check" in capsys.readouterr().out
