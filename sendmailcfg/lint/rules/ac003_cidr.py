"""An access key written as a CIDR block, netmask, range or zero-padded address.

The access map is looked up with whole octets (IPv4) or whole groups (IPv6),
shortened from the right: ``Connect:192.0.2`` covers ``192.0.2.0/24``. There
is no CIDR, netmask or range syntax, and ``192.168.001.1`` only ever
matches that literal text. A four-octet key ending in ``.0`` (``10.0.0.0``,
probably meant as a network) matches one address only: reported as a
warning.

Bad::

    Connect:192.0.2.0/24      REJECT
    Connect:10.0.0.0          REJECT
    Connect:192.168.001       RELAY

Good::

    Connect:192.0.2           REJECT
    Connect:10                REJECT
    Connect:192.168.1         RELAY
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._access import suspects
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AC003"
NAME = "ac-cidr"
SEVERITY = "error"
KINDS = ("access",)

_IPV4ISH = re.compile(r"\d{1,3}(\.\d{1,3}){0,3}")
_CIDR = re.compile(r"(?P<net>[0-9A-Fa-f.:]*[0-9A-Fa-f:])/(?P<bits>\d{1,3}(\.\d{1,3}){0,3})\Z")
_RANGE = re.compile(r"\d{1,3}(\.\d{1,3}){0,3}-\d{1,3}(\.\d{1,3}){0,3}\Z")


def _octet_prefix(net: str, bits: int) -> str | None:
    octets = net.split(".")
    if bits % 8 or not all(o.isdigit() for o in octets):
        return None
    return ".".join(octets[: bits // 8])


def _problem(rest: str) -> tuple[str, str, str | None] | None:
    m = _CIDR.match(rest)
    if m is not None:
        net, bits = m.group("net"), m.group("bits")
        if "." in bits:
            return f"netmask {rest} is not understood", "write the network's leading octets", None
        keep = _octet_prefix(net, int(bits)) if net.count(".") == 3 else None
        hint = f"write `{{p}}{keep}`" if keep else "list the covered networks octet by octet"
        return f"CIDR key {rest} never matches (no CIDR in the access map)", hint, None
    if _RANGE.match(rest):
        return f"range {rest} is not understood", "list the networks octet by octet", None
    if _IPV4ISH.fullmatch(rest):
        octets = rest.split(".")
        if any(len(o) > 1 and o.startswith("0") for o in octets):
            fixed = ".".join(str(int(o)) for o in octets)
            return f"zero-padded address {rest} never matches", f"write `{{p}}{fixed}`", None
        if len(octets) == 4 and octets[-1] == "0":
            while octets and octets[-1] == "0":
                octets.pop()
            net = ".".join(octets) or "0"
            return (
                f"{rest} matches only that one address, not a network",
                f"for the network write `{{p}}{net}` (whole octets, shortened from the right)",
                "warning",
            )
    return None


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for a in suspects(file):
        rest = a.rest
        if not rest or not (rest[0].isdigit() or rest[:5].lower() == "ipv6:"):
            continue
        v6 = rest[:5].lower() == "ipv6:"
        found = _problem(rest[5:] if v6 else rest)
        if found is not None:
            prefix = a.entry.key[: len(a.entry.key) - len(rest) + (5 if v6 else 0)]
            column = len(a.entry.key) - len(rest) + 1
            hint = found[1].replace("{p}", prefix)
            yield Problem(a.entry.line, column, found[0], hint, severity=found[2])
