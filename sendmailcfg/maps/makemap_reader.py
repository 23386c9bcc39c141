r"""How sendmail 8.17's makemap reads its source, byte for byte.

makemap reads standard input with ``fgets`` into a 1024-byte buffer, so one
call returns at most 1023 bytes. A chunk without a newline is "line too long"
unless the input ended inside it; the rest of an over-long line is then read
as the next line(s), and every chunk counts as a line. A NUL byte ends the C
string (so ``strchr`` misses the newline: "line too long" again). An empty
line or one whose first byte is the comment character (``-D``) is skipped;
without ``-t`` a line starting with white space is a syntax error. The key
runs to the first separator (ASCII white space, or the ``-t`` byte) and is
ASCII-lower-cased unless ``-f``; every separator after it is skipped and the
rest of the line, trailing blanks and CR included, is the value. An empty
value is "no RHS for LHS" unless ``-e``. ``-N`` stores a trailing NUL in keys
and values. A repeated key keeps the first value and is an error (default),
the last value (``-r``), or every value (``-d``).

>>> r = read_source(b"Example.COM\tsmtp:[mx.example.net]\n k v\nexample.com x\n")
>>> r.pairs
[(b'example.com', b'smtp:[mx.example.net]')]
>>> for line in r.messages("mailertable"):
...     print(line)
makemap: mailertable: line 2: syntax error (leading space)
makemap: mailertable: line 3: key example.com: duplicate key
>>> r.status
65
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import attrs

from sendmailcfg.maps import makemap_lines
from sendmailcfg.maps.makemap_lines import (
    BUFSIZE,
    EX_DATAERR,
    EX_OK,
    LEADING_SPACE,
    MAX_CHUNK,
    MAX_LINE,
    TOO_LONG,
    Scanned,
    c_string,
    duplicate_message,
    format_message,
    iter_chunks,
    put_unique,
    reading_options,
)

__all__ = [
    "BUFSIZE",
    "EX_DATAERR",
    "EX_OK",
    "LEADING_SPACE",
    "MAX_CHUNK",
    "MAX_LINE",
    "TOO_LONG",
    "DuplicatePolicy",
    "ReadError",
    "ReadResult",
    "ReaderOptions",
    "Record",
    "Scanned",
    "c_string",
    "duplicate_message",
    "format_message",
    "iter_chunks",
    "iter_records",
    "put_unique",
    "read_source",
    "scan",
]

DuplicatePolicy = Literal["error", "last", "all"]
"""makemap's default (first kept, an error), ``-r`` (last wins), ``-d`` (all kept)."""


@attrs.frozen
class ReaderOptions:
    """The reading flags of makemap, as bytes.

    ``comment`` is the ``-D`` byte (``None`` for ``-D ''``: no comment lines),
    ``delimiter`` the ``-t`` byte (``None``: ASCII white space).

    >>> ReaderOptions.from_flags(["-t:", "-r", "-D", ";"]).delimiter
    b':'
    """

    comment: bytes | None = attrs.field(default=b"#")
    delimiter: bytes | None = attrs.field(default=None)
    fold: bool = True
    allow_empty: bool = False
    include_nul: bool = False
    duplicates: DuplicatePolicy = "error"

    @comment.validator
    def _check_comment(self, _attr: object, value: bytes | None) -> None:
        if value is not None and len(value) != 1:
            raise ValueError("comment must be one byte (or None)")

    @delimiter.validator
    def _check_delimiter(self, _attr: object, value: bytes | None) -> None:
        if value is not None and len(value) != 1:
            raise ValueError("delimiter must be one byte (or None)")

    @classmethod
    def from_flags(cls, flags: list[str] | tuple[str, ...]) -> ReaderOptions:
        """Options from makemap command-line flags (getopt style: ``-t:``, ``-t :``, ``-rv``).

        Only the reading flags matter (``-D -t -e -f -N -r -d``); the others are
        accepted and ignored. ``-D ''`` turns comments off; ``-t ''`` is ignored,
        as makemap ignores it.
        """
        import getopt

        opts, _ = getopt.gnu_getopt(list(flags), "C:D:Nc:defi:Llorst:uvx")
        return cls(*reading_options(opts))


@attrs.frozen
class Record:
    """One pair makemap would put, with the line (``fgets`` chunk) it came from.

    ``key`` and ``value`` are the stored bytes (folded key; a trailing NUL with ``-N``).
    """

    line: int
    key: bytes
    value: bytes


@attrs.frozen
class ReadError:
    """A line makemap rejects: its number and makemap's message (undecodable bytes escaped)."""

    line: int
    message: str


@attrs.frozen
class ReadResult:
    """What makemap would store (``pairs``, in insertion order) and say (``errors``)."""

    pairs: list[tuple[bytes, bytes]]
    errors: list[tuple[int, str]]

    @property
    def status(self) -> int:
        """makemap's exit status for this source: 0, or 65 (EX_DATAERR) after any error."""
        return EX_DATAERR if self.errors else EX_OK

    def messages(self, mapname: str) -> list[str]:
        """The errors as makemap prints them (``makemap: MAPNAME: line N: ...``)."""
        return [format_message(mapname, line, msg) for line, msg in self.errors]


def scan(data: bytes, options: ReaderOptions | None = None) -> Iterator[Scanned]:
    r"""``(line, key, value, None)`` per pair, ``(line, b"", b"", message)`` per rejected line.

    See :func:`sendmailcfg.maps.makemap_lines.scan` (``options`` defaults to makemap's own).

    >>> list(scan(b"A b\nc\n"))
    [(1, b'a', b'b', None), (2, b'', b'', 'no RHS for LHS c')]
    """
    return makemap_lines.scan(data, options if options is not None else ReaderOptions())


def iter_records(
    data: bytes, options: ReaderOptions = ReaderOptions()
) -> Iterator[Record | ReadError]:
    """Every pair makemap would put and every line it rejects, in input order.

    Duplicate keys are not judged here (that is the database's job: see
    :func:`read_source`).
    """
    for lineno, key, value, error in scan(data, options):
        if error is None:
            yield Record(lineno, key, value)
        else:
            yield ReadError(lineno, error)


def read_source(data: bytes, options: ReaderOptions = ReaderOptions()) -> ReadResult:
    r"""What makemap would store from ``data`` (a new map) and the errors it would print.

    >>> read_source(b"k v1\nK v2\n", ReaderOptions(duplicates="last")).pairs
    [(b'k', b'v2')]
    >>> read_source(b"k v1\nK v2\n", ReaderOptions(duplicates="all")).pairs
    [(b'k', b'v1'), (b'k', b'v2')]
    """
    errors: list[tuple[int, str]] = []
    policy = options.duplicates
    pairs: list[tuple[bytes, bytes]] = []
    store: dict[bytes, bytes] = {}
    for lineno, key, value, error in scan(data, options):
        if error is not None:
            errors.append((lineno, error))
        elif policy == "all":
            pairs.append((key, value))
        elif policy == "last" or key not in store:
            store[key] = value
        else:
            errors.append((lineno, duplicate_message(key)))
    return ReadResult(pairs if policy == "all" else list(store.items()), errors)
