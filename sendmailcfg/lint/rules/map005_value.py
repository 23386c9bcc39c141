"""A virtusertable, genericstable or domaintable entry whose value cannot work for its map.

* virtusertable: the value is an address, a local user or ``error:...``; it
  cannot hold white space (except in an ``error:`` text), and ``error:`` needs
  a code (``error:nouser 550 No such user``). A key without ``@`` is never
  looked up (keys are ``user@domain`` or ``@domain``).
* genericstable: the value is the address to rewrite to: no white space,
  no ``error:``.
* domaintable: the value is a domain name: no ``@``, ``:`` or white space.

mailertable and access values have rules of their own (MT002, AC005).

Bad::

    info@example.com      bob smith
    sales                 alice

Good::

    info@example.com      bob
    sales@example.com     alice
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import entries, value_text
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MAP005"
NAME = "map-value"
SEVERITY = "error"
KINDS = ("virtusertable", "genericstable", "domaintable")

_WS = re.compile(r"[ \t]")
_ERROR_CODE = re.compile(r"error:(\S+:)?\s*\"?([45]\d\d|[\w.-]+[ \t:])", re.I)


def _virtuser(key: str, value: str) -> tuple[int, str, str, str | None] | None:
    if "@" not in key:
        return (
            0,
            f"virtusertable key {key!r} has no @ and is never looked up",
            f"write `{key}@your.domain` (or `@your.domain` for a catch-all)",
            "warning",
        )
    if value[:6].lower() == "error:":
        if not _ERROR_CODE.match(value):
            return (
                1,
                f"{value!r}: error: without a code",
                "write `error:nouser 550 No such user` or `error:5.1.1:550 No such user`",
                None,
            )
        return None
    if _WS.search(value):
        return (
            1,
            f"value {value!r} holds white space (an address or local user cannot)",
            "one address per key; use an alias for several recipients",
            None,
        )
    return None


def _generics(key: str, value: str) -> tuple[int, str, str, str | None] | None:
    if value[:6].lower() == "error:":
        return 1, "genericstable values are addresses, not error:", "write an address", None
    if _WS.search(value):
        return 1, f"value {value!r} holds white space", "write one address", None
    return None


def _domains(key: str, value: str) -> tuple[int, str, str, str | None] | None:
    if _WS.search(value) or "@" in value or ":" in value:
        return (
            1,
            f"value {value!r} is not a domain name",
            "write the replacement domain only, e.g. `example.com`",
            None,
        )
    return None


_CHECKS = {"virtusertable": _virtuser, "genericstable": _generics, "domaintable": _domains}


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    test = _CHECKS[file.kind]
    for e in entries(file):
        found = test(e.key, value_text(e.value).rstrip(" \t"))
        if found is not None:
            where, message, hint, severity = found
            column = e.value_column if where else 1
            yield Problem(e.line, column, message, hint, severity=severity)
