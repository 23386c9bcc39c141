"""An unbalanced m4 quote or argument list: `` ' `` used to open, `` ` `` or ``(`` never closed.

m4 quotes open with a backquote `` ` `` and close with ``'``. Written the
other way round (``define('SMART_HOST', 'relay')``) m4 defines a macro with
the odd name ``'SMART_HOST'`` and sendmail never sees the setting; a stray
``'`` is copied into the value. A `` ` `` that is never closed swallows the
rest of the file (m4: ``end of file in string``), and so does an argument
list that is never closed (``FEATURE(`mailertable'`` with no ``)``; m4: ``end
of file in argument list``; ``check`` reports it too). Stray quotes inside
``dnl`` comments, ``#`` lines and text under ``divert(-1)`` are harmless and
not reported.

Bad::

    define('SMART_HOST', 'relay.example.net')dnl
    define(`confDOMAIN_NAME', `mail.example.com)dnl

Good::

    define(`SMART_HOST', `relay.example.net')dnl
    define(`confDOMAIN_NAME', `mail.example.com')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.facts import diversion_at

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC001"
NAME = "mc-quote-unbalanced"
SEVERITY = "error"
KINDS = ("mc",)


def _discarded(file: LintFile, line: int, column: int) -> bool:
    starts = file.memo("mc-line-starts", lambda f: _line_starts(f.doc.text))
    return diversion_at(file.mc, starts[line - 1] + column - 1) < 0


def _line_starts(text: str) -> list[int]:
    return [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    stray_lines: set[int] = {
        q.line
        for q in file.mc.quote_problems
        if q.code in ("html-entity", "typographic-quote") and not (q.in_dnl or q.in_hash_comment)
    }  # `define(&#96;x', ...)': the ' closes what the entity meant to open (MC002 reports it)
    for q in file.mc.quote_problems:
        if q.in_dnl or q.in_hash_comment:
            continue
        if q.code == "stray-close-quote":
            if not q.in_argument and q.section is None and _discarded(file, q.line, q.column):
                continue  # text in divert(-1) is thrown away, its quotes with it
            if q.line in stray_lines:
                continue  # one finding per line: `'x', 'y'` is one mistake, not four
            stray_lines.add(q.line)
            yield Problem(
                q.line,
                q.column,
                "' outside any quote: m4 quotes open with ` and close with '",
                "write `...' (backquote to open, apostrophe to close)",
            )
        elif q.code == "unterminated-quote":
            yield Problem(
                q.line,
                q.column,
                "this ` opens a quoted string that is never closed (m4 swallows the rest "
                "of the file)",
                "close it with ' (or remove the backquote)",
            )
    for d in file.mc.diagnostics:
        if d.code == "unterminated-call":
            yield Problem(
                d.line,
                d.column,
                d.message + " (m4 swallows the rest of the file into it)",
                "close it with ) (and check the quotes inside it)",
            )
