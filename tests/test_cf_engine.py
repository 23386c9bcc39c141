"""The .cf reader, the tokenizer and the rewriting engine without real sendmail.

What sendmail prints for the same input is checked in tests/test_cf_engine_oracle.py;
these tests pin the library's behaviour and its properties (no input crashes it).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.cf import read_config
from sendmailcfg.cf.config import fold_lines
from sendmailcfg.cf.engine import Engine
from sendmailcfg.cf.environment import DottedResolver, HostEnvironment, HostsResolver
from sendmailcfg.cf.mapclass import parse_map
from sendmailcfg.cf.tokens import Tokenizer, xputs
from sendmailcfg.cli import main

CF = """V10/Berkeley
Dj$w.example.com
CO @ % !
DZ8.17
O OperatorChars=.:%@!^/[]+
Karith arith
Kdequote dequote
Kmacro macro
Kre regex -a@MATCH ^[0-9]+$
Kseq sequence dequote
S3
R$* < $* > $*\t$: $2\tfocus
R$+ @ $+\t$: $1 < @ $2 >
R$+ < @ $+ . >\t$@ $1 < @ $2 >
S0
R$* < @ $=w > $*\t$#local $: $1
R$+ < @ $+ >\t$#smtp $@ $2 $: $1 < @ $2 >
R$+\t$#local $: $1
S4
R$+ < @ $+ >\t$@ $1 @ $2
Sloop
R$+\t$1 x
Srec
R$*\t$@ $>rec $1
Smath
R$-\t$: $(arith + $@ $1 $@ 2 $)
Sdq
R$*\t$: $(dequote $1 $)
Scond
R$*\t$: $?Z set $| unset $.
Mlocal, P=/bin/true, F=lsDFM, A=true $u
Msmtp, P=[IPC], F=mDFMuX, S=0, R=0, A=TCP $h
"""


def engine(text: str = CF) -> Engine:
    return Engine(read_config(text, "test.cf"), HostEnvironment(hostname="mail.example.com"))


# -- the semantic reading ---------------------------------------------------------------------


def test_read_config_kinds() -> None:
    cfg = read_config(CF, "test.cf")
    assert cfg.version == 10 and cfg.vendor == "Berkeley"
    assert cfg.macro("j") == "$w.example.com"
    assert cfg.option("OperatorChars") == ".:%@!^/[]+"
    assert [m.name for m in cfg.maps] == ["arith", "dequote", "macro", "re", "seq"]
    assert cfg.maps[3].flags == ("-a@MATCH",)
    assert [r.name for r in cfg.rulesets][:2] == ["3", "0"]
    smtp = cfg.mailers[1]
    assert (smtp.path, smtp.flags, smtp.sender_rulesets, smtp.argv) == (
        "[IPC]",
        "mDFMuX",
        ("0", "0"),
        "TCP $h",
    )
    assert cfg.rules[0].comment == "focus" and cfg.rules[0].ruleset == "3"
    assert cfg.problems == ()


def test_single_letter_options_get_long_names() -> None:
    cfg = read_config("OA/etc/mail/aliases\nO DeliveryMode=b\n")
    assert [(o.name, o.value, o.letter) for o in cfg.options] == [
        ("AliasFile", "/etc/mail/aliases", "A"),
        ("DeliveryMode", "b", ""),
    ]


def test_classes_files_programs_and_patterns() -> None:
    cfg = read_config("Fw-o /etc/mail/local-host-names\nFx|/bin/list\nFy /etc/f %[a-z]\n")
    w, x, y = cfg.classes
    assert (w.file, w.optional) == ("/etc/mail/local-host-names", True)
    assert x.program == "/bin/list"
    assert (y.file, y.pattern) == ("/etc/f", "%[a-z]")


def test_continuation_lines_fold_and_keep_the_last_line_number() -> None:
    lines = list(fold_lines("Mlocal, P=/bin/true,\n\tA=true\n# c\nS0\n"))
    assert [(ln.line, ln.end) for ln in lines] == [(1, 2), (3, 3), (4, 4)]
    assert lines[0].text == "Mlocal, P=/bin/true,\n\tA=true"


def test_refused_lines_carry_sendmails_messages() -> None:
    cfg = read_config("R$*\t$@ x\nS0\nRnotab\nZz\nSbad=\n", "x.cf")
    assert [p.text() for p in cfg.problems] == [
        'x.cf:1:1: missing valid ruleset for "R$*\t$@ x"',
        'x.cf:3:1: invalid rewrite line "Rnotab" (tab expected)',
        'x.cf:4:1: unknown configuration line "Zz"',
        'x.cf:5:2: bad ruleset definition "bad=" (number required after `=\')',
    ]


@given(st.text(max_size=300))
def test_reading_any_text_never_raises(text: str) -> None:
    cfg = read_config(text)
    assert sum(ln.end - ln.line + 1 for ln in cfg.lines) <= text.count("\n") + 1


@given(st.lists(st.sampled_from(["D", "C", "S", "R", "K", "M", "O", "V", "#", " "]), max_size=12))
def test_the_engine_reads_any_line_mix(kinds: list[str]) -> None:
    text = "".join(k + "x\t$1 $&y $( m $) $[ $] $>0\n" for k in kinds)
    eng = Engine(text, HostEnvironment(hostname="h.example", resolver=DottedResolver()))
    eng.testmode_line("0 a@b")


# -- the tokenizer ----------------------------------------------------------------------------


def test_prescan_tokens() -> None:
    t = Tokenizer(".:%@!^/[]+")
    assert t.prescan("a.b@c (comment) <d>") == ["a", ".", "b", "@", "c", "<", "d", ">"]
    assert t.prescan('"x y"@z') == ['"x y"', "@", "z"]


def test_prescan_reports_unbalanced_input_and_repairs_it() -> None:
    t = Tokenizer(".:@[]")
    assert t.prescan("<a@b") == ["<", "a", "@", "b", ">"]
    assert t.errors == ["553 Unbalanced '<'"]


atoms = st.text(st.sampled_from("abcXYZ019-_"), min_size=1, max_size=5)


@given(st.lists(st.tuples(atoms, st.sampled_from(".@%!:")), min_size=1, max_size=8))
def test_prescan_splits_atoms_at_operators(pairs: list[tuple[str, str]]) -> None:
    text = "".join(a + op for a, op in pairs)
    toks = Tokenizer(".:%@!^/[]+").prescan(text)
    assert "".join(toks) == text
    assert toks == [x for a, op in pairs for x in (a, op)]


@given(st.text(max_size=80))
def test_prescan_never_raises(text: str) -> None:
    t = Tokenizer(".:%@!^/[]+")
    t.prescan_delim(text, ",")


# -- rewriting --------------------------------------------------------------------------------


def test_parse_routes_local_and_remote() -> None:
    eng = engine()
    local = eng.parse("joe@mail.example.com")
    remote = eng.parse("Joe@Example.ORG")
    assert local.summary() == "mailer local, user joe"
    # F=u keeps the user's case; the host is always folded (no F=h)
    assert (remote.mailer, remote.host, remote.user) == ("smtp", "example.org", "Joe@Example.ORG")
    assert remote.trace[0].startswith("3                  input: Joe @ Example . ORG")
    assert remote.as_json()["error"] is None


def test_rewrite_returns_tokens_text_and_trace() -> None:
    r = engine().rewrite("3,0", "a@b.")
    assert r.tokens == ("$#", "smtp", "$@", "b", "$:", "a", "<", "@", "b", ">")
    assert r.trace[-1] == "0                returns: $# smtp $@ b $: a < @ b >"


def test_a_looping_rule_stops_where_sendmail_stops() -> None:
    r = engine().rewrite("loop", "a")
    assert "Infinite loop in ruleset loop, rule 1" in r.trace
    assert len(r.tokens) == 101


def test_endless_recursion_stops_with_sendmails_message() -> None:
    r = engine().rewrite("rec", "a")
    assert "rewrite: excessive recursion (max 50), ruleset rec" in r.trace


def test_map_classes_through_rules() -> None:
    eng = engine()
    assert eng.rewrite("math", "40").tokens == ("42",)
    assert eng.rewrite("dq", '"a.b"').tokens == ("a", ".", "b")
    assert eng.lookup("re", "123").value == "123@MATCH"
    assert eng.lookup("re", "12a").value is None
    assert eng.lookup("seq", '"x"').summary() == 'map_lookup: seq ("x") returns x (0)'


def test_conditionals_and_read_time_macros() -> None:
    eng = engine()
    assert eng.rewrite("cond", "a").tokens == ("set",)
    assert eng.expand(eng.translate_dollars("$j")) == "mail.example.com"
    assert sorted(eng.class_members("w")) == ["[127.0.0.1]", "[IPv6:::1]", "mail.example.com"]


def test_check_rulesets_see_the_macros_given() -> None:
    cf = CF + 'Scheck_relay\nR$* $| $&{client_addr}\t$#error $@ 5.7.1 $: "550 no"\n'
    r = engine(cf).check("check_relay", "h", "192.0.2.1", {"{client_addr}": "192.0.2.1"})
    assert r.tokens[:2] == ("$#", "error")


def test_an_address_sendmail_refuses_is_an_error_triple() -> None:
    eng = engine(CF + "S5\n")
    bad = eng.parse("<a@b")
    assert bad.mailer == "smtp"  # repaired, as sendmail repairs it, after the message
    assert "a@b... Unbalanced '<'" not in bad.trace  # 553 names the address:
    assert "<a@b... Unbalanced '<'" in bad.trace
    err = engine(
        'V10\nS0\nR$*\t$#error $@ 5.1.1 $: "550 nope"\nMlocal, P=/bin/true, F=l, A=x\n'
    ).parse("x")
    assert (err.mailer, err.host, err.error) == ("*error*", "5.1.1", "550 nope")


def test_resolvers() -> None:
    hosts = HostsResolver.from_text("192.0.2.1 mx mx.example.net # mail\n")
    assert hosts.canonical("mx.") == ("mx.example.net", 0)
    assert hosts.addresses("MX.example.net") == ["192.0.2.1"]
    assert DottedResolver().canonical("a.b.") == ("a.b", 0)


def test_map_flags() -> None:
    m = parse_map("m", "hash", "-o -N -a.FOUND -T<TMPF> -f /etc/mail/m")
    assert (m.optional, m.inclnull, m.app, m.tapp, m.nofold, m.file) == (
        True,
        True,
        ".FOUND",
        "<TMPF>",
        True,
        "/etc/mail/m",
    )
    assert parse_map("x", "hash", "").problems == ["No file name for hash map x"]


def test_network_maps_answer_from_the_callers_table() -> None:
    cf = CF + "Kldap ldap -k uid=%0\n"
    eng = Engine(
        read_config(cf),
        HostEnvironment(hostname="m.example", tables={"ldap": {"joe": "joe@hub.example"}}),
    )
    assert eng.lookup("ldap", "JOE").value == "joe@hub.example"
    other = Engine(read_config(cf), HostEnvironment(hostname="m.example"))
    assert other.lookup("ldap", "joe").value is None
    assert other.notes == ["map ldap (ldap): not available here"]


def test_hash_maps_read_their_source_when_no_reader_is_given(tmp_path: Path) -> None:
    (tmp_path / "mailertable").write_text("Example.NET\tsmtp:[mx.example.net]\n")
    cf = CF + f"Kmailertable hash -o {tmp_path}/mailertable\n"
    eng = engine(cf)
    assert eng.lookup("mailertable", "EXAMPLE.net").value == "smtp:[mx.example.net]"
    eng.rewrite("3", "x")  # lookups from rules record the source line
    r = eng.maps["mailertable"]
    assert r.source_lines == {"example.net": 1}


# -- the command ------------------------------------------------------------------------------


def test_bt_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cf = tmp_path / "t.cf"
    cf.write_text(CF)
    monkeypatch.setattr(sys, "stdin", io.StringIO("/parse a@b.example\n$j\n=Snone\n"))
    assert main(["bt", "-C", str(cf), "--hostname", "mail.example.com"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)\n")
    assert "mailer smtp, host b.example, user a@b.example\n" in out
    assert "> $w.example.com\n> Undefined ruleset none\n> " in out  # $j unexpanded


def test_bt_refuses_an_unreadable_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["bt", "-C", str(tmp_path / "none.cf")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_xputs_prints_internal_codes() -> None:
    eng = engine()
    assert xputs(eng.translate_dollars("$#local $@ $1 $: $&{xy} $=w"), eng.macro_names) == (
        "$#local $@ $1 $: $&{xy} $=w"
    )


field = st.text(st.sampled_from("abc$*+-=@<>.:[]()%!123 "), min_size=1, max_size=12).map(
    lambda s: s.strip() or "x"
)


@given(st.lists(st.tuples(field, field, field), min_size=1, max_size=6))
def test_rules_read_back_what_was_written(rules: list[tuple[str, str, str]]) -> None:
    text = "V10\nS0\n" + "".join(f"R{lhs}\t{rhs}\t{c}\n" for lhs, rhs, c in rules)
    got = read_config(text).rules
    assert [(r.lhs, r.rhs, r.comment) for r in got] == rules
    assert [r.line for r in got] == list(range(3, 3 + len(rules)))


@given(st.dictionaries(st.sampled_from("abcjwxyzST"), field, min_size=1, max_size=5))
def test_macros_read_back_what_was_written(macros: dict[str, str]) -> None:
    text = "".join(f"D{k}{v}\n" for k, v in macros.items())
    cfg = read_config(text)
    assert {m.name: m.value for m in cfg.macros} == macros


@pytest.mark.parametrize(
    "name",
    [
        "sendmailcfg.cf.config",
        "sendmailcfg.cf.engine",
        "sendmailcfg.cf.environment",
        "sendmailcfg.cf.tokens",
    ],
)
def test_docstring_examples(name: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0


def test_results_explain_the_rules_and_lookups(tmp_path: Path) -> None:
    (tmp_path / "mailertable").write_text("# routes\nexample.net\tsmtp:[mx.example.net]\n")
    cf = CF.replace(
        "S0\n", f"Kmt hash -o {tmp_path}/mailertable\nS0\nR$+ < @ $+ >\t$: $1 < @ $2 > $(mt $2 $)\n"
    )
    r = engine(cf).parse("joe@example.net")
    assert [(x.ruleset, x.line) for x in r.steps][:2] == [("3", 13), ("0", 17)]
    [hit] = r.lookups
    assert (hit.map, hit.key, hit.value, hit.line) == (
        "mt",
        "example.net",
        "smtp:[mx.example.net]",
        2,
    )
    assert "map mt['example.net'] -> 'smtp:[mx.example.net]'" in r.explain()
    assert r.as_json()["lookups"] == [hit.as_json()]


def test_no_local_mailer_is_said_unless_a_user_named_the_cf() -> None:
    """main.c: "No local mailer defined", except in test mode with ``-C`` from a user
    other than root (``warn_C_flag``)."""
    from sendmailcfg.cf.environment import HostEnvironment

    text = "V10/Berkeley\nMfoo, P=[IPC], F=m, A=TCP $h\nS0\n"
    env = HostEnvironment(hostname="h.example")
    assert "No local mailer defined" in Engine(text, env).out
    assert "No local mailer defined" not in Engine(text, env, warn_c=True).out
    assert "No local mailer defined" in Engine(text, env, warn_c=True, test_mode=False).out
    with_local = text + "Mlocal, P=/bin/true, F=l, A=x\n"
    assert "No local mailer defined" not in Engine(with_local, env).out


def test_debug_flags_are_read_as_sendmail_reads_them() -> None:
    from sendmailcfg.cf.environment import HostEnvironment

    e = Engine("V10/Berkeley\nMlocal, P=/bin/true, F=l, A=x\n", HostEnvironment(hostname="h.x"))
    assert e.remember
    e.set_debug("0-2.3,21.12")
    assert e.debug == {0: 3, 1: 3, 2: 3, 21: 12}
    assert not e.remember  # tracing tries every rule
    e.set_debug("")
    assert e.debug[99] == 1 and e.debug[21] == 1
    e.set_debug("21.x")  # a level that is not a number: ignored
    assert e.debug[21] == 1
