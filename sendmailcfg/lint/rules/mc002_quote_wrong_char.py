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

``lint --fix --unsafe-fixes`` writes the m4 quotes (unsafe: m4 then reads the name and
value the line plainly meant, so the .cf changes).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Fix, Problem, offset

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC002"
NAME = "mc-quote-wrong-char"
SEVERITY = "error"
KINDS = ("mc",)
FIX = "unsafe"

_WHAT = {
    "double-quote": 'a double quote " is not an m4 quote',
    "typographic-quote": "typographic quote {text} is not an m4 quote",
    "html-entity": "HTML entity {text} (pasted from a web page) is not an m4 quote",
}

_TEXT_ENTITY = re.compile(
    r"&(?:lt|gt|amp|quot|nbsp|#0*(?:60|62|38|160)|#x0*(?:3c|3e|26|a0));", re.I
)
"""HTML entities for characters that are not quotes (``-T&lt;TMPF&gt;`` from a web page)."""


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


def _quote_for(lines: list[str], line: int, column: int) -> str:
    """The m4 quote meant at this place: ` after ``(``/``,``, else '."""
    row = lines[line - 1] if line <= len(lines) else ""
    return "`" if _OPENING.search(row[: column - 1]) else "'"


def _text_entities(file: LintFile) -> Iterator[Problem]:
    for s in file.mc.statements:
        for a in s.args:
            for m in _TEXT_ENTITY.finditer(a.raw):
                offset = a.start + m.start()
                line, column = _line_col(file.mc.text, offset)
                import html  # only when there is an entity: not at every start

                char = html.unescape(m.group())
                shown = "a no-break space" if char == "\xa0" else char
                yield Problem(
                    line,
                    column,
                    f"HTML entity {m.group()} (pasted from a web page): m4 passes it on as "
                    "those characters, not as " + shown,
                    f"write {shown} instead of {m.group()}" if char != "\xa0" else "write a space",
                )


def _line_col(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    yield from _text_entities(file)
    lines: list[str] | None = None
    for q in file.mc.quote_problems:
        if q.code not in _WHAT or q.in_dnl or q.in_hash_comment:
            continue
        if q.section is not None and q.code == "double-quote":
            continue  # raw cf text may hold double quotes
        if q.code != "double-quote":
            if lines is None:
                lines = file.mc.text.split("\n")
            if not _where_a_quote_goes(lines, q.line, q.column, q.text):
                continue
        hint = "m4 quotes are ` (backquote) to open and ' (apostrophe) to close"
        fix = None
        if q.code != "double-quote" and lines is not None:
            quote = _quote_for(lines, q.line, q.column)
            hint = f"write {quote} instead of {q.text}"
            start = offset(file, q.line, q.column)
            if file.text[start : start + len(q.text)] == q.text:
                fix = Fix(start, start + len(q.text), quote)
        else:
            fix = _double_quoted(file, offset(file, q.line, q.column))
        yield Problem(q.line, q.column, _WHAT[q.code].format(text=q.text), hint, fix=fix)


def _double_quoted(file: LintFile, at: int) -> Fix | None:
    """The fix of an argument written ``"text"`` (the double quote at ``at``): `` `text' ``."""
    for s in file.doc.statements:
        for a in s.args:
            raw = a.raw
            lead = len(raw) - len(raw.lstrip())
            if a.start + lead != at:
                continue
            body = raw.strip()
            inner = body[1:-1]
            if len(body) < 2 or body[-1] != '"' or any(c in inner for c in "`'\""):
                return None
            return Fix(at, at + len(body), f"`{inner}'")
    return None
