"""After an edit the statement views are rebuilt from the kept items' records (shifted),
not from a walk of the whole tree: they must equal what a fresh load of the text gives.

``doc.model`` after edits reuses the records of the model before each edit
(``McModel(previous=...)``); ``analyze(doc.text)`` walks the text anew. Hypothesis
drives random sequences of edits, both the document's own and raw span replacements.
"""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg import EditError
from sendmailcfg.mc import McDocument, McModel, analyze
from sendmailcfg.mc import edit as mc_edit
from sendmailcfg.mc.model import Positions
from sendmailcfg.mc.splice import Replacement, item_offsets
from tests.test_mc_syntax import M4_PIECES

LINES = [
    "divert(-1)dnl",
    "divert(0)dnl",
    "divert(2)",
    "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl",
    "VERSIONID(`test')dnl",
    "OSTYPE(`linux')dnl",
    "DOMAIN(`generic')dnl",
    "define(`confX', `1')dnl",
    "define(`SMART_HOST', `[relay.example]')dnl",
    "define(`A', `x')define(`B', `y, z')dnl",
    "dnl define(`SMART_HOST', `disabled.example')",
    "dnl FEATURE(`mailertable')dnl",
    "undefine(`confX')dnl",
    "FEATURE(`dnsbl', `bl.example', `\"550 no\"')dnl",
    "FEATURE(`access_db')",
    "LOCAL_DOMAIN(`host.example')dnl",
    "MASQUERADE_AS(`m.example')dnl",
    "DAEMON_OPTIONS(`Port=smtp, Name=MTA')dnl",
    "MAILER(`local')dnl",
    "MAILER(smtp)",
    "# a comment that names LOCAL_CONFIG and define(`confY', `2')",
    "LOCAL_CONFIG",
    "LOCAL_RULE_0",
    "Kx hash /etc/mail/x",
    "R$* $: $1\tcomment",
    "",
    "  define(`confZ',",
    "  `continued')dnl",
]

mc_text = st.lists(
    st.one_of(
        st.sampled_from(LINES),
        st.lists(st.sampled_from(M4_PIECES), max_size=6).map("".join),
    ),
    max_size=25,
).map(lambda lines: "\n".join(lines) + "\n")

EDITS: list[Callable[[McDocument], object]] = [
    lambda d: d.set_define("SMART_HOST", "new.example"),
    lambda d: d.set_define("confX", "2"),
    lambda d: d.set_define("confNEW", "a, b"),
    lambda d: d.remove_define("A"),
    lambda d: d.remove_define("SMART_HOST"),
    lambda d: d.undefine("confX"),
    lambda d: d.add_feature("mailertable", "hash /etc/mail/mt"),
    lambda d: d.add_feature("dnsbl", "bl.example", "other"),
    lambda d: d.remove_feature("access_db"),
    lambda d: d.add_mailer("procmail"),
    lambda d: d.remove_mailer("local"),
    lambda d: d.add_class_value("LOCAL_DOMAIN", "a.example"),
    lambda d: d.remove_class_value("LOCAL_DOMAIN", "host.example"),
    lambda d: d.set_masquerade_as("other.example"),
    lambda d: d.set_daemon_options("MSA", "Port=587, Name=MSA"),
    lambda d: d.disable(3),
    lambda d: d.enable(2),
]


def _records(m: McModel) -> list[tuple[object, ...]]:
    """Every field of every statement record, with the positions of their arguments and
    the text they stand for (``source[start:end]``)."""
    out: list[tuple[object, ...]] = []
    for c in (*m.statements, *m.disabled):
        args = tuple((a.start, a.line, a.column, a.raw, a.value) for a in c.args)
        out.append((c, c.text, c.end_line, c.diversion, c.section, args))
    return out


def _views(m: McModel) -> tuple[object, ...]:
    return (
        m.statements,
        m.disabled,
        m.define_statements,
        dict(m.defines),
        m.features,
        m.mailers,
        m.ostype,
        m.domain,
        m.versionid,
        m.class_macros,
        m.sections,
        m.cf_include,
    )


def _check(doc: McDocument) -> None:
    fresh = analyze(doc.text)
    _check_lookups(doc, fresh)
    # then every view and record
    assert _views(doc.model) == _views(fresh)
    assert _records(doc.model) == _records(fresh)
    assert doc.offsets() == item_offsets(doc.tree)
    assert doc.model._s().pos.starts == Positions(doc.text).starts


def _check_lookups(doc: McDocument, fresh: McModel | None = None) -> None:
    """The lookups edits make, which move only the records they return."""
    fresh = fresh or analyze(doc.text)
    assert mc_edit._style(doc) == mc_edit.style_of(doc.text, fresh)
    for names in (None, {"define"}, {"FEATURE", "MAILER"}):
        assert doc.model.top_statements(names) == fresh.top_statements(names)
        assert doc.model.top_statements(names, 2, last=True) == fresh.top_statements(
            names, 2, last=True
        )
    span = (len(doc.text) // 3, len(doc.text))
    assert doc.model.top_statements(span=span) == fresh.top_statements(span=span)
    for name in ("confX", "SMART_HOST", "A"):
        assert doc.model.defines_named(name) == fresh.defines_named(name)
    assert doc.model.disabled_where(lambda c: True) == list(fresh.disabled)
    assert dict(doc.model.defines) == dict(fresh.defines)
    assert (doc.model.ostype, doc.model.domain) == (fresh.ostype, fresh.domain)
    assert doc.model.sections == fresh.sections and doc.model.cf_include == fresh.cf_include


@given(text=mc_text, data=st.data())
def test_views_after_random_edits_equal_a_fresh_load(text: str, data: st.DataObject) -> None:
    doc = McDocument.from_text(text)
    _ = doc.model.statements
    for edit in data.draw(st.lists(st.sampled_from(EDITS), max_size=6)):
        try:
            edit(doc)
        except (EditError, IndexError, ValueError):
            continue
        _check(doc)


@given(text=mc_text, data=st.data())
def test_views_after_random_replacements_equal_a_fresh_load(text: str, data: st.DataObject) -> None:
    """Raw spans anywhere (inside quotes, calls, ``#`` lines...), replaced by m4-ish text."""
    doc = McDocument.from_text(text)
    _ = doc.model.statements
    for _ in range(data.draw(st.integers(0, 5))):
        n = len(doc.text)
        start = data.draw(st.integers(0, n))
        end = data.draw(st.integers(start, min(n, start + 40)))
        new = data.draw(
            st.one_of(
                st.sampled_from(LINES).map(lambda s: s + "\n"),
                st.lists(st.sampled_from(M4_PIECES), max_size=5).map("".join),
            )
        )
        doc.apply([Replacement(start, end, new)])
        _check(doc)


@given(text=mc_text, data=st.data())
def test_records_moved_by_several_edits_before_they_are_read(
    text: str, data: st.DataObject
) -> None:
    """Edits in a row with only lookups between them (no view reads every record): the
    moves of one edit pile on those of the edits before; the records must still come out
    right, at every step and at the end."""
    doc = McDocument.from_text(text)
    _ = doc.model.defines
    for _ in range(data.draw(st.integers(1, 6))):
        if data.draw(st.booleans()):
            try:
                data.draw(st.sampled_from(EDITS))(doc)
            except (EditError, IndexError, ValueError):
                continue
        else:
            n = len(doc.text)
            start = data.draw(st.integers(0, n))
            end = data.draw(st.integers(start, min(n, start + 30)))
            doc.apply([Replacement(start, end, data.draw(st.sampled_from(LINES)) + "\n")])
        _check_lookups(doc)
    _check(doc)


def test_an_edit_keeps_the_records_before_it() -> None:
    lines = [f"define(`confX{i}', `{i}')dnl" for i in range(50)] + ["MAILER(`smtp')dnl"]
    doc = McDocument.from_text("\n".join(lines) + "\n")
    before = doc.model.statements
    assert doc.set_define("confX40", "new")
    after = doc.model.statements
    assert all(
        a is b for a, b in zip(before[:40], after[:40], strict=True)
    )  # the very same records
    assert after[40] is not before[40] and after[40].values == ("confX40", "new")
    _check(doc)
    length = len(doc.text)
    assert doc.set_define("confX0", "first, moved")  # the rest shifted by the new length
    assert doc.model.statements[1].start == before[1].start + len(doc.text) - length
    _check(doc)


def test_a_new_diversion_walks_what_follows_again() -> None:
    doc = McDocument.from_text("divert(-1)dnl\ndefine(`A', `1')dnl\nMAILER(`smtp')dnl\n")
    _ = doc.model.statements
    doc.apply([Replacement(0, 10, "divert(0)")])
    assert [s.diversion for s in doc.model.statements] == [0, 0, 0]
    _check(doc)


def test_the_linter_walk_also_serves_the_next_edit() -> None:
    doc = McDocument.from_text("define(`A', `1')dnl\ndefine(`B', `2')dnl\nMAILER(`smtp')dnl\n")
    _ = doc.model.quote_problems  # the full walk (findings) finds the statements too
    first = doc.model.statements[0]
    assert doc.set_define("B", "3")
    assert doc.model.statements[0] is first
    _check(doc)


def test_unread_models_are_not_kept_for_reuse() -> None:
    doc = McDocument.from_text("define(`A', `1')dnl\nMAILER(`smtp')dnl\n")
    doc.apply([Replacement(0, 0, "dnl x\n")])  # no view read before: nothing to reuse
    doc.apply([Replacement(0, 0, "dnl y\n")])
    assert doc.model._previous is None  # no chain of old models held
    _check(doc)


def test_the_style_is_kept_across_edits_after_what_it_reads() -> None:
    lines = [f"define(`confX{i}',`value {i}')" for i in range(1200)] + ["MAILER(`smtp')"]
    doc = McDocument.from_text("\n".join(lines) + "\n")
    style = mc_edit._style(doc)
    assert style == mc_edit.style_of(doc.text, doc.model) and not style.dnl
    assert doc.text.index("confX1190") > 20000  # after what style_of reads
    assert doc.set_define("confX1190", "new")
    assert mc_edit._style(doc) is style
    assert doc.set_define("confX1", "new")  # among them: worked out again
    again = mc_edit._style(doc)
    assert again is not style and again == mc_edit.style_of(doc.text, doc.model)


def test_old_texts_are_not_kept_forever() -> None:
    """A kept record holds the text it was made in: after many edits the records are made
    again in the current text, so only a few old texts stay alive."""
    lines = [f"define(`confX{i}', `{i}')dnl" for i in range(200)] + ["MAILER(`smtp')dnl"]
    doc = McDocument.from_text("\n".join(lines) + "\n")
    _ = doc.model.defines
    for k in range(100):
        assert doc.set_define(f"confX{(k * 7) % 200}", f"edit {k}")
        texts = {id(c.source) for c in doc.model._s().records._base}
        assert len(texts) <= 33  # the texts of at most the last 32 edits, and the current one
    _check(doc)


@given(text=mc_text, data=st.data())
def test_the_lookups_are_what_their_definition_says(text: str, data: st.DataObject) -> None:
    """``top_statements`` and ``top_ends`` against a filter over every statement."""
    doc = McDocument.from_text(text)
    _ = doc.model.defines
    for edit in data.draw(st.lists(st.sampled_from(EDITS), max_size=3)):
        try:
            edit(doc)
        except (EditError, IndexError, ValueError):
            continue
    model = doc.model
    names = data.draw(st.sets(st.sampled_from(["define", "FEATURE", "MAILER", "OSTYPE", "x"])))
    limit = data.draw(st.sampled_from([-1, 1, 2, 3]))
    found = model.top_statements(names or None, limit)
    every = [
        s
        for s in analyze(doc.text).statements
        if s.closed and not (s.bare or s.nested or s.in_hash_comment) and s.section is None
    ]
    top = [s for s in every if not names or s.name in names]
    assert found == (top if limit < 0 else top[:limit])
    assert model.top_statements(names or None, limit, last=True) == (
        top if limit < 0 else top[len(top) - limit :] if limit <= len(top) else top
    )
    assert [(s.name, end) for s, end in model.top_ends(3)] == [(s.name, s.end) for s in every[:3]]
