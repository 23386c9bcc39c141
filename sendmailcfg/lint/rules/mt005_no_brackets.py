"""A mailertable SMTP route to a host name without ``[ ]`` (information).

``esmtp:relay.example.net`` makes sendmail look up MX records for
``relay.example.net`` and deliver to them; ``esmtp:[relay.example.net]``
connects to that host's address directly. Without brackets a wildcard MX
can send the mail somewhere else or back to this host. Often intended (a
domain's real MX), hence ``info``.

Bad (if you mean that very host)::

    example.com   esmtp:relay.example.net

Good::

    example.com   esmtp:[relay.example.net]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import entries, value_text
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MT005"
NAME = "mt-no-brackets"
SEVERITY = "info"
KINDS = ("mailertable",)

_IPC_MAILERS = frozenset({"smtp", "esmtp", "smtp8", "dsmtp", "relay"})
_ROUTE = re.compile(r"([A-Za-z0-9_-]+):([^@\s\[:,%]+)[ \t\r]*\Z")


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for e in entries(file):
        m = _ROUTE.match(value_text(e.value))
        if m is None or m.group(1).lower() not in _IPC_MAILERS:
            continue
        host = m.group(2)
        if re.fullmatch(r"[\d.]+", host):
            continue
        yield Problem(
            e.line,
            e.value_column + m.start(2),
            f"{m.group(1)}:{host} looks up MX records for {host}",
            f"write `{m.group(1)}:[{host}]` to connect to that host itself",
        )
