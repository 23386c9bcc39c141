"""A mailertable ``mailer:host:port``: the colon means "next host", not a port.

In a mailertable value, ``esmtp:relay.example.net:2525`` is a *host list*:
try ``relay.example.net``, then a host named ``2525``. There is no
``host:port`` syntax. For another port, use a mailer whose arguments name
it (``define(`RELAY_MAILER_ARGS', `TCP $h 2525')`` and the ``relay`` mailer,
or a custom mailer under MAILER_DEFINITIONS).

Bad::

    example.com   esmtp:[relay.example.net]:2525

Good::

    example.com   relay:[relay.example.net]
    dnl in the .mc: define(`RELAY_MAILER_ARGS', `TCP $h 2525')
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import entries, value_text
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MT004"
NAME = "mt-host-port"
SEVERITY = "warning"
KINDS = ("mailertable",)

_PORT = re.compile(r"(?P<mailer>[^\s:]+):(?P<hosts>.*?):(?P<port>\d{1,5})\s*\Z")


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for e in entries(file):
        value = value_text(e.value)
        m = _PORT.match(value)
        if m is None or m.group("mailer").lower() in ("error", "local"):
            continue
        yield Problem(
            e.line,
            e.value_column + m.start("port") - 1,  # the colon
            f"{value!r}: ':{m.group('port')}' is read as a second host named "
            f"{m.group('port')!r}, not as a port",
            "set the port in the mailer's arguments (e.g. RELAY_MAILER_ARGS `TCP $h "
            f"{m.group('port')}') and route with that mailer",
        )
