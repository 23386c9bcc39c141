"""The semantic view of .mc files: defines, FEATUREs, sections, findings for the linter."""

from __future__ import annotations

import pytest
from hypothesis import given

from sendmailcfg import ParseError, loads
from sendmailcfg.mc import McDocument, parse_mc
from tests.test_mc_syntax import m4_ish

SAMPLE = """\
divert(-1)
# header: FEATURE(`in_header') runs even here
divert(0)dnl
VERSIONID(`test 1.0')
OSTYPE(`linux')dnl
DOMAIN(generic)dnl
define(`SMART_HOST', `first')dnl
define(`SMART_HOST', `relay.example.net')dnl
define(`confGONE', `x')dnl
undefine(`confGONE')dnl
define(`ALIAS_FILE', ``/etc/aliases, /etc/more'')dnl
dnl define(`confMAX_MESSAGE_SIZE', `1000')
dnl FEATURE(`relay_based_on_MX')dnl
FEATURE(`access_db', `hash -T<TMPF> /etc/mail/access')dnl
FEATURE(mailertable)dnl
LOCAL_DOMAIN(`example.com example.org')dnl
MASQUERADE_AS(`example.com')dnl
MAILER(local)dnl
MAILER(`smtp')dnl
LOCAL_CONFIG
Kfoo\thash /etc/mail/foo
C{Bar}\tbar baz
LOCAL_RULESETS
SLocal_check_rcpt
R$*\t$: $1
"""


@pytest.fixture
def doc() -> McDocument:
    return parse_mc(SAMPLE)


def test_kind_and_text(doc: McDocument) -> None:
    assert doc.kind == "mc" and doc.text == SAMPLE and doc.diagnostics == []


def test_loads_mc() -> None:
    d = loads(SAMPLE, "mc", path="x.mc")
    assert isinstance(d, McDocument) and d.path == "x.mc"


def test_defines_last_wins_and_undefine(doc: McDocument) -> None:
    assert doc.defines["SMART_HOST"] == "relay.example.net"
    assert "confGONE" not in doc.defines
    assert doc.defines["ALIAS_FILE"] == "/etc/aliases, /etc/more"  # as m4 reads it again
    assert "confMAX_MESSAGE_SIZE" not in doc.defines
    doc.defines["X"] = "y"  # writes through to the file
    assert doc.defines["X"] == "y" and "define(`X', `y')" in doc.text
    del doc.defines["X"]
    assert "X" not in doc.defines
    with pytest.raises(KeyError):
        del doc.defines["X"]
    with pytest.raises(TypeError):
        doc.model.defines["X"] = "y"  # type: ignore[index]


def test_features_mailers_and_friends(doc: McDocument) -> None:
    assert [(f.name, f.args) for f in doc.features] == [
        ("in_header", ()),
        ("access_db", ("hash -T<TMPF> /etc/mail/access",)),
        ("mailertable", ()),
    ]
    assert [m.name for m in doc.mailers] == ["local", "smtp"]
    assert (doc.ostype, doc.domain, doc.versionid) == ("linux", "generic", "test 1.0")
    assert [(c.macro, c.words) for c in doc.class_macros] == [
        ("LOCAL_DOMAIN", ("example.com", "example.org")),
        ("MASQUERADE_AS", ("example.com",)),
    ]


def test_positions(doc: McDocument) -> None:
    feature = doc.features[1].call
    assert (feature.line, feature.column) == (14, 1)
    assert (feature.args[1].line, feature.args[1].column) == (14, 22)  # after the blank
    assert feature.raw_args == ("`access_db'", " `hash -T<TMPF> /etc/mail/access'")


def test_hash_comment_macro_is_flagged_and_runs_in_discarded_output(doc: McDocument) -> None:
    (f,) = [m for m in doc.hash_comment_macros if m.name == "FEATURE"]
    assert f.in_hash_comment and f.diversion == -1 and f.in_discarded_output
    assert f.line == 2


def test_disabled_statements(doc: McDocument) -> None:
    assert [(d.name, d.values, d.line, d.column) for d in doc.disabled] == [
        ("define", ("confMAX_MESSAGE_SIZE", "1000"), 12, 5),
        ("FEATURE", ("relay_based_on_MX",), 13, 5),
    ]
    assert all(d.disabled for d in doc.disabled)


def test_local_sections_are_verbatim(doc: McDocument) -> None:
    assert [(s.name, s.diversion, s.line) for s in doc.sections] == [
        ("LOCAL_CONFIG", 6, 20),
        ("LOCAL_RULESETS", 9, 23),
    ]
    assert doc.sections[0].body == "\nKfoo\thash /etc/mail/foo\nC{Bar}\tbar baz\n"
    assert doc.sections[1].body.endswith("R$*\t$: $1\n")
    assert doc.raw_cf_lines == ()


def test_statements_know_their_section() -> None:
    d = parse_mc("LOCAL_CONFIG\nFEATURE(`x')\ndivert(0)\nFEATURE(`y')\n")
    by_name = {f.name: f.call for f in d.features}
    assert by_name["x"].section == "LOCAL_CONFIG" and by_name["x"].diversion == 6
    assert by_name["y"].section is None and by_name["y"].diversion == 0


def test_raw_cf_lines_outside_sections() -> None:
    d = parse_mc("MAILER(smtp)\nCw host.example\nKfoo hash /x\nR$*\t$@ $1\nplain words\n")
    assert [(r.line, r.text) for r in d.raw_cf_lines] == [
        (2, "Cw host.example"),
        (3, "Kfoo hash /x"),
        (4, "R$*\t$@ $1"),
    ]


@pytest.mark.parametrize(
    ("text", "code", "where"),
    [
        ("define('SMART_HOST', 'x')\n", "stray-close-quote", (1, 8)),
        ("define(`SMART_HOST', ‘x’)\n", "typographic-quote", (1, 22)),
        ('define(`SMART_HOST\', "x")\n', "double-quote", (1, 22)),
        ("define(&#96;SMART_HOST', `x')\n", "html-entity", (1, 8)),
        ("define(`SMART_HOST', `x)\n", "unterminated-quote", (1, 22)),
    ],
)
def test_quote_problems(text: str, code: str, where: tuple[int, int]) -> None:
    problems = parse_mc(text).quote_problems
    assert (code, where) in [(p.code, (p.line, p.column)) for p in problems]


def test_dangerous_builtins() -> None:
    d = parse_mc("syscmd(`id')\nx(esyscmd(`ls'))\n# include(`/etc/passwd')\nundivert(1)\n")
    assert [(c.name, c.nested, c.in_hash_comment) for c in d.dangerous] == [
        ("syscmd", False, False),
        ("esyscmd", True, False),
        ("include", False, True),
    ]


def test_unterminated_input_is_a_diagnostic_and_strict_raises() -> None:
    d = parse_mc("OSTYPE(`linux')\ndefine(`X', `y)\n")
    assert [(x.line, x.column, x.code) for x in d.diagnostics] == [(2, 13, "unterminated-quote")]
    with pytest.raises(ParseError) as e:
        parse_mc("OSTYPE(`linux')\ndefine(`X', `y)\n", strict=True, path="s.mc")
    assert str(e.value).startswith("s.mc:2:13: ")
    assert parse_mc("FEATURE(`x'", strict=False).diagnostics[0].code == "unterminated-call"


def test_multiline_define_value() -> None:
    d = parse_mc("define(`confPRIVACY_FLAGS',dnl\n`goaway,noetrn')dnl\n")
    assert d.defines["confPRIVACY_FLAGS"] == "goaway,noetrn"


@given(m4_ish)
def test_any_text_gets_a_view(text: str) -> None:
    d = parse_mc(text)
    assert d.text == text
    for c in d.calls:
        assert text[c.start : c.end] == c.text
        assert 1 <= c.line <= text.count("\n") + 1
    for c in d.disabled:
        assert text[c.start : c.end] == c.text


def test_hash_lines_before_an_included_cf_m4_are_real_comments() -> None:
    d = parse_mc(
        "divert(-1)dnl\n# FEATURE(`not_run')\ndivert(0)dnl\n"
        "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n# FEATURE(`run')\n"
    )
    assert d.model.cf_include is not None and d.model.cf_include.line == 4
    assert [f.name for f in d.features] == ["run"]
    assert [m.line for m in d.hash_comment_macros] == [5]
