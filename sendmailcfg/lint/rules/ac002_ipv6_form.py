"""An ``IPv6:`` access key in compressed (``::``) form or with zero-padded groups.

sendmail builds the lookup key from its own text form of the client
address: every group printed in lower-case hex *without leading zeros*, and
*uncompressed* (``IPv6:2001:db8:0:0:0:0:0:1``) unless the option
``UseCompressedIPv6Addresses`` (``confUSE_COMPRESSED_IPV6_ADDRESSES``) is set.
Keys are then shortened group by group from the right. A key with a
zero-padded group (cf/README's own ``IPv6:2002:c0a8:02c7``) or with ``::``
can therefore never match. The ``::`` check is skipped when an ``.mc`` in
the same folder sets ``confUSE_COMPRESSED_IPV6_ADDRESSES``. ``lint --fix --unsafe-fixes``
writes the hint's form (unsafe: the entry starts to match).

Bad::

    Connect:IPv6:2002:c0a8:02c7       RELAY
    Connect:IPv6:2001:db8::1          REJECT

Good::

    Connect:IPv6:2002:c0a8:2c7        RELAY
    Connect:IPv6:2001:db8:0:0:0:0:0:1 REJECT
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._access import sendmail_ipv6_form, suspects
from sendmailcfg.lint._mcfacts import set_facts
from sendmailcfg.lint.engine import Fix, Problem, offset

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AC002"
NAME = "ac-ipv6-form"
SEVERITY = "warning"
KINDS = ("access",)
FIX = "unsafe"


def _sendmail_form(address: str) -> str | None:
    """How sendmail prints a full address (uncompressed, no leading zeros), or None."""
    if "::" not in address:
        return None
    return sendmail_ipv6_form(address)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    compressed_ok: bool | None = None
    for a in suspects(file):
        rest = a.rest
        if rest[:5].lower() != "ipv6:":
            continue
        address = rest[5:]
        column = len(a.entry.key) - len(address) + 1
        prefix = a.entry.key[: len(a.entry.key) - len(address)]
        groups = address.split(":")
        if "::" in address:
            if compressed_ok is None:
                compressed_ok = set_facts(fileset).defines_value(
                    "confUSE_COMPRESSED_IPV6_ADDRESSES"
                ) not in (None, "", "False", "false")
            if not compressed_ok:
                full = _sendmail_form(address)
                hint = (
                    f"write `{prefix}{full}`"
                    if full
                    else "write every group out, e.g. IPv6:2001:db8:0:0:0:0:0:1"
                )
                start = offset(file, a.entry.line, column)
                yield Problem(
                    a.entry.line,
                    column,
                    f"compressed IPv6 key {address} never matches (sendmail looks up "
                    "uncompressed addresses)",
                    hint,
                    fix=Fix(start, start + len(address), full) if full else None,
                )
                continue
        if any(len(g) > 1 and g.startswith("0") for g in groups):
            fixed = ":".join(g.lstrip("0") or "0" if g else g for g in groups)
            start = offset(file, a.entry.line, column)
            yield Problem(
                a.entry.line,
                column,
                f"IPv6 key {address} has zero-padded groups (sendmail prints groups "
                "without leading zeros, so it never matches)",
                f"write `{prefix}{fixed}`",
                fix=Fix(start, start + len(address), fixed),
            )
