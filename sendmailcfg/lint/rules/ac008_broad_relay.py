"""An access ``RELAY`` so broad it makes an open relay, or one keyed on a forgeable sender.

Access keys match the domain and all its subdomains, and IP keys everything
below them, so:

* error: ``RELAY`` for a top-level domain (``To:com``) or for ``.``;
* warning: ``RELAY`` for a one-octet network (``Connect:10`` is all of
  10.0.0.0/8; some sites mean it; ``127`` is loopback and not reported);
* warning: ``From:... RELAY`` — with ``FEATURE(`relay_mail_from')`` anyone can
  forge that sender to relay; without it the entry only means OK.

``localhost``, ``*.localhost`` and ``localhost.localdomain`` (RELAY for them is
in the access file RHEL, CentOS, Fedora and PLD ship) are not reported:
sendmail relays by client name only when the name is forward-confirmed
(``{client_resolve}`` OK, else "550 Relaying denied. IP name possibly
forged"), and such names resolve to the loopback address (RFC 6761 §6.3), so
only the host itself can present them.

Bad::

    To:com              RELAY
    From:example.com    RELAY

Good::

    To:example.com      RELAY
    Connect:192.0.2     RELAY
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._access import VALUE_SUSPECTS, suspects
from sendmailcfg.lint._facts import value_text
from sendmailcfg.lint.engine import Problem
from sendmailcfg.maps.facts import is_localhost_name

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AC008"
NAME = "ac-broad-relay"
SEVERITY = "error"
KINDS = ("access",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for a in suspects(file, VALUE_SUSPECTS):
        if value_text(a.entry.value).strip().upper() != "RELAY":
            continue
        e, tag, rest = a.entry, a.tag.lower(), a.rest
        column = len(e.key) - len(rest) + 1
        if tag in ("", "connect", "to") and is_localhost_name(rest):
            continue  # only the host itself can be called localhost (RFC 6761 §6.3)
        if tag == "from":
            yield Problem(
                e.line,
                1,
                f"{e.key} RELAY trusts a sender address anyone can forge",
                "relay by client (Connect:) or SMTP AUTH instead",
                severity="warning",
            )
        elif rest.isdigit():
            if rest == "127":
                continue  # loopback
            yield Problem(
                e.line,
                column,
                f"{e.key} RELAY relays for the whole {rest}.0.0.0/8 network",
                "list the networks you mean with more octets",
                severity="warning",
            )
        elif (
            tag in ("", "to", "connect")
            and "." not in rest.strip(".")
            and not any(c in rest for c in ":@[")
        ):
            what = (
                "every domain" if rest.strip(".") == "" else f"the whole .{rest.strip('.')} domain"
            )
            yield Problem(
                e.line,
                column,
                f"{e.key} RELAY relays for {what}",
                "list your own domains only",
            )
