"""The .mc syntax tree: lossless for any text, node shapes, no recursion limits.

The fast parser (``parse_mc_tree``) and the Lark grammar (``parse_mc_tree_lark``)
must build identical trees: hypothesis compares them on arbitrary and m4-ish text.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
from sendmailcfg.syntax.mc_parser import parse_mc_tree, parse_mc_tree_lark
from tests.strategies import any_text

# Pieces that matter to m4's reader, glued at random: quotes, calls, dnl, #, newlines...
M4_PIECES = [
    "`", "'", "(", ")", ",", "#", "\n", "\r\n", " ", "\t", "dnl", "dnl ", "define", "FEATURE",
    "A", "x", "_y1", "1", "$", "\x00", "\u00e9", "\udce7", "\u2019", "&#96;", '"',
]  # fmt: skip
m4_ish = st.lists(st.sampled_from(M4_PIECES), max_size=60).map("".join)


def check_offsets(text: str, tree: McTree) -> None:
    """Every node's text is exactly the slice of the input at its offset."""
    assert tree.text == text
    assert "".join(i.text for i in tree.items) == text
    for offset, node in walk(tree):
        assert text[offset : offset + len(node.text)] == node.text, (offset, node)


def shape(tree: McTree) -> list[tuple[object, ...]]:
    """Everything about a tree, node by node (node equality only compares text)."""
    return [
        (
            offset,
            type(node).__name__,
            node.text,
            getattr(node, "closed", None),
            getattr(node, "kind", None),
            getattr(node, "name", None),
        )
        for offset, node in walk(tree)
    ]


def check_both(text: str) -> None:
    fast, reference = parse_mc_tree(text), parse_mc_tree_lark(text)
    check_offsets(text, fast)
    check_offsets(text, reference)
    assert shape(fast) == shape(reference)


@given(any_text)
def test_round_trip_arbitrary_text(text: str) -> None:
    check_both(text)


@given(m4_ish)
def test_round_trip_m4_ish_text(text: str) -> None:
    check_both(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "no newline at end",
        "define(`X', `y')\r\ndnl x\r\n",
        "`unterminated\nquote",
        "FOO(a, `b\n",
        "FOO(a, (b, c",
        "dnl(a,\nb) rest\nx",
        "dnl(",
        "dnl(a)",
        "'stray' quotes ‘typographic’ &#96;entity&#39;",
        "# hash `quote\nspanning' lines\n",
        "\x00\udcff\udc8e NUL and undecodable bytes\n",
    ],
)
def test_round_trip_edge_cases(text: str) -> None:
    check_both(text)


def test_deep_nesting_does_not_recurse() -> None:
    n = 5000
    for text in (
        "A(" * n + ")" * n,
        "A(" + "(" * n + ")" * n + ")",
        "`" * n + "'" * n,
        "A(" * n,  # unterminated, deeply
        "`" * n,
    ):
        check_both(text)
        tree = parse_mc_tree(text)
        assert repr(tree) and tree == parse_mc_tree(text)


def test_long_line() -> None:
    text = "define(`X', `" + "a" * 200_000 + "')dnl\n"
    check_both(text)
    tree = parse_mc_tree(text)
    call = tree.items[0]
    assert isinstance(call, McCall) and len(call.args) == 2


def test_call_arguments_keep_their_text() -> None:
    tree = parse_mc_tree("define(`A',\n\t`b, c' (d, e) f )")
    (call,) = tree.items
    assert isinstance(call, McCall)
    assert call.name == "define" and call.closed
    assert [a.text for a in call.args] == ["`A'", "\n\t`b, c' (d, e) f "]
    second = call.args[1]
    assert any(isinstance(i, McParen) for i in second.items)
    assert [type(i) for i in call.args[0].items] == [McQuoted]


def test_name_needs_the_paren_right_after_it() -> None:
    tree = parse_mc_tree("FEATURE (x)")
    assert [type(i) for i in tree.items] == [McToken, McToken, McToken, McToken, McToken]
    assert tree.items[0] == McToken("WORD", "FEATURE")


def test_dnl_takes_the_newline() -> None:
    tree = parse_mc_tree("a dnl comment `x\nb\n")
    dnl = tree.items[2]
    assert isinstance(dnl, McDnl)
    assert dnl.text == "dnl comment `x\n" and dnl.comment == " comment `x"
    assert tree.items[3] == McToken("WORD", "b")


def test_dnl_is_a_whole_word() -> None:
    tree = parse_mc_tree("dnlx 123dnl y\n")
    assert tree.items[0] == McToken("WORD", "dnlx")
    assert tree.items[1] == McToken("TEXT", " 123")
    assert isinstance(tree.items[2], McDnl)  # digits are not part of m4 names


def test_dnl_with_arguments_reads_them_first() -> None:
    tree = parse_mc_tree("dnl(`a,\nb') rest\nnext")
    dnl = tree.items[0]
    assert isinstance(dnl, McDnl) and dnl.call is not None
    assert dnl.rest == " rest\n"
    assert tree.items[1] == McToken("WORD", "next")


def test_hash_line_is_not_a_comment() -> None:
    tree = parse_mc_tree("# FEATURE(`x') and divert(0)\nrest")
    hc = tree.items[0]
    assert isinstance(hc, McHashComment) and hc.closed
    calls = [i for i in hc.items if isinstance(i, McCall)]
    assert [c.name for c in calls] == ["FEATURE", "divert"]
    assert hc.text.endswith("\n")


def test_hash_line_ends_at_dnl() -> None:
    tree = parse_mc_tree("# note dnl gone\nx")
    hc = tree.items[0]
    assert isinstance(hc, McHashComment)
    assert isinstance(hc.items[-1], McDnl)


def test_quote_opened_in_hash_line_spans_lines() -> None:
    tree = parse_mc_tree("# a `quoted\n# don't\nFOO(x)\n")
    hc = tree.items[0]
    assert isinstance(hc, McHashComment)
    quoted = [i for i in hc.items if isinstance(i, McQuoted)]
    assert quoted[0].text == "`quoted\n# don'"


def test_unterminated_constructs() -> None:
    quote = parse_mc_tree("x `a `b' c").items[-1]
    assert isinstance(quote, McQuoted) and not quote.closed and quote.inner == "a `b' c"
    call = parse_mc_tree("FOO(a, (b").items[0]
    assert isinstance(call, McCall) and not call.closed
    assert isinstance(call.args[1].items[-1], McParen)


def test_stray_close_quote_is_a_token() -> None:
    tree = parse_mc_tree("define('X', 'y')")
    call = tree.items[0]
    assert isinstance(call, McCall)
    kinds = [i.kind for i in call.args[0].items if isinstance(i, McToken)]
    assert kinds == ["RQ", "WORD", "RQ"]


def test_nodes_compare_by_text_and_build_from_parts() -> None:
    built = McCall.of("OSTYPE", [McArg.of([McQuoted("`linux'")])])
    parsed = parse_mc_tree("OSTYPE(`linux')").items[0]
    assert built == parsed and hash(built) == hash(parsed)
    assert "OSTYPE" in repr(parsed)
