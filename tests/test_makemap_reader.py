"""The byte-level makemap reader, against hand-checked cases and against the real makemap."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.maps.makemap_reader import (
    ReaderOptions,
    format_message,
    iter_chunks,
    put_unique,
    read_source,
)
from tests.oracle import Oracle


def dump_lines(pairs: list[tuple[bytes, bytes]], sep: bytes = b"\t") -> list[bytes]:
    """``makemap -u`` output lines for these pairs (``%.*s`` stops at a NUL), sorted."""
    return sorted(k.split(b"\0", 1)[0] + sep + v.split(b"\0", 1)[0] + b"\n" for k, v in pairs)


# -- hand-checked cases (from observed-semantics.md §1) ---------------------------------------


@pytest.mark.parametrize(
    ("source", "flags", "pairs", "errors"),
    [
        (b"Foo.Example.COM\tVALUE One", [], [(b"foo.example.com", b"VALUE One")], []),
        (b"Foo.Example.COM\tVALUE One", ["-f"], [(b"Foo.Example.COM", b"VALUE One")], []),
        (b"k v1\nK v2", [], [(b"k", b"v1")], [(2, "key k: duplicate key")]),
        (b"k v1\nk v2", ["-r"], [(b"k", b"v2")], []),
        (b"k v1\nk v2", ["-d"], [(b"k", b"v1"), (b"k", b"v2")], []),
        (b"key \n", [], [], [(1, "no RHS for LHS key")]),
        (b"key", ["-e"], [(b"key", b"")], []),
        (
            b" lead x\n\tlead2 y\n   \n",
            [],
            [],
            [(n, "syntax error (leading space)") for n in (1, 2, 3)],
        ),
        (b"\n#c\na b # not a comment\n", [], [(b"a", b"b # not a comment")], []),
        (b"a   \t  spaced   value  \n", [], [(b"a", b"spaced   value  ")], []),
        (b"crlf val\r\n", [], [(b"crlf", b"val\r")], []),
        (b"a:b c\nx y:z", ["-t", ":"], [(b"a", b"b c"), (b"x y", b"z")], []),
        (b"a\tb", ["-t", " "], [], [(1, "no RHS for LHS a\tb")]),
        (b"a  b", ["-t", " "], [(b"a", b"b")], []),
        (b"a b\n;c d\n#e f", ["-D;"], [(b"a", b"b"), (b"#e", b"f")], []),
        (b"a b", ["-t", ""], [(b"a", b"b")], []),
        (b"A:b::c d\n e:f\n", ["-t:"], [(b"a", b"b::c d"), (b" e", b"f")], []),
        (b"a\\\nb c", [], [(b"b", b"c")], [(1, "no RHS for LHS a\\")]),
        (b"a\0b c\n", [], [], [(1, "line too long (1024 bytes max)")]),
        (b"a b\nx\0y", [], [(b"a", b"b")], [(2, "no RHS for LHS x")]),
        (b"a b", ["-N"], [(b"a\0", b"b\0")], []),
        (b"", [], [], []),
    ],
)
def test_known_cases(
    source: bytes, flags: list[str], pairs: list[tuple[bytes, bytes]], errors: list[tuple[int, str]]
) -> None:
    result = read_source(source, ReaderOptions.from_flags(flags))
    assert result.pairs == pairs
    assert result.errors == errors
    assert result.status == (65 if errors else 0)


def test_long_lines_are_read_in_fgets_chunks() -> None:
    # 5000 K's + " v": four 1023-byte chunks fail, the rest (908 K's + " v") is a line.
    result = read_source(b"K" * 5000 + b" v\n")
    assert result.errors == [(n, "line too long (1024 bytes max)") for n in range(1, 5)]
    assert result.pairs == [(b"k" * (5000 - 4 * 1023), b"v")]


@pytest.mark.parametrize(
    ("source", "chunks"),
    [
        (b"x" * 1022 + b"\n", [1022]),
        (b"x" * 1023 + b"\n", [None, 0]),
        (b"x" * 1022, [1022]),  # last line: EOF is reached inside the chunk
        (b"x" * 1023, [None]),  # 1023 bytes fill the buffer: EOF not yet seen
        (b"x" * 1024, [None, 1]),
        (b"x" * 2046, [None, None]),
        (b"x" * 2047 + b"\n", [None, None, 1]),
    ],
)
def test_chunk_boundaries(source: bytes, chunks: list[int | None]) -> None:
    got = [None if c is None else len(c) for _, c in iter_chunks(source)]
    assert got == chunks


def test_format_message() -> None:
    assert format_message("m", 2, "x") == "makemap: m: line 2: x"


def test_options_validate_single_bytes() -> None:
    with pytest.raises(ValueError):
        ReaderOptions(comment=b"ab")
    with pytest.raises(ValueError):
        ReaderOptions(delimiter=b"")
    assert ReaderOptions.from_flags(["-D", ""]).comment is None
    assert ReaderOptions.from_flags(["-rd"]).duplicates == "all"
    assert ReaderOptions.from_flags(["-t", "ab"]).delimiter == b"a"


# -- differential: the real makemap ----------------------------------------------------------

_BYTES = [b"a", b"B", b"z", b"0", b".", b":", b";", b"#", b"=", b" ", b" ", b"\t", b"\r"]
_BYTES += [b"\x0b", b"\x0c", b"\0", b"\xff", b"\xc3\xa9", b"\xc4", b"%1", b"-"]
_token = st.sampled_from(_BYTES)
_word = st.lists(
    st.sampled_from([b"a", b"B", b"x", b"Q", b"1", b".", b"\xc3\x84"]), min_size=1, max_size=4
).map(b"".join)


@st.composite
def _line(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["entry"] * 5 + ["random", "long", "lead", "comment", "blank"]))
    if kind == "entry":
        sep = draw(st.sampled_from([b" ", b"\t", b"  ", b":", b"::", b" \t", b";"]))
        value = b"".join(draw(st.lists(_token, max_size=6)))
        return draw(_word) + sep + value
    if kind == "random":
        return b"".join(draw(st.lists(_token, max_size=10)))
    if kind == "long":
        size = draw(st.sampled_from([1020, 1021, 1022, 1023, 1024, 1025, 2045, 2046, 2047, 3100]))
        fill = draw(st.sampled_from([b"k", b"K", b"k v", b"a\tb "]))
        body = (fill * size)[:size]
        if draw(st.booleans()):
            cut = draw(st.integers(0, size - 1))
            body = body[:cut] + draw(st.sampled_from([b" ", b"\0", b":", b"\t"])) + body[cut + 1 :]
        return body
    if kind == "lead":
        return draw(st.sampled_from([b" ", b"\t", b"\r", b"\x0c"])) + draw(_word) + b" v"
    if kind == "comment":
        return draw(st.sampled_from([b"#", b";", b"%"])) + draw(_word) + b" c"
    return b""


@st.composite
def _source(draw: st.DrawFn) -> bytes:
    lines: list[bytes] = draw(st.lists(_line(), max_size=8))
    data = b"\n".join(lines)
    final_newline: bool = draw(st.booleans())
    if lines and final_newline:
        data += b"\n"
    return data


_flags = st.builds(
    lambda *parts: [f for group in parts for f in group],
    st.sampled_from([[], [], ["-D;"], ["-D", "%"], ["-D", ""]]),
    st.sampled_from([[], [], ["-t:"], ["-t", " "], ["-t", "\t"], ["-t", ";"]]),
    st.sampled_from([[], ["-e"]]),
    st.sampled_from([[], ["-f"]]),
    st.sampled_from([[], ["-N"]]),
    st.sampled_from([[], [], ["-r"], ["-d"], ["-rd"]]),
)


@given(source=_source(), flags=_flags)
def test_put_unique_matches_read_source(source: bytes, flags: list[str]) -> None:
    """The one-loop reader of the pure backend (no ``-t``, no ``-d``) stores and says the same."""
    options = ReaderOptions.from_flags(flags)
    if options.delimiter is not None:
        with pytest.raises(ValueError):
            put_unique({}, source, options, [])
        return
    if options.duplicates == "all":
        return
    expected = read_source(source, options)
    table: dict[bytes, bytes] = {}
    errors: list[tuple[int, str]] = []
    tried: list[tuple[bytes, bytes]] = []
    written = put_unique(table, source, options, errors, lambda k, v: tried.append((k, v)))
    assert list(table.items()) == expected.pairs
    assert errors == expected.errors
    repeated = sum(1 for _, message in errors if message.endswith(": duplicate key"))
    assert written == len(tried) - repeated


def _compare(oracle: Oracle, folder: Path, source: bytes, flags: list[str], maptype: str) -> None:
    mapname = folder / "m"
    status, msgs = oracle.makemap(flags, maptype, mapname, source)
    real = sorted(line + b"\n" for line in oracle.dump(maptype, mapname).split(b"\n")[:-1])
    ours = read_source(source, ReaderOptions.from_flags(flags))
    assert dump_lines(ours.pairs) == real, (source, flags)
    expected = [m.encode("utf-8", "surrogateescape") for m in ours.messages(str(mapname))]
    assert msgs.encode("latin-1").split(b"\n")[:-1] == expected, (source, flags)
    assert status == ours.status


@pytest.mark.oracle
@given(source=_source(), flags=_flags)
def test_reader_matches_real_makemap(
    oracle: Oracle, tmp_path_factory: pytest.TempPathFactory, source: bytes, flags: list[str]
) -> None:
    _compare(oracle, tmp_path_factory.mktemp("mm"), source, flags, "hash")


@pytest.mark.oracle
@pytest.mark.parametrize("maptype", ["hash", "btree"])
@pytest.mark.parametrize(
    "source",
    [
        b"K" * 5000 + b" v\n",
        b"x" * 1023,
        b"x" * 1022,
        b"a b\nx\0y",
        b"a\0b c\nd e",
        b"k v1\nK v2\nk v3\n",
        b"\xc3\x84 \xc3\x9c\nA\xc4 B\n",
        b":v\n",
    ],
)
@pytest.mark.parametrize("flags", [[], ["-t:"], ["-d"], ["-r", "-N"]])
def test_edge_cases_match_real_makemap(
    oracle: Oracle, oracle_dir: Path, source: bytes, flags: list[str], maptype: str
) -> None:
    _compare(oracle, oracle_dir, source, flags, maptype)
