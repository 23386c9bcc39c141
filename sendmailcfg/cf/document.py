r"""``CfDocument``: a ``sendmail.cf`` file as a lossless tree of logical lines.

The document keeps the text and one frozen node per logical line
(:mod:`sendmailcfg.syntax.cf_nodes`); lines sendmail refuses are error nodes,
reported as :attr:`CfDocument.diagnostics` with ``file:line:col`` and
sendmail's own words. :attr:`CfDocument.config` is the semantic view (macros,
classes, maps, mailers, options, rulesets and rules), read on first use.

>>> doc = CfDocument.from_text("V10/Berkeley\nDj$w.example.org\nZ oops\nS0\nR$*\t$@ $1\n")
>>> [type(n).__name__ for n in doc.nodes]
['CfVersion', 'CfMacro', 'CfErrorLine', 'CfRuleset', 'CfRule']
>>> [d.format("sendmail.cf") for d in doc.diagnostics]  # doctest: +NORMALIZE_WHITESPACE
['sendmail.cf:3:1: unknown configuration line "Z oops", expected a line starting with
  one of R S D H C T F M O P Q V K E X, # or a blank line']
>>> doc.dumps() == doc.text
True
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, TypeVar

from sendmailcfg.errors import Diagnostic, ParseError
from sendmailcfg.syntax.cf_nodes import CfCommand, CfErrorLine, CfLine, CfMapDef
from sendmailcfg.syntax.cf_parser import parse_cf_lines

if TYPE_CHECKING:
    from sendmailcfg.cf.config import CfConfig
    from sendmailcfg.protocol import Document

N = TypeVar("N", bound=CfCommand)


class CfDocument:
    """A ``.cf`` file: ``text``, ``nodes`` (one per logical line), ``diagnostics``, ``config``."""

    kind = "cf"

    def __init__(
        self, text: str, *, path: str | None = None, nodes: Sequence[CfLine] | None = None
    ) -> None:
        self.path = path
        self._original = text
        self._text = text
        self._nodes: tuple[CfLine, ...] = tuple(parse_cf_lines(text) if nodes is None else nodes)
        self._lines: list[int] | None = None
        self._config: CfConfig | None = None

    @classmethod
    def from_text(cls, text: str, *, path: str | None = None, strict: bool = False) -> CfDocument:
        r"""Parse ``text``; with ``strict=True`` the first diagnostic raises ``ParseError``.

        >>> CfDocument.from_text("Kaccess hash -T<TMPF> -o /etc/mail/access\n").maps[0].name
        'access'
        """
        doc = cls(text, path=path)
        if strict and doc.diagnostics:
            raise ParseError(doc.diagnostics[0], path)
        return doc

    # -- plain state -----------------------------------------------------------------------
    @property
    def text(self) -> str:
        """The file's text, byte for byte as loaded."""
        return self._text

    @property
    def nodes(self) -> tuple[CfLine, ...]:
        """One frozen node per logical line; joining their ``text`` gives :attr:`text`."""
        return self._nodes

    def __iter__(self) -> Iterator[CfLine]:
        return iter(self._nodes)

    def __len__(self) -> int:
        return len(self._nodes)

    @property
    def changed(self) -> bool:
        """True when the text differs from the text as loaded (never, for now: no edits yet)."""
        return self._text != self._original

    def line_numbers(self) -> list[int]:
        """The 1-based line number where each node starts."""
        if self._lines is None:
            numbers: list[int] = []
            line = 1
            for node in self._nodes:
                numbers.append(line)
                line += node.text.count("\n")
            self._lines = numbers
        return self._lines

    def line_of(self, node_index: int) -> int:
        """The 1-based line where node ``node_index`` starts."""
        return self.line_numbers()[node_index]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """The lines sendmail refuses, as ``line:col`` problems in its own words."""
        out: list[Diagnostic] = []
        numbers = self.line_numbers()
        for i, node in enumerate(self._nodes):
            if isinstance(node, CfErrorLine):
                before = node.text[: node.offset]
                line = numbers[i] + before.count("\n")
                column = node.offset - (before.rfind("\n") + 1) + 1
                out.append(Diagnostic(line, column, node.code, node.message, node.expected))
        return out

    @property
    def errors(self) -> tuple[CfErrorLine, ...]:
        """The error nodes."""
        return tuple(n for n in self._nodes if isinstance(n, CfErrorLine))

    def of_type(self, cls: type[N]) -> tuple[N, ...]:
        r"""The nodes of one class, in file order.

        >>> from sendmailcfg.syntax.cf_nodes import CfOption
        >>> [o.name for o in CfDocument.from_text("O QueueDirectory=/q\nOL9\n").of_type(CfOption)]
        ['QueueDirectory', 'L']
        """
        return tuple(n for n in self._nodes if isinstance(n, cls))

    @property
    def maps(self) -> tuple[CfMapDef, ...]:
        """The ``K`` lines (syntax nodes; :attr:`config` has their meaning)."""
        return self.of_type(CfMapDef)

    # -- the semantic view -----------------------------------------------------------------
    @property
    def config(self) -> CfConfig:
        """What sendmail reads from this file (``sendmailcfg.cf.config.read_config``)."""
        if self._config is None:
            from sendmailcfg.cf.config import read_config

            self._config = read_config(self._text, self.path or "sendmail.cf")
        return self._config

    # -- the document protocol -------------------------------------------------------------
    def copy(self) -> CfDocument:
        """An independent document with the same text, nodes and path."""
        new = CfDocument.__new__(CfDocument)
        new.path = self.path
        new._original = self._original
        new._text = self._text
        new._nodes = self._nodes
        new._lines = self._lines
        new._config = self._config
        return new

    def dumps(self) -> str:
        """The text to write (the same as :attr:`text`)."""
        return self._text

    def dump(self, path: str | os.PathLike[str] | None = None) -> None:
        """Write the text atomically to ``path`` or to the path it was loaded from."""
        from sendmailcfg import _source, fileio

        target = path if path is not None else self.path
        if target is None:
            raise ValueError("this document has no path: pass one to dump()")
        fileio.write_atomic(target, _source.encode(self._text))

    def diff(self, other: Document | str | None = None, path: str | None = None) -> str:
        """Unified diff from ``other`` (a document or a text; default: as loaded) to this."""
        from sendmailcfg.textdiff import unified_diff

        if other is None:
            before = self._original
        elif isinstance(other, str):
            before = other
        else:
            before = other.text
        return unified_diff(before, self._text, path or self.path or "file")


def parse_cf(text: str, *, path: str | None = None, strict: bool = False) -> CfDocument:
    """Parse the text of a ``.cf`` file (see :class:`CfDocument`)."""
    return CfDocument.from_text(text, path=path, strict=strict)
