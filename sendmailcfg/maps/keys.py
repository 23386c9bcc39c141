r"""Key folding as makemap and sendmail do it: ASCII upper case only.

>>> fold("Foo.EXAMPLE.com")
'foo.example.com'
>>> fold("\u00c4.Example") == "\u00c4.example"   # non-ASCII letters are not folded
True
"""

from __future__ import annotations

_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def fold(key: str) -> str:
    """Lower-case ASCII letters only (C's ``tolower`` in the C locale)."""
    if key.isascii():
        return key.lower()
    return key.translate(_ASCII_LOWER)
