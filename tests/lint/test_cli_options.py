"""``lint`` options: --exit-zero, --output-file, --config, --explain, ``rule``, --jobs,
per-file ignores, and output a terminal and CI can trust."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendmailcfg.cli import main
from sendmailcfg.lint.engine import Finding
from sendmailcfg.lint.formats import escape, render
from sendmailcfg.lint.run import lint_paths
from sendmailcfg.lint.walk import collect

BAD_ACCESS = "Connect:10.0.0.0/8\tREJECT\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "access").write_text(BAD_ACCESS)
    return tmp_path


def test_exit_zero(here: Path) -> None:
    assert main(["lint", "access"]) == 1
    assert main(["lint", "--exit-zero", "access"]) == 0
    assert main(["lint", "--exit-zero", "missing-file"]) == 2  # errors still count


def test_output_file(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["lint", "--format", "json", "--output-file", "out.json", "access"]) == 1
    assert capsys.readouterr().out == ""
    rows = json.loads((here / "out.json").read_text())["findings"]
    assert [r["rule"] for r in rows] == ["X004", "AC003"]


def test_config_file(here: Path) -> None:
    (here / "lint.toml").write_text('ignore = ["AC003"]\n')
    assert main(["lint", "--config", "lint.toml", "access"]) == 0
    (here / "bad.toml").write_text('ignore = ["NOPE7"]\n')
    assert main(["lint", "--config", "bad.toml", "access"]) == 2
    assert main(["lint", "--config", "absent.toml", "access"]) == 2


def test_per_file_ignores_from_pyproject(here: Path) -> None:
    (here / "pyproject.toml").write_text(
        '[tool.sendmailcfg.lint.per-file-ignores]\n"acc*" = ["AC003"]\n'
    )
    assert main(["lint", "access"]) == 0
    (here / "sub").mkdir()
    (here / "sub" / "access").write_text(BAD_ACCESS)
    (here / "pyproject.toml").write_text(
        '[tool.sendmailcfg.lint.per-file-ignores]\n"sub/access" = ["ac-cidr"]\n'
    )
    assert main(["lint", "sub"]) == 0
    assert main(["lint", "access"]) == 1


def test_rule_command_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule", "MC014"]) == 0
    page = capsys.readouterr().out
    assert page.startswith("## MC014 mc-map-spec\n") and "safe fix" in page
    assert main(["lint", "--explain", "mc-map-spec"]) == 0
    assert capsys.readouterr().out == page
    assert main(["rule", "ZZ123"]) == 2
    assert main(["lint"]) == 2  # no PATH and no --explain


def test_the_rule_page_is_the_docs_section() -> None:
    from sendmailcfg.lint.docgen import page, render
    from sendmailcfg.lint.rules import load_rules

    whole = render()
    for rule in load_rules():
        assert page(rule) in whole


# -- output a terminal and CI can trust -----------------------------------------------------


def test_text_output_escapes_control_characters(here: Path) -> None:
    hostile = Finding(
        "a\x1b[2Jb\nc\r.mc", 1, 1, "MC001", "error", "m\x07\x00\x9b\u202ex", "h\x1b]0;"
    )
    text = render([hostile], "text")
    assert "\n" not in text and "\r" not in text
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or c == "\u202e" for c in text)
    assert text.startswith("a\\e[2Jb\\nc\\r.mc:1:1: error MC001 m\\x07\\0\\x9b\\u202ex")


def test_github_annotations_cannot_start_a_workflow_command() -> None:
    f = Finding("x,y::z.mc", 2, 3, "MC001", "error", "bad\n::error file=x::owned\x1b[1m", "")
    out = render([f], "github")
    assert out.count("\n") == 0 and out.startswith("::error file=x%2Cy%3A%3Az.mc,line=2,")
    assert "\n::" not in out and "\x1b" not in out


def test_hostile_file_name_on_disk(here: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name = "access\x1b[31m\nevil"
    (here / name).write_text(BAD_ACCESS)
    assert main(["lint", "--select", "AC003", name]) == 1
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "\x1b" not in out and "access\\e[31m\\nevil:1:9:" in out


def test_escape_keeps_ordinary_text() -> None:
    assert escape("R$* < @ $=w . >\t$#local $: $1 — ok") == "R$* < @ $=w . >\t$#local $: $1 — ok"


# -- parallel ----------------------------------------------------------------------------------


def test_parallel_run_finds_the_same(tmp_path: Path) -> None:
    for i in range(12):
        d = tmp_path / f"host{i:02d}"
        d.mkdir()
        (d / "sendmail.mc").write_text(
            "OSTYPE(`linux')dnl\nFEATURE(`mailertable')dnl\nMAILER(`smtp')dnl\n"
        )
        (d / "mailertable").write_text(f".d{i}.example\tesmtp:[mx]\nx{i}\tbogus:[y]\n")
        (d / "access").write_text(BAD_ACCESS)
    found, ok = collect([str(tmp_path)])
    assert ok and len(found) == 36
    one = lint_paths(found, jobs=1)
    two = lint_paths(found, jobs=2)
    assert one == two and len(one[0]) >= 36
