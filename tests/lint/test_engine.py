"""The engine: all findings, sorted; severities; set rules per folder; never a crash."""

from __future__ import annotations

from pathlib import Path

from sendmailcfg.lint import LintConfig, lint_files, lint_text, load_file
from sendmailcfg.lint.engine import Finding, worst


def test_reports_every_problem_not_just_the_first() -> None:
    text = "a smtp:[x]\nA smtp:[y]\n  b smtp:[z]\nc\n.d smtp:[e]\n"
    rules = [f.rule for f in lint_text(text, "mailertable")]
    assert rules == ["MAP004", "MAP001", "MAP002", "MT001"]


def test_findings_are_sorted_by_path_line_column() -> None:
    found = lint_text("Conect:x OK\nConnect:10.0.0.0/8 RELAYY\n", "access")
    assert [(f.line, f.column, f.rule) for f in found] == [
        (1, 1, "AC004"),
        (2, 9, "AC003"),
        (2, 20, "AC005"),
    ]


def test_worst() -> None:
    info = Finding("p", 1, 1, "X004", "info", "m")
    warning = Finding("p", 1, 1, "MT001", "warning", "m")
    assert worst([]) == 0 and worst([info]) == 0 and worst([info, warning]) == 1


def test_as_dict_keys_are_the_contract() -> None:
    f = Finding("p", 2, 3, "MC003", "error", "msg", "hint")
    assert f.as_dict() == {
        "path": "p",
        "line": 2,
        "column": 3,
        "rule": "MC003",
        "severity": "error",
        "message": "msg",
        "hint": "hint",
    }


def test_severity_override_from_config() -> None:
    cfg = LintConfig(severity={"MT001": "error"})
    (f,) = lint_text(".d smtp:[e]\n", "mailertable", config=cfg)
    assert f.severity == "error"


def test_files_in_different_folders_are_separate_sets(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    mc = tmp_path / "a" / "sendmail.mc"
    mc.write_text("FEATURE(`access_db')dnl\n")
    (tmp_path / "a" / "aliases").write_text("")  # a/ looks like /etc/mail: X002 looks at it
    mt = tmp_path / "b" / "mailertable"
    mt.write_text("x smtp:[y]\n")
    files = [
        load_file(str(mc), "mc", mc.read_text()),
        load_file(str(mt), "mailertable", mt.read_text()),
    ]
    rules = {f.rule for f in lint_files(files, LintConfig(("X001", "X002")))}
    assert rules == {"X002"}  # mailertable is not in sendmail.mc's folder: no X001


def test_mc_and_maps_together(tmp_path: Path) -> None:
    (tmp_path / "sendmail.mc").write_text(
        "OSTYPE(`linux')dnl\nFEATURE(`access_db')dnl\nMAILER(`local')dnl\n"
    )
    (tmp_path / "access").write_text("Connect:192.0.2.7 SKIP\n")
    (tmp_path / "mailertable").write_text("x esmtp:[y]\n")
    files = [
        load_file(str(tmp_path / n), k, (tmp_path / n).read_text())
        for n, k in (("sendmail.mc", "mc"), ("access", "access"), ("mailertable", "mailertable"))
    ]
    rules = sorted({f.rule for f in lint_files(files)})
    assert rules == ["AC007", "MT003", "X001", "X004"]


def test_set_rules_report_nothing_on_folders_without_their_kinds(tmp_path: Path) -> None:
    """The engine runs a set rule only on folders holding a file of its kinds; run on every
    folder, no set rule finds anything more."""
    from sendmailcfg.lint import rules as registry
    from sendmailcfg.lint.engine import FileSet

    texts = {
        "sendmail.mc": "OSTYPE(`linux')dnl\nFEATURE(`access_db')dnl\nFEATURE(`virtusertable')"
        "dnl\nLOCAL_DOMAIN(`example.com')dnl\nMAILER(`local')dnl\n",
        "access": "Connect:192.0.2.7 SKIP\n",
        "mailertable": "example.com esmtp:[y]\n",
        "virtusertable": "a@other.example b\n",
    }
    kinds = {"sendmail.mc": "mc"}
    for n, names in enumerate([["sendmail.mc"], ["access", "mailertable"], ["virtusertable"]]):
        folder = tmp_path / str(n)
        folder.mkdir()
        files = []
        for name in names:
            (folder / name).write_text(texts[name])
            files.append(load_file(str(folder / name), kinds.get(name, name), texts[name]))
        fileset = FileSet(str(folder), files, [f.name for f in files], on_disk=True)
        for rule in registry.load_rules():
            if rule.scope == "set" and not any(rule.applies_to(f.kind) for f in files):
                assert list(rule.check(fileset)) == [], (rule.id, names)
