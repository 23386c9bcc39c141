"""Double quotes, typographic quotes or HTML entities where m4 quotes belong.

Copying a ``.mc`` from a web page or word processor turns `` `x' `` into
``‘x’`` or ``&#96;x&#39;``, and people used to other languages write
``"x"``. m4 knows none of these: the text is passed through literally and
the macro name or value is wrong. Found in arguments and statements (not
in ``dnl`` comments or ``#`` lines, where they are harmless).

Bad::

    define(“SMART_HOST”, “relay.example.net”)dnl
    define("confMAX_MESSAGE_SIZE", "1048576")dnl
    FEATURE(&#96;mailertable&#39;)dnl

Good::

    define(`SMART_HOST', `relay.example.net')dnl
"""

from __future__ import annotations

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


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for q in file.doc.quote_problems:
        if q.code not in _WHAT or q.in_dnl or q.in_hash_comment:
            continue
        if q.section is not None and q.code == "double-quote":
            continue  # raw cf text may hold double quotes
        yield Problem(
            q.line,
            q.column,
            _WHAT[q.code].format(text=q.text),
            "m4 quotes are ` (backquote) to open and ' (apostrophe) to close",
        )
