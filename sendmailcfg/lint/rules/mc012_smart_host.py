"""A relay host (SMART_HOST, MAIL_HUB, LOCAL_RELAY) without brackets, or this host itself.

* warning: ``relay.example.net`` without ``[ ]`` makes sendmail look up MX
  records for it; with a wildcard MX the mail can loop or go astray. Write
  ``[relay.example.net]`` (or ``esmtp:[relay.example.net]``) to connect to
  that host directly.
* error: a relay host that is this host (its ``confDOMAIN_NAME``, a
  ``LOCAL_DOMAIN()`` name, ``localhost``, a name in ``local-host-names`` next
  to the .mc): mail bounces with ``553 ... config error: mail loops back to me``.

Bad::

    define(`SMART_HOST', `relay.example.net')dnl
    define(`confDOMAIN_NAME', `mail.example.com')dnl
    define(`MAIL_HUB', `mail.example.com')dnl

Good::

    define(`SMART_HOST', `[relay.example.net]')dnl
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC012"
NAME = "mc-smart-host"
SEVERITY = "warning"
KINDS = ("mc",)

RELAYS = ("SMART_HOST", "MAIL_HUB", "LOCAL_RELAY")
_IP = re.compile(r"\d{1,3}(\.\d{1,3}){3}\Z")


def _own_names(file: LintFile, fileset: FileSet) -> set[str]:
    doc = file.doc
    names = {"localhost", "127.0.0.1", "[127.0.0.1]", "localhost.localdomain"}
    own = doc.defines.get("confDOMAIN_NAME")
    if own:
        names.add(own.strip().lower().rstrip("."))
    for c in doc.class_macros:
        if c.macro == "LOCAL_DOMAIN":
            names.update(w.lower().rstrip(".") for w in c.words)
    if "local-host-names" in fileset.listing:
        try:
            with open(os.path.join(fileset.folder, "local-host-names"), errors="replace") as fh:
                for line in fh:
                    if not line.startswith("#"):
                        names.update(w.lower().rstrip(".") for w in line.split())
        except OSError:
            pass
    return names


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    own: set[str] | None = None
    for d in file.doc.define_statements:
        if d.name not in RELAYS or not d.value or not d.value.strip():
            continue
        value = d.value.strip()
        mailer, _, host = value.rpartition(":") if not value.startswith("[") else ("", "", value)
        if mailer and mailer.startswith("["):
            mailer, host = "", value
        bare = host.strip().lower().strip("[]").rstrip(".")
        call = d.call
        line, column = (
            (call.args[1].line, call.args[1].column) if len(call.args) > 1 else (call.line, 1)
        )
        if own is None:
            own = _own_names(file, fileset)
        if bare in own:
            yield Problem(
                line,
                column,
                f"{d.name} {value!r} is this host: mail loops back (553 mail loops back to me)",
                "name the real relay host",
                severity="error",
            )
        elif not host.startswith("[") and not _IP.match(host):
            yield Problem(
                line,
                column,
                f"{d.name} {value!r} without [brackets]: sendmail looks up MX records for it",
                f"write `{mailer + ':' if mailer else ''}[{host}]'",
            )
