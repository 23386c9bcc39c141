"""The one visitor: every node once, in source order, with the right context."""

from __future__ import annotations

from collections.abc import Callable

from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg import EditError
from sendmailcfg.mc import McDocument, McModel, analyze
from sendmailcfg.mc.visit import Context, McVisitor
from sendmailcfg.syntax.mc_nodes import (
    McArg,
    McCall,
    McDnl,
    McHashComment,
    McParen,
    McQuoted,
    McToken,
    McTree,
    walk,
)
from sendmailcfg.syntax.mc_parser import parse_mc_tree
from tests.test_mc_syntax import m4_ish


class Recorder(McVisitor):
    """Everything the hooks see, as (offset, type, text, context)."""

    def __init__(self) -> None:
        self.seen: list[tuple[int, str, str, Context]] = []

    def _add(self, node: object, offset: int, ctx: Context) -> None:
        self.seen.append((offset, type(node).__name__, node.text, ctx))  # type: ignore[attr-defined]

    def call(self, node: McCall, offset: int, ctx: Context) -> bool:
        self._add(node, offset, ctx)
        return True

    def arg(self, node: McArg, offset: int, ctx: Context, index: int) -> None:
        self._add(node, offset, ctx)

    def token(self, node: McToken, offset: int, ctx: Context) -> None:
        self._add(node, offset, ctx)

    def quoted(self, node: McQuoted, offset: int, ctx: Context) -> None:
        self._add(node, offset, ctx)

    def dnl(self, node: McDnl, offset: int, ctx: Context) -> bool:
        self._add(node, offset, ctx)
        return True

    def hash_comment(self, node: McHashComment, offset: int, ctx: Context) -> bool:
        self._add(node, offset, ctx)
        return True


@given(text=m4_ish)
def test_every_node_once_in_source_order(text: str) -> None:
    tree = parse_mc_tree(text)
    rec = Recorder()
    rec.walk(tree)
    expected: list[tuple[int, str, str]] = []
    for off, n in walk(tree):
        if isinstance(n, (McTree, McParen)):
            continue
        if isinstance(n, McCall) and expected and expected[-1][:2] == (off, "McDnl"):
            continue  # dnl(...)'s own call: the dnl hook stands for it
        expected.append((off, type(n).__name__, n.text))
    assert [(o, t, x) for o, t, x, _ in rec.seen] == expected
    for offset, _, node_text, _ in rec.seen:
        assert text[offset : offset + len(node_text)] == node_text


def test_contexts() -> None:
    text = "define(`X', eval(1))\n# FEATURE(`y', z(2))\ndnl(a(b)) rest\n"
    rec = Recorder()
    rec.walk(parse_mc_tree(text))
    calls = {x: c for _, t, x, c in rec.seen if t == "McCall"}
    assert calls["define(`X', eval(1))"] == Context()
    assert calls["eval(1)"] == Context(nested=True)
    assert calls["FEATURE(`y', z(2))"] == Context(in_hash=True)
    assert calls["z(2)"] == Context(in_hash=True, nested=True)
    assert calls["a(b)"] == Context(nested=True, in_dnl=True)


def test_skipping_a_call_skips_its_arguments() -> None:
    class Top(Recorder):
        def call(self, node: McCall, offset: int, ctx: Context) -> bool:
            self._add(node, offset, ctx)
            return False

    rec = Top()
    rec.walk(parse_mc_tree("a(b(c))d(e)\n"))
    assert [x for _, t, x, _ in rec.seen if t == "McCall"] == ["a(b(c))", "d(e)"]


def test_deep_nesting_needs_no_recursion() -> None:
    text = "f(" * 5000 + ")" * 5000
    rec = Recorder()
    rec.walk(parse_mc_tree(text))
    assert sum(1 for _, t, _, _ in rec.seen if t == "McCall") == 5000


EDITS: list[Callable[[McDocument], bool]] = [
    lambda d: d.set_define("SMART_HOST", "relay.dnl.example"),
    lambda d: d.add_feature("mailertable", "hash /etc/mail/mt"),
    lambda d: d.add_feature("dnsbl", "bl.example"),
    lambda d: d.add_mailer("procmail"),
    lambda d: d.add_class_value("LOCAL_DOMAIN", "a.example"),
    lambda d: d.set_masquerade_as("m.example"),
    lambda d: d.set_daemon_options("MTA", "Port=smtp, Name=MTA"),
    lambda d: d.undefine("confX"),
]


@given(text=m4_ish)
def test_any_edit_on_any_text_is_exact_or_refused(text: str) -> None:
    """Each edit either raises EditError and leaves the text alone, or changes it so that
    the tree is the one a fresh parse builds, and repeating it changes nothing."""
    for edit in EDITS:
        doc = McDocument.from_text(text)
        try:
            changed = edit(doc)
        except EditError:
            assert doc.text == text
            continue
        assert changed or doc.text == text
        fresh = parse_mc_tree(doc.text)
        assert [(o, type(n).__name__, n.text) for o, n in walk(doc.tree)] == [
            (o, type(n).__name__, n.text) for o, n in walk(fresh)
        ]
        assert edit(doc) is False


def _positions(m: McModel) -> list[tuple[int, int, int, int]]:
    return [(c.line, c.column, a.line, a.column) for c in m.calls for a in c.args] + [
        (c.line, c.column, c.end_line, c.start) for c in (*m.statements, *m.disabled)
    ]


@given(text=m4_ish, data=st.data())
def test_views_after_edits_are_the_views_of_a_fresh_load(text: str, data: st.DataObject) -> None:
    """The views rebuilt from the kept line groups equal those of the edited text loaded anew."""
    doc = McDocument.from_text(text)
    _ = doc.model
    for edit in data.draw(st.lists(st.sampled_from(EDITS), max_size=4)):
        try:
            edit(doc)
        except EditError:
            continue
        fresh = analyze(doc.text)
        assert doc.model == fresh
        assert _positions(doc.model) == _positions(fresh)


def test_views_after_many_edits_of_a_large_file() -> None:
    lines = ["OSTYPE(`linux')dnl", "# LOCAL_CONFIG is mentioned here"]
    for i in range(300):
        lines += [f"define(`confX{i}', `{i}')dnl", f"dnl define(`confY{i}', `x')", f"# {i}"]
    lines += ["MAILER(`smtp')dnl", "LOCAL_CONFIG", "Kx hash /x"]
    doc = McDocument.from_text("\n".join(lines) + "\n")
    _ = doc.model
    for i in range(0, 300, 37):
        assert doc.set_define(f"confX{i}", f"new, {i}")
        assert doc.set_define(f"confY{i}", "enabled")
        assert doc.model == analyze(doc.text)
        assert _positions(doc.model) == _positions(analyze(doc.text))
    assert doc.remove_define("confX0") and doc.model == analyze(doc.text)


@given(text=m4_ish)
def test_the_statements_walk_agrees_with_the_full_walk(text: str) -> None:
    """The views edits read come from a walk that skips arguments; the full walk (for
    the linter's findings) must find the very same statements."""
    statements_first = analyze(text)
    core = (statements_first.statements, statements_first.disabled, statements_first.sections)
    _ = statements_first.quote_problems  # now the full walk runs
    full_first = analyze(text)
    _ = full_first.quote_problems
    assert core == (full_first.statements, full_first.disabled, full_first.sections)
    assert statements_first == full_first
