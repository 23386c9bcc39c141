"""Edits of .mc files: one line touched, the file's style kept, refusals that explain."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sendmailcfg
from sendmailcfg import EditError
from sendmailcfg.mc import McDocument, parse_mc
from tests.test_mc_syntax import m4_ish

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _freebsd() -> McDocument:
    doc = sendmailcfg.load(EXAMPLES / "freebsd.mc")
    assert isinstance(doc, McDocument)
    return doc


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(
            before.splitlines(keepends=True), after.splitlines(keepends=True), n=0
        )
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_seed_freebsd_smart_host() -> None:
    doc = sendmailcfg.load(EXAMPLES / "freebsd.mc")
    assert isinstance(doc, McDocument)
    before = doc.text
    assert "SMART_HOST" not in doc.defines
    assert doc.set_define("SMART_HOST", "mmr.plala.or.jp") is True
    assert changed_lines(before, doc.text) == [
        "-dnl define(`SMART_HOST', `your.isp.mail.server')\n",
        "+define(`SMART_HOST', `mmr.plala.or.jp')\n",
    ]
    assert doc.defines["SMART_HOST"] == "mmr.plala.or.jp"
    assert doc.set_define("SMART_HOST", "mmr.plala.or.jp") is False
    # the undecodable Latin-1 byte survives the edit
    assert sendmailcfg.dumps(doc).encode("utf-8", "surrogateescape").count(b"\xe7") == 1


def test_set_define_in_place_keeps_layout() -> None:
    doc = parse_mc("define(`confBAD_RCPT_THROTTLE',`3')dnl\nMAILER(smtp)\n")
    assert doc.set_define("confBAD_RCPT_THROTTLE", "5")
    assert doc.text == "define(`confBAD_RCPT_THROTTLE',`5')dnl\nMAILER(smtp)\n"


def test_set_define_changes_the_last_one() -> None:
    doc = parse_mc("define(`X', `a')\ndefine(`X', `b')\n")
    assert doc.set_define("X", "c")
    assert doc.text == "define(`X', `a')\ndefine(`X', `c')\n"


def test_set_define_multiline_value_touches_one_line() -> None:
    text = "define(`confPRIVACY_FLAGS',dnl\n`goaway')dnl\n"
    doc = parse_mc(text)
    assert doc.set_define("confPRIVACY_FLAGS", "goaway,noetrn")
    assert doc.text == "define(`confPRIVACY_FLAGS',dnl\n``goaway,noetrn'')dnl\n"


def test_set_define_unquoted_and_one_argument_forms() -> None:
    doc = parse_mc("define(`X', relay.example)\ndefine(`Y')\n")
    assert doc.set_define("X", "other") and doc.set_define("Y", "v")
    assert doc.text == "define(`X', `other')\ndefine(`Y', `v')\n"


def test_new_define_goes_with_the_other_defines_in_file_style() -> None:
    text = (
        "OSTYPE(`linux')dnl\r\ndefine(`confA', `1')dnl\r\nFEATURE(`x')dnl\r\nMAILER(`smtp')dnl\r\n"
    )
    doc = parse_mc(text)
    assert doc.set_define("SMART_HOST", "[relay.example]")
    assert doc.text == (
        "OSTYPE(`linux')dnl\r\ndefine(`confA', `1')dnl\r\n"
        "define(`SMART_HOST', `[relay.example]')dnl\r\n"
        "FEATURE(`x')dnl\r\nMAILER(`smtp')dnl\r\n"
    )


def test_new_define_without_other_defines_goes_before_mailer() -> None:
    doc = parse_mc("OSTYPE(linux)\nMAILER(smtp)\nLOCAL_CONFIG\nKx hash /x\n")
    doc.set_define("X", "y")
    assert doc.text == "OSTYPE(linux)\ndefine(`X', `y')\nMAILER(smtp)\nLOCAL_CONFIG\nKx hash /x\n"


def test_define_after_undefine() -> None:
    doc = parse_mc("define(`X', `a')\nundefine(`X')\nMAILER(smtp)\n")
    assert doc.set_define("X", "b")
    assert doc.text == "define(`X', `a')\nundefine(`X')\ndefine(`X', `b')\nMAILER(smtp)\n"


def test_file_without_final_newline() -> None:
    doc = parse_mc("OSTYPE(linux)")
    doc.set_define("X", "y")
    assert doc.text == "OSTYPE(linux)\ndefine(`X', `y')\n"


@pytest.mark.parametrize("value", ["it's", "a`b", "two\nlines", "nul\x00"])
def test_values_m4_cannot_carry_are_refused(value: str) -> None:
    doc = parse_mc("OSTYPE(linux)\n")
    with pytest.raises(EditError):
        doc.set_define("X", value)
    assert doc.text == "OSTYPE(linux)\n"


def test_bad_name_refused() -> None:
    with pytest.raises(EditError):
        parse_mc("").set_define("not a name", "x")


def test_remove_define() -> None:
    doc = parse_mc("define(`X', `a')dnl\nFEATURE(`f')\ndefine(`X', `b') # keep\n")
    assert doc.remove_define("X")
    assert doc.text == "FEATURE(`f')\n # keep\n"
    assert doc.remove_define("X") is False


def test_add_feature_after_features_before_mailer() -> None:
    doc = parse_mc("FEATURE(`a')\nMAILER(`smtp')\nFEATURE(`late')\n")
    assert doc.add_feature("mailertable", "hash -o /etc/mail/mailertable")
    assert doc.text.splitlines()[1] == "FEATURE(`mailertable', `hash -o /etc/mail/mailertable')"
    assert doc.add_feature("mailertable", "hash -o /etc/mail/mailertable") is False


def test_add_feature_enables_the_disabled_line() -> None:
    doc = parse_mc("FEATURE(a)\ndnl FEATURE(relay_based_on_MX)\nMAILER(smtp)\n")
    assert doc.add_feature("relay_based_on_MX")
    assert doc.text == "FEATURE(a)\nFEATURE(relay_based_on_MX)\nMAILER(smtp)\n"


def test_remove_feature() -> None:
    doc = parse_mc("FEATURE(`a')dnl\nFEATURE(`b')dnl\nFEATURE(`a', `x')dnl\n")
    assert doc.remove_feature("a")
    assert doc.text == "FEATURE(`b')dnl\n"
    assert doc.remove_feature("a") is False


@pytest.mark.parametrize(
    ("existing", "new", "order"),
    [
        (["local", "smtp"], "uucp", ["local", "smtp", "uucp"]),
        (["local", "uucp"], "smtp", ["local", "smtp", "uucp"]),
        (["smtp"], "local", ["local", "smtp"]),
        (["local", "smtp"], "cyrus", ["local", "smtp", "cyrus"]),
        ([], "smtp", ["smtp"]),
    ],
)
def test_add_mailer_order(existing: list[str], new: str, order: list[str]) -> None:
    doc = parse_mc("OSTYPE(linux)dnl\n" + "".join(f"MAILER(`{m}')dnl\n" for m in existing))
    assert doc.add_mailer(new)
    assert [m.name for m in doc.mailers] == order
    assert doc.add_mailer(new) is False


values = st.text(st.sampled_from("abcXYZ019.-_:[]/ @,"), min_size=1, max_size=30)


@given(value=values, name=st.sampled_from(["SMART_HOST", "confCW_FILE", "confNEW_THING"]))
def test_set_define_touches_at_most_one_line(value: str, name: str) -> None:
    doc = _freebsd()
    before = doc.text
    doc.set_define(name, value)
    assert doc.defines[name] == value
    lines = changed_lines(before, doc.text)
    assert len([x for x in lines if x.startswith("+")]) == 1
    assert len([x for x in lines if x.startswith("-")]) <= 1
    assert doc.set_define(name, value) is False


@given(text=st.one_of(m4_ish, st.sampled_from(["", "OSTYPE(linux)", "MAILER(smtp)\n"])))
def test_set_define_on_any_text_is_exact_or_refused(text: str) -> None:
    doc = parse_mc(text)
    try:
        changed = doc.set_define("SMART_HOST", "relay.example")
    except EditError:
        assert doc.text == text
        return
    assert doc.defines["SMART_HOST"] == "relay.example"
    if changed:
        added = [x for x in changed_lines(text, doc.text) if x.startswith("+")]
        assert len(added) <= 2  # the new line, and the last line if it lacked a newline


@given(name=st.sampled_from(["authinfo", "nouucp", "use_cw_file", "bestmx_is_local"]))
def test_add_then_remove_a_new_feature_restores_the_file(name: str) -> None:
    doc = _freebsd()
    before = doc.text
    assert doc.add_feature(name)
    assert len(changed_lines(before, doc.text)) == 1
    assert doc.remove_feature(name)
    assert doc.text == before
