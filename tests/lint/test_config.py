"""Rule selection, severity overrides and [tool.sendmailcfg.lint] in pyproject.toml."""

from __future__ import annotations

from pathlib import Path

import pytest

from sendmailcfg.lint.config import ConfigError, LintConfig, find_pyproject
from sendmailcfg.lint.rules import rule_by_id


def test_defaults_enable_everything() -> None:
    cfg = LintConfig()
    assert cfg.enabled(rule_by_id("MC001")) and cfg.enabled(rule_by_id("X004"))


@pytest.mark.parametrize(
    ("select", "ignore", "rule", "on"),
    [
        (("MC",), (), "MC003", True),
        (("MC",), (), "MAP001", False),
        (("MAP00",), ("MAP004",), "MAP004", False),
        (("ALL",), ("mt-host-port",), "MT004", False),
        (("mc-feature-after-mailer",), (), "MC003", True),
        (("ac",), (), "AC001", True),
    ],
)
def test_selectors(select: tuple[str, ...], ignore: tuple[str, ...], rule: str, on: bool) -> None:
    assert LintConfig(select, ignore).enabled(rule_by_id(rule)) is on


def test_command_line_select_replaces_and_ignore_adds() -> None:
    base = LintConfig(("MC",), ("MC001",))
    cfg = base.with_options(["MAP"], ["MAP004"])
    assert cfg.select == ("MAP",) and cfg.ignore == ("MC001", "MAP004")


def test_unknown_selector_is_a_usage_error() -> None:
    with pytest.raises(ConfigError, match="matches no rule"):
        LintConfig().with_options(["NOPE1"], [])


def test_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.sendmailcfg.lint]\nignore = ["MT004"]\nseverity = { X004 = "warning" }\n'
    )
    sub = tmp_path / "etc" / "mail"
    sub.mkdir(parents=True)
    assert find_pyproject(sub) == tmp_path / "pyproject.toml"
    cfg = LintConfig.discover(sub)
    assert cfg.ignore == ("MT004",) and cfg.severity_of("X004", "info") == "warning"


def test_pyproject_without_our_table(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n')
    assert LintConfig.discover(tmp_path) == LintConfig()


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[tool.sendmailcfg.lint]\nselekt = ["MC"]\n', "unknown key"),
        ('[tool.sendmailcfg.lint]\nselect = ["ZZ"]\n', "matches no rule"),
        ('[tool.sendmailcfg.lint]\nseverity = { MC001 = "fatal" }\n', "is not one of"),
        ('[tool.sendmailcfg.lint]\nseverity = { QQ001 = "error" }\n', "unknown rule"),
        ('[tool.sendmailcfg.lint]\nselect = "MC" = 1\n', "pyproject.toml"),
        ("[tool.sendmailcfg.lint]\nignore = [1]\n", "list of rule ids"),
    ],
)
def test_bad_pyproject(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(body)
    with pytest.raises(ConfigError, match=message):
        LintConfig.discover(tmp_path)


def test_per_file_ignores_cf_dir_and_size(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.sendmailcfg.lint]\n"
        'cf-dir = "/opt/sm/cf"\n'
        "max-file-size = 1000\n"
        "[tool.sendmailcfg.lint.per-file-ignores]\n"
        '"lab/*.mc" = ["MC011"]\n'
        '"access" = ["AC"]\n'
    )
    cfg = LintConfig.discover(tmp_path)
    assert (cfg.cf_dir, cfg.max_file_size) == ("/opt/sm/cf", 1000)
    mc011, ac003 = rule_by_id("MC011"), rule_by_id("AC003")
    assert cfg.ignored_in(mc011, str(tmp_path / "lab" / "x.mc"))
    assert not cfg.ignored_in(mc011, str(tmp_path / "prod" / "x.mc"))
    assert cfg.ignored_in(ac003, str(tmp_path / "etc" / "access"))  # the file name alone
    assert not cfg.ignored_in(rule_by_id("MT001"), str(tmp_path / "lab" / "x.mc"))


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('[tool.sendmailcfg.lint.per-file-ignores]\n"x" = ["NOPE9"]\n', "matches no rule"),
        ("[tool.sendmailcfg.lint]\nmax-file-size = -1\n", "positive"),
        ("[tool.sendmailcfg.lint]\ncf-dir = 3\n", "cf-dir"),
    ],
)
def test_bad_new_keys_are_errors(tmp_path: Path, table: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(table)
    with pytest.raises(ConfigError, match=message):
        LintConfig.discover(tmp_path)


def test_config_from_a_named_file(tmp_path: Path) -> None:
    (tmp_path / "lint.toml").write_text('ignore = ["MT"]\n')
    assert LintConfig.from_file(tmp_path / "lint.toml").ignore == ("MT",)
    (tmp_path / "other.toml").write_text('[lint]\nselect = ["AC"]\n')
    assert LintConfig.from_file(tmp_path / "other.toml").select == ("AC",)
