"""Hypothesis strategies for makemap sources: arbitrary text and map-like lines."""

from __future__ import annotations

from hypothesis import strategies as st

from sendmailcfg.syntax.map_nodes import MapSyntax

# Characters that matter to makemap's reader, plus ordinary and non-ASCII text.
_SPECIAL = " \t\r\n\x0b\x0c\x00#:;%@.[]`'\"\\"
_PLAIN = "abcXYZ019-_"
_WIDE = "\u00e9\u00c4\u65e5\udcff\udc8e"  # Latin-1 / CJK / lone surrogates (undecodable bytes)

chars = st.sampled_from(_SPECIAL + _PLAIN + _WIDE)
map_ish_text = st.lists(chars, max_size=120).map("".join)
"""Short texts dense in the characters makemap cares about."""

any_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=()) | st.sampled_from(_WIDE),
    max_size=200,
)
"""Arbitrary text (including what undecodable bytes decode to)."""

key_chars = st.sampled_from("abcxyzABCXYZ0189.-_@[]:+*\u00e9")
keys = st.text(key_chars, min_size=1, max_size=12).filter(lambda k: k[0] not in "#")
values = st.builds(
    lambda head, tail: head + tail,
    st.sampled_from('abcSMTP:[]%01.ERROR"5\u00e9'),
    st.text(st.sampled_from('abc :[].%0123\t"xyz\u00e9'), max_size=20),
)
separators = st.sampled_from([" ", "\t", "  ", "\t\t", " \t "])
newlines = st.sampled_from(["\n", "\r\n"])


@st.composite
def map_sources(draw: st.DrawFn) -> str:
    """Realistic map sources: entries, comments, blank lines, and some bad lines."""
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        kind = draw(st.sampled_from(["entry"] * 6 + ["comment", "blank", "bad"]))
        nl = draw(newlines)
        if kind == "entry":
            lines.append(draw(keys) + draw(separators) + draw(values) + nl)
        elif kind == "comment":
            lines.append("#" + draw(map_ish_text).replace("\n", "") + nl)
        elif kind == "blank":
            lines.append("\n")
        else:
            lines.append(draw(st.sampled_from([" indented x", "lonely", "k\t", "\tx y"])) + nl)
    text = "".join(lines)
    if text and draw(st.booleans()):
        text = text.rstrip("\n")
    return text


syntaxes = st.builds(
    MapSyntax,
    comment=st.sampled_from(["#", ";", "%", " ", "\\", "]"]),
    delimiter=st.sampled_from([None, None, ":", "\t", " ", "=", "#", "^"]),
    allow_empty=st.booleans(),
)
