r"""Where each key and value of a TOML document stands (tomllib gives values, not places).

:func:`scan` walks a document that :mod:`tomllib` has already accepted and
records the 1-based line and column of every key and value, by path: a table
name, a key, an array index (``[[route]]`` tables and array items count from 0).

>>> p = scan('config = "gw"\n\n[route]\n"ken@takaq.jp" = "local"\nx = ["a",\n  "b"]\n')
>>> p.key(("route", "ken@takaq.jp")), p.value(("route", "ken@takaq.jp"))
((4, 1), (4, 18))
>>> p.value(("route", "x", 1)), p.key(("route",))
((6, 3), (3, 1))
"""

from __future__ import annotations

import bisect
import re
import sys

import attrs

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

TomlPath = tuple["str | int", ...]
"""Keys and array indexes from the document's root to one value."""

_BARE = re.compile(r"[A-Za-z0-9_-]+")


@attrs.frozen
class Positions:
    """Line and column (1-based) of each key and value of a document, by path."""

    keys: dict[TomlPath, tuple[int, int]]
    values: dict[TomlPath, tuple[int, int]]

    def key(self, path: TomlPath) -> tuple[int, int]:
        """Where ``path``'s key is written (its nearest known parent when not found)."""
        return self._nearest(self.keys, path)

    def value(self, path: TomlPath) -> tuple[int, int]:
        """Where ``path``'s value starts (its key's place when the value has none)."""
        if path in self.values:
            return self.values[path]
        return self.key(path)

    @staticmethod
    def _nearest(found: dict[TomlPath, tuple[int, int]], path: TomlPath) -> tuple[int, int]:
        while path:
            if path in found:
                return found[path]
            path = path[:-1]
        return (1, 1)


def scan(text: str) -> Positions:
    """The positions of every key and value of ``text``, a valid TOML document."""
    s = _Scanner(text)
    s.document()
    return Positions(s.keys, s.values)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.t = text
        self.i = 0
        self.starts = [0, *(m.end() for m in re.finditer("\n", text))]
        self.keys: dict[TomlPath, tuple[int, int]] = {}
        self.values: dict[TomlPath, tuple[int, int]] = {}
        self.tables: dict[TomlPath, int] = {}

    def pos(self, i: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, i)
        return line, i - self.starts[line - 1] + 1

    def peek(self, k: int = 0) -> str:
        return self.t[self.i + k] if self.i + k < len(self.t) else ""

    def skip(self, newlines: bool) -> None:
        """Spaces, tabs and comments (and line ends when ``newlines``)."""
        blank = " \t\r\n" if newlines else " \t"
        while self.i < len(self.t):
            c = self.t[self.i]
            if c in blank:
                self.i += 1
            elif c == "#":
                end = self.t.find("\n", self.i)
                self.i = len(self.t) if end < 0 else end
            else:
                return

    def document(self) -> None:
        table: TomlPath = ()
        while True:
            self.skip(newlines=True)
            if self.i >= len(self.t):
                return
            if self.peek() == "[":
                start = self.i
                many = self.peek(1) == "["
                self.i += 2 if many else 1
                self.skip(newlines=False)
                path = self.key_path()
                self.skip(newlines=False)
                self.i += 2 if many else 1
                if many:
                    index = self.tables.get(path, -1) + 1
                    self.tables[path] = index
                    self.keys.setdefault(path, self.pos(start))
                    table = (*path, index)
                else:
                    table = path
                self.keys.setdefault(table, self.pos(start))
            else:
                self.key_value(table)

    def key_path(self) -> tuple[str, ...]:
        parts = [self.key_part()]
        while True:
            self.skip(newlines=False)
            if self.peek() != ".":
                return tuple(parts)
            self.i += 1
            self.skip(newlines=False)
            parts.append(self.key_part())

    def key_part(self) -> str:
        if self.peek() in "\"'":
            start = self.i
            self.string()
            decoded: str = tomllib.loads("k = " + self.t[start : self.i])["k"]
            return decoded
        m = _BARE.match(self.t, self.i)
        if m is None:  # not TOML that tomllib accepted: stop scanning
            self.i = len(self.t)
            return ""
        self.i = m.end()
        return m.group()

    def key_value(self, base: TomlPath) -> None:
        start = self.i
        path = (*base, *self.key_path())
        self.keys[path] = self.pos(start)
        self.skip(newlines=False)
        if self.peek() != "=":
            self.i = len(self.t)
            return
        self.i += 1
        self.skip(newlines=False)
        self.value(path)

    def value(self, path: TomlPath) -> None:
        self.values[path] = self.pos(self.i)
        c = self.peek()
        if c in "\"'":
            self.string()
        elif c == "[":
            self.i += 1
            index = 0
            while True:
                self.skip(newlines=True)
                if self.peek() in "]":
                    self.i += 1
                    return
                self.keys.setdefault((*path, index), self.pos(self.i))
                self.value((*path, index))
                index += 1
                self.skip(newlines=True)
                if self.peek() == ",":
                    self.i += 1
        elif c == "{":
            self.i += 1
            while True:
                self.skip(newlines=True)
                if self.peek() in "}":
                    self.i += 1
                    return
                self.key_value(path)
                self.skip(newlines=True)
                if self.peek() == ",":
                    self.i += 1
        else:
            while self.i < len(self.t) and self.t[self.i] not in ",]}#\r\n":
                self.i += 1

    def string(self) -> None:
        q = self.peek()
        t = self.t
        if t.startswith(q * 3, self.i):
            end = self.i + 3
            while True:
                end = t.find(q * 3, end)
                if end < 0:
                    self.i = len(t)
                    return
                if q == '"' and _escaped(t, end):
                    end += 1
                    continue
                while t.startswith(q, end + 3):  # up to two quotes may end the content
                    end += 1
                self.i = end + 3
                return
        end = self.i + 1
        while end < len(t) and t[end] != q:
            end += 2 if q == '"' and t[end] == "\\" else 1
        self.i = end + 1


def _escaped(text: str, i: int) -> bool:
    """Whether the character at ``i`` follows an odd number of backslashes."""
    n = 0
    while i - n - 1 >= 0 and text[i - n - 1] == "\\":
        n += 1
    return n % 2 == 1
