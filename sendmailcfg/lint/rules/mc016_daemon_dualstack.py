"""IPv4 and IPv6 daemons on the same port without the ``O`` modifier on the IPv6 one.

On Linux an ``inet6`` socket on the wildcard address also accepts IPv4
unless told otherwise, so a second daemon on the same port fails to bind
(``Address already in use``) and sendmail keeps retrying. (An IPv6 daemon
with its own ``Addr=`` is not reported.) Mark the IPv6 daemon optional (``Modifiers=O``),
as FreeBSD's and Debian's files do, or listen on IPv6 only. sendmail reads the
first letter of each key (``M=O`` is ``Modifiers=O``) and keeps the *last*
``M=`` field: in ``M=O, M=E`` the ``O`` is gone (``sendmail -d37.1`` shows
it), write ``M=OE``. Not reported for an ``OSTYPE`` of the BSDs, whose IPv6
sockets accept IPv6 only (OpenBSD always, FreeBSD, NetBSD and DragonFly by
default).

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


V6ONLY_OSTYPES = ("openbsd", "freebsd", "netbsd", "dragonfly")
"""OSTYPE prefixes of systems whose IPv6 sockets do not take IPv4 connections by default."""


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    if (file.mc.ostype or "").startswith(V6ONLY_OSTYPES):
        return
    daemons = []
    for s in file.mc.facts.named("DAEMON_OPTIONS"):  # the .cf's O DaemonPortOptions lines
        if s.args:
            o = daemon_options(s.first)
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
            fields = [
                v.strip()
                for k, _, v in (x.partition("=") for x in s.first.split(","))
                if k.strip()[:1].lower() == "m"
            ]
            lost = len(fields) > 1 and any("O" in v for v in fields[:-1])
            yield Problem(
                *s.where(0),
                f"IPv6 daemon on port {port} next to an IPv4 one, without Modifiers=O "
                + (
                    f"(sendmail keeps the last M= only: M={fields[-1]} replaces M=O; "
                    if lost
                    else "("
                )
                + "the second bind fails on Linux)",
                f"write M={''.join(dict.fromkeys(''.join(fields)))} in one field"
                if lost
                else "add Modifiers=O to the inet6 daemon",
            )
