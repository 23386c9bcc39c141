"""MapDocument: a dict-like view that agrees with makemap, and edits that touch one line."""

from __future__ import annotations

import os
import stat
from collections.abc import MutableMapping
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sendmailcfg
from sendmailcfg import EditError, ParseError, UnknownKindError
from sendmailcfg.maps.document import Duplicates, MapDocument
from sendmailcfg.maps.keys import fold
from sendmailcfg.protocol import Document
from sendmailcfg.syntax.map_nodes import WHITESPACE, MapSyntax
from sendmailcfg.syntax.map_parser import parse_map_lines, split_lines
from tests.strategies import keys, map_ish_text, map_sources, values


def _loads(text: str, kind: str, **options: Any) -> MapDocument:
    doc = sendmailcfg.loads(text, kind, **options)
    assert isinstance(doc, MapDocument)
    return doc


def _load(path: str, kind: str | None = None, **options: Any) -> MapDocument:
    doc = sendmailcfg.load(path, kind, **options)
    assert isinstance(doc, MapDocument)
    return doc


ASCII_UPPER = {c: c - 32 for c in range(ord("a"), ord("z") + 1)}
KINDS = ["mailertable", "access", "virtusertable", "genericstable", "domaintable", "map"]


def makemap_model(
    text: str, *, fold_keys: bool = True, duplicates: str = "first"
) -> dict[str, str]:
    """A plain reading of makemap's rules, written independently of the parser."""
    model: dict[str, str] = {}
    for raw in split_lines(text):
        line = raw[:-1] if raw.endswith("\n") else raw
        if (
            not line
            or line[0] == "#"
            or "\x00" in line
            or len(line.encode("utf-8", "surrogateescape")) > 1022
        ):
            continue
        if line[0] in WHITESPACE:
            continue
        i = 0
        while i < len(line) and line[i] not in WHITESPACE:
            i += 1
        key, j = line[:i], i
        while j < len(line) and line[j] in WHITESPACE:
            j += 1
        if j == len(line):
            continue
        k = fold(key) if fold_keys else key
        if k not in model or duplicates == "last":
            model[k] = line[j:]
    return model


@pytest.mark.parametrize("kind", KINDS)
@given(text=map_sources() | map_ish_text)
def test_round_trip_per_kind(kind: str, text: str) -> None:
    assert sendmailcfg.dumps(_loads(text, kind)) == text


@given(map_sources() | map_ish_text, st.booleans(), st.sampled_from(["first", "last"]))
def test_document_agrees_with_a_dict_model(text: str, fold_keys: bool, duplicates: str) -> None:
    doc = _loads(text, "map", fold_keys=fold_keys, duplicates=duplicates)
    model = makemap_model(text, fold_keys=fold_keys, duplicates=duplicates)
    assert dict(doc.items()) == model
    for key, value in model.items():
        assert doc.get(key) == value
        if fold_keys:
            assert doc.get(key.translate(ASCII_UPPER)) == value


@given(map_sources(), keys, values)
def test_set_touches_only_its_own_line(text: str, key: str, value: str) -> None:
    doc = _loads(text, "mailertable")
    before = split_lines(doc.text)
    existed = key in doc
    changed = doc.set(key, value)
    after = split_lines(doc.text)
    if existed:
        assert len(after) == len(before)
        differing = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
        assert len(differing) <= 1 and changed == bool(differing)
    else:
        assert changed and len(after) == len(before) + 1
        # every old line is still there, in order (only the last one may gain a newline)
        inserted = next(
            i
            for i, line in enumerate(after)
            if i >= len(before) or line.rstrip("\n") != before[i].rstrip("\n")
        )
        rest = after[:inserted] + after[inserted + 1 :]
        assert [x.rstrip("\n") for x in rest] == [x.rstrip("\n") for x in before]
    stored = doc.get(key)
    assert stored in (value, value + "\r")
    assert doc.set(key, value) is False  # idempotent
    assert doc.text == _loads(doc.text, "mailertable").text


@given(map_sources(), keys)
def test_remove_deletes_only_that_key(text: str, key: str) -> None:
    doc = _loads(text, "access")
    model = makemap_model(text)
    removed = doc.remove(key)
    assert removed == (fold(key) in model)
    model.pop(fold(key), None)
    assert dict(doc.items()) == model
    assert doc.remove(key) is False


def test_entries_have_positions() -> None:
    doc = _loads(
        "# c\n\ntakaq.jp\tsmtp:takaq.jp\n.takaq.jp   smtp:[mail2.takaq.jp]\n", "mailertable"
    )
    got = [(e.key, e.value, e.line, e.column, e.value_column) for e in doc.entries]
    assert got == [
        ("takaq.jp", "smtp:takaq.jp", 3, 1, 10),
        (".takaq.jp", "smtp:[mail2.takaq.jp]", 4, 1, 13),
    ]


def test_new_entries_follow_the_file_style() -> None:
    doc = _loads("a.example\t\tsmtp:a\nlonger.example\tsmtp:b\n# end\n", "mailertable")
    doc.set("c.example", "smtp:c")
    assert doc.text == "a.example\t\tsmtp:a\nlonger.example\tsmtp:b\nc.example\t\tsmtp:c\n# end\n"
    crlf = _loads("a b\r\nc d\r\n", "map")
    crlf.set("e", "f")
    assert crlf.text == "a b\r\nc d\r\ne f\r\n"
    no_final_newline = _loads("a b", "map")
    no_final_newline.set("c", "d")
    assert no_final_newline.text == "a b\nc d"


def test_set_after_places_the_new_line() -> None:
    doc = _loads("takaq.jp smtp:takaq.jp\nother.jp smtp:x\n", "mailertable")
    doc.set(".takaq.jp", "smtp:[mail2.takaq.jp]", after="takaq.jp")
    assert doc.text.splitlines()[1] == ".takaq.jp smtp:[mail2.takaq.jp]"


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("", "v"),
        ("a b", "v"),
        ("#x", "v"),
        ("k", ""),
        ("k", " v"),
        ("k", "a\nb"),
        ("k\x00", "v"),
        ("k", "v" * 1100),
    ],
)
def test_edits_makemap_would_misread_are_refused(key: str, value: str) -> None:
    doc = _loads("", "map")
    with pytest.raises(EditError):
        doc.set(key, value)
    assert doc.text == ""


def test_duplicates_are_reported_and_first_wins() -> None:
    doc = _loads("k v1\nK v2\n", "map")
    assert doc.get("k") == "v1" and doc.get_all("K") == ["v1", "v2"]
    [d] = doc.diagnostics
    assert (d.line, d.code) == (2, "duplicate-key")
    last = _loads("k v1\nK v2\n", "map", duplicates="last")
    assert last.get("k") == "v2" and last.diagnostics == []


def test_case_sensitive_maps() -> None:
    doc = _loads("A.example smtp:x\n", "mailertable", fold_keys=False)
    assert doc.get("A.example") == "smtp:x" and doc.get("a.example") is None


def test_diagnostics_name_file_line_and_column(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "mailertable")
    with open(path, "wb") as f:
        f.write(b"ok smtp:x\n  bad\nlonely\n")
    doc = _load(path)
    assert sendmailcfg.api.diagnostics_text(doc) == [
        f"{path}:2:1: syntax error (leading space), expected a key in column 1 "
        "(makemap has no indentation or continuation lines)",
        f"{path}:3:7: no RHS for LHS lonely, expected a value after the key (or build with makemap -e)",
    ]
    with pytest.raises(ParseError) as info:
        _load(path, strict=True)
    assert (info.value.line, info.value.column) == (2, 1)
    assert str(info.value).startswith(f"{path}:2:1: syntax error (leading space)")


def test_load_dump_keeps_every_byte_and_the_mode(tmp_path: os.PathLike[str]) -> None:
    raw = (
        "# \u65e5\u672c\u8a9e\u306e\u30b3\u30e1\u30f3\u30c8\r\n".encode("shift_jis")
        + "# caf\u00e9\n".encode("latin-1")
        + "# \u30e1\u30fc\u30eb\n".encode("euc_jp")
        + b"a\tb  \r\nlone\rcr x\n\x00nul\n\nlast value"
    )
    path = os.path.join(tmp_path, "access")
    with open(path, "wb") as f:
        f.write(raw)
    os.chmod(path, 0o640)
    doc = _load(path)
    sendmailcfg.dump(doc)
    with open(path, "rb") as f:
        assert f.read() == raw
    doc.set("new.example", "REJECT")
    sendmailcfg.dump(doc)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640
    with open(path, "rb") as f:
        data = f.read()
    assert data.startswith(raw.rsplit(b"\n", 1)[0])
    assert sorted(os.listdir(tmp_path)) == ["access"]  # no temp file left behind


def test_empty_file(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "mailertable.local")
    open(path, "wb").close()
    doc = _load(path)
    assert doc.text == "" and doc.entries == [] and doc.kind == "mailertable"


def test_kind_is_inferred_or_asked_for(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "routes")
    open(path, "w").close()
    with pytest.raises(UnknownKindError, match="pass kind="):
        _load(path)
    assert _load(path, kind="mailertable").kind == "mailertable"
    with pytest.raises(UnknownKindError):
        _loads("", "aliases")
    assert isinstance(_load(path, kind="map"), MapDocument)


def test_delimited_documents_edit_with_the_delimiter() -> None:
    doc = _loads("a:b c\n", "map", syntax=MapSyntax(delimiter=":"))
    doc.set("x y", "z")
    assert doc.text == "a:b c\nx y:z\n"
    with pytest.raises(EditError):
        doc.set("p:q", "r")


def test_copy_and_diff_preview_an_edit() -> None:
    doc = _loads("takaq.jp smtp:takaq.jp\n", "mailertable")
    trial = doc.copy()
    trial.set(".takaq.jp", "smtp:[mail2.takaq.jp]")
    assert doc.get(".takaq.jp") is None
    assert "+.takaq.jp smtp:[mail2.takaq.jp]" in sendmailcfg.diff(doc, trial)


def test_a_document_is_a_mutable_mapping_of_folded_keys() -> None:
    doc = MapDocument.from_text("# c\nB.example x\na.example y\nb.example dup\n")
    assert isinstance(doc, MutableMapping)
    assert list(doc) == ["b.example", "a.example"] and len(doc) == 2
    assert list(doc.values()) == ["x", "y"]
    assert list(doc.items()) == [("b.example", "x"), ("a.example", "y")]
    assert "A.EXAMPLE" in doc and "c.example" not in doc
    assert doc.__contains__(3) is False
    doc["C.example"] = "z"
    del doc["b.example"]  # every line of the key goes
    with pytest.raises(KeyError):
        del doc["b.example"]
    with pytest.raises(KeyError):
        doc["b.example"]
    assert doc.text == "# c\na.example y\nC.example z\n"
    assert doc.setdefault("a.example", "other") == "y"
    assert doc.pop("a.example") == "y" and dict(doc) == {"c.example": "z"}
    doc.update({"d": "1"}, e="2")
    assert doc.text == "# c\nC.example z\nd 1\ne 2\n"
    assert doc.get("nothing") is None and doc.get("nothing", "-") == "-"
    other = doc.copy()
    assert other is not doc and other != doc and dict(other) == dict(doc)


def test_entries_and_find_all_are_the_lossless_view() -> None:
    doc = MapDocument.from_text("k 1\n#\nK 2\nj 3\n")
    assert [(e.key, e.value, e.line) for e in doc.find_all("k")] == [("k", "1", 1), ("K", "2", 3)]
    assert doc.find_all("nothing") == []
    assert doc.entries() == doc.entries  # the old attribute spelling still works
    assert [e.line for e in doc.entries()] == [1, 3, 4]


def test_a_map_document_follows_the_document_protocol(tmp_path: os.PathLike[str]) -> None:
    path = os.path.join(tmp_path, "mailertable")
    with open(path, "wb") as f:
        f.write(b"takaq.jp smtp:takaq.jp\n")
    doc = MapDocument.load(path)
    assert isinstance(doc, Document)
    assert doc.path == path and not doc.changed and doc.diff() == ""
    doc["takaq.jp"] = "smtp:takaq.jp"  # the same value: nothing changes
    assert not doc.changed
    doc[".takaq.jp"] = "smtp:[mail2.takaq.jp]"
    assert doc.changed and doc.dumps() == doc.text
    assert doc.diff().splitlines()[-1] == "+.takaq.jp smtp:[mail2.takaq.jp]"
    assert doc.diff(doc) == "" and doc.diff(doc.original_text) == doc.diff()
    doc.dump()
    again = MapDocument.load(path)
    assert again.text == doc.text
    copy = doc.copy()
    del copy[".takaq.jp"]
    assert copy.text == "takaq.jp smtp:takaq.jp\n" and ".takaq.jp" in doc
    with pytest.raises(ValueError, match="needs a path"):
        MapDocument.from_text("a b\n").dump()


def test_removing_the_key_a_new_line_was_placed_after() -> None:
    doc = MapDocument.from_text("a 1\nb 2\n")
    doc.set("c", "3", after="a")
    doc.set("d", "4", after="c")
    del doc["a"]
    doc.set("e", "5", after="c")
    assert doc.text == "c 3\ne 5\nd 4\nb 2\n"
    assert [e.line for e in doc.entries()] == [1, 2, 3, 4]
    assert doc.find("b") == MapDocument.from_text(doc.text).find("b")


def test_many_edits_on_a_large_map_agree_with_a_reparse() -> None:
    text = "".join(f"host{i}.example\tsmtp:[mx{i % 7}.example]\n" for i in range(5000))
    doc = MapDocument.from_text(text)
    for i in range(0, 5000, 7):
        doc[f"host{i}.example"] = "smtp:[changed.example]"
    for i in range(3, 5000, 11):
        del doc[f"host{i}.example"]
    for i in range(200):
        doc.set(f"new{i}.example", "smtp:[new.example]", after=f"host{i * 20}.example")
    again = MapDocument.from_text(doc.text)
    assert dict(doc) == dict(again)
    assert list(doc.lines) == list(again.lines)
    assert [doc.lines[i] for i in range(0, len(again.lines), 97)] == again.lines[::97]
    assert doc.entries() == again.entries()


aligned_sources = st.lists(
    st.tuples(keys, st.sampled_from(["\t", "\t\t", " ", "   ", "        "]), values),
    max_size=12,
).map(lambda rows: "".join(f"{k}{sep}{v}\n" for k, sep, v in rows))


@given(aligned_sources | map_sources(), keys, keys, values)
def test_the_style_read_at_c_speed_is_the_style_read_line_by_line(
    text: str, gone: str, key: str, value: str
) -> None:
    fast = MapDocument.from_text(text)
    slow = MapDocument(parse_map_lines(text))  # hand-given nodes: read line by line
    for doc in (fast, slow):
        doc.remove(gone)
        doc.set(key, value)
        doc.set(key + "x", value)
    assert fast.text == slow.text


@given(map_sources() | map_ish_text | aligned_sources, st.sampled_from(["first", "last", "all"]))
def test_scans_of_the_loaded_text_agree_with_the_nodes(text: str, duplicates: Duplicates) -> None:
    fast = _loads(text, "map", duplicates=duplicates)
    slow = MapDocument(parse_map_lines(text), duplicates=duplicates)  # node by node
    assert fast.diagnostics == slow.diagnostics
    assert list(fast.lines) == parse_map_lines(text)
    assert fast.entries() == slow.entries()
    assert dict(fast) == dict(slow) and list(fast) == list(slow)
    for key in fast:
        assert fast.find_all(key) == slow.find_all(key)


def test_long_lines_are_read_line_by_line() -> None:
    text = "k " + "x" * 1100 + "\nok " + "y" * 300 + "\nk again\n\x0bv w\n"
    fast = MapDocument.from_text(text)
    slow = MapDocument(parse_map_lines(text))
    assert [d.code for d in fast.diagnostics] == ["too-long", "leading-space"]
    assert fast.diagnostics == slow.diagnostics and dict(fast) == dict(slow)
    assert list(fast) == ["ok", "k"] and fast["k"] == "again"
