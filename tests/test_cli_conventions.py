"""Every command the same way: JSON everywhere, errors scoped to the subcommand with the
real program name, no abbreviated options, plain-text help, postconf -d style defaults."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sendmailcfg.cli import build_parser, main
from sendmailcfg.cli._help import program_name
from tests.oracle import Oracle

TOP = Path(__file__).resolve().parents[1]
FREEBSD = (TOP / "examples" / "freebsd.mc").read_bytes()


@pytest.fixture
def mc(tmp_path: Path) -> Path:
    p = tmp_path / "freebsd.mc"
    p.write_bytes(FREEBSD)
    return p


def test_show_json_after_the_action(mc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mc", str(mc), "show", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"name": "OSTYPE", "value": "freebsd6"} in rows


@pytest.mark.parametrize("where", ["before", "after"])
def test_get_json_either_side(mc: Path, where: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["mc", "--json", str(mc), "get", "confCW_FILE"]
    if where == "after":
        argv = ["mc", str(mc), "get", "confCW_FILE", "--json"]
    assert main(argv) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["name"] == "confCW_FILE"
    assert got["value"] == "-o /etc/mail/local-host-names"
    assert got["defined"] is True


def test_get_of_an_unset_conf_name_says_its_default(
    mc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mc", str(mc), "get", "confTO_QUEUEWARN"]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert "confTO_QUEUEWARN: not defined; sendmail's default: 4h (O Timeout.queuewarn)" in err
    assert main(["mc", str(mc), "get", "--default", "confTO_QUEUEWARN"]) == 0
    assert capsys.readouterr().out == "4h\n"
    assert main(["mc", str(mc), "get", "confTO_QUEUEWARN", "--json"]) == 1
    got = json.loads(capsys.readouterr().out)
    assert got == {
        "name": "confTO_QUEUEWARN",
        "value": None,
        "defined": False,
        "default": "4h",
        "sets": "O Timeout.queuewarn",
    }


def test_map_get_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    m = tmp_path / "mailertable"
    m.write_text("example.org\tsmtp:[mx.example.org]\n")
    assert main(["map", str(m), "get", "EXAMPLE.org", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "key": "EXAMPLE.org",
        "value": "smtp:[mx.example.org]",
        "path": str(m),
    }
    assert main(["map", "--json", str(m), "get", "nothing"]) == 1
    assert json.loads(capsys.readouterr().out)["value"] is None


def test_show_of_a_broken_mc_does_not_talk_of_editing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.mc"
    bad.write_text("define(`confFOO', `x)\n")
    assert main(["mc", str(bad), "show"]) == 2
    err = capsys.readouterr().err
    assert "not edited" not in err
    assert "cannot read its settings" in err


def _db(tmp_path: Path) -> Path:
    src = tmp_path / "mailertable"
    src.write_text("example.org\tsmtp:[x]\n")
    from sendmailcfg.output.database import build

    build(str(src), str(src), "hash")
    db = tmp_path / "mailertable.db"
    assert db.exists()
    return db


def test_a_db_file_is_named_as_such(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _db(tmp_path)
    assert main(["check", "--kind", "mailertable", str(db)]) == 2
    err = capsys.readouterr().err
    assert "this is a Berkeley DB file" in err and "makemap -u" in err
    assert "NUL" not in err
    before = db.read_bytes()
    assert main(["map", "--kind", "mailertable", str(db), "set", "a", "b"]) == 2
    err = capsys.readouterr().err
    assert "this is a Berkeley DB file" in err and "NUL" not in err
    assert db.read_bytes() == before


def test_program_name() -> None:
    assert program_name("/usr/local/bin/sendmailcfg") == "sendmailcfg"
    assert program_name("/venv/lib/sendmailcfg/__main__.py") == "python -m sendmailcfg"


def test_the_console_script_name_is_in_usage(tmp_path: Path) -> None:
    script = tmp_path / "sendmailcfg"
    script.write_text("import sys\nfrom sendmailcfg.cli import main\nsys.exit(main())\n")
    p = subprocess.run(
        [sys.executable, str(script), "lint", "--selec", "X", "x"],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(TOP), "PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert p.returncode == 2
    assert p.stderr.startswith("usage: sendmailcfg lint ")
    assert "sendmailcfg lint: error: unrecognized arguments: --selec" in p.stderr
    assert "python -m" not in p.stderr


def test_no_abbreviations_anywhere() -> None:
    import argparse

    def walk(p: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
        out = [p]
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                for sp in a.choices.values():
                    out.extend(walk(sp))
        return out

    parsers = walk(build_parser())
    assert len(parsers) > 30
    assert all(not p.allow_abbrev for p in parsers)


def test_an_unknown_option_after_a_subcommand_is_its_error(
    mc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(["mc", str(mc), "show", "--bogus"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert err.splitlines()[0].startswith("usage: python -m sendmailcfg mc FILE show")
    assert "mc FILE show: error: unrecognized arguments: --bogus" in err
    assert "COMMAND" not in err


@pytest.mark.parametrize("command", ["mc", "map", "lint", "make", "check", "query"])
def test_help_is_plain_text_with_examples(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main([command, "--help"])
    out = capsys.readouterr().out
    assert "``" not in out and ":func:" not in out and ":mod:" not in out
    assert "\nexamples:\n" in out


def test_bullet_lists_stay_lists(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["make", "--help"])
    out = capsys.readouterr().out
    assert "\n* cf: NAME.cf from NAME.mc" in out
    assert "\n* maps: each map's .db" in out


MC_WITH_MISSING_INCLUDES = (
    "divert(-1)\ndnl c\ndivert(0)dnl\nOSTYPE(`linux')dnl\n"
    "include(`/nonexistent/x.m4')dnl\nFEATURE(`nosuchfeature')dnl\nMAILER(`smtp')dnl\n"
)


def test_m4_cannot_open_is_placed_on_the_include_line() -> None:
    from sendmailcfg.mc.cfbuild import parse_messages
    from sendmailcfg.mc.document import McDocument

    doc = McDocument.parse(MC_WITH_MISSING_INCLUDES, path="t.mc")
    stderr = "/usr/bin/m4:t.mc:5: cannot open `/nonexistent/x.m4': No such file or directory\n"
    (m,) = parse_messages(stderr, doc, "t.mc")
    assert (m.line, m.severity) == (5, "error")
    assert m.text == "m4: cannot open `/nonexistent/x.m4': No such file or directory"


def test_m4_cannot_open_with_the_real_m4(tmp_path: Path, oracle: Oracle) -> None:
    from sendmailcfg.mc.cfbuild import build_cf

    mc = tmp_path / "t.mc"
    mc.write_text(MC_WITH_MISSING_INCLUDES)
    result = build_cf(mc, oracle.cf_dir)
    assert [(m.line, m.severity) for m in result.messages] == [(5, "error"), (6, "error")]
    # the locked m4 refuses the include outside the cf package before m4 could fail to open it
    assert all("cannot open" in m.text or "refused include" in m.text for m in result.messages)


def test_an_edit_warns_of_the_findings_it_brings_in(
    mc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mc", str(mc), "set", "confMAX_MESAGE_SIZE", "1000"]) == 0
    out, err = capsys.readouterr()
    assert out == f"{mc}: changed\n"
    assert "warning: the edit brings in warning MC006 unknown macro confMAX_MESAGE_SIZE" in err
    assert "did you mean confMAX_MESSAGE_SIZE?" in err
    # a clean edit says nothing more; the findings the file had before do not count
    assert main(["mc", str(mc), "set", "SMART_HOST", "relay.example.net"]) == 0
    assert capsys.readouterr().err == ""


def test_feature_add_of_an_unknown_feature_warns_in_json(
    mc: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["mc", str(mc), "feature", "add", "nonexistent", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["changed"] is True
    assert [(w["rule"], w["severity"]) for w in got["warnings"]] == [("MC005", "error")]


def test_strict_refuses_the_edit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    access = tmp_path / "access"
    access.write_text("Connect:10\tREJECT\n")
    before = access.read_bytes()
    assert main(["map", str(access), "set", "Connect:192.0.2.0/24", "REJECT", "--strict"]) == 3
    err = capsys.readouterr().err
    assert "AC003 CIDR key 192.0.2.0/24 never matches" in err
    assert "--strict refuses" in err
    assert access.read_bytes() == before
    assert main(["map", str(access), "--strict", "--json", "set", "Connect:1.2.3.0/24", "OK"]) == 3
    got = json.loads(capsys.readouterr().out)
    assert got["changed"] is False and got["refused"] is True
    assert got["warnings"][0]["rule"] == "AC003"
    assert access.read_bytes() == before
    assert main(["map", str(access), "set", "Connect:192.0.2", "REJECT", "--strict"]) == 0


def test_check_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    m = tmp_path / "mailertable"
    m.write_text("ok smtp:x\n  bad y\n")
    assert main(["check", str(m), "--json"]) == 1
    got = json.loads(capsys.readouterr().out)
    assert got["files"] == 1 and got["errors"] == []
    assert [(p["line"], p["code"]) for p in got["problems"]] == [(2, "leading-space")]


def test_rule_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule", "MC014", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert (got["id"], got["name"], got["fix"]) == ("MC014", "mc-map-spec", "safe")


def test_check_json_edit_exits_0_for_ansible(mc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = mc.read_bytes()
    assert main(["mc", str(mc), "set", "SMART_HOST", "x.example", "--check", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["changed"] is True
    assert main(["mc", str(mc), "set", "SMART_HOST", "x.example", "--check"]) == 1
    assert mc.read_bytes() == before


def test_exit_status_page_is_linked() -> None:
    index = (TOP / "docs" / "index.md").read_text()
    assert "(exit-statuses-and-json.md)" in index
    page = (TOP / "docs" / "exit-statuses-and-json.md").read_text()
    assert page.startswith("# Exit statuses and JSON\n")
    for status in ("| 0 |", "| 1 |", "| 2 |", "| 3 |"):
        assert status in page
    assert "changed_when" in page and "failed_when" in page


def test_every_subcommand_takes_its_parents_options() -> None:
    import argparse

    def check(p: argparse.ArgumentParser, inherited: set[str]) -> int:
        own = {s for a in p._actions for s in a.option_strings}
        assert inherited <= own, (p.prog, inherited - own)
        n = 1
        for a in p._actions:
            if isinstance(a, argparse._SubParsersAction):
                for child in a.choices.values():
                    n += check(child, own - {"-h", "--help", "--version"})
        return n

    top = build_parser()
    commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
    assert sum(check(p, set()) for p in commands.choices.values()) > 30


def test_options_after_the_positionals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    m = tmp_path / "routes"
    assert main(["map", str(m), "set", "example.org", "smtp:[x]", "--kind", "mailertable"]) == 0
    capsys.readouterr()
    assert main(["map", str(m), "get", "example.org", "--kind", "mailertable", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["value"] == "smtp:[x]"


def test_bulk_queries_from_stdin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    m = tmp_path / "mailertable"
    m.write_text("example.org\tsmtp:[mx.example.org]\n")
    monkeypatch.setattr("sys.stdin", io.StringIO("u@example.org\n\nu@other.example\n"))
    assert main(["query", "mailertable", str(m), "-", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert [a["address"] for a in got] == ["u@example.org", "u@other.example"]


def test_query_says_idna_is_not_converted(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    m = tmp_path / "mailertable"
    m.write_text("例え.jp\tsmtp:[mx]\n")
    assert main(["query", "mailertable", str(m), "u@xn--r8jz45g.jp"]) == 0
    out, err = capsys.readouterr()
    assert "no entry" in out
    assert "sendmail does not convert IDNA names: xn--r8jz45g.jp and 例え.jp" in err


def test_conf_defaults_agree_with_a_rendered_cf(oracle: Oracle) -> None:
    """Every option a default .cf sets (O NAME=VALUE) has the default mc get -d says."""
    from sendmailcfg.cli.conf_defaults import CONF_DEFAULTS

    cf, err, status = oracle.mc2cf("OSTYPE(`linux')dnl\nMAILER(`smtp')dnl\n")
    assert status == 0, err
    emitted = dict(
        line[2:].split("=", 1) for line in cf.splitlines() if line.startswith("O ") and "=" in line
    )
    compared = {}
    for name, (sets, default) in CONF_DEFAULTS.items():
        if sets.startswith("O ") and sets[2:] in emitted:
            compared[name] = (default, emitted[sets[2:]])
    assert len(compared) >= 20
    # cfhead.m4 writes AliasWait=10, which sendmail reads as minutes: the README's 10m
    assert compared.pop("confALIAS_WAIT") == ("10m", "10")
    assert {n: d for n, (d, _) in compared.items()} == {n: v for n, (_, v) in compared.items()}


def test_submodules_are_attributes_in_a_fresh_interpreter() -> None:
    code = (
        "import sendmailcfg\n"
        "a = sendmailcfg.loads('x smtp:y\\n', 'mailertable')\n"
        "b = a.copy(); b.set('z', 'smtp:w')\n"
        "print(sendmailcfg.api.diff(a, b, 'm').splitlines()[-1])\n"
    )
    p = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(TOP)},
        check=False,
    )
    assert p.returncode == 0, p.stderr
    assert p.stdout == "+z smtp:w\n"  # the file's own separator


def test_an_operand_dashes_after_the_end_of_options(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--`` ends the options once; a later ``--`` is an operand like any other (Python
    3.11's argparse dropped it, and ``mc set -- NAME --`` wrote an empty list)."""
    mc = tmp_path / "sendmail.mc"
    mc.write_text("divert(0)dnl\nMAILER(`smtp')dnl\n")
    assert main(["mc", str(mc), "set", "--", "confFOO", "--"]) == 0
    assert "define(`confFOO', `--')dnl\n" in mc.read_text()
    capsys.readouterr()
    assert main(["mc", str(mc), "get", "--", "confFOO"]) == 0
    assert capsys.readouterr().out == "--\n"
    table = tmp_path / "mailertable"
    table.write_text("-- smtp:[dashes.example]\n")
    assert main(["query", "mailertable", str(table), "--", "--", "x"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("-- -> ") and len(out) == 2
