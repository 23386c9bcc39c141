r"""How sendmail 8.17's makemap reads its source, byte for byte: the rules, without objects.

The reading rules of :mod:`sendmailcfg.maps.makemap_reader` (which documents
them, and adds the attrs classes ``ReaderOptions`` and ``ReadResult``) that the
build path needs: ``fgets`` chunks, :func:`scan`, :func:`put_unique`, the reading
flags (:func:`reading_options`) and makemap's messages. This module imports nothing but
:mod:`sendmailcfg._source`, so ``makemap`` starts without attrs or typing.
``options`` arguments are :class:`~sendmailcfg.maps.makemap_reader.ReaderOptions`
(or anything with its attributes).

>>> table, errors = {}, []
>>> source = b"Example.COM smtp:[mx]\n# note\n\n k v\n"
>>> put_unique(table, source, Reading(*reading_options([])), errors)
1
>>> table, errors
({b'example.com': b'smtp:[mx]'}, [(4, 'syntax error (leading space)')])
"""

from __future__ import annotations

from sendmailcfg._source import decode

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only
    from collections.abc import Callable, Iterator
    from typing import Literal, Protocol

    DuplicatePolicy = Literal["error", "last", "all"]

    class ReaderOptions(Protocol):
        """What the reading rules ask of ``makemap_reader.ReaderOptions``."""

        @property
        def comment(self) -> bytes | None: ...
        @property
        def delimiter(self) -> bytes | None: ...
        @property
        def fold(self) -> bool: ...
        @property
        def allow_empty(self) -> bool: ...
        @property
        def include_nul(self) -> bool: ...
        @property
        def duplicates(self) -> str: ...


_SPACE = b" \t\r\x0b\x0c\n"
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


def _chunks(data: bytes, start: int = 0) -> Iterator[tuple[int, bytes | None]]:
    pieces = data.split(b"\n")
    if not pieces[-1]:
        pieces.pop()
    if b"\0" in data or (pieces and max(map(len, pieces)) > MAX_LINE):
        if start:
            return ((n + start, c) for n, c in iter_chunks(data))
        return iter_chunks(data)
    # The common case: every line is one fgets chunk (a last line without a newline
    # shorter than 1023 bytes is read up to the end of input, EOF set, and used).
    return enumerate(pieces, start + 1)


def chunk_count(data: bytes) -> int:
    r"""How many ``fgets`` chunks (makemap's line numbers) ``data`` holds.

    >>> chunk_count(b"a b\n\nc d"), chunk_count(b"x" * 2000 + b"\n")
    (3, 2)
    """
    pieces = data.split(b"\n")
    if not pieces[-1]:
        pieces.pop()
    if b"\0" in data or (pieces and max(map(len, pieces)) > MAX_LINE):
        return sum(1 for _ in iter_chunks(data))
    return len(pieces)


Scanned = tuple[int, bytes, bytes, "str | None"]
"""``(line, key, value, None)`` for a pair, ``(line, b"", b"", message)`` for a rejected line."""


def scan(
    data: bytes, options: ReaderOptions, start: int = 0
) -> Iterator[tuple[int, bytes, bytes, str | None]]:
    r"""The fast core of :func:`iter_records`: plain tuples, in input order.

    ``start`` is the number of lines before ``data`` (when a source is read in blocks
    that end at a newline).

    >>> from sendmailcfg.maps.makemap_reader import ReaderOptions
    >>> list(scan(b"A b\nc\n", ReaderOptions()))
    [(1, b'a', b'b', None), (2, b'', b'', 'no RHS for LHS c')]
    """
    comment = options.comment[0] if options.comment is not None else -1
    delim = options.delimiter
    fold = options.fold
    allow_empty = options.allow_empty
    nul = b"\0" if options.include_nul else b""
    space = _SPACE
    for lineno, s in _chunks(data, start):
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
    start: int = 0,
) -> int:
    r"""Put the pairs of ``data`` into ``table`` as makemap would (``-r``: the last wins).

    ``start``: the lines before ``data`` (a source read in blocks ending at a newline).

    :func:`scan` and the puts in one loop, for the common case: white-space
    separators (no ``-t``) and no ``-d``. Rejected lines and repeated keys (not
    with ``-r``) are appended to ``errors``; ``on_put`` sees every pair tried
    (``-v``). Returns the pairs written.

    >>> from sendmailcfg.maps.makemap_reader import ReaderOptions
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
    for lineno, s in _chunks(data, start):
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


def duplicate_message(key: bytes) -> str:
    """makemap's message for a repeated key (the key as a C string)."""
    return f"key {c_string(key)}: duplicate key"


def reading_options(
    opts: list[tuple[str, str]],
) -> tuple[bytes | None, bytes | None, bool, bool, bool, DuplicatePolicy]:
    """makemap's reading flags from parsed ``(flag, argument)`` pairs, in ``ReaderOptions``
    order: comment, delimiter, fold, allow_empty, include_nul, duplicates.

    ``-D ''`` turns comments off; ``-t ''`` is ignored, as makemap ignores it.

    >>> reading_options([("-t", ":"), ("-r", ""), ("-D", ";")])
    (b';', b':', True, False, False, 'last')
    """
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
    return comment, delimiter, fold, allow_empty, include_nul, policy


class Reading:
    """The reading flags as plain attributes, for the quick ``makemap`` path.

    The same fields as ``makemap_reader.ReaderOptions`` (an attrs class, which
    callers of the library get), without importing attrs.

    >>> Reading(*reading_options([("-f", "")])).fold
    False
    """

    __slots__ = ("allow_empty", "comment", "delimiter", "duplicates", "fold", "include_nul")

    def __init__(
        self,
        comment: bytes | None,
        delimiter: bytes | None,
        fold: bool,
        allow_empty: bool,
        include_nul: bool,
        duplicates: str,
    ) -> None:
        self.comment = comment
        self.delimiter = delimiter
        self.fold = fold
        self.allow_empty = allow_empty
        self.include_nul = include_nul
        self.duplicates = duplicates
