"""``Connect:``/``To:`` RELAY in access for the relay host itself: it does nothing for sending.

``Connect:smtp.example.net RELAY`` lets *clients* named ``smtp.example.net``
relay through this host, and ``To:smtp.example.net RELAY`` accepts mail
*addressed to* that domain; neither has any effect on mail this host sends to
its SMART_HOST. Copied from cloud providers' guides, such lines are at best
useless and at worst open this host to mail from the relay's network. What
sending through the relay needs is SMART_HOST, the mailer's port and an
``authinfo`` entry (``python -m sendmailcfg relay set``).

Bad::

    define(`SMART_HOST', `[smtp.example.net]')dnl
    Connect:smtp.example.net	RELAY

Good: no access entry for the relay host.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet

ID = "RL003"
NAME = "rl-access-relay"
SEVERITY = "warning"
KINDS = ("access",)
SCOPE = "set"


def check(fileset: FileSet) -> Iterator[Problem]:
    from sendmailcfg.lint._mcfacts import site
    from sendmailcfg.mc.facts import relay_target

    mcs = fileset.live_mc_files
    if len(mcs) != 1:
        return
    s = site(mcs[0], fileset)
    hosts: dict[str, str] = {}
    for setting in (s.smart_host, s.mail_hub, s.local_relay):
        if setting is None or not setting.value:
            continue
        _, host = relay_target(setting.value)
        for h in host.split(":"):
            bare = h.strip().strip("[]").rstrip(".").lower()
            if bare:
                hosts[bare] = setting.what
    if not hosts:
        return
    for f in fileset.maps("access"):
        for e in f.doc.entries:
            tag, sep, body = e.key.partition(":")
            if not sep or tag.lower() not in ("connect", "to"):
                continue
            if body.rstrip(".").lower() not in hosts:
                continue
            if e.value.strip().upper() != "RELAY":
                continue
            what = "clients connecting from" if tag.lower() == "connect" else "mail addressed to"
            yield Problem(
                e.line,
                e.column,
                f"{e.key} RELAY: this lets {what} {body} relay; it does nothing for mail "
                f"sent to the {hosts[body.rstrip('.').lower()]} {body}",
                "remove it; sending through the relay needs SMART_HOST, the port and authinfo",
                path=f.path,
            )
