r"""Lossless nodes of a makemap source file: one frozen node per line.

Ownership rule: every node owns exactly the bytes of its line, newline
included (the last line of a file may have none). Joining ``node.text`` over
a document gives the file back byte for byte. Positions are not stored in
nodes: the document computes line numbers from the node's index, so nodes can
be shared and copied freely (LibCST's rule).

>>> e = MapEntry("takaq.jp\tsmtp:takaq.jp\n", 8, 9)
>>> (e.key, e.separator, e.value, e.newline)
('takaq.jp', '\t', 'smtp:takaq.jp', '\n')
"""

from __future__ import annotations

import attrs

from sendmailcfg._source import byte_length

WHITESPACE = " \t\r\x0b\x0c"
"""What C's ``isspace`` accepts on an ASCII byte, less the newline."""
WS_CLASS = r" \t\r\x0b\x0c"
""":data:`~sendmailcfg.syntax.map_nodes.WHITESPACE` as the inside of a regex ``[...]`` class:
what ends a key and separates it from its value without ``-t`` (C's ``isspace``, ASCII only;
never Python's ``\\s``, which also takes ``\\x1c``-``\\x1f`` and non-ASCII spaces)."""

MAX_LINE_BYTES = 1022
"""makemap reads with a 1024-byte buffer: 1022 bytes, the newline and a NUL."""


def _newline_of(text: str) -> str:
    return "\n" if text.endswith("\n") else ""


@attrs.frozen
class MapSyntax:
    """How makemap is told to read the source: ``-D``, ``-t`` and ``-e``.

    >>> MapSyntax(delimiter=":").delimiter
    ':'
    """

    comment: str = attrs.field(default="#")
    delimiter: str | None = attrs.field(default=None)
    allow_empty: bool = False

    @comment.validator
    def _check_comment(self, _attr: object, value: str) -> None:
        if len(value) != 1 or value == "\n":
            raise ValueError("comment must be one character other than a newline")

    @delimiter.validator
    def _check_delimiter(self, _attr: object, value: str | None) -> None:
        if value is not None and (len(value) != 1 or value == "\n"):
            raise ValueError("delimiter must be one character other than a newline")


@attrs.frozen
class MapEntry:
    """``key<separator>value<newline>``: a pair makemap stores.

    ``value`` is what makemap stores: the rest of the line verbatim, trailing
    blanks and the CR of a CRLF line included.
    """

    text: str
    key_end: int
    value_start: int

    @property
    def key(self) -> str:
        """The key as written (not folded)."""
        return self.text[: self.key_end]

    @property
    def separator(self) -> str:
        """The run of separators between key and value."""
        return self.text[self.key_end : self.value_start]

    @property
    def value(self) -> str:
        """The value, exactly as makemap stores it."""
        end = len(self.text) - 1 if self.text.endswith("\n") else len(self.text)
        return self.text[self.value_start : end]

    @property
    def newline(self) -> str:
        r"""``"\n"``, or ``""`` on a last line without one."""
        return _newline_of(self.text)

    @property
    def value_column(self) -> int:
        """1-based column where the value starts."""
        return self.value_start + 1


@attrs.frozen
class MapComment:
    """A line whose first character is the comment character."""

    text: str

    @property
    def newline(self) -> str:
        return _newline_of(self.text)


@attrs.frozen
class MapBlank:
    r"""An empty line (only ``"\n"``); makemap skips it."""

    text: str = "\n"

    @property
    def newline(self) -> str:
        return _newline_of(self.text)


BLANK = MapBlank("\n")

ERROR_MESSAGES: dict[str, tuple[str, str]] = {
    "leading-space": (
        "syntax error (leading space)",
        "a key in column 1 (makemap has no indentation or continuation lines)",
    ),
    "no-rhs": ("no RHS for LHS {key}", "a value after the key (or build with makemap -e)"),
    "too-long": (
        "line too long (1024 bytes max)",
        "at most 1022 bytes on a line (makemap reads the rest as a new line)",
    ),
    "nul-byte": (
        "line too long (1024 bytes max): the line holds a NUL byte",
        "text without NUL bytes",
    ),
}


@attrs.frozen
class MapErrorLine:
    """A line makemap rejects, kept verbatim so the file still round-trips.

    ``code`` is one of ``leading-space``, ``no-rhs``, ``too-long``, ``nul-byte``;
    ``column`` (1-based) is where the problem is.
    """

    text: str
    code: str
    column: int

    @property
    def newline(self) -> str:
        return _newline_of(self.text)

    @property
    def message(self) -> str:
        """The problem in makemap's own words."""
        # For "no-rhs" the column is just past the key (the key ends where makemap's
        # isspace() or the -t delimiter says, which str.split would not match).
        return ERROR_MESSAGES[self.code][0].format(key=self.text[: self.column - 1])

    @property
    def expected(self) -> str:
        """What makemap expected instead."""
        return ERROR_MESSAGES[self.code][1]


MapLine = MapEntry | MapComment | MapBlank | MapErrorLine
"""Any line node of a map source."""


def limit_problem(line: str) -> MapErrorLine | None:
    """Lines makemap's 1024-byte fgets buffer cannot hold whole (or NUL bytes)."""
    nul = line.find("\x00")
    if nul >= 0:
        return MapErrorLine(line, "nul-byte", nul + 1)
    content = line[:-1] if line.endswith("\n") else line
    if len(content) > MAX_LINE_BYTES // 4 and byte_length(content) > MAX_LINE_BYTES:
        return MapErrorLine(line, "too-long", _column_of_byte(content, MAX_LINE_BYTES + 1))
    return None


def _column_of_byte(content: str, byte_index: int) -> int:
    """1-based column (in characters) of the character holding byte ``byte_index``."""
    if content.isascii():
        return byte_index
    total = 0
    for i, ch in enumerate(content):
        total += byte_length(ch)
        if total >= byte_index:
            return i + 1
    return len(content)
