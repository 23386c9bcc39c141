"""A key with a non-ASCII domain (a U-label such as ``例え.jp``): sendmail does not convert it.

Mail on the wire names an internationalized domain by its A-label (``xn--r8jz45g.jp``);
sendmail compares keys byte for byte and never converts between the two forms, so a key
written with U-labels does not match the A-label an envelope carries (only SMTPUTF8
messages, from a sendmail built with EAI support, carry U-labels). The fix (offered with
``--unsafe-fixes``, since it changes which mail the entry matches) writes the A-label.

Bad::

    例え.jp       smtp:[mx.example.jp]

Good::

    xn--r8jz45g.jp   smtp:[mx.example.jp]
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._facts import candidates
from sendmailcfg.lint.engine import Fix, Problem, offset
from sendmailcfg.maps.facts import split_tag

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MAP006"
NAME = "map-idna-key"
SEVERITY = "warning"
KINDS = ("map",)
FIX = "unsafe"

_NON_ASCII_KEY = re.compile(r"\n[^#\s][^\s]*[^\x00-\x7f\udc80-\udcff]")


def a_label(domain: str) -> str | None:
    """``domain`` with every label as an A-label (None: not a valid IDNA name).

    >>> a_label("例え.jp"), a_label(".Bücher.example")
    ('xn--r8jz45g.jp', '.xn--bcher-kva.example')
    """
    dot = "." if domain.startswith(".") else ""
    try:
        return dot + domain[len(dot) :].encode("idna").decode("ascii")
    except UnicodeError:
        return None


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for e in candidates(file, _NON_ASCII_KEY):
        rest = split_tag(e.key).rest if file.kind == "access" else e.key
        domain = rest.rsplit("@", 1)[-1]
        if domain.isascii():
            continue
        converted = a_label(domain)
        column = len(e.key) - len(domain) + 1
        if converted is None:
            yield Problem(
                e.line,
                column,
                f"key domain {domain} is not ASCII and no valid IDNA name: it never matches "
                "an envelope's domain",
                "write the domain's A-label (xn--...)",
            )
            continue
        start = offset(file, e.line, column)
        yield Problem(
            e.line,
            column,
            f"key domain {domain} is a U-label: sendmail does not convert it, and mail "
            f"names it {converted}",
            f"write `{e.key[: column - 1]}{converted}`",
            fix=Fix(start, start + len(domain), converted),
        )
