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

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC015"
NAME = "mc-daemon-loopback"
SEVERITY = "info"
KINDS = ("mc",)

_LOOPBACK = re.compile(r"(?:^|,)\s*Addr\s*=\s*(127\.\d+\.\d+\.\d+|::1|localhost)\s*(?:,|$)", re.I)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for s in file.doc.statements:
        if s.name != "DAEMON_OPTIONS" or not s.args:
            continue
        m = _LOOPBACK.search(s.value(0))
        if m:
            yield Problem(
                s.args[0].line,
                s.args[0].column,
                f"the daemon listens on {m.group(1)} only: no mail from other hosts",
                "drop Addr= if this host should receive mail",
            )
