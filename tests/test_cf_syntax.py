"""The .cf syntax tree: lossless for any input, and the fast path equals the Lark grammar."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg import _source
from sendmailcfg.syntax.cf_nodes import (
    CfBlank,
    CfClass,
    CfClassFile,
    CfComment,
    CfErrorLine,
    CfLine,
    CfMacro,
    CfMailer,
    CfMapDef,
    CfOption,
    CfRule,
    CfRuleset,
    effective,
)
from sendmailcfg.syntax.cf_parser import (
    parse_cf_line,
    parse_cf_lines,
    parse_cf_lines_lark,
    split_logical_lines,
)
from tests.strategies import any_text

# Characters that matter to readcf: letters, names, tabs, continuation, CR, NUL, #, $.
_CF_CHARS = "RSDHCTFMOPQVKEXLZ \t\t\n\n\r\x00#${}=,:\\-o|@abc019_\u00e9\udcff"
cf_ish_text = st.lists(st.sampled_from(_CF_CHARS), max_size=80).map("".join)

_PIECES = [
    "V10/Berkeley",
    "Dj$w.example.org",
    "D{MTAHost}[127.0.0.1]",
    "D{",
    "Cw localhost example.org",
    "C{Bad!}x",
    "Fw -o /etc/mail/local-host-names",
    "F{VirtHost}/etc/mail/virthosts %[^#]",
    "FX",
    "Kaccess hash -T<TMPF> -o /etc/mail/access",
    "Kfoo",
    "Mlocal,\t\tP=/usr/bin/procmail, F=lsDFMAw5:/|@qSPfhn9, S=EnvFromL/HdrFromL",
    "O QueueDirectory=/var/spool/mqueue",
    "OL9",
    "O",
    "H?P?Return-Path: <$g>",
    "Hbad",
    "Pfirst-class=0",
    "Pjunk",
    "Qmqueue, P=/var/spool/mqueue",
    "Troot daemon",
    "Eenv=1",
    "Xmilter, S=local:/run/m.sock",
    "S0",
    "SParse0=10",
    "Sfoo=abc",
    "S%x",
    "R$*\t$@ $1\tcomment",
    "R$+ < @ $* >\t\t$#smtp $@ $2 $: $1 < @ $2 >",
    "R$*\t$1 # in-line comment",
    "Rnotab",
    "R\t$1",
    "# comment",
    "",
    "\tcontinued",
    " continued too",
    "Z unknown",
    "L xla",
]


@st.composite
def cf_sources(draw: st.DrawFn) -> str:
    """Realistic .cf texts: every command letter, bad lines, continuations, CRLF."""
    lines = draw(st.lists(st.sampled_from(_PIECES), max_size=14))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    text = newline.join(lines)
    final: bool = draw(st.booleans())
    if lines and final:
        text += newline
    return text


texts = any_text | cf_ish_text | cf_sources()


def _join(nodes: list[CfLine]) -> str:
    return "".join(n.text for n in nodes)


@given(texts)
def test_fast_path_equals_lark_grammar(text: str) -> None:
    assert parse_cf_lines(text) == parse_cf_lines_lark(text)


@given(texts)
def test_every_character_round_trips(text: str) -> None:
    assert _join(parse_cf_lines(text)) == text
    assert _join(parse_cf_lines_lark(text)) == text


@given(st.binary(max_size=300))
def test_every_byte_round_trips(data: bytes) -> None:
    text = _source.decode(data)
    assert _source.encode(_join(parse_cf_lines(text))) == data


@given(texts)
def test_a_node_is_one_logical_line(text: str) -> None:
    nodes = parse_cf_lines(text)
    assert [n.text for n in nodes] == split_logical_lines(text)
    for node in nodes:
        body = node.text[: len(node.text) - len(node.newline)]
        # a newline inside a node is always followed by a continuation line
        for i, ch in enumerate(body):
            if ch == "\n":
                assert body[i + 1 : i + 2] in (" ", "\t")
        assert parse_cf_line(node.text) == node


def test_continuation_lines_join_the_line_before() -> None:
    nodes = parse_cf_lines("R$*\t$@ $1\n\tcomment\nDxa\n b\n\n")
    assert [n.text for n in nodes] == ["R$*\t$@ $1\n\tcomment\n", "Dxa\n b\n", "\n"]
    rule = nodes[0]
    assert isinstance(rule, CfRule)
    # the continuation's tab separates the RHS from the comment, as in sendmail
    assert (rule.lhs, rule.rhs, rule.comment) == ("$*", "$@ $1\n", "comment")
    assert isinstance(nodes[1], CfMacro) and nodes[1].value == "a\n b"


def test_crlf_and_no_final_newline() -> None:
    nodes = parse_cf_lines("Dj$w\r\nS0\r\nR$*\t$1")
    assert [n.newline for n in nodes] == ["\r\n", "\r\n", ""]
    assert isinstance(nodes[0], CfMacro) and nodes[0].value == "$w"
    assert isinstance(nodes[2], CfRule) and nodes[2].rhs == "$1"
    assert parse_cf_lines("\r\n") == [CfBlank("\r\n")]


def test_fields_of_each_command() -> None:
    (macro, long_macro, cls, fcls, kmap, mailer, opt, short, rs, comment) = parse_cf_lines(
        "Dj$w.example.org\n"
        "D{MTAHost}[127.0.0.1]\n"
        "Cw localhost  example.org\n"
        "F{VirtHost} -o /etc/mail/virthosts %[^#]\n"
        "Kaccess hash -T<TMPF> -o /etc/mail/access\n"
        "Mlocal,\tP=/usr/bin/procmail, A=procmail -Y\n"
        "O QueueDirectory = /var/spool/mqueue\n"
        "OL9\n"
        "SParse0=10\n"
        "# done\n"
    )
    assert isinstance(macro, CfMacro) and (macro.name, macro.value) == ("j", "$w.example.org")
    assert isinstance(long_macro, CfMacro) and long_macro.name == "MTAHost"
    assert long_macro.raw_name == "{MTAHost}" and long_macro.value == "[127.0.0.1]"
    assert isinstance(cls, CfClass) and cls.words == ("localhost", "example.org")
    assert isinstance(fcls, CfClassFile) and fcls.spec == "-o /etc/mail/virthosts %[^#]"
    assert isinstance(kmap, CfMapDef) and kmap.name == "access"
    assert isinstance(mailer, CfMailer) and mailer.name == "local"
    assert isinstance(opt, CfOption) and opt.is_long
    assert (opt.name, opt.value) == ("QueueDirectory", "/var/spool/mqueue")
    assert isinstance(short, CfOption) and (short.name, short.value) == ("L", "9")
    assert isinstance(rs, CfRuleset) and rs.spec == "Parse0=10"
    assert isinstance(comment, CfComment)


@pytest.mark.parametrize(
    ("line", "code", "message"),
    [
        ("Z bad line", "unknown-line", 'unknown configuration line "Z bad line"'),
        ("L foo", "unknown-line", 'unknown configuration line "L foo"'),
        ("  lead", "unknown-line", 'unknown configuration line "  lead"'),
        ("Rnotab", "rule-tab", 'invalid rewrite line "Rnotab" (tab expected)'),
        ("R$*\t", "rule-tab", 'invalid rewrite line "R$*" (tab expected)'),
        ("R$*\t# all gone", "rule-tab", 'invalid rewrite line "R$*" (tab expected)'),
        ("R\t$1", "rule-null-lhs", "R line: null LHS"),
        ("S", "ruleset-name", 'invalid ruleset name: ""'),
        ("S%x", "ruleset-name", 'invalid ruleset name: "%x"'),
        ("S99999", "ruleset-number", "bad ruleset 99999 (100 max)"),
        (
            "Sfoo=abc",
            "ruleset-definition",
            'bad ruleset definition "foo=abc" (number required after `=\')',
        ),
        ("D", "macro-name", "Name required for macro/class"),
        ("D{}x", "macro-name", "Name required for macro/class"),
        ("D{abc", "macro-brace", "Unbalanced { on abc"),
        ("F", "macro-name", "Name required for macro/class"),
        ("FX", "fileclass-file", "fileclass: missing file name"),
        ("H", "header", 'header syntax error, line ""'),
        ("Hbad", "header", 'header syntax error, line "bad"'),
        ("P", "unknown-line", 'unknown configuration line "P"'),
        ("Q", "queue-name", "name required for queue"),
        ("K", "map-name", "readcf: config K line: no map name"),
        ("Kfoo", "map-class", "readcf: config K line, map foo: no map class"),
        ("M", "mailer-name", "name required for mailer"),
        ("O", "option-name", "readcf: unknown option name 0x0"),
        ("O ", "option-name", "readcf: unknown option name 0x0"),
        ("V", "version", 'invalid argument to V line: ""'),
        ("X", "filter-name", "name required for mail filter"),
    ],
)
def test_lines_sendmail_refuses(line: str, code: str, message: str) -> None:
    (node,) = parse_cf_lines(line + "\n")
    assert isinstance(node, CfErrorLine)
    assert (node.code, node.message) == (code, message)
    assert node.text == line + "\n"


@pytest.mark.parametrize(
    "line",
    ["Px=", "T", "E", "Efoo", "Ox", "V10", "S 1", "S2=3", "Sfoo = 4", "CX", "D xx", "Kfoo bogus"],
)
def test_lines_sendmail_accepts(line: str) -> None:
    (node,) = parse_cf_lines(line + "\n")
    assert not isinstance(node, CfErrorLine)


def test_a_nul_byte_is_flagged() -> None:
    (node,) = parse_cf_lines("R$*\x00\t$1\n")
    assert isinstance(node, CfErrorLine) and node.code == "nul-byte" and node.offset == 3


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("DXvalue # note", "DXvalue"),
        ("R$*\t$#local", "R$*\t$#local"),
        (r"DXa\#b", "DXa#b"),
        ("DXa$$#b", "DXa$"),
        ("DXa  \t", "DXa"),
        ("DXa # x\n\tb", "DXa\n\tb"),
    ],
)
def test_effective_drops_comments_and_trailing_blanks(content: str, expected: str) -> None:
    assert effective(content) == expected
