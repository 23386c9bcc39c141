"""Edits splice tree nodes: the result is the tree a fresh parse builds, and edits are local."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg import EditError
from sendmailcfg.mc import McDocument
from sendmailcfg.mc.splice import splice
from sendmailcfg.syntax.mc_nodes import McItem, walk
from sendmailcfg.syntax.mc_parser import parse_mc_tree
from sendmailcfg.textdiff import Edit
from tests.test_mc_syntax import m4_ish

pieces = st.sampled_from(
    [
        "`",
        "'",
        "(",
        ")",
        ",",
        "#",
        "\n",
        "\r\n",
        "dnl",
        "dnl ",
        "define",
        "a",
        " ",
        "x(",
        "FEATURE(`a')",
    ]
)
snippets = st.lists(pieces, max_size=6).map("".join)


def _shape(items: tuple[McItem, ...]) -> list[tuple[int, str, str]]:
    """Every node of the tree (type, offset, text): a deep comparison."""
    out = []
    pos = 0
    for item in items:
        for off, node in walk(item):
            out.append((pos + off, type(node).__name__, node.text))
        pos += item.length
    return out


@given(text=st.one_of(m4_ish, snippets), data=st.data())
def test_splice_builds_the_tree_a_fresh_parse_builds(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    new = data.draw(snippets)
    tree = parse_mc_tree(text)
    got = splice(tree, [Edit(start, end, new)])
    expected = parse_mc_tree(text[:start] + new + text[end:])
    assert got.text == expected.text
    assert _shape(got.items) == _shape(expected.items)


def test_untouched_nodes_are_the_same_objects() -> None:
    text = "".join(f"define(`confX{i}', `{i}')dnl\n" for i in range(200)) + "MAILER(smtp)\n"
    doc = McDocument.from_text(text)
    before = doc.tree.items
    assert doc.set_define("confX100", "new")
    after = doc.tree.items
    assert len(after) == len(before)
    same = sum(a is b for a, b in zip(before, after, strict=True))
    assert same >= len(before) - 3


def test_overlapping_replacements_are_refused() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        splice(parse_mc_tree("abc"), [Edit(0, 2, ""), Edit(1, 3, "")])


names = st.sampled_from(["SMART_HOST", "confCW_FILE", "confNEW_THING", "MAIL_HUB"])
values = st.text(st.sampled_from("abcXYZ019.-_:[]/ @,()#`'"), min_size=1, max_size=20)


@given(name=names, value=values)
def test_set_define_is_local_and_idempotent(name: str, value: str) -> None:
    text = (
        "divert(-1)\n# LOCAL_CONFIG and MAILER are mentioned here\ndivert(0)dnl\n"
        "OSTYPE(`linux')dnl\ndefine(`confCW_FILE', `-o /etc/mail/x')dnl\n"
        "FEATURE(`access_db')dnl\nMAILER(`smtp')dnl\nLOCAL_CONFIG\nKx hash /x\n"
    )
    doc = McDocument.from_text(text)
    try:
        changed = doc.set_define(name, value)
    except EditError:
        assert doc.text == text
        return
    assert changed and doc.defines[name] == value
    # only one line is new or different, and every other line is where it was
    old, new = text.splitlines(), doc.text.splitlines()
    assert len(new) - len(old) in (0, 1)
    assert [x for x in new if x not in old] != [] and len([x for x in new if x not in old]) == 1
    assert [x for x in old if x in new] == [x for x in new if x in old]
    assert doc.set_define(name, value) is False
    assert doc.tree.text == doc.text
    assert _shape(doc.tree.items) == _shape(parse_mc_tree(doc.text).items)


@given(value=st.sampled_from(["a.example", "b.example", "dnl.example"]))
def test_add_remove_class_value_round_trips(value: str) -> None:
    text = "OSTYPE(`linux')dnl\nLOCAL_DOMAIN(`x.example')dnl\nMAILER(`smtp')dnl\n"
    doc = McDocument.from_text(text)
    assert doc.add_class_value("LOCAL_DOMAIN", value)
    assert doc.add_class_value("LOCAL_DOMAIN", value) is False
    assert doc.remove_class_value("LOCAL_DOMAIN", value)
    assert doc.text == text
