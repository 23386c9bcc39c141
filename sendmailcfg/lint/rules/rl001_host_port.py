"""A port in SMART_HOST, MAIL_HUB or LOCAL_RELAY: sendmail reads ``host:587`` as two hosts.

The host part of a relay is a list of hosts separated by ``:``, tried in turn, so
``smtp.example.net:587`` sends to ``smtp.example.net`` on port 25 and then to a
host named ``587`` (``sendmail -bt`` shows ``$@ smtp.example.net:587``; the
delivery agent splits it). There is no ``host:port`` syntax: the port belongs in
the mailer's arguments, defined before ``MAILER(`smtp')`` (or use
``python -m sendmailcfg relay set HOST --port 587``).

Bad::

    define(`SMART_HOST', `smtp.example.net:587')dnl

Good::

    define(`SMART_HOST', `[smtp.example.net]')dnl
    define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl
    define(`ESMTP_MAILER_ARGS', `TCP $h 587')dnl
    MAILER(`smtp')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._mcfacts import facts
from sendmailcfg.lint.engine import Problem
from sendmailcfg.maps.keys import port_in_name
from sendmailcfg.mc.facts import RELAY_MACROS, relay_target

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "RL001"
NAME = "rl-host-port"
SEVERITY = "error"
KINDS = ("mc",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    mc = facts(file)
    for macro in RELAY_MACROS:
        d = mc.define(macro)
        value = d.arg(1).strip() if d is not None else ""
        if d is None or not value:
            continue
        _, host = relay_target(value, macro)
        if not port_in_name(host):
            continue
        name, _, port = host.rpartition(":")
        line, column = d.where(1)
        column += _quote_at(file.text, line, column)
        raw = d.arg(1)
        at = raw.rfind(":")
        yield Problem(
            line,
            column + (at if at >= 0 else 0),
            f"{macro} {value!r}: sendmail reads {host!r} as two hosts, {name!r} (port 25) "
            f"and {port!r}, not as a port",
            f"define(`{macro}', `[{name.strip('[]')}]') and put the port in the mailer's "
            f"arguments before MAILER(`smtp'): define(`RELAY_MAILER_ARGS', `TCP $h {port}')",
        )


def _quote_at(text: str, line: int, column: int) -> int:
    """1 when the argument at ``line:column`` starts with its opening quote, else 0."""
    lines = text.splitlines()
    row = lines[line - 1] if 0 < line <= len(lines) else ""
    return 1 if row[column - 1 : column] == "`" else 0
