"""The McDocument edit API the CLI builds on: results, refusals and the Document protocol."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from sendmailcfg import EditError
from sendmailcfg.mc import McDocument
from sendmailcfg.mc.placement import OVERRIDES, readers
from sendmailcfg.protocol import Document
from tests.oracle import Oracle

BASE = "OSTYPE(`linux')dnl\nFEATURE(`access_db')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n"


def test_document_protocol(tmp_path: Path) -> None:
    path = tmp_path / "s.mc"
    path.write_text(BASE)
    os.chmod(path, 0o640)
    doc = McDocument.from_text(BASE, path=str(path))
    assert isinstance(doc, Document)
    assert McDocument.parse is McDocument.from_text or McDocument.parse(BASE).text == BASE
    assert not doc.changed and doc.diff() == ""
    copy = doc.copy()
    assert doc.set_define("SMART_HOST", "relay.example")
    assert doc.changed and not copy.changed and copy.text == BASE
    assert "+define(`SMART_HOST', `relay.example')dnl\n" in doc.diff()
    assert doc.diff(copy) == doc.diff(BASE) == doc.diff()
    assert doc.dumps() == doc.text
    doc.dump()
    assert path.read_text() == doc.text
    assert os.stat(path).st_mode & 0o777 == 0o640
    with pytest.raises(ValueError, match="no path"):
        McDocument.from_text(BASE).dump()


def test_undefine_and_remove_define() -> None:
    doc = McDocument.from_text(BASE)
    assert doc.undefine("confX")
    assert "undefine(`confX')dnl\n" in doc.text
    assert doc.undefine("confX") is False
    assert doc.set_define("confX", "1")
    assert doc.defines["confX"] == "1"
    assert doc.remove_define("confX") and "confX" not in doc.defines


def test_feature_arguments_change_in_place() -> None:
    doc = McDocument.from_text(BASE.replace("access_db')", "mailertable', `hash /a')"))
    assert doc.add_feature("mailertable", "hash /b")
    assert doc.text.splitlines()[1] == "FEATURE(`mailertable', `hash /b')dnl"
    assert doc.add_feature("mailertable")  # back to the default: the argument goes
    assert doc.text.splitlines()[1] == "FEATURE(`mailertable')dnl"
    assert doc.add_feature("mailertable") is False


def test_remove_one_dnsbl() -> None:
    doc = McDocument.from_text(
        BASE.replace(
            "MAILER(`local')",
            "FEATURE(`dnsbl', `a.example')dnl\nFEATURE(`dnsbl', `b.example')dnl\nMAILER(`local')",
        )
    )
    assert doc.remove_feature("dnsbl", "a.example")
    assert [f.args for f in doc.features if f.name == "dnsbl"] == [("b.example",)]
    assert doc.remove_feature("dnsbl", "a.example") is False


def test_mailers() -> None:
    doc = McDocument.from_text(BASE)
    assert doc.remove_mailer("smtp") and [m.name for m in doc.mailers] == ["local"]
    assert doc.remove_mailer("smtp") is False
    msp = McDocument.from_text("FEATURE(`msp')dnl\n")
    assert msp.add_mailer("smtp") is False  # FEATURE(msp) includes it


def test_class_values() -> None:
    doc = McDocument.from_text(BASE)
    assert doc.add_class_value("MASQUERADE_DOMAIN", "a.example")
    assert doc.add_class_value("MASQUERADE_DOMAIN", "b.example")
    assert doc.text.count("MASQUERADE_DOMAIN") == 2
    with pytest.raises(EditError, match="not a class macro"):
        doc.add_class_value("SMART_HOST", "x")
    with pytest.raises(EditError, match="one word"):
        doc.add_class_value("LOCAL_DOMAIN", "a b")
    assert doc.set_masquerade_as("m.example") and doc.set_masquerade_as("m.example") is False
    assert doc.set_masquerade_as("n.example")
    assert doc.text.count("MASQUERADE_AS") == 1
    assert doc.set_masquerade_as(None) and "MASQUERADE_AS" not in doc.text


def test_daemon_options() -> None:
    doc = McDocument.from_text(BASE)
    assert doc.set_daemon_options("MTA", "Port=smtp, Name=MTA")
    assert "DAEMON_OPTIONS(`Port=smtp, Name=MTA')dnl\n" in doc.text
    assert doc.set_daemon_options("MTA", "Port=smtp, Name=MTA") is False
    assert doc.set_daemon_options("MSA", "Port=587, M=E")  # the name is added
    assert "DAEMON_OPTIONS(`Port=587, M=E, Name=MSA')dnl\n" in doc.text
    with pytest.raises(EditError, match="not 'MTA'"):
        doc.set_daemon_options("MTA", "Port=25, Name=Other")
    assert doc.remove_daemon_options("MTA") and "Name=MTA" not in doc.text


def test_disable_and_enable() -> None:
    doc = McDocument.from_text(BASE)
    assert doc.disable(2)
    assert doc.text.splitlines()[1] == "dnl FEATURE(`access_db')dnl"
    assert [f.name for f in doc.features] == []
    assert doc.disable(2) is False
    assert doc.enable(2)
    assert doc.text == BASE
    assert doc.enable(2) is False
    with pytest.raises(EditError, match="no statement"):
        doc.disable(99)


def test_define_that_cannot_take_effect_is_refused() -> None:
    # FEATURE(msp) sets LOCAL_MAILER_PATH and includes MAILER(local), which reads it
    doc = McDocument.from_text("FEATURE(`msp')dnl\n")
    with pytest.raises(EditError, match="FEATURE\\(msp\\)"):
        doc.set_define("LOCAL_MAILER_PATH", "/bin/x")
    assert doc.text == "FEATURE(`msp')dnl\n"


def test_insertion_point_ignores_hash_lines() -> None:
    text = "OSTYPE(`linux')dnl\n# FEATUREs go here, before the MAILERs\nMAILER(`smtp')dnl\n"
    doc = McDocument.from_text(text)
    assert doc.add_feature("mailertable")
    assert doc.text.splitlines()[1:3] == [
        "FEATURE(`mailertable')dnl",
        "# FEATUREs go here, before the MAILERs",
    ]


@pytest.mark.oracle
def test_placement_facts_match_the_cf_package(oracle: Oracle) -> None:
    """OVERRIDES lists the unconditional defines of every stock file; readers() the
    macros the mailer files read."""
    import re

    for (macro, arg), names in OVERRIDES.items():
        folder = {"OSTYPE": "ostype", "DOMAIN": "domain", "FEATURE": "feature"}[macro]
        source = (oracle.cf_dir / folder / f"{arg}.m4").read_text(encoding="latin-1")
        found = set(re.findall(r"^(?:define|undefine)\(`([A-Za-z]\w*)'", source, re.M))
        assert found == names, (macro, arg)
    for path in (oracle.cf_dir / "mailer").glob("*.m4"):
        for name in set(re.findall(r"\b([A-Z0-9]+_MAILER_[A-Z_]+)\b", path.read_text())):
            assert ("MAILER", path.stem) in readers(name), name


EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "freebsd.mc"
LOCAL_EDITS: list[tuple[str, Callable[[McDocument], bool]]] = [
    ("set_define", lambda d: d.set_define("confMAX_HOP", "30")),
    ("set_define-in-place", lambda d: d.set_define("confBIND_OPTS", "-AAONLY")),
    ("undefine", lambda d: d.undefine("confX")),
    ("add_feature", lambda d: d.add_feature("nouucp", "reject")),
    ("change_feature", lambda d: d.add_feature("mailertable", "hash /etc/mail/mt2")),
    ("add_mailer", lambda d: d.add_mailer("procmail")),
    ("remove_mailer", lambda d: d.remove_mailer("smtp")),
    ("class", lambda d: d.add_class_value("RELAY_DOMAIN", "example.org")),
    ("masquerade", lambda d: d.set_masquerade_as("example.org")),
    ("daemon-change", lambda d: d.set_daemon_options("IPv4", "Name=IPv4, Family=inet, Port=26")),
    ("daemon-remove", lambda d: d.remove_daemon_options("IPv6")),
    ("disable", lambda d: d.disable(38)),
    ("enable", lambda d: d.enable(46)),
]


@pytest.mark.parametrize("edit", [e for _, e in LOCAL_EDITS], ids=[n for n, _ in LOCAL_EDITS])
def test_each_edit_touches_one_line(edit: Callable[[McDocument], bool]) -> None:
    """Every byte outside the edited statement's line stays; the edit again is a no-op."""
    from sendmailcfg import _source

    text = _source.decode(EXAMPLE.read_bytes())
    doc = McDocument.from_text(text)
    assert edit(doc) is True
    old, new = text.splitlines(keepends=True), doc.text.splitlines(keepends=True)
    prefix = 0
    while prefix < min(len(old), len(new)) and old[prefix] == new[prefix]:
        prefix += 1
    suffix = 0
    while suffix < min(len(old), len(new)) - prefix and old[-1 - suffix] == new[-1 - suffix]:
        suffix += 1
    assert len(old) - prefix - suffix <= 1 and len(new) - prefix - suffix <= 1
    assert edit(doc) is False
