"""``CfDocument``: load/loads/check/lint of .cf files, and sendmail's own verdict on them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sendmailcfg
from sendmailcfg import _source
from sendmailcfg.cf.document import CfDocument
from sendmailcfg.cli import main
from sendmailcfg.errors import ParseError
from sendmailcfg.protocol import Document
from sendmailcfg.syntax.cf_nodes import CfErrorLine, CfMacro, CfRule
from tests.oracle import Oracle, find

CORPUS = Path(__file__).resolve().parent / "corpus" / "cf"


def _stock_mc() -> list[Path]:
    o = find()
    return [] if o is None else sorted((o.cf_dir / "cf").glob("*.mc"))


def test_load_infers_the_kind_from_the_name(tmp_path: Path) -> None:
    for name in ("sendmail.cf", "submit.cf", "site.cf"):
        path = tmp_path / name
        path.write_bytes(b"V10/Berkeley\r\nDj\xe9x.example\n")
        doc = sendmailcfg.load(path)
        assert isinstance(doc, CfDocument) and doc.kind == "cf"
        assert isinstance(doc, Document)
        assert _source.encode(doc.dumps()) == path.read_bytes()
        assert doc.path == str(path)


def test_loads_types_the_result_and_keeps_every_byte() -> None:
    data = b"V10\nDj\xff\x00x\nR$*\t$@\n\tmore"
    doc = sendmailcfg.loads(data, "cf")
    assert _source.encode(doc.text) == data
    assert [type(n).__name__ for n in doc.nodes] == ["CfVersion", "CfErrorLine", "CfRule"]
    rule = doc.nodes[2]
    assert isinstance(rule, CfRule) and rule.comment == "more"


def test_diagnostics_have_file_line_col() -> None:
    text = "V10\nS0\nR$* < @ $+ >\n\t$#smtp\nDx ok\n\nK\nZ junk\n"
    doc = sendmailcfg.loads(text, "cf", path="sendmail.cf")
    assert [d.format(doc.path) for d in doc.diagnostics] == [
        "sendmail.cf:7:2: readcf: config K line: no map name, expected a map name",
        'sendmail.cf:8:1: unknown configuration line "Z junk", expected a line starting with '
        "one of R S D H C T F M O P Q V K E X, # or a blank line",
    ]
    # the rule's tab comes on its continuation line: no error
    assert isinstance(doc.nodes[2], CfRule) and doc.nodes[2].rhs == "$#smtp"
    assert doc.line_numbers() == [1, 2, 3, 5, 6, 7, 8]


def test_an_error_on_a_continuation_line_points_there() -> None:
    doc = sendmailcfg.loads("S0\nRa\n b\n", "cf")
    (d,) = doc.diagnostics
    assert (d.line, d.column, d.code) == (3, 3, "rule-tab")


def test_strict_raises_the_first_problem() -> None:
    with pytest.raises(ParseError, match=r"x.cf:2:1: unknown configuration line"):
        sendmailcfg.loads("V10\n?\n", "cf", path="x.cf", strict=True)


def test_copy_diff_and_dump(tmp_path: Path) -> None:
    path = tmp_path / "sendmail.cf"
    path.write_text("Dxa\n")
    doc = sendmailcfg.load(path, "cf")
    assert not doc.changed and doc.diff() == ""
    other = doc.copy()
    assert other.text == doc.text and other.nodes is doc.nodes
    target = tmp_path / "copy.cf"
    doc.dump(target)
    assert target.read_text() == "Dxa\n"
    assert "+Dxb" in doc.diff("Dxb\n") or "-Dxb" in doc.diff("Dxb\n")


def test_config_is_the_semantic_view() -> None:
    doc = sendmailcfg.loads("V10/Berkeley\nDjmail.example.org\nS0\nR$*\t$@ $1\n", "cf")
    config = doc.config
    assert config is doc.config  # read once
    assert config.version == 10
    assert [(m.name, m.value) for m in config.macros] == [("j", "mail.example.org")]


def test_corpus_files_load_clean() -> None:
    files = sorted(CORPUS.glob("*.cf"))
    assert len(files) >= 2
    for path in files:
        doc = sendmailcfg.load(path)
        assert isinstance(doc, CfDocument)
        assert doc.diagnostics == [], path
        assert _source.encode(doc.text) == path.read_bytes()
    legacy = sendmailcfg.load(CORPUS / "legacy.cf", "cf")
    macros = [n for n in legacy.nodes if isinstance(n, CfMacro)]
    assert [m.name for m in macros] == ["j", "MTAHost"]
    assert legacy.nodes[-1].newline == ""


def test_check_reports_the_error_nodes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = tmp_path / "submit.cf"
    good.write_text("V10\nS0\nR$*\t$@ $1\n")
    assert main(["check", str(good)]) == 0
    bad = tmp_path / "sendmail.cf"
    bad.write_text("V10\nS0\nR$* x\n")
    assert main(["check", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}:3:6: invalid rewrite line" in out and "[rule-tab]" in out


def test_lint_of_a_folder_with_a_cf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "sendmail.cf").write_text("V10\nS0\nRnotab\n")
    (tmp_path / "mailertable").write_text("example.org smtp:[mx.example.org]\n")
    status = main(["lint", str(tmp_path)])
    out = capsys.readouterr().out
    assert status == 1
    assert "CF001" in out and "sendmail.cf:3:" in out


# -- the real sendmail's verdict -----------------------------------------------------------


@pytest.mark.oracle
@pytest.mark.parametrize("mc", _stock_mc(), ids=lambda p: p.name)
def test_stock_configurations_load_without_diagnostics(oracle: Oracle, mc: Path) -> None:
    cf, _err, status = oracle.mc2cf(mc.read_text(encoding="latin-1"))
    assert status == 0
    doc = sendmailcfg.loads(cf, "cf")
    assert doc.diagnostics == []
    assert doc.text == cf
    assert not any(isinstance(n, CfErrorLine) for n in doc.nodes)


BAD_LINES = [
    "  leading",  # first: anywhere else it continues the line before
    "Z bad line",
    "L xla",
    "S",
    "S%x",
    "S99999",
    "Sfoo=abc",
    "D",
    "D{abc",
    "D{}x",
    "C{",
    "F",
    "FX",
    "H",
    "Hbad",
    "P",
    "Q",
    "K",
    "Kfoo",
    "M",
    "O",
    "V",
    "X",
]


@pytest.mark.oracle
def test_messages_are_sendmails_own(oracle: Oracle, oracle_dir: Path) -> None:
    """Every refused line gets the message real sendmail prints for it, on the same line."""
    lines = [*BAD_LINES, "S0", "Rnotab", "R\tx", "R a\t", "Dj ok", "Cw a b"]
    path = oracle_dir / "bad.cf"
    path.write_text("".join(line + "\n" for line in lines))
    out = oracle.run_bt(path, [])
    theirs: dict[int, str] = {}
    for m in re.finditer(rf"^{re.escape(str(path))}: line (\d+): (.*)$", out, re.M):
        theirs.setdefault(int(m.group(1)), m.group(2))  # the first message of a line
    doc = sendmailcfg.load(path, "cf")
    ours = {d.line: d.message for d in doc.diagnostics}
    assert ours == theirs


@pytest.mark.oracle
def test_sendmail_accepts_the_corpus(oracle: Oracle) -> None:
    for name in ("legacy.cf", "submit.cf"):
        out = oracle.run_bt(CORPUS / name, [])
        refused = [
            line
            for line in out.splitlines()
            if ": line " in line and "unknown user" not in line  # smmsp: this machine's users
        ]
        assert refused == []
