"""A mailertable value that is not ``mailer:host``, ``local:user`` or ``error:...``.

sendmail only accepts a lookup result of the form ``<mailer>:<rest>`` (one
token before the colon: :func:`sendmailcfg.maps.routing.routes`); a
plain ``relay.example.net`` is not a route (it is fed back as a host name and
the address falls through to the default), and ``smtp:`` without a host has
nowhere to go. ``error:`` needs a text (``error:5.1.1:550 User unknown``),
and its status and reply code should agree (``error:5.1.1:450`` is a warning).

Bad::

    example.com   relay.example.net
    example.org   smtp:
    example.net   error:

Good::

    example.com   smtp:[relay.example.net]
    example.org   local:
    example.net   error:5.7.1:550 No mail for this domain
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import entries, value_text
from sendmailcfg.lint.engine import Problem
from sendmailcfg.maps.routing import routes

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MT002"
NAME = "mt-rhs-form"
SEVERITY = "error"
KINDS = ("mailertable",)

_ERROR_CODES = re.compile(r"([245])\.\d{1,3}\.\d{1,3}:\s*\"?([245])\d\d")
_ROUTE = re.compile(r"([^\s:\[\]<>@,]+):(.*)\Z", re.S)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for e in entries(file):
        value = value_text(e.value)
        m = _ROUTE.match(value)
        if m is None or not routes(value):
            yield Problem(
                e.line,
                e.value_column,
                f"value {value!r} is not mailer:host (sendmail ignores it as a route)",
                f"write e.g. `esmtp:[{value.strip() or 'relay.example.net'}]`",
            )
            continue
        mailer, rest = m.group(1), m.group(2)
        if mailer.lower() == "error":
            if not rest.strip():
                yield Problem(
                    e.line,
                    e.value_column,
                    "error: without a status or text",
                    "write `error:5.1.1:550 User unknown` (DSN:SMTP-code text)",
                )
            mismatch = _ERROR_CODES.match(rest)
            if mismatch and mismatch.group(1) != mismatch.group(2):
                yield Problem(
                    e.line,
                    e.value_column,
                    f"error: status {mismatch.group(0).split(':')[0]} and reply code "
                    f"{mismatch.group(2)}xx disagree",
                    "make both temporary (4.x.x:4xx) or both permanent (5.x.x:5xx)",
                    severity="warning",
                )
        elif mailer.lower() != "local" and not rest.strip():
            yield Problem(
                e.line,
                e.value_column,
                f"{mailer}: without a host",
                f"write `{mailer}:[relay.example.net]`",
            )
        elif any(c in rest.strip(" \t") for c in " \t"):  # a trailing blank: sendmail routes it
            yield Problem(
                e.line,
                e.value_column + len(mailer) + 1,
                f"host part {rest!r} holds white space",
                "a host list is written host1:host2 (next preference) or host1,host2",
            )
