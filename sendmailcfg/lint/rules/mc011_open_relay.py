"""A FEATURE or class that opens the server to relaying or forged senders.

* error: ``FEATURE(`promiscuous_relay')`` relays for anyone (an open relay);
  ``RELAY_DOMAIN()`` with a top-level domain (``com``) relays for all of it;
* warning: ``relay_local_from`` (anyone claiming a local sender may relay),
  ``relay_mail_from`` (relays on a forgeable ``MAIL FROM``),
  ``relay_based_on_MX`` (anyone who points an MX at you gets relaying),
  ``loose_relay_check`` (``user%site@yourhost`` relaying),
  ``accept_unresolvable_domains`` (senders from domains that do not exist).
  Not in a mail submission config (``FEATURE(`msp')``, a ``submit.mc``): its
  daemon listens on 127.0.0.1 only (``feature/msp.m4``), so only local users
  reach it.

Bad::

    FEATURE(`promiscuous_relay')dnl
    RELAY_DOMAIN(`com')dnl

Good::

    RELAY_DOMAIN(`example.com')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC011"
NAME = "mc-open-relay"
SEVERITY = "error"
KINDS = ("mc",)

RISKY: dict[str, tuple[str, str, str]] = {
    "promiscuous_relay": (
        "error",
        "an open relay: anyone may relay through this host",
        "remove it",
    ),
    "relay_local_from": (
        "warning",
        "relays for anyone who claims a local sender address (forgeable)",
        "use SMTP AUTH or Connect: RELAY entries instead",
    ),
    "relay_mail_from": (
        "warning",
        "relays based on the MAIL FROM address (forgeable)",
        "use SMTP AUTH or Connect: RELAY entries instead",
    ),
    "relay_based_on_MX": (
        "warning",
        "relays for any domain whose MX points here (anyone can set that up)",
        "list the domains with RELAY_DOMAIN() or To: RELAY access entries",
    ),
    "loose_relay_check": (
        "warning",
        "allows user%site@thishost relaying",
        "remove it unless you rely on the % hack",
    ),
    "accept_unresolvable_domains": (
        "warning",
        "accepts senders from domains that do not resolve (spam and forgeries)",
        "remove it, or allow single senders with From: OK access entries",
    ),
}


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    doc = file.mc
    msp = any(f.name == "msp" for f in doc.features)
    for f in doc.features:
        if msp and f.name in RISKY and RISKY[f.name][0] != "error":
            continue  # an MSP (submit.cf) listens on 127.0.0.1 only: local users only
        if f.name in RISKY:
            severity, what, hint = RISKY[f.name]
            yield Problem(
                f.call.line, f.call.column, f"FEATURE(`{f.name}'): {what}", hint, severity=severity
            )
    for c in doc.class_macros:
        if c.macro != "RELAY_DOMAIN":
            continue
        for word in c.words:
            if "." not in word.strip("."):
                yield Problem(
                    c.call.line,
                    c.call.column,
                    f"RELAY_DOMAIN(`{word}') relays for a whole top-level domain",
                    "list your own domains only",
                )
