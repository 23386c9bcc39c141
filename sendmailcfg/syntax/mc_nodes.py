r"""Lossless m4 syntax nodes for ``.mc`` files (no sendmail meaning here).

Every node knows its exact source ``text``; joining the ``text`` of the
top-level items of an :class:`McTree` gives the input back, byte for byte.
A parsed node stores a reference to the input plus its ``start``/``end``
offsets (``text`` is sliced on demand), so even thousands of nested calls
cost memory in proportion to the input. Nodes are frozen (edit by building
new ones, e.g. with the ``of`` constructors); two nodes are equal when they
have the same type and text (children are not compared, so deep trees never
recurse in ``==``, ``hash`` or ``repr``).

The kinds of items:

* :class:`McToken` -- a leaf: ``kind`` is one of :data:`TOKEN_KINDS`
  (``TEXT`` other characters, ``WORD`` a name not followed by ``(``,
  ``NL`` a newline, ``LPAR``/``RPAR``/``COMMA`` punctuation, ``RQ`` a ``'``
  outside any quote (m4 copies it as text), ``HASH`` a ``#``);
* :class:`McQuoted` -- a quoted string `` `...' `` (nested quotes inside);
* :class:`McCall` -- ``name(arg, arg, ...)``, arguments are :class:`McArg`;
* :class:`McParen` -- parentheses inside an argument (their commas do not split);
* :class:`McDnl` -- ``dnl`` through the end of its line (newline included);
* :class:`McHashComment` -- ``#`` to the end of its line: *not* an m4 comment
  in sendmail's setup, so the calls inside it are real calls.

>>> t = McTree.of([McCall.of("OSTYPE", [McArg.of([McQuoted("`linux'")])]), McToken("NL", "\n")])
>>> t.text
"OSTYPE(`linux')\n"
>>> McQuoted("`a `b' c'").inner
"a `b' c"
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Union

import attrs

TOKEN_KINDS = ("TEXT", "WORD", "NL", "LPAR", "RPAR", "COMMA", "RQ", "HASH")


class _Span:
    """Shared behaviour: ``text`` is ``source[start:end]``; equality is type + text."""

    __slots__ = ()
    source: str
    start: int
    end: int | None

    @property
    def text(self) -> str:
        """The exact source text of the node."""
        return self.source[self.start : self.end]

    @property
    def length(self) -> int:
        """``len(self.text)`` without slicing."""
        return (len(self.source) if self.end is None else self.end) - self.start

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Span) and type(other) is type(self) and other.text == self.text

    def __ne__(self, other: object) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return hash((type(self).__name__, self.text))

    def __repr__(self) -> str:
        text = self.text
        if len(text) > 60:
            text = text[:57] + "..."
        return f"{type(self).__name__}({text!r})"


@attrs.frozen(eq=False, repr=False)
class McToken(_Span):
    """A leaf: one lexical token (see :data:`TOKEN_KINDS`)."""

    kind: str
    source: str
    start: int = 0
    end: int | None = None


@attrs.frozen(eq=False, repr=False)
class McQuoted(_Span):
    """A quoted string, quotes included. ``closed`` is False when the file ends inside it."""

    source: str
    closed: bool = True
    start: int = 0
    end: int | None = None

    @property
    def inner(self) -> str:
        """The text with the outer quote pair removed (what m4 passes on)."""
        text = self.text
        return text[1:-1] if self.closed else text[1:]


@attrs.frozen(eq=False, repr=False)
class McArg(_Span):
    """One macro argument: the exact text between ``(``/``,`` and ``,``/``)``."""

    source: str
    items: tuple[McItem, ...]
    start: int = 0
    end: int | None = None

    @classmethod
    def of(cls, items: Iterable[McItem]) -> McArg:
        """An argument made of ``items``."""
        its = tuple(items)
        return cls("".join(i.text for i in its), its)


@attrs.frozen(eq=False, repr=False)
class McCall(_Span):
    """``name(args...)``; ``closed`` is False when the file ends inside the argument list."""

    source: str
    name: str
    args: tuple[McArg, ...]
    closed: bool = True
    start: int = 0
    end: int | None = None

    @classmethod
    def of(cls, name: str, args: Iterable[McArg], closed: bool = True) -> McCall:
        """A call built from its parts (``text`` is derived)."""
        a = tuple(args)
        text = name + "(" + ",".join(x.text for x in a) + (")" if closed else "")
        return cls(text, name, a, closed)


@attrs.frozen(eq=False, repr=False)
class McParen(_Span):
    """``( ... )`` inside an argument; commas inside do not split arguments.

    ``items`` start with the ``LPAR`` token and end with the ``RPAR`` one (if closed).
    """

    source: str
    items: tuple[McItem, ...]
    closed: bool = True
    start: int = 0
    end: int | None = None


@attrs.frozen(eq=False, repr=False)
class McDnl(_Span):
    r"""``dnl`` and everything m4 deletes with it: the rest of the line and its newline.

    ``call`` is set for ``dnl(...)``, whose arguments m4 reads before deleting.

    >>> McDnl("dnl # hi\r\n").comment
    ' # hi'
    """

    source: str
    call: McCall | None = None
    start: int = 0
    end: int | None = None

    @property
    def rest(self) -> str:
        """The text deleted after ``dnl`` (or after ``dnl(...)``), newline included."""
        head = self.call.length if self.call is not None else 3
        return self.text[head:]

    @property
    def newline(self) -> str:
        """``"\n"``, ``"\r\n"`` or ``""`` (end of file)."""
        text = self.text
        if text.endswith("\r\n"):
            return "\r\n"
        return "\n" if text.endswith("\n") else ""

    @property
    def comment(self) -> str:
        """The deleted text without the newline."""
        rest = self.rest
        return rest[: len(rest) - len(self.newline)]


@attrs.frozen(eq=False, repr=False)
class McHashComment(_Span):
    """``#`` through the end of its line (a newline, a ``dnl``, or the end of the file).

    Not an m4 comment here: ``items`` may hold :class:`McCall` nodes m4 expands.
    ``items`` start with the ``HASH`` token and end with the ``NL`` token or ``McDnl``.
    ``closed`` is False when the file ends inside it without a newline.
    """

    source: str
    items: tuple[McItem, ...]
    closed: bool = True
    start: int = 0
    end: int | None = None


McItem = Union[McToken, McQuoted, McCall, McParen, McDnl, McHashComment]  # noqa: UP007
"""Anything that may appear in a sequence of m4 input."""


@attrs.frozen(eq=False, repr=False)
class McTree(_Span):
    """The whole file: top-level items in order."""

    source: str
    items: tuple[McItem, ...]
    start: int = 0
    end: int | None = None

    @classmethod
    def of(cls, items: Iterable[McItem]) -> McTree:
        """A tree made of ``items``."""
        its = tuple(items)
        return cls("".join(i.text for i in its), its)

    def __repr__(self) -> str:
        return f"McTree({len(self.items)} items)"


def children(node: McItem | McArg | McTree) -> tuple[McItem | McArg, ...]:
    """The direct children of a node (arguments for a call, items otherwise)."""
    if isinstance(node, McCall):
        return node.args
    if isinstance(node, McDnl):
        return (node.call,) if node.call is not None else ()
    if isinstance(node, (McArg, McParen, McHashComment, McTree)):
        return node.items
    return ()


def walk(node: McItem | McArg | McTree) -> Iterator[tuple[int, McItem | McArg | McTree]]:
    """Every node under ``node`` in source order with its offset; iterative (no recursion).

    >>> t = McTree.of([McCall.of("A", [McArg.of([McToken("TEXT", "1")])])])
    >>> [(off, type(n).__name__) for off, n in walk(t)]
    [(0, 'McTree'), (0, 'McCall'), (2, 'McArg'), (2, 'McToken')]
    """
    stack: list[tuple[int, McItem | McArg | McTree]] = [(0, node)]
    while stack:
        offset, current = stack.pop()
        yield offset, current
        kids = children(current)
        if not kids:
            continue
        positions: list[tuple[int, McItem | McArg | McTree]] = []
        is_call = isinstance(current, McCall)
        pos = offset + (len(current.name) + 1 if isinstance(current, McCall) else 0)
        for kid in kids:
            positions.append((pos, kid))
            pos += kid.length + (1 if is_call else 0)
        stack.extend(reversed(positions))
