"""An access key holding an IPv6 address without the ``IPv6:`` prefix: it never matches.

sendmail looks IPv6 clients up as ``IPv6:<address>`` (with the tag in front:
``Connect:IPv6:2001:db8:0:0:0:0:0:1``). A key written as a bare address is
never built by the rules, so the entry does nothing.

Bad::

    Connect:2001:db8:1     REJECT

Good::

    Connect:IPv6:2001:db8:1   REJECT

The hint writes the address as sendmail prints it (no ``::``, no leading zeros: the form
AC002 accepts); ``lint --fix --unsafe-fixes`` writes it (unsafe: the entry starts to match).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._access import looks_ipv6, sendmail_ipv6_form, suspects
from sendmailcfg.lint._mcfacts import set_facts
from sendmailcfg.lint.engine import Fix, Problem, offset

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AC001"
NAME = "ac-ipv6-prefix"
SEVERITY = "error"
KINDS = ("access",)
FIX = "unsafe"


def compressed_allowed(fileset: FileSet) -> bool:
    """Whether an ``.mc`` of the folder sets ``confUSE_COMPRESSED_IPV6_ADDRESSES``."""
    value = set_facts(fileset).defines_value("confUSE_COMPRESSED_IPV6_ADDRESSES")
    return value not in (None, "", "False", "false")


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for a in suspects(file):
        if looks_ipv6(a.rest):
            column = len(a.entry.key) - len(a.rest) + 1
            tag = f"{a.tag}:" if a.tag else ""
            form = sendmail_ipv6_form(a.rest, compressed=compressed_allowed(fileset))
            start = offset(file, a.entry.line, column)
            hint = (
                f"write `{tag}IPv6:{form}`"
                if form
                else f"write `{tag}IPv6:` before it, every group written out (sendmail "
                "looks up uncompressed addresses)"
            )
            yield Problem(
                a.entry.line,
                column,
                f"IPv6 address {a.rest} without the IPv6: prefix never matches",
                hint,
                fix=Fix(start, start + len(a.rest), f"IPv6:{form}") if form else None,
            )
