r"""Text for a terminal: what a file says is shown, never obeyed.

Map values, ``define`` values, file names and messages that quote them may hold raw
ESC, BEL, CR or bidirectional-override characters; printed as they are, they move
the cursor, recolour or clear the screen, or fake a line of output. Every command
that prints text from a user's file passes it through :func:`escape` (JSON output
needs nothing: ``json.dumps`` escapes control characters itself).

>>> escape("relay\x1b]0;owned\x07.example")
'relay\\e]0;owned\\x07.example'
"""

from __future__ import annotations

_NAMED = {"\n": "\\n", "\r": "\\r", "\0": "\\0", "\x1b": "\\e"}
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _unsafe(c: str) -> bool:
    o = ord(c)
    return (
        (o < 0x20 and c != "\t")
        or 0x7F <= o <= 0x9F
        or 0xDC80 <= o <= 0xDC9F  # an undecodable C1 byte, kept by surrogateescape
        or c in _BIDI
    )


def escape(text: str) -> str:
    r"""``text`` with every control character shown, not sent: no input can move the
    cursor, change colours, ring the bell or start a new (fake) output line.

    >>> print(escape("evil\x1b[2J\r\nname\x07"))
    evil\e[2J\r\nname\x07
    """
    if not any(_unsafe(c) for c in text):
        return text
    out = []
    for c in text:
        if not _unsafe(c):
            out.append(c)
        elif c in _NAMED:
            out.append(_NAMED[c])
        elif 0xDC80 <= ord(c) <= 0xDC9F:
            out.append(f"\\x{ord(c) - 0xDC00:02x}")
        elif ord(c) <= 0xFF:
            out.append(f"\\x{ord(c):02x}")
        else:
            out.append(f"\\u{ord(c):04x}")
    return "".join(out)


def escape_lines(text: str) -> str:
    r"""``text`` with its line breaks kept and every other control character shown:
    for printing many lines of answers at once.

    >>> print(escape_lines("a\x1b[31m\nb\x07"))
    a\e[31m
    b\x07
    """
    return "\n".join(escape(line) for line in text.split("\n"))
