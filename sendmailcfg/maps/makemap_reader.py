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

from collections.abc import Callable, Iterator
from typing import Literal

import attrs

from sendmailcfg._source import decode
from sendmailcfg.syntax.map_nodes import WHITESPACE

_SPACE = WHITESPACE.encode("ascii") + b"\n"
"""The bytes C's ``isspace`` accepts (the splitter's white space, and the newline)."""

BUFSIZE = 1024
"""makemap's input buffer (``char ibuf[BUFSIZE]``); one ``fgets`` reads at most 1023 bytes."""

MAX_CHUNK = BUFSIZE - 1
MAX_LINE = BUFSIZE - 2
"""The longest line makemap accepts: 1022 bytes, then the newline."""

EX_OK = 0
EX_DATAERR = 65

TOO_LONG = f"line too long ({BUFSIZE} bytes max)"
LEADING_SPACE = "syntax error (leading space)"

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
        comment: bytes | None = b"#"
        delimiter: bytes | None = None
        fold = True
        allow_empty = include_nul = allow_dup = replace = False
        for flag, arg in opts:
            raw = arg.encode("utf-8", "surrogateescape")
            if flag == "-D":
                comment = raw[:1] if raw and raw[:1] != b"\0" else None
            elif flag == "-t" and raw:
                delimiter = raw[:1]
            elif flag == "-f":
                fold = False
            elif flag == "-e":
                allow_empty = True
            elif flag == "-N":
                include_nul = True
            elif flag == "-d":
                allow_dup = True
            elif flag == "-r":
                replace = True
        policy: DuplicatePolicy = "all" if allow_dup else "last" if replace else "error"
        return cls(comment, delimiter, fold, allow_empty, include_nul, policy)


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


def format_message(mapname: str, line: int, message: str) -> str:
    """makemap's diagnostic line, without the newline.

    >>> format_message("access", 3, "no RHS for LHS foo")
    'makemap: access: line 3: no RHS for LHS foo'
    """
    return f"makemap: {mapname}: line {line}: {message}"


def c_string(data: bytes) -> str:
    r"""``data`` up to its first NUL, as C's ``%s`` prints it (undecodable bytes escaped).

    >>> c_string(b"key\0")
    'key'
    """
    return decode(data.split(b"\0", 1)[0])


def _split_long(piece: bytes, has_newline: bool) -> Iterator[bytes | None]:
    """``fgets`` chunks of one physical line: the C string, or None for "line too long"."""
    full = piece + b"\n" if has_newline else piece
    n = len(full)
    pos = 0
    while pos < n:
        chunk = full[pos : pos + MAX_CHUNK]
        pos += len(chunk)
        if chunk.endswith(b"\n"):
            body = chunk[:-1]
            # strchr(ibuf, '\n') stops at a NUL: no newline found, and not at EOF.
            yield None if b"\0" in body else body
        elif pos == n and len(chunk) < MAX_CHUNK:
            # fgets hit end of input inside this chunk: EOF is set, the chunk is used.
            nul = chunk.find(b"\0")
            yield chunk if nul < 0 else chunk[:nul]
        else:
            yield None


def iter_chunks(data: bytes) -> Iterator[tuple[int, bytes | None]]:
    r"""``(line number, C string)`` per ``fgets`` call; ``None`` means "line too long".

    >>> [(n, c if c is None else len(c)) for n, c in iter_chunks(b"a b\n" + b"x" * 1100 + b" d\n")]
    [(1, 3), (2, None), (3, 79)]
    """
    pieces = data.split(b"\n")
    last = pieces.pop()  # after the final newline: b"" when the input ends with one
    has_nul = b"\0" in data
    lineno = 0
    for piece in pieces:
        if len(piece) > MAX_LINE or (has_nul and b"\0" in piece):
            for c in _split_long(piece, True):
                lineno += 1
                yield lineno, c
        else:
            lineno += 1
            yield lineno, piece
    if last:
        for c in _split_long(last, False):
            lineno += 1
            yield lineno, c


def _chunks(data: bytes) -> Iterator[tuple[int, bytes | None]]:
    pieces = data.split(b"\n")
    if not pieces[-1]:
        pieces.pop()
    if b"\0" in data or (pieces and max(map(len, pieces)) > MAX_LINE):
        return iter_chunks(data)
    # The common case: every line is one fgets chunk (a last line without a newline
    # shorter than 1023 bytes is read up to the end of input, EOF set, and used).
    return enumerate(pieces, 1)


Scanned = tuple[int, bytes, bytes, "str | None"]
"""``(line, key, value, None)`` for a pair, ``(line, b"", b"", message)`` for a rejected line."""


def scan(data: bytes, options: ReaderOptions = ReaderOptions()) -> Iterator[Scanned]:
    r"""The fast core of :func:`iter_records`: plain tuples, in input order.

    >>> list(scan(b"A b\nc\n"))
    [(1, b'a', b'b', None), (2, b'', b'', 'no RHS for LHS c')]
    """
    comment = options.comment[0] if options.comment is not None else -1
    delim = options.delimiter
    fold = options.fold
    allow_empty = options.allow_empty
    nul = b"\0" if options.include_nul else b""
    space = _SPACE
    for lineno, s in _chunks(data):
        if s is None:
            yield lineno, b"", b"", TOO_LONG
            continue
        if not s or s[0] == comment:
            continue
        if delim is None:
            if s[0] in space:
                yield lineno, b"", b"", LEADING_SPACE
                continue
            parts = s.split(None, 1)
            key = parts[0]
            value = parts[1] if len(parts) == 2 else b""
        else:
            key, _, value = s.partition(delim)
            value = value.lstrip(delim)
        if fold:
            key = key.lower()  # bytes.lower() folds ASCII letters only, like tolower in C
        if not value and not allow_empty:
            yield lineno, b"", b"", f"no RHS for LHS {c_string(key)}"
            continue
        if nul:
            yield lineno, key + nul, value + nul, None
        else:
            yield lineno, key, value, None


def put_unique(
    table: dict[bytes, bytes],
    data: bytes,
    options: ReaderOptions,
    errors: list[tuple[int, str]],
    on_put: Callable[[bytes, bytes], None] | None = None,
) -> int:
    r"""Put the pairs of ``data`` into ``table`` as makemap would (``-r``: the last wins).

    :func:`scan` and the puts in one loop, for the common case: white-space
    separators (no ``-t``) and no ``-d``. Rejected lines and repeated keys (not
    with ``-r``) are appended to ``errors``; ``on_put`` sees every pair tried
    (``-v``). Returns the pairs written.

    >>> table, errors = {}, []
    >>> put_unique(table, b"a 1\nA 2\n b\n", ReaderOptions(), errors), table
    (1, {b'a': b'1'})
    >>> errors
    [(2, 'key a: duplicate key'), (3, 'syntax error (leading space)')]
    """
    if options.delimiter is not None:
        raise ValueError("put_unique splits on white space only (no -t)")
    reader = options
    comment = reader.comment[0] if reader.comment is not None else -1
    fold = reader.fold
    allow_empty = reader.allow_empty
    nul = b"\0" if reader.include_nul else b""
    keep_first = reader.duplicates == "error"
    space = _SPACE
    written = 0
    for lineno, s in _chunks(data):
        if s is None:
            errors.append((lineno, TOO_LONG))
            continue
        if not s or s[0] == comment:
            continue
        if s[0] in space:
            errors.append((lineno, LEADING_SPACE))
            continue
        parts = s.split(None, 1)
        if len(parts) == 2:
            key, value = parts
        else:
            key = parts[0]
            value = b""
        if fold:
            key = key.lower()
        if not value and not allow_empty:
            errors.append((lineno, f"no RHS for LHS {c_string(key)}"))
            continue
        if nul:
            key += nul
            value += nul
        if on_put is not None:
            on_put(key, value)
        if keep_first and key in table:
            errors.append((lineno, duplicate_message(key)))
            continue
        table[key] = value
        written += 1
    return written


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


def duplicate_message(key: bytes) -> str:
    """makemap's message for a repeated key (the key as a C string)."""
    return f"key {c_string(key)}: duplicate key"


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
