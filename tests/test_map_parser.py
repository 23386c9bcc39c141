"""The map syntax tree: lossless for any input, and the fast path equals the Lark grammar."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg import _source
from sendmailcfg.syntax.map_nodes import (
    BLANK,
    MapBlank,
    MapComment,
    MapEntry,
    MapErrorLine,
    MapSyntax,
)
from sendmailcfg.syntax.map_parser import (
    entry_keys,
    line_starts,
    parse_map_line,
    parse_map_lines,
    parse_map_lines_lark,
    split_lines,
)
from tests.strategies import any_text, map_ish_text, map_sources, syntaxes


def _join(nodes: list) -> str:  # type: ignore[type-arg]
    return "".join(n.text for n in nodes)


@given(any_text | map_ish_text | map_sources(), syntaxes)
def test_fast_path_equals_lark_grammar(text: str, syntax: MapSyntax) -> None:
    assert parse_map_lines(text, syntax) == parse_map_lines_lark(text, syntax)


@given(any_text | map_ish_text | map_sources(), syntaxes)
def test_every_byte_round_trips(text: str, syntax: MapSyntax) -> None:
    assert _join(parse_map_lines(text, syntax)) == text
    assert _join(parse_map_lines_lark(text, syntax)) == text


@given(any_text | map_ish_text | map_sources(), syntaxes)
def test_the_one_splitter_gives_the_nodes_of_the_parser(text: str, syntax: MapSyntax) -> None:
    assert [parse_map_line(line, syntax) for line in split_lines(text)] == parse_map_lines(
        text, syntax
    )


@given(any_text | map_ish_text | map_sources())
def test_line_starts_cut_the_text_into_its_lines(text: str) -> None:
    starts = line_starts(text)
    assert starts[0] == 0 and starts[-1] == len(text)
    assert [text[a:b] for a, b in itertools.pairwise(starts)] == split_lines(text)


@given(any_text | map_ish_text | map_sources(), syntaxes)
def test_entry_keys_are_the_keys_of_the_entry_nodes(text: str, syntax: MapSyntax) -> None:
    lines = len(line_starts(text)) - 1
    keys = entry_keys(text, syntax, lines)
    nodes = parse_map_lines(text, syntax)
    if keys is None:  # the fast scan declines: -t, -e, NUL bytes
        assert syntax.delimiter is not None or syntax.allow_empty or "\x00" in text
        return
    assert keys is not None and len(keys) == len(nodes)
    for key, node in zip(keys, nodes, strict=True):
        if isinstance(node, MapErrorLine) and node.code == "too-long":
            continue  # the document checks lines that long one by one (makemap counts bytes)
        assert key == (node.key if isinstance(node, MapEntry) else "")


@given(st.text(st.sampled_from("ab \t#"), max_size=30), st.integers(1000, 1100))
def test_entry_keys_of_long_lines(head: str, width: int) -> None:
    text = "k " + "x" * width + "\n" + head + "\n"
    keys = entry_keys(text, MapSyntax(), 2)
    nodes = parse_map_lines(text)
    assert keys is not None and keys[1] == (nodes[1].key if isinstance(nodes[1], MapEntry) else "")


def test_one_line_needs_one_character() -> None:
    with pytest.raises(ValueError, match="at least one character"):
        parse_map_line("")


@given(st.binary(max_size=300))
def test_arbitrary_bytes_round_trip(data: bytes) -> None:
    text = _source.decode(data)
    assert _source.encode(_join(parse_map_lines(text))) == data


@given(any_text | map_ish_text)
def test_one_node_per_line(text: str) -> None:
    nodes = parse_map_lines(text)
    assert len(nodes) == len(split_lines(text))
    assert all(n.text.count("\n") <= 1 and (n.text.endswith("\n") or n is nodes[-1]) for n in nodes)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("\n", BLANK),
        ("# comment\n", MapComment("# comment\n")),
        ("#\n", MapComment("#\n")),
        ("a b\n", MapEntry("a b\n", 1, 2)),
        ("key\t\tvalue with  spaces  \n", MapEntry("key\t\tvalue with  spaces  \n", 3, 5)),
        ("crlf val\r\n", MapEntry("crlf val\r\n", 4, 5)),
        ("a b # not a comment", MapEntry("a b # not a comment", 1, 2)),
        (" lead x\n", MapErrorLine(" lead x\n", "leading-space", 1)),
        ("\tlead x\n", MapErrorLine("\tlead x\n", "leading-space", 1)),
        ("   \n", MapErrorLine("   \n", "leading-space", 1)),
        ("  # indented comment\n", MapErrorLine("  # indented comment\n", "leading-space", 1)),
        ("key\n", MapErrorLine("key\n", "no-rhs", 4)),
        ("key  \n", MapErrorLine("key  \n", "no-rhs", 4)),
        ("key\r\n", MapErrorLine("key\r\n", "no-rhs", 4)),
        ("a\x00b c\n", MapErrorLine("a\x00b c\n", "nul-byte", 2)),
        ("a\\\n", MapErrorLine("a\\\n", "no-rhs", 3)),
    ],
)
def test_line_classification_follows_makemap(line: str, expected: object) -> None:
    assert parse_map_lines(line) == [expected]
    assert parse_map_lines_lark(line) == [expected]


def test_line_length_limit_is_1022_bytes() -> None:
    ok = "k " + "v" * 1020 + "\n"
    assert isinstance(parse_map_lines(ok)[0], MapEntry)
    long = "k " + "v" * 1021 + "\n"
    node = parse_map_lines(long)[0]
    assert isinstance(node, MapErrorLine) and node.code == "too-long" and node.column == 1023
    # bytes, not characters: 511 two-byte characters + "k " is 1024 bytes
    wide = "k " + "\u00e9" * 511 + "\n"
    assert isinstance(parse_map_lines(wide)[0], MapErrorLine)


def test_delimiter_and_comment_flags() -> None:
    syntax = MapSyntax(comment=";", delimiter=":")
    nodes = parse_map_lines("a:b c\n x:y\n;c\n#k:v\n::z\n", syntax)
    assert [type(n) for n in nodes] == [MapEntry, MapEntry, MapComment, MapEntry, MapEntry]
    assert [(n.key, n.value) for n in nodes if isinstance(n, MapEntry)] == [
        ("a", "b c"),
        (" x", "y"),
        ("#k", "v"),
        ("", "z"),
    ]


def test_allow_empty_values() -> None:
    node = parse_map_lines("key\n", MapSyntax(allow_empty=True))[0]
    assert isinstance(node, MapEntry) and node.value == "" and node.key == "key"


def test_blank_lines_are_nodes() -> None:
    nodes = parse_map_lines("a b\n\n\nc d")
    assert [type(n) for n in nodes] == [MapEntry, MapBlank, MapBlank, MapEntry]
    assert nodes[-1].newline == ""


def test_no_rhs_message_names_the_key_as_makemap_does() -> None:
    # U+00A0 is not white space to makemap (isspace on ASCII only): it stays in the key
    [node] = parse_map_lines("a\u00a0b \n")
    assert isinstance(node, MapErrorLine) and node.message == "no RHS for LHS a\u00a0b"
    [delimited] = parse_map_lines("k x:\n", MapSyntax(delimiter=":"))
    assert isinstance(delimited, MapErrorLine) and delimited.message == "no RHS for LHS k x"


@given(any_text | map_ish_text | map_sources(), syntaxes)
def test_repeated_keys_are_the_keys_entry_keys_repeats(text: str, syntax: MapSyntax) -> None:
    from sendmailcfg.syntax.map_parser import repeated_keys

    lines = len(line_starts(text)) - 1
    keys = entry_keys(text, syntax, lines)
    found = repeated_keys(text, syntax, lines)
    if keys is None:
        assert found is None
        return
    by_key: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        if k:
            by_key.setdefault(k, []).append(i)
    assert found == {k: ids for k, ids in by_key.items() if len(ids) > 1}
