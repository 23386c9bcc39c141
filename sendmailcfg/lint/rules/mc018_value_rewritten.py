"""A define whose value m4 does not give back as written: ``$1`` replaced, or an endless loop.

m4 replaces ``$1``..``$9``, ``$#``, ``$*``, ``$@`` and ``$0`` in a macro's
value whenever the macro is used, inside quotes too, and reads the result
again, expanding the macro names in it.

* warning: ``define(`SMART_HOST', `relay$1.example')`` puts ``DSrelay.example``
  in the .cf (``$1`` is empty). Write ``$'`1`` inside a second pair of quotes
  (``mc set`` does this): ``define(`SMART_HOST', ``relay$'`1.example'')``.
* error: a value that names its own macro where m4 reads it again
  (``define(`SMART_HOST', `relay.SMART_HOST.example')``, ``$0``), or two
  defines that name each other, make m4 expand forever: ``render`` stops at
  its timeout or output cap, and the Makefile's m4 never ends. Quote the
  value once more.

Bad::

    define(`SMART_HOST', `relay$1.example')dnl
    define(`MAIL_HUB', `hub.MAIL_HUB.example')dnl

Good::

    define(`SMART_HOST', ``relay$'`1.example'')dnl
    define(`MAIL_HUB', ``hub.MAIL_HUB.example'')dnl
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.quoting import expansion, has_arg_refs, rescanned, substitute

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC018"
NAME = "mc-value-rewritten"
SEVERITY = "warning"
KINDS = ("mc",)

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def expanded_words(text: str) -> set[str]:
    """The words of ``text`` outside quotes: what m4 expands when it reads ``text``.

    >>> sorted(expanded_words("a.SMART_HOST `MAIL_HUB' b"))
    ['SMART_HOST', 'a', 'b']
    """
    plain: list[str] = []
    depth = 0
    for ch in text:
        if ch == "`":
            depth += 1
            plain.append(" ")
        elif ch == "'" and depth:
            depth -= 1
            plain.append(" ")
        else:
            plain.append(ch if depth == 0 else " ")
    return set(_WORD.findall("".join(plain)))


def _loops(bodies: dict[str, str]) -> set[str]:
    """The names whose expansion reaches themselves again (through the others)."""
    edges = {n: expanded_words(b) & bodies.keys() for n, b in bodies.items()}
    looping: set[str] = set()
    for start in edges:
        seen: set[str] = set()
        todo = list(edges[start])
        while todo:
            n = todo.pop()
            if n == start:
                looping.add(start)
                break
            if n not in seen:
                seen.add(n)
                todo.extend(edges[n])
    return looping


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    live = [
        d
        for d in file.doc.define_statements
        if d.value is not None and not d.call.in_hash_comment and len(d.call.values) > 1
    ]
    last = {d.name: d for d in live}  # m4 keeps the last define
    bodies = {n: substitute(d.call.value(1), n) for n, d in last.items()}
    looping = _loops(bodies)
    for name, d in last.items():
        body = d.call.value(1)
        c = d.call
        if name in looping:
            yield Problem(
                c.line,
                c.column,
                f"m4 expands {name} forever: its value names {name} again where m4 reads it "
                "(render stops at its timeout; the Makefile's m4 never ends)",
                f"quote the value once more: define(`{name}', ``...'')",
                severity="error",
            )
        elif has_arg_refs(body):
            yield Problem(
                c.line,
                c.column,
                f"m4 replaces the $ references in {name}'s value whatever the quotes: the "
                f".cf gets {expansion(name, body)!r}, not {rescanned(body)!r}",
                "write $'`1 inside a second pair of quotes (mc set does): "
                f"define(`{name}', ``...$'`1...'')",
            )
