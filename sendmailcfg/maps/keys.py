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


def port_in_name(name: str) -> bool:
    """True for ``host:587`` (a name with a port, which sendmail never looks up as such).

    >>> port_in_name("smtp.example.net:587"), port_in_name("IPv6:2001:db8::1")
    (True, False)
    """
    import re  # here, not at the top: makemap's quick path imports this module, never re

    return re.fullmatch(r"[^:]*[A-Za-z.][^:]*:[0-9]+", name.strip("[]")) is not None or bool(
        re.fullmatch(r"\[[^]]*\]:[0-9]+", name)
    )
