"""Issue 26 item 7: ``set()`` on an entry of a ``-e`` map that has no value.

Found by fuzzing: ``KEY\\n`` set to a value gave ``KEYVALUE`` (key and value run
together) and ``set()`` returned True, for every kind.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sendmailcfg
from sendmailcfg import EditError
from sendmailcfg.maps.document import MapDocument
from sendmailcfg.syntax.map_nodes import MapSyntax
from tests.strategies import keys, map_sources, newlines, values

KINDS = ("map", "mailertable", "access", "virtusertable", "genericstable", "domaintable")
EMPTY_OK = MapSyntax(allow_empty=True)


@pytest.mark.parametrize("kind", KINDS)
def test_value_given_to_an_empty_entry_is_separated(kind: str) -> None:
    doc = sendmailcfg.loads("a\nb\tx\n", kind, syntax=EMPTY_OK)
    assert isinstance(doc, MapDocument)
    assert doc.set("a", "yy")
    assert doc.text == "a\tyy\nb\tx\n"
    assert doc.stored_pairs() == [("a", "yy"), ("b", "x")]


def test_crlf_empty_entry_keeps_its_cr() -> None:
    doc = sendmailcfg.loads("a\r\nb x\r\n", "map", syntax=EMPTY_OK)
    assert doc.set("a", "yy")
    assert doc.text == "a yy\r\nb x\r\n"
    assert doc.set("a", "")
    assert doc.text == "a\r\nb x\r\n"
    assert not doc.set("a", "")


@given(
    source=map_sources(),
    key=keys,
    value=st.one_of(st.just(""), values),
    later=values,
    nl=newlines,
    kind=st.sampled_from(KINDS),
)
def test_set_reads_back_after_an_empty_entry(
    source: str, key: str, value: str, later: str, nl: str, kind: str
) -> None:
    """Whatever a ``-e`` map holds, ``set`` then makemap's reading gives the value set."""
    text = source + ("" if not source or source.endswith("\n") else "\n") + key + nl
    doc = sendmailcfg.loads(text, kind, syntax=EMPTY_OK, duplicates="last")
    assert isinstance(doc, MapDocument)
    for v in (value, later, ""):
        try:
            doc.set(key, v)
        except EditError:
            continue
        folded = key.lower() if doc.fold_keys else key
        stored = dict(doc.stored_pairs())
        assert stored[folded].removesuffix("\r") == v.removesuffix("\r"), doc.text
