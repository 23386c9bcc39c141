r"""Access map keys: the tag, what follows it, and what kind of thing that is.

>>> parse_access_key("Connect:192.0.2")
AccessKey(tag='Connect', body='192.0.2', kind='ipv4')
>>> parse_access_key("connect:IPv6:2001:db8:0:0:0:0:0:1")
AccessKey(tag='Connect', body='IPv6:2001:db8:0:0:0:0:0:1', kind='ipv6')
>>> parse_access_key("spammer@")
AccessKey(tag=None, body='spammer@', kind='user')
>>> print(*validate_key("Connect:IPv6:2001:db8::1"))  # doctest: +ELLIPSIS
IPv6 key 'IPv6:2001:db8::1' is compressed; sendmail looks up IPv6:2001:db8:0:0:0:0:0:1 (...)
>>> ipv6_text("2001:DB8::0001")
'2001:db8:0:0:0:0:0:1'
>>> client_addr_text("2001:db8::1")
'IPv6:2001:db8:0:0:0:0:0:1'
"""

from __future__ import annotations

import ipaddress
import re
from typing import Literal

import attrs

KeyKind = Literal[
    "default",
    "address",
    "user",
    "domain",
    "dotdomain",
    "ipv4",
    "ipv6",
    "literal",
    "compat",
    "dn",
    "other",
]

TAGS: tuple[str, ...] = (
    "Connect",
    "From",
    "To",
    "Spam",
    "GreetPause",
    "ClientRate",
    "ClientConn",
    "QGRP",
    "bcc",
    "Compat",
    "TLS_Srv",
    "TLS_Clt",
    "TLS_Rcpt",
    "Try_TLS",
    "Srv_Features",
    "Clt_Features",
    "TLS_Srv_features",
    "TLS_Clt_features",
    "AuthInfo",
    "CERTISSUER",
    "CERTSUBJECT",
)
"""The tags sendmail 8.17's rulesets look up (spelled as cf/README spells them)."""

_BY_FOLD = {t.lower(): t for t in TAGS}
_TAG = re.compile(r"([A-Za-z][A-Za-z0-9_]*):")
_IPV4 = re.compile(r"\d+(?:\.\d+){0,3}")

__all__ = [
    "TAGS",
    "AccessKey",
    "KeyKind",
    "client_addr_text",
    "ipv6_text",
    "parse_access_key",
    "validate_key",
]


@attrs.frozen
class AccessKey:
    """A key split into its tag (canonical spelling, or None) and body."""

    tag: str | None
    body: str
    kind: KeyKind

    @property
    def known_tag(self) -> bool:
        """True when the tag is one sendmail's rulesets look up (untagged counts as known)."""
        return self.tag is None or self.tag.lower() in _BY_FOLD


def _kind(tag: str | None, body: str) -> KeyKind:
    if not body:
        return "default"
    if tag in ("CERTISSUER", "CERTSUBJECT"):
        return "dn"
    if tag == "Compat":
        return "compat"
    if body[:5].lower() == "ipv6:":
        return "ipv6"
    if body.startswith("[") and body.endswith("]"):
        return "literal"
    if body.endswith("@") and body.count("@") == 1:
        return "user"
    if "@" in body:
        return "address"
    if _IPV4.fullmatch(body):
        return "ipv4"
    if body.startswith("."):
        return "dotdomain"
    if re.fullmatch(r"[^\s:<>()\[\],;\"/=@]+", body):
        return "domain"
    return "other"


def parse_access_key(key: str) -> AccessKey:
    """Split ``key`` into tag, body and kind (``IPv6:`` is part of the body, not a tag).

    An unknown ``Word:`` prefix is kept as the tag (see :attr:`AccessKey.known_tag`):
    sendmail never looks such keys up, except for custom ``+CITag`` tags.
    """
    m = _TAG.match(key)
    if m is None or m.group(1).lower() == "ipv6":
        return AccessKey(None, key, _kind(None, key))
    tag = _BY_FOLD.get(m.group(1).lower(), m.group(1))
    body = key[m.end() :]
    return AccessKey(tag, body, _kind(tag, body))


def ipv6_text(address: str) -> str:
    """sendmail's own text form of an IPv6 address: 8 groups, lower-case ``%x``.

    Raises :class:`ValueError` for text that is not an IPv6 address.
    """
    ip = ipaddress.IPv6Address(address)
    return ":".join(f"{g:x}" for g in _groups(ip))


def _groups(ip: ipaddress.IPv6Address) -> list[int]:
    packed = ip.packed
    return [packed[i] << 8 | packed[i + 1] for i in range(0, 16, 2)]


def client_addr_text(address: str) -> str:
    """``${client_addr}`` as sendmail sets it for a client at ``address``.

    IPv4 stays dotted; IPv6 (with or without the ``IPv6:`` prefix) becomes
    ``IPv6:`` plus :func:`ipv6_text`, except an IPv4-mapped address
    (``::ffff:192.0.2.9``), which sendmail writes dotted (issue 12; ``-bt`` cannot
    show it, it takes the macro as typed). Raises :class:`ValueError` otherwise.

    >>> client_addr_text("2001:db8::1"), client_addr_text("::ffff:192.0.2.9")
    ('IPv6:2001:db8:0:0:0:0:0:1', '192.0.2.9')
    """
    text = address[5:] if address[:5].lower() == "ipv6:" else address
    ip = ipaddress.ip_address(text)
    if isinstance(ip, ipaddress.IPv4Address):
        if text is not address:
            raise ValueError(f"{address!r}: an IPv4 address after IPv6:")
        return str(ip)
    if ip.ipv4_mapped is not None:
        return str(ip.ipv4_mapped)
    return "IPv6:" + ipv6_text(text)


def validate_key(key: str) -> list[str]:
    """Problems that make ``key`` never match what sendmail looks up (empty when fine)."""
    k = parse_access_key(key)
    problems: list[str] = []
    if not k.known_tag:
        problems.append(f"unknown tag {k.tag}: (sendmail never looks it up unless used by +CITag)")
    body = k.body
    if k.kind == "ipv6":
        groups = body[5:]
        if "::" in groups:
            try:
                full = ipv6_text(groups)
            except ValueError:
                full = None
            want = f"IPv6:{full}" if full else "the 8-group form"
            problems.append(
                f"IPv6 key {body!r} is compressed; sendmail looks up {want}"
                " (uncompressed, unless UseCompressedIPv6Addresses is set)"
            )
        else:
            parts = groups.split(":")
            if len(parts) > 8 or not all(re.fullmatch(r"[0-9A-Fa-f]{1,4}", p) for p in parts):
                problems.append(
                    f"IPv6 key {body!r}: groups must be 1 to 8 hex numbers of 1-4 digits"
                )
            elif any(len(p) > 1 and p[0] == "0" for p in parts):
                fixed = ":".join(f"{int(p, 16):x}" for p in parts)
                problems.append(
                    f"IPv6 key {body!r} has a group with a leading zero; sendmail prints "
                    f"groups without them, so it never matches (write IPv6:{fixed})"
                )
    elif k.kind == "ipv4":
        octets = body.split(".")
        if any(int(o) > 255 for o in octets):
            problems.append(f"IPv4 key {body!r} has an octet above 255")
        elif any(len(o) > 1 and o[0] == "0" for o in octets):
            problems.append(
                f"IPv4 key {body!r} has an octet with a leading zero; it never matches "
                f"(write {'.'.join(str(int(o)) for o in octets)})"
            )
    elif re.fullmatch(r"\d+(?:\.\d+){0,3}/\d+", body):
        problems.append(f"{body!r}: sendmail has no CIDR keys; use whole-octet prefixes")
    if k.kind == "default" and k.tag in ("Connect", "From", "To", "Spam", "QGRP", "bcc"):
        problems.append(f"empty {k.tag}: key: {k.tag} has no default lookup")
    return problems
