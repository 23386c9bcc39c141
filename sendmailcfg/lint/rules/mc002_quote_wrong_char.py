"""Double quotes, typographic quotes or HTML entities where m4 quotes belong.

Copying a ``.mc`` from a web page or word processor turns `` `x' `` into
``‘x’`` or ``&#96;x&#39;``, and people used to other languages write
``"x"``. m4 knows none of these: the text is passed through literally and
the macro name or value is wrong. Reported where an m4 quote would stand
(right after ``(`` or ``,``, right before ``,`` or ``)``); not in ``dnl``
comments or ``#`` lines, nor as an apostrophe inside quoted text
(``VERSIONID(`Jürgen’s config')``), where they are harmless.

Bad::

    define(“SMART_HOST”, “relay.example.net”)dnl
    define("confMAX_MESSAGE_SIZE", "1048576")dnl
    FEATURE(&#96;mailertable&#39;)dnl

Good::

    define(`SMART_HOST', `relay.example.net')dnl
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC002"
NAME = "mc-quote-wrong-char"
SEVERITY = "error"
KINDS = ("mc",)

_WHAT = {
    "double-quote": 'a double quote " is not an m4 quote',
    "typographic-quote": "typographic quote {text} is not an m4 quote",
    "html-entity": "HTML entity {text} is not an m4 quote",
}


_OPENING = re.compile(r"[(,]\s*\Z")
_CLOSING = re.compile(r"\s*[,)]")


def _where_a_quote_goes(lines: list[str], line: int, column: int, text: str) -> bool:
    """Whether the character sits where an m4 quote would: right after ``(``/``,`` or
    right before ``,``/``)``. Inside a quoted string a typographic apostrophe is just text."""
    if line > len(lines):
        return True
    row = lines[line - 1]
    before, after = row[: column - 1], row[column - 1 + len(text) :]
    return bool(_OPENING.search(before) or _CLOSING.match(after))


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    lines: list[str] | None = None
    for q in file.doc.quote_problems:
        if q.code not in _WHAT or q.in_dnl or q.in_hash_comment:
            continue
        if q.section is not None and q.code == "double-quote":
            continue  # raw cf text may hold double quotes
        if q.code != "double-quote":
            if lines is None:
                lines = file.doc.text.split("\n")
            if not _where_a_quote_goes(lines, q.line, q.column, q.text):
                continue
        yield Problem(
            q.line,
            q.column,
            _WHAT[q.code].format(text=q.text),
            "m4 quotes are ` (backquote) to open and ' (apostrophe) to close",
        )
