"""An authinfo key that names no host this configuration relays to: never used.

sendmail looks up ``AuthInfo:`` + the name it connects to. With
``SMART_HOST`` ``[smtp.example.net]`` that name is ``smtp.example.net``; an entry
for ``AuthInfo:smtp.example.com`` (a typo, an old provider, the provider's web
name) is never read, and sendmail sends without AUTH. The hosts compared are the
``SMART_HOST``, ``MAIL_HUB`` and ``LOCAL_RELAY`` and the mailertable's hosts;
address keys and the default ``AuthInfo:`` are not checked. Reported as info when
a relay is written without brackets (sendmail then connects to its MX host,
whose name the configuration does not tell).

Bad::

    define(`SMART_HOST', `[smtp.example.net]')dnl
    AuthInfo:smtp.example.com	"U:joe" "P:secret"

Good::

    AuthInfo:smtp.example.net	"U:joe" "P:secret"
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.maps.authinfo import TAG, port_in_name

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet

ID = "AU005"
NAME = "au-unused-key"
SEVERITY = "warning"
KINDS = ("authinfo",)
SCOPE = "set"

_ADDRESS = re.compile(r"[0-9.]+|IPv6:[0-9A-Fa-f:.]+|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*")


def _relay_hosts(fileset: FileSet) -> tuple[set[str], bool] | None:
    from sendmailcfg.lint._mcfacts import site
    from sendmailcfg.mc.facts import looks_up_mx, relay_target

    mcs = fileset.live_mc_files
    if len(mcs) != 1:
        return None
    s = site(mcs[0], fileset)
    hosts: set[str] = set()
    mx = False
    values = [x.value for x in (s.smart_host, s.mail_hub, s.local_relay) if x is not None]
    table = s.document("mailertable")
    if table is not None:
        values += [e.value for e in table.entries]
    for value in values:
        mailer, host = relay_target(value)
        if mailer.lower() in ("local", "error"):
            continue
        for h in host.split(":"):
            h = h.strip()
            if not h:
                continue
            mx = mx or looks_up_mx(mailer, h)
            hosts.add(h.strip("[]").rstrip(".").lower())
    return hosts, mx


def check(fileset: FileSet) -> Iterator[Problem]:
    found = _relay_hosts(fileset)
    if found is None:
        return
    hosts, mx = found
    for f in fileset.maps("authinfo"):
        for e in f.doc.entries:
            if not e.key.lower().startswith(TAG.lower()):
                continue
            name = e.key[len(TAG) :]
            if not name or _ADDRESS.fullmatch(name) or port_in_name(name):
                continue  # the default entry, an address, or AU001's
            if name.rstrip(".").lower() in hosts:
                continue
            shown = ", ".join(sorted(hosts)) or "none"
            yield Problem(
                e.line,
                e.column + len(TAG),
                f"key {e.key}: this configuration relays to no host {name} "
                f"(relay hosts: {shown}); sendmail never uses this entry",
                "name the host exactly as in SMART_HOST (without brackets)",
                path=f.path,
                severity="info" if mx else None,
            )
