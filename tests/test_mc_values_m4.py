"""Values come out of m4 as written (issue 26 item 2), proved with real m4 and the cf package.

m4 replaces ``$1``..``$9``, ``$#``, ``$*``, ``$@`` and ``$0`` in a macro's text
whatever the quotes, and expands any macro name the text holds -- its own
name too, which loops forever. Each edit writes its value so that the .cf
holds exactly that value, or refuses it (nothing written); the model reads
the file back as m4 does; nothing hangs (the render timeout would say so).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendmailcfg.cli import main
from sendmailcfg.errors import EditError
from sendmailcfg.mc.document import McDocument
from sendmailcfg.mc.quoting import expansion, substitute
from sendmailcfg.mc.render import render
from tests.oracle import Oracle

BASE = "OSTYPE(`linux')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n"
NAMES = [
    "SMART_HOST",
    "MAIL_HUB",
    "MASQUERADE_NAME",
    "LUSER_RELAY",
    "dnl",
    "define",
    "divert",
    "ifdef",
    "lower",
    "DOL",
    "_ARG_",
    "confDOMAIN_NAME",
    "LOCAL_CONFIG",
    "esyscmd",
    "include",
    "MTA",
    "CHKORX",
    "SITE",
]
PIECES = st.one_of(
    st.sampled_from(NAMES),
    st.sampled_from(["$1", "$0", "$#", "$*", "$@", "$$1", "$10", "$j", "`'", "`x'"]),
    st.text(alphabet="ab.-$#*@`',() 019", max_size=3),
)
VALUES = st.lists(PIECES, max_size=6).map("".join)
SETTINGS = settings(
    deadline=None, max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _line(cf: str, prefix: str) -> str:
    found: list[str] = re.findall(rf"^{re.escape(prefix)}(.*)$", cf, re.M)
    assert len(found) == 1, (prefix, found)
    return found[0]


@pytest.mark.parametrize(
    "value",
    [
        "relay$1.example",
        "relay$0.example",
        "relay.SMART_HOST.example",
        "MAIL_HUB",
        "a$#b$*c$@d",
        "relay$$1",
        "$j is `ready', (really)",
    ],
)
def test_issue_examples(value: str, oracle: Oracle) -> None:
    doc = McDocument(BASE)
    doc.set_define("SMART_HOST", value)
    assert McDocument(doc.text).defines["SMART_HOST"] == value
    assert _line(render(doc, oracle.cf_dir, timeout=10), "DS") == value


@SETTINGS
@given(value=VALUES)
def test_set_define_renders_exactly(value: str, oracle: Oracle) -> None:
    doc = McDocument(BASE)
    try:
        doc.set_define("SMART_HOST", value)
    except EditError:
        assert doc.text == BASE
        return
    assert McDocument(doc.text).defines["SMART_HOST"] == value
    assert _line(render(doc, oracle.cf_dir, timeout=10), "DS") == value


@SETTINGS
@given(value=VALUES.filter(lambda v: len(v.split()) == 1 and v == v.strip()))
def test_masquerade_as_renders_exactly(value: str, oracle: Oracle) -> None:
    doc = McDocument(BASE)
    try:
        doc.set_masquerade_as(value)
    except EditError:
        assert doc.text == BASE
        return
    assert _line(render(doc, oracle.cf_dir, timeout=10), "DM") == value


@SETTINGS
@given(tail=VALUES)
def test_feature_argument_renders_exactly(tail: str, oracle: Oracle) -> None:
    value = "hash /etc/mail/mt " + tail
    doc = McDocument(BASE)
    try:
        doc.add_feature("mailertable", value)
    except EditError:
        assert doc.text == BASE
        assert re.search(r"\$([0-9]|[#*@])", value) or "'" in value or "`" in value
        return
    assert _line(render(doc, oracle.cf_dir, timeout=10), "Kmailertable ") == value


@SETTINGS
@given(value=VALUES.filter(lambda v: len(v.split()) == 1 and v == v.strip()))
def test_class_value_renders_exactly(value: str, oracle: Oracle) -> None:
    doc = McDocument(BASE)
    try:
        doc.add_class_value("LOCAL_DOMAIN", value)
    except EditError:
        assert doc.text == BASE
        return
    assert _line(render(doc, oracle.cf_dir, timeout=10), "C{w}") == value


@SETTINGS
@given(tail=VALUES)
def test_daemon_options_render_exactly(tail: str, oracle: Oracle) -> None:
    spec = "Name=MTA, Addr=" + tail
    doc = McDocument(BASE)
    try:
        doc.set_daemon_options("MTA", spec)
    except EditError:
        assert doc.text == BASE
        return
    cf = render(doc, oracle.cf_dir, timeout=10)
    lines = re.findall(r"^O DaemonPortOptions=(.*)$", cf, re.M)
    assert lines == [spec, "Port=587, Name=MSA, M=E"]  # the cf package adds the MSA


def test_refused_values_write_nothing(tmp_path: object, capsys: pytest.CaptureFixture[str]) -> None:
    from pathlib import Path

    mc = Path(str(tmp_path)) / "a.mc"
    mc.write_text(BASE)
    cases = [
        ["set", "SMART_HOST", "x`$1'y"],
        ["feature", "add", "mailertable", "hash /etc/mail/m$1"],
        ["daemon", "set", "MTA", "Port=smtp$1"],
    ]
    for args in cases:
        assert main(["mc", str(mc), *args]) == 2, args
        err = capsys.readouterr().err
        assert "m4 would replace '$1'" in err or "m4 replaces '$1'" in err, err
        assert mc.read_text() == BASE


def test_model_reads_dollar_refs_as_m4() -> None:
    """A hand-written ``$1`` is what m4 makes of it, not what the text shows."""
    doc = McDocument("define(`SMART_HOST', `relay$1.example')dnl\n")
    assert doc.defines["SMART_HOST"] == "relay.example"
    assert substitute("a$#b", "X") == "a0b"
    assert expansion("X", "`$'`1'") == "$1"


def test_facts_read_values_as_m4() -> None:
    """Lint's facts see what m4 yields: $ references replaced, the extra quotes gone."""
    from sendmailcfg.mc import parse_mc
    from sendmailcfg.mc.facts import mc_facts

    text = "define(`SMART_HOST', ``relay$'`1.x'')dnl\ndefine(`MAIL_HUB', `hub$1.x')dnl\n"
    f = mc_facts(parse_mc(text))
    assert (f.defined_value("SMART_HOST"), f.defined_value("MAIL_HUB")) == ("relay$1.x", "hub.x")
