r"""Facts about map sources that several callers need: entries as makemap reads them.

Light, fast views over a :class:`~sendmailcfg.maps.document.MapDocument` (maps can
have millions of lines): every entry with its line, the entries on lines a
regular expression picks out, a value without the CR of a CRLF line, an access
key split into tag and rest, and the words of a class file (``local-host-names``).

>>> from sendmailcfg.maps.document import MapDocument
>>> doc = MapDocument.from_text("# c\nexample.com smtp:x\r\n")
>>> e = entries(doc)[0]
>>> e, value_text(e.value)
(Entry(line=2, key='example.com', value='smtp:x\r', value_column=13), 'smtp:x')
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from sendmailcfg.maps.access.keys import TAGS as ACCESS_TAGS
from sendmailcfg.syntax.map_nodes import MapEntry

if TYPE_CHECKING:
    from sendmailcfg.maps.document import MapDocument


class Entry(NamedTuple):
    """A map entry with its 1-based line (a light tuple: maps can have millions).

    ``value`` is exactly what makemap stores (a CRLF line's CR included; see
    :func:`value_text`); ``value_column`` is the 1-based column where it starts.
    """

    line: int
    key: str
    value: str
    value_column: int


def _entry(line: int, node: MapEntry) -> Entry:
    text = node.text
    end = len(text) - 1 if text.endswith("\n") else len(text)
    return Entry(line, text[: node.key_end], text[node.value_start : end], node.value_start + 1)


def entries(doc: MapDocument) -> list[Entry]:
    """Every entry of a map document, in file order (comments, blanks and errors left out)."""
    return [_entry(i, n) for i, n in enumerate(doc.lines, 1) if type(n) is MapEntry]


def matching_entries(
    doc: MapDocument, pattern: re.Pattern[str], text: str | None = None
) -> list[Entry]:
    r"""Entries on the lines where ``pattern`` matches ``"\n" + text``; it must start with ``\n``.

    One C-speed regex scan instead of a Python step per entry: a caller over a big
    map looks at suspicious lines only. The pattern is matched against the text
    with a newline in front, so a leading ``\n`` stands for "start of a line" (a
    literal prefix the regex engine skips to quickly, unlike ``^`` with ``re.M``).
    ``text`` is ``"\n" + doc.text`` when the caller has it already.

    >>> from sendmailcfg.maps.document import MapDocument
    >>> doc = MapDocument.from_text("a\tOK\n# b RELAY\nc\tRELAY\n")
    >>> [e.key for e in matching_entries(doc, re.compile(r"\n[^#\n]*RELAY"))]
    ['c']
    """
    out: list[Entry] = []
    if text is None:
        text = "\n" + doc.text
    lines = doc.lines
    pos = 0
    line = 0
    last = 0
    for m in pattern.finditer(text):
        start = m.start()
        line += text.count("\n", pos, start + 1)
        pos = start + 1
        if line == last:
            continue
        last = line
        node = lines[line - 1] if line <= len(lines) else None
        if type(node) is MapEntry:
            out.append(_entry(line, node))
    return out


def value_text(value: str) -> str:
    r"""A value without the CR a CRLF line leaves at its end (makemap keeps it, sendmail
    then compares it: ``OK\r`` is not the action ``OK``).

    >>> value_text("smtp:[mx]\r"), value_text("OK")
    ('smtp:[mx]', 'OK')
    """
    return value[:-1] if value.endswith("\r") else value


# -- access keys -----------------------------------------------------------------------------

TAG_BY_FOLD = {t.lower(): t for t in ACCESS_TAGS}
"""Folded tag -> its canonical spelling (sendmail's lookups are case-insensitive)."""

_TAG = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):")
_HEXGROUPS = re.compile(r"[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}(\.\d+){0,3}\Z")


class TaggedKey(NamedTuple):
    """An access key split into its tag (``""`` when untagged) and the rest."""

    tag: str
    rest: str


def looks_ipv6(text: str) -> bool:
    """Whether ``text`` looks like an IPv6 address or prefix (hex groups and colons).

    >>> looks_ipv6("2001:db8::1"), looks_ipv6("fe80::"), looks_ipv6("Connect:x")
    (True, True, False)
    """
    return text.count(":") >= 2 and bool(_HEXGROUPS.match(text))


def split_tag(key: str) -> TaggedKey:
    """Split ``Tag:rest`` as written; ``IPv6:`` and bare IPv6 text are untagged.

    Unlike :func:`~sendmailcfg.maps.access.keys.parse_access_key` any word before a
    colon counts as a tag (so misspelt tags can be named), but bare IPv6 text such
    as ``fe80::1`` is not the tag ``fe80:``.

    >>> split_tag("Connect:IPv6:2001:db8::1")
    TaggedKey(tag='Connect', rest='IPv6:2001:db8::1')
    >>> split_tag("IPv6:2001:db8::1"), split_tag("fe80::1")
    (TaggedKey(tag='', rest='IPv6:2001:db8::1'), TaggedKey(tag='', rest='fe80::1'))
    """
    m = _TAG.match(key)
    if m is None or m.group(1).lower() == "ipv6" or looks_ipv6(key):
        return TaggedKey("", key)
    return TaggedKey(m.group(1), key[m.end() :])


_CITAG = re.compile(r"\+CITag:([A-Za-z0-9_]+)", re.I)


def custom_tags(text: str) -> set[str]:
    """Tags an access source declares with ``+CITag:Name`` in values (folded): they are
    valid key tags too.

    >>> sorted(custom_tags("Connect:x\\tOK +CITag:Mine\\nMine:y\\tOK\\n"))
    ['mine']
    """
    if "citag" not in text.lower():
        return set()
    return {m.lower() for m in _CITAG.findall(text)}


_LOCALHOST = re.compile(r"(?:[^.]+\.)*localhost(?:\.localdomain)?\Z", re.I)


def is_localhost_name(name: str) -> bool:
    """Whether ``name`` is ``localhost``, ``*.localhost`` or ``localhost.localdomain``.

    Such names always resolve to the loopback address (RFC 6761 §6.3), so no remote
    client can present them as a forward-confirmed name: relaying for them only lets
    the host itself relay.

    >>> is_localhost_name("localhost"), is_localhost_name("LOCALHOST.localdomain")
    (True, True)
    >>> is_localhost_name("a.localhost"), is_localhost_name("localhost.example.com")
    (True, False)
    """
    return bool(_LOCALHOST.match(name.strip().rstrip(".")))


# -- class files ------------------------------------------------------------------------------


def class_file_words(text: str) -> set[str]:
    """The names a class file (``local-host-names``, ``relay-domains``) adds, as sendmail
    8.17 reads an ``F`` line without a pattern: the *first* word of each line (``%s``),
    lines starting with ``#`` skipped; folded and without a trailing dot.

    >>> sorted(class_file_words("# mine\\nexample.com  ignored.example\\n Mail.Example.COM.\\n"))
    ['example.com', 'mail.example.com']
    """
    words: set[str] = set()
    for line in text.splitlines():
        if line.startswith("#"):
            continue
        first = line.split(None, 1)
        if first:
            words.add(first[0].lower().rstrip("."))
    return words
