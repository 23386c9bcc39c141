"""IPv4 and IPv6 daemons on the same port without the ``O`` modifier on the IPv6 one.

On Linux an ``inet6`` socket on the wildcard address also accepts IPv4
unless told otherwise, so a second daemon on the same port fails to bind
(``Address already in use``) and sendmail keeps retrying. (An IPv6 daemon
with its own ``Addr=`` is not reported.) Mark the IPv6 daemon optional (``Modifiers=O``),
as FreeBSD's and Debian's files do, or listen on IPv6 only.

Bad::

    DAEMON_OPTIONS(`Name=IPv4, Family=inet')dnl
    DAEMON_OPTIONS(`Name=IPv6, Family=inet6')dnl

Good::

    DAEMON_OPTIONS(`Name=IPv4, Family=inet')dnl
    DAEMON_OPTIONS(`Name=IPv6, Family=inet6, Modifiers=O')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.facts import daemon_options

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC016"
NAME = "mc-daemon-dualstack"
SEVERITY = "warning"
KINDS = ("mc",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    daemons = []
    for s in file.doc.statements:
        if s.name == "DAEMON_OPTIONS" and s.args:
            o = daemon_options(s.value(0))
            port = o.get("port", "smtp")
            port = "25" if port in ("smtp", "") else port
            wildcard = o.get("addr", "") in ("", "::", "0.0.0.0", "0:0:0:0:0:0:0:0")
            daemons.append(
                (s, o.get("family", "inet").lower(), port, o.get("modifiers", ""), wildcard)
            )
    for s, family, port, modifiers, wildcard in daemons:
        if family != "inet6" or "O" in modifiers or not wildcard:
            continue
        if any(f == "inet" and p == port for _, f, p, _, _ in daemons):
            yield Problem(
                s.args[0].line,
                s.args[0].column,
                f"IPv6 daemon on port {port} next to an IPv4 one, without Modifiers=O "
                "(the second bind fails on Linux)",
                "add Modifiers=O to the inet6 daemon",
            )
