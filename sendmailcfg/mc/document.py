r"""``McDocument``: a parsed ``.mc`` file you can read like a config and edit line by line.

The document holds the text (the input plus edits), the frozen syntax tree
and the semantic view; each edit rewrites only the lines it must and then
re-reads the file, so every view stays true to the text.

>>> doc = McDocument.parse(
...     "OSTYPE(`freebsd6')\ndnl define(`SMART_HOST', `your.isp')\nMAILER(local)\n"
... )
>>> doc.defines.get("SMART_HOST") is None
True
>>> doc.set_define("SMART_HOST", "mmr.plala.or.jp")
True
>>> print(doc.text, end="")
OSTYPE(`freebsd6')
define(`SMART_HOST', `mmr.plala.or.jp')
MAILER(local)
>>> doc.set_define("SMART_HOST", "mmr.plala.or.jp")
False
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from sendmailcfg.errors import Diagnostic, ParseError
from sendmailcfg.mc.model import (
    ClassMacro,
    Define,
    Feature,
    LocalSection,
    MacroCall,
    Mailer,
    McModel,
    QuoteProblem,
    RawLine,
    analyze,
)
from sendmailcfg.syntax.mc_nodes import McTree
from sendmailcfg.syntax.mc_parser import parse_mc_tree


class McDocument:
    """A ``.mc`` file: ``text``, ``tree``, semantic views, and edits that touch one line."""

    kind = "mc"

    def __init__(self, text: str, *, path: str | None = None) -> None:
        self.path = path
        self._set_text(text)

    @classmethod
    def parse(cls, text: str, *, path: str | None = None, strict: bool = False) -> McDocument:
        """Parse ``text``; with ``strict=True`` the first diagnostic raises ``ParseError``."""
        doc = cls(text, path=path)
        if strict and doc.diagnostics:
            raise ParseError(doc.diagnostics[0], path)
        return doc

    def _set_text(self, text: str) -> None:
        self._text = text
        self._tree = parse_mc_tree(text)
        self._model = analyze(text, self._tree)

    # -- plain state -------------------------------------------------------------------
    @property
    def text(self) -> str:
        """The file's text: the input byte for byte, plus any edits."""
        return self._text

    @property
    def tree(self) -> McTree:
        """The lossless m4 syntax tree (frozen nodes)."""
        return self._tree

    @property
    def model(self) -> McModel:
        """Every semantic view at once (see :mod:`sendmailcfg.mc.model`)."""
        return self._model

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Problems m4 itself would stop on (unterminated quotes or argument lists)."""
        return list(self._model.diagnostics)

    def copy(self) -> McDocument:
        """An independent document with the same text and path."""
        return McDocument(self._text, path=self.path)

    # -- semantic views -------------------------------------------------------------------
    @property
    def defines(self) -> Mapping[str, str]:
        """Live defines, name -> value (the last one wins; ``undefine`` removes)."""
        return self._model.defines

    @property
    def define_statements(self) -> tuple[Define, ...]:
        """Every live ``define``/``undefine`` in order."""
        return self._model.define_statements

    @property
    def features(self) -> tuple[Feature, ...]:
        """Live FEATUREs in order."""
        return self._model.features

    @property
    def mailers(self) -> tuple[Mailer, ...]:
        """Live MAILERs in order."""
        return self._model.mailers

    @property
    def ostype(self) -> str | None:
        """The OSTYPE argument (the last one)."""
        return self._model.ostype

    @property
    def domain(self) -> str | None:
        """The DOMAIN argument (the last one)."""
        return self._model.domain

    @property
    def versionid(self) -> str | None:
        """The VERSIONID text."""
        return self._model.versionid

    @property
    def class_macros(self) -> tuple[ClassMacro, ...]:
        """LOCAL_DOMAIN, RELAY_DOMAIN, MASQUERADE_AS, ... in order."""
        return self._model.class_macros

    @property
    def sections(self) -> tuple[LocalSection, ...]:
        """LOCAL_CONFIG, LOCAL_RULE_n, MAILER_DEFINITIONS, ... raw sections."""
        return self._model.sections

    @property
    def statements(self) -> tuple[MacroCall, ...]:
        """Live top-level macro calls (including those inside ``#`` lines)."""
        return self._model.statements

    @property
    def calls(self) -> tuple[MacroCall, ...]:
        """Every live macro call, nested ones included."""
        return self._model.calls

    @property
    def disabled(self) -> tuple[MacroCall, ...]:
        """Statements commented out with ``dnl`` (``dnl define(...)``, ``dnl FEATURE(...)``)."""
        return self._model.disabled

    @property
    def quote_problems(self) -> tuple[QuoteProblem, ...]:
        """Quoting mistakes (stray ', typographic or double quotes, HTML entities...)."""
        return self._model.quote_problems

    @property
    def dangerous(self) -> tuple[MacroCall, ...]:
        """Calls of builtins that reach outside m4 (syscmd, esyscmd, include, sinclude...)."""
        return self._model.dangerous

    @property
    def hash_comment_macros(self) -> tuple[MacroCall, ...]:
        """Macros inside ``#`` lines (m4 expands them: ``#`` is not a comment here)."""
        return self._model.hash_comment_macros

    @property
    def raw_cf_lines(self) -> tuple[RawLine, ...]:
        """Lines that look like sendmail.cf text outside LOCAL_* sections."""
        return self._model.raw_cf_lines

    # -- edits ----------------------------------------------------------------------------
    def _apply(self, new_text: str) -> bool:
        if new_text == self._text:
            return False
        self._set_text(new_text)
        return True

    def set_define(self, name: str, value: str) -> bool:
        """Set ``define(`name', `value')``: in place, by enabling a ``dnl``-ed line, or new.

        Returns True when the text changed, False when it already said so.
        """
        from sendmailcfg.mc import edit  # imported on first edit: linting never needs it

        return self._apply(edit.set_define(self, name, value))

    def remove_define(self, name: str) -> bool:
        """Delete every live ``define(`name', ...)`` line."""
        from sendmailcfg.mc import edit

        return self._apply(edit.remove_define(self, name))

    def add_feature(self, name: str, *args: str) -> bool:
        """Add ``FEATURE(`name', args...)`` after the other FEATUREs, before the first MAILER."""
        from sendmailcfg.mc import edit

        return self._apply(edit.add_feature(self, name, *args))

    def remove_feature(self, name: str) -> bool:
        """Delete every live ``FEATURE(`name', ...)`` line."""
        from sendmailcfg.mc import edit

        return self._apply(edit.remove_feature(self, name))

    def add_mailer(self, name: str) -> bool:
        """Add ``MAILER(`name')`` where sendmail needs it (local, smtp, uucp, then others)."""
        from sendmailcfg.mc import edit

        return self._apply(edit.add_mailer(self, name))

    def render(self, cf_dir: str | os.PathLike[str] | None = None) -> str:
        """The sendmail.cf m4 makes of this file (see :func:`sendmailcfg.mc.render.render`)."""
        from sendmailcfg.mc.render import render

        return render(self, cf_dir)

    def __repr__(self) -> str:
        where = f" {self.path!r}" if self.path else ""
        return f"<McDocument{where}: {len(self._text.splitlines())} lines>"
