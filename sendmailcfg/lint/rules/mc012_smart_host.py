"""A relay host (SMART_HOST, MAIL_HUB, LOCAL_RELAY) without brackets, or this host itself.

* info: ``relay.example.net`` without ``[ ]`` makes sendmail look up MX
  records for it; with a wildcard MX the mail can loop or go astray. Write
  ``[relay.example.net]`` (or ``esmtp:[relay.example.net]``) to connect to
  that host directly. Often intended (a relay cluster behind MX records, as
  in sendmail's own Berkeley samples), hence ``info``, as MT005 for
  mailertable routes.
* error: a relay host that is this host (its ``confDOMAIN_NAME``, a
  ``LOCAL_DOMAIN()`` name, ``localhost``, a name in ``local-host-names`` next
  to the .mc when ``FEATURE(`use_cw_file')`` reads it): mail bounces with
  ``553 ... config error: mail loops back to me``.

Bad::

    define(`SMART_HOST', `relay.example.net')dnl
    define(`confDOMAIN_NAME', `mail.example.com')dnl
    define(`MAIL_HUB', `mail.example.com')dnl

Good::

    define(`SMART_HOST', `[relay.example.net]')dnl

Only the last ``define`` counts (m4 keeps it), and only mailers that connect to
a host by name look up MX records (``relay``, the default, ``smtp``, ``esmtp``,
``smtp8``, ``dsmtp``): ``uucp-dom:gateway`` needs no brackets.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._mcfacts import facts, site
from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.facts import LOCALHOST_NAMES, RELAY_MACROS, looks_up_mx, relay_target

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC012"
NAME = "mc-smart-host"
SEVERITY = "info"
KINDS = ("mc",)


def _own_names(file: LintFile, fileset: FileSet) -> set[str]:
    """Class ``w`` as the configuration's :class:`~sendmailcfg.site.Site` has it (the
    ``local-host-names`` file only with ``FEATURE(`use_cw_file')``, as sendmail), and the
    names every host has."""
    return set(site(file, fileset).local_names) | set(LOCALHOST_NAMES)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    mc = facts(file)
    own: set[str] | None = None
    for macro in RELAY_MACROS:
        d = mc.define(macro)  # only the define m4 keeps matters
        value = d.arg(1).strip() if d is not None else ""
        if d is None or not value:
            continue
        mailer, host = relay_target(value, macro)
        written_mailer = value[: len(value) - len(host)] if value.endswith(host) else ""
        bare = host.strip().lower().strip("[]").rstrip(".")
        line, column = d.where(1)
        if own is None:
            own = _own_names(file, fileset)
        if bare in own:
            yield Problem(
                line,
                column,
                f"{macro} {value!r} is this host: mail loops back (553 mail loops back to me)",
                "name the real relay host",
                severity="error",
            )
        elif looks_up_mx(mailer, host):
            yield Problem(
                line,
                column,
                f"{macro} {value!r} without [brackets]: sendmail looks up MX records for it "
                f"(mailer {mailer})",
                f"write `{written_mailer}[{host}]'",
            )
