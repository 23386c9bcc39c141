"""One reading of a ``.mc`` (issue 22 item 1): the model's semantic views are its facts'.

``McModel``/``McDocument`` keep the syntactic views (statements, who writes which
define, sections, findings); defines, FEATUREs, MAILERs, class macros and OSTYPE/DOMAIN
are views of :attr:`McModel.facts`, computed once per document. These properties put
the old questions to both and assert they agree on generated ``.mc`` files.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.mc import McDocument, parse_mc
from sendmailcfg.mc.facts import Call
from sendmailcfg.mc.macros import CLASS_MACROS
from sendmailcfg.site import Site

WORDS = st.sampled_from(["relay.example", "[10.0.0.1]", "a b", "x,y", "esmtp:[mx.example]"])


def _quoted(value: str, depth: int) -> str:
    return "`" * depth + value + "'" * depth


@st.composite
def statements(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["define", "undefine", "FEATURE", "MAILER", "class", "OS"]))
    depth = draw(st.integers(1, 2))
    word = draw(WORDS)
    if kind == "define":
        name = draw(st.sampled_from(["SMART_HOST", "MAIL_HUB", "confX", "DATABASE_MAP_TYPE"]))
        return f"define(`{name}', {_quoted(word, depth)})dnl\n"
    if kind == "undefine":
        return f"undefine(`{draw(st.sampled_from(['SMART_HOST', 'confX']))}')dnl\n"
    if kind == "FEATURE":
        name = draw(st.sampled_from(["mailertable", "access_db", "redirect", "use_cw_file"]))
        args = draw(st.lists(st.just(_quoted(word, depth)), max_size=1))
        return f"FEATURE({', '.join([f'`{name}' + chr(39), *args])})dnl\n"
    if kind == "MAILER":
        return f"MAILER(`{draw(st.sampled_from(['local', 'smtp', 'procmail']))}')dnl\n"
    if kind == "class":
        macro = draw(st.sampled_from(["LOCAL_DOMAIN", "RELAY_DOMAIN", "MASQUERADE_AS"]))
        return f"{macro}({_quoted(word, depth)})dnl\n"
    macro = draw(st.sampled_from(["OSTYPE", "DOMAIN"]))
    return f"{macro}(`{draw(st.sampled_from(['linux', 'generic', 'freebsd6']))}')dnl\n"


MC = st.lists(statements(), max_size=8).map("".join)


def _own(doc: McDocument, *names: str) -> list[tuple[str, tuple[str, ...]]]:
    return [
        (c.name, c.args)
        for c in doc.facts.calls
        if c.implied_by is None and (c.name in names or not names)
    ]


@given(text=MC)
def test_defines_are_the_facts_defines(text: str) -> None:
    doc = parse_mc(text)
    names = {c.first for c in doc.facts.named("define", "undefine")}
    assert dict(doc.defines) == {
        n: v for n in names if (v := doc.facts.defined_value(n)) is not None
    }
    site = Site(doc)
    for name, value in doc.defines.items():
        setting = site.define(name)
        assert setting is not None and setting.value == value.strip()


@given(text=MC)
def test_features_mailers_and_classes_are_the_facts(text: str) -> None:
    doc = parse_mc(text)
    assert [("FEATURE", (f.name, *f.args)) for f in doc.features] == _own(doc, "FEATURE")
    assert [("MAILER", (m.name,)) for m in doc.mailers] == _own(doc, "MAILER")
    assert [(c.macro, (c.value,)) for c in doc.class_macros] == _own(doc, *CLASS_MACROS)
    # the implied ones are the facts' only: marked, never in the document's own views
    implied = [c for c in doc.facts.calls if c.implied_by is not None]
    assert all(c.record is None for c in implied)
    assert doc.ostype == next((c.first for c in reversed(_own_calls(doc, "OSTYPE"))), None)
    assert doc.domain == next((c.first for c in reversed(_own_calls(doc, "DOMAIN"))), None)


def _own_calls(doc: McDocument, name: str) -> list[Call]:
    return [c for c in doc.facts.named(name) if c.implied_by is None]


@given(text=MC)
def test_site_masquerade_and_classes_follow_the_facts(text: str) -> None:
    doc = parse_mc(text)
    site = Site(doc)
    masq = [c.value for c in doc.class_macros if c.macro == "MASQUERADE_AS"]
    assert (site.masquerade_as.value if site.masquerade_as else None) == (
        masq[-1] if masq else None
    )
    local = {w for c in doc.class_macros if c.macro == "LOCAL_DOMAIN" for w in c.words}
    assert local <= {s.value for s in site.classes["w"]}
    exposed = {s.value for s in site.classes["E"]}
    assert ("root" in exposed) == ("generic" in _domains(doc))


def _domains(doc: McDocument) -> set[str]:
    return {c.first for c in doc.facts.named("DOMAIN")}


def test_the_facts_are_computed_once_per_document() -> None:
    doc = parse_mc("define(`SMART_HOST', ``[relay]'')dnl\n")
    assert doc.facts is doc.facts
    assert doc.model.facts is doc.model.facts
    doc.set_define("SMART_HOST", "other.example")
    assert doc.facts.defined_value("SMART_HOST") == doc.defines["SMART_HOST"] == "other.example"
