"""An authinfo key with a port (``AuthInfo:host:587``): sendmail never looks it up.

The ``authinfo`` ruleset looks up exactly ``AuthInfo:`` + the name sendmail
connected to, then ``AuthInfo:`` + its address, then ``AuthInfo:`` alone; no
key carries a port. An entry copied from a guide as ``AuthInfo:host:587``
matches nothing, and sendmail sends without AUTH (the server answers ``530``).

Bad::

    AuthInfo:smtp.example.net:587	"U:joe" "P:secret"

Good::

    AuthInfo:smtp.example.net	"U:joe" "P:secret"
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.maps.authinfo import TAG, port_in_name

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AU001"
NAME = "au-key-port"
SEVERITY = "error"
KINDS = ("authinfo",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for e in file.doc.entries:
        if not e.key.lower().startswith(TAG.lower()):
            continue
        host = e.key[len(TAG) :]
        if port_in_name(host):
            name = host.rpartition(":")[0]
            yield Problem(
                e.line,
                e.column + len(TAG) + len(name),
                f"key {e.key}: sendmail looks up AuthInfo:{name} (no port), never this key",
                f"write the key AuthInfo:{name.strip('[]')}; the port belongs in the mailer's "
                "arguments (RELAY_MAILER_ARGS)",
            )
