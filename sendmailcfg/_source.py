"""Bytes <-> text without loss, and line/column arithmetic.

Files are decoded as UTF-8 with ``surrogateescape``: every byte sequence,
including Shift_JIS, EUC-JP or Latin-1 text and NUL bytes, decodes to a
``str`` that encodes back to exactly the same bytes.

>>> raw = "# \\u65e5\\u672c".encode("shift_jis") + "caf\\u00e9".encode("latin-1") + b"\\r\\n"
>>> encode(decode(raw)) == raw
True
"""

from __future__ import annotations

ENCODING = "utf-8"
ERRORS = "surrogateescape"


def decode(data: bytes) -> str:
    """Bytes of a file -> text that :func:`encode` turns back into the same bytes."""
    return data.decode(ENCODING, ERRORS)


def encode(text: str) -> bytes:
    """Inverse of :func:`decode`."""
    return text.encode(ENCODING, ERRORS)


def byte_length(text: str) -> int:
    """Length in bytes of ``text`` once encoded (what C programs like makemap count)."""
    if text.isascii():
        return len(text)
    return len(encode(text))


def dominant_newline(lines: list[str]) -> str:
    r"""The newline most lines of a file end with: ``"\r\n"`` or ``"\n"``.

    >>> dominant_newline(["a\r\n", "b\r\n", "c\n"])
    '\r\n'
    """
    crlf = lf = 0
    for line in lines:
        if line.endswith("\r\n"):
            crlf += 1
        elif line.endswith("\n"):
            lf += 1
    return "\r\n" if crlf > lf else "\n"
