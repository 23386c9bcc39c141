"""The regexes that find the access-map lines an AC rule needs to look at, and their split keys.

The key facts (tags, :func:`~sendmailcfg.maps.facts.split_tag`) live in
:mod:`sendmailcfg.maps.facts`; what stays here is lint's own business: which
lines are worth a closer look (a superset, one C-speed scan per file).

>>> from sendmailcfg.lint.engine import load_file
>>> f = load_file("access", "access", "Connect:10.0.0.0/8\\tREJECT\\nConnect:x.example\\tOK\\n")
>>> [(a.entry.line, a.tag, a.rest) for a in suspects(f)]
[(1, 'Connect', '10.0.0.0/8')]
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

from sendmailcfg.lint._facts import Entry, candidates
from sendmailcfg.maps.access.keys import TAGS
from sendmailcfg.maps.facts import TAG_BY_FOLD, looks_ipv6, split_tag
from sendmailcfg.syntax.map_nodes import WS_CLASS

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import LintFile

__all__ = ["KEY_SUSPECTS", "SKIP_VALUE", "TAG_BY_FOLD", "VALUE_SUSPECTS", "looks_ipv6", "suspects"]

_WS = WS_CLASS  # makemap's blanks (C's isspace), never Python's \s
_NOT_WS = f"[^{WS_CLASS}\n]"
_KNOWN_ALT = "|".join(sorted((t.lower() for t in TAGS), key=len, reverse=True))
KEY = rf"\n(?![#{_WS}\n])"
"""Start of an entry line (not a comment, not indented); see ``_facts.candidates``."""

TAG_PREFIX = r"(?:[A-Za-z_][A-Za-z0-9_]*:)?"
_CANONICAL_TAGS = "|".join(t for t in TAGS if not t.islower())
KEY_SUSPECTS = re.compile(
    r"\n(?:"
    rf"[^{_WS}\n:#][^{_WS}\n:]*:[^{_WS}\n:]*:"  # two colons: IPv6 text
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
    + rf"(?:(?i:from):(?=(?P<f>{_NOT_WS}+))(?P=f)[ \t]+(?i:relay)[ \t\r]*$"
    + rf"|(?:[A-Za-z_]\w*:)?[^{_WS}\n.:@]*\.?[ \t]+(?i:relay)[ \t\r]*$"
    + rf"|(?=(?P<k>{_NOT_WS}+))(?P=k)[ \t]+(?={_NOT_WS})"
    + r"(?!(?i:ok|relay|reject|discard|skip)[ \t\r]*$"
    + rf"|(?i:error):(?P<c>[45])\.\d{{1,3}}\.\d{{1,3}}:(?P=c)\d\d[ \t][^\n]*{_NOT_WS}))",
    re.M,
)
r"""Entries whose value is neither a bare action nor a consistent ``ERROR:D.S.N:code text``,
and RELAY entries keyed on a sender or a one-label name (AC005 and AC008 share this scan).
``(?=(?P<k>\S+))(?P=k)`` is an atomic group: the key is never re-scanned by backtracking."""

SKIP_VALUE = re.compile(KEY + rf"{_NOT_WS}+[ \t]+(?i:skip)[ \t\r]*$", re.M)
"""Entries whose value is SKIP."""


def sendmail_ipv6_form(address: str, *, compressed: bool = False) -> str | None:
    """``address`` as sendmail prints a client's address (every group in lower-case hex
    without leading zeros; uncompressed unless ``compressed``, i.e. unless
    ``UseCompressedIPv6Addresses`` is set); a prefix (fewer groups, no ``::``) keeps its
    groups. None: a ``::`` form that is no address.

    >>> sendmail_ipv6_form("2001:DB8::01"), sendmail_ipv6_form("2002:c0a8:02c7")
    ('2001:db8:0:0:0:0:0:1', '2002:c0a8:2c7')
    >>> sendmail_ipv6_form("2001:db8:0:0:0:0:0:1", compressed=True)
    '2001:db8::1'
    """
    import ipaddress

    if "::" in address or address.count(":") == 7:
        try:
            ip = ipaddress.IPv6Address(address)
        except ValueError:
            return None
        if compressed:
            return ip.compressed
        return ":".join(format(int(g, 16), "x") for g in ip.exploded.split(":"))
    return ":".join(g.lower().lstrip("0") or "0" if g else g for g in address.split(":"))


class AccessEntry(NamedTuple):
    entry: Entry
    tag: str
    rest: str


def suspects(file: LintFile, pattern: re.Pattern[str] = KEY_SUSPECTS) -> list[AccessEntry]:
    """Split keys of the entries on lines ``pattern`` matches (see ``candidates``)."""

    def split(f: LintFile) -> list[AccessEntry]:
        out = []
        for e in candidates(f, pattern):
            k = split_tag(e.key)
            out.append(AccessEntry(e, k.tag, k.rest))
        return out

    return file.memo(f"suspects:{pattern.pattern}", split)
