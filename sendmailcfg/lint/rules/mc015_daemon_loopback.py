"""A ``DAEMON_OPTIONS`` that listens on the loopback address only (information).

``Addr=127.0.0.1`` (or ``::1``) is the distribution default on many systems:
the host sends mail but does not *receive* any from other machines. If this
is meant to be a mail server, drop the ``Addr=``.

Bad (for a server)::

    DAEMON_OPTIONS(`Port=smtp,Addr=127.0.0.1, Name=MTA')dnl

Good::

    DAEMON_OPTIONS(`Port=smtp, Name=MTA')dnl
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.facts import daemon_options

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC015"
NAME = "mc-daemon-loopback"
SEVERITY = "info"
KINDS = ("mc",)

_LOOPBACK = re.compile(r"(127\.\d+\.\d+\.\d+|::1|localhost)\Z", re.I)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    daemons = [
        (s, _LOOPBACK.match(daemon_options(s.first).get("addr", "")))
        for s in file.mc.facts.named("DAEMON_OPTIONS")
        if s.args
    ]
    if any(m is None for _, m in daemons):
        return  # another daemon listens on the network: this host does receive mail
    for s, m in daemons:
        if m is not None:
            yield Problem(
                *s.where(0),
                f"the daemon listens on {m.group(1)} only: no mail from other hosts",
                "drop Addr= if this host should receive mail",
            )
