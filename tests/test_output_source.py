"""makemap source text from documents: clean text that reads back as exactly the pairs."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg import _source
from sendmailcfg.maps import MapDocument
from sendmailcfg.maps.makemap_reader import read_source
from sendmailcfg.output import (
    SourceError,
    makemap_flags,
    source_options,
    source_pairs,
    to_makemap_source,
)
from sendmailcfg.syntax.map_nodes import MapEntry, MapSyntax
from tests.oracle import Oracle
from tests.strategies import map_sources, syntaxes

DOC = "# routes\nExample.COM  smtp:[mx]\n\n  bad line\nexample.com\tother\nb.example x y \n"


def test_policies() -> None:
    doc = MapDocument.from_text(DOC)
    assert to_makemap_source(doc, "first") == "example.com\tsmtp:[mx]\nb.example\tx y \n"
    assert to_makemap_source(doc, "last") == "example.com\tother\nb.example\tx y \n"
    assert to_makemap_source(doc, "all") == (
        "example.com\tsmtp:[mx]\nexample.com\tother\nb.example\tx y \n"
    )
    with pytest.raises(SourceError, match=r"line 5: key 'example.com' repeats line 2"):
        to_makemap_source(doc)
    assert makemap_flags(doc, "all") == ["-d"]


def test_delimiter_and_unfolded_keys() -> None:
    doc = MapDocument.from_text("Key One:v 1\n", syntax=MapSyntax(delimiter=":"), fold_keys=False)
    assert to_makemap_source(doc) == "Key One:v 1\n"
    assert makemap_flags(doc) == ["-t", ":", "-f"]
    assert source_options(doc).fold is False


def test_over_long_line_is_refused() -> None:
    # Parsing and editing never give such a line; a hand-built node can.
    doc = MapDocument([MapEntry("k\t" + "x" * 1021 + "\n", 1, 2)])
    with pytest.raises(SourceError, match="1022"):
        to_makemap_source(doc)
    doc = MapDocument([MapEntry("k\t" + "x" * 1020 + "\n", 1, 2)])
    assert len(to_makemap_source(doc)) == 1 + 1 + 1020 + 1


def _expected(doc: MapDocument, policy: str) -> list[tuple[bytes, bytes]]:
    return [(_source.encode(k), _source.encode(v)) for k, v in source_pairs(doc, policy)]  # type: ignore[arg-type]


@given(text=map_sources(), syntax=syntaxes, policy=st.sampled_from(["first", "last", "all"]))
def test_source_reads_back_as_the_pairs(text: str, syntax: MapSyntax, policy: str) -> None:
    doc = MapDocument.from_text(text, syntax=syntax)
    try:
        out = to_makemap_source(doc, policy)  # type: ignore[arg-type]
    except SourceError:
        return  # a pair makemap cannot express (e.g. a value starting with a separator)
    result = read_source(_source.encode(out), source_options(doc, policy))  # type: ignore[arg-type]
    assert result.errors == []
    assert result.pairs == _expected(doc, policy)
    assert not out or out.endswith("\n")


@pytest.mark.oracle
@given(text=map_sources(), syntax=syntaxes, policy=st.sampled_from(["first", "last", "all"]))
def test_real_makemap_accepts_the_source(
    oracle: Oracle,
    tmp_path_factory: pytest.TempPathFactory,
    text: str,
    syntax: MapSyntax,
    policy: str,
) -> None:
    doc = MapDocument.from_text(text, syntax=syntax)
    try:
        out = to_makemap_source(doc, policy)  # type: ignore[arg-type]
    except SourceError:
        return
    name = Path(tmp_path_factory.mktemp("src")) / "m"
    status, msgs = oracle.makemap(makemap_flags(doc, policy), "hash", name, _source.encode(out))  # type: ignore[arg-type]
    assert (status, msgs) == (0, "")
    dumped = sorted(oracle.dump("hash", name).split(b"\n")[:-1])
    assert dumped == sorted(k + b"\t" + v for k, v in _expected(doc, policy))
