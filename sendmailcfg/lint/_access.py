"""Access-map key facts the AC rules share, and the regexes that find suspicious lines.

The tag list comes from :mod:`sendmailcfg.maps.access.keys`; :func:`split_key`
differs from its ``parse_access_key`` in one way the lint rules need: bare
IPv6 text such as ``fe80::1`` is an untagged key here, not the tag ``fe80:``.

>>> split_key("Connect:IPv6:2001:db8::1")
AccessKey(tag='Connect', rest='IPv6:2001:db8::1')
>>> split_key("IPv6:2001:db8::1")
AccessKey(tag='', rest='IPv6:2001:db8::1')
>>> split_key("fe80::1")
AccessKey(tag='', rest='fe80::1')
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from sendmailcfg.lint._facts import Entry, candidates
from sendmailcfg.maps.access.keys import TAGS as ACCESS_TAGS

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import LintFile

TAGS = ACCESS_TAGS
"""Every tag sendmail 8.17/8.18's rulesets look up (from :mod:`sendmailcfg.maps.access.keys`)."""

TAG_BY_FOLD = {t.lower(): t for t in TAGS}

_TAG = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):")
_HEXGROUPS = re.compile(r"[0-9A-Fa-f]{0,4}(:[0-9A-Fa-f]{0,4}){2,7}(\.\d+){0,3}\Z")


class AccessKey(NamedTuple):
    """A key split into its tag (``""`` when untagged) and the rest."""

    tag: str
    rest: str


def looks_ipv6(text: str) -> bool:
    """Whether ``text`` looks like an IPv6 address or prefix (hex groups and colons)."""
    return text.count(":") >= 2 and bool(_HEXGROUPS.match(text))


def split_key(key: str) -> AccessKey:
    """Split ``Tag:rest``; ``IPv6:`` and bare IPv6 text are untagged."""
    m = _TAG.match(key)
    if m is None or m.group(1).lower() == "ipv6" or looks_ipv6(key):
        return AccessKey("", key)
    return AccessKey(m.group(1), key[m.end() :])


_KNOWN_ALT = "|".join(sorted((t.lower() for t in TAGS), key=len, reverse=True))
KEY = r"\n(?![#\s])"
"""Start of an entry line (not a comment, not indented); see ``_facts.candidates``."""

TAG_PREFIX = r"(?:[A-Za-z_][A-Za-z0-9_]*:)?"
_CANONICAL_TAGS = "|".join(t for t in TAGS if not t.islower())
KEY_SUSPECTS = re.compile(
    r"\n(?:"
    r"[^\s:#][^\s:]*:[^\s:]*:"  # two colons: IPv6 text
    + "|"
    + TAG_PREFIX
    + r"(?:[Ii][Pp][Vv]6:"  # IPv6: keys
    r"|[0-9A-Fa-f.:]+[/-]"  # CIDR, netmask, range
    r"|(?:[0-9]+\.)*0[0-9]"  # zero-padded octet
    r"|[0-9.]*\.0[ \t\r]"  # a.b.c.0
    r"|\.)"  # .domain
    + r"|(?!(?i:connect|from|to|ipv6):)[A-Za-z_]\w*:"  # other (or unknown) tags
    + rf"|(?:{_CANONICAL_TAGS})\."  # Connect.host
    + ")"
)
"""Lines whose key needs a closer look by an AC rule (a superset; see ``_facts.candidates``)."""

VALUE_SUSPECTS = re.compile(
    KEY
    + r"(?:(?i:from):(?=(?P<f>\S+))(?P=f)[ \t]+(?i:relay)[ \t\r]*$"
    + r"|(?:[A-Za-z_]\w*:)?[^\s.:@]*\.?[ \t]+(?i:relay)[ \t\r]*$"
    + r"|(?=(?P<k>\S+))(?P=k)[ \t]+(?=\S)(?!(?i:ok|relay|reject|discard|skip)[ \t\r]*$"
    + r"|(?i:error):(?P<c>[45])\.\d{1,3}\.\d{1,3}:(?P=c)\d\d[ \t][^\n]*\S))",
    re.M,
)
r"""Entries whose value is neither a bare action nor a consistent ``ERROR:D.S.N:code text``,
and RELAY entries keyed on a sender or a one-label name (AC005 and AC008 share this scan).
``(?=(?P<k>\S+))(?P=k)`` is an atomic group: the key is never re-scanned by backtracking."""

SKIP_VALUE = re.compile(KEY + r"\S+[ \t]+(?i:skip)[ \t\r]*$", re.M)
"""Entries whose value is SKIP."""


class AccessEntry(NamedTuple):
    entry: Entry
    tag: str
    rest: str


def suspects(file: LintFile, pattern: re.Pattern[str] = KEY_SUSPECTS) -> list[AccessEntry]:
    """Split keys of the entries on lines ``pattern`` matches (see ``candidates``)."""

    def split(f: LintFile) -> list[AccessEntry]:
        out = []
        for e in candidates(f, pattern):
            k = split_key(e.key)
            out.append(AccessEntry(e, k.tag, k.rest))
        return out

    return file.memo(f"suspects:{pattern.pattern}", split)


def custom_tags(file: LintFile) -> set[str]:
    """Tags declared by ``+CITag:Name`` in values (folded), valid as key tags."""

    def find(f: LintFile) -> set[str]:
        if "CITag" not in f.text and "citag" not in f.text.lower():
            return set()
        return {m.lower() for m in re.findall(r"\+CITag:([A-Za-z0-9_]+)", f.text, re.I)}

    return file.memo("access-custom-tags", find)
