"""A mailertable ``.domain`` key without a ``domain`` key: mail to the domain itself is not routed.

A leading-dot key matches strict subdomains only: ``.example.com`` routes
``user@host.example.com`` but not ``user@example.com``, which falls through
to the ``.`` entry, SMART_HOST or plain DNS delivery. Add the bare domain
too (unless that really is what you want, or the domain is local).

Bad::

    .example.com   smtp:[mx.example.net]

Good::

    example.com    smtp:[mx.example.net]
    .example.com   smtp:[mx.example.net]
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import entries
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MT001"
NAME = "mt-dot-without-bare"
SEVERITY = "warning"
KINDS = ("mailertable",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    from sendmailcfg.lint._mcfacts import domains

    doc = file.doc
    known = domains(fileset) if fileset.live_mc_files else None
    local = known[0] if known is not None else set()  # the folder's Site: class w
    for e in entries(file):
        if len(e.key) > 1 and e.key.startswith(".") and e.key[1:] not in doc:
            if e.key[1:].lower().rstrip(".") in local:
                continue  # the domain itself is delivered here, before the mailertable
            yield Problem(
                e.line,
                1,
                f"{e.key} has no entry for {e.key[1:]} itself (a leading dot matches "
                "subdomains only)",
                f"add `{e.key[1:]}` with the same route if the domain itself should use it",
            )
