r"""``McDocument``: a parsed ``.mc`` file you can read like a config and edit in place.

The document holds the syntax tree of the text (parsed once, when it is loaded)
and the semantic view built from that tree. An edit replaces or inserts
top-level nodes of the tree (:mod:`sendmailcfg.mc.splice`): only what it
touches is lexed again, the rest of the file is kept as the very same nodes,
and the views are rebuilt from the tree when next asked for. Every edit returns
True when the text changed and False when it already said so, and refuses with
:class:`~sendmailcfg.errors.EditError` what m4 would not read as asked.

>>> doc = McDocument.from_text(
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
>>> doc.set_define("SMART_HOST", "mmr.plala.or.jp"), doc.changed
(False, True)
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, MutableMapping
from typing import TYPE_CHECKING, TypeVar

import attrs

from sendmailcfg.errors import Diagnostic, EditError, ParseError
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

T = TypeVar("T")

if TYPE_CHECKING:
    from sendmailcfg.mc.edit import EditPlan
    from sendmailcfg.mc.facts import McFacts
    from sendmailcfg.protocol import Document
    from sendmailcfg.textdiff import Edit


class Defines(MutableMapping[str, str]):
    r"""The live defines of a document, as a mapping you can also assign to.

    >>> doc = McDocument.from_text("OSTYPE(`linux')dnl\nMAILER(`smtp')dnl\n")
    >>> doc.defines["SMART_HOST"] = "relay.example"
    >>> dict(doc.defines), doc.text.splitlines()[1]
    ({'SMART_HOST': 'relay.example'}, "define(`SMART_HOST', `relay.example')dnl")
    >>> del doc.defines["SMART_HOST"]
    >>> "SMART_HOST" in doc.defines
    False
    """

    __slots__ = ("_doc",)

    def __init__(self, doc: McDocument) -> None:
        self._doc = doc

    def __getitem__(self, name: str) -> str:
        return self._doc.model.defines[name]

    def __setitem__(self, name: str, value: str) -> None:
        self._doc.set_define(name, value)

    def __delitem__(self, name: str) -> None:
        if name not in self._doc.model.defines:
            raise KeyError(name)
        self._doc.remove_define(name)
        if name in self._doc.model.defines:  # still defined by a nested or # line define
            raise EditError(f"{name} is also defined inside another macro; edit that by hand")

    def __iter__(self) -> Iterator[str]:
        return iter(self._doc.model.defines)

    def __len__(self) -> int:
        return len(self._doc.model.defines)

    def __repr__(self) -> str:
        return f"Defines({dict(self._doc.model.defines)!r})"


class McDocument:
    """A ``.mc`` file: ``text``, ``tree``, semantic views, and edits that touch what they must."""

    kind = "mc"

    def __init__(self, text: str, *, path: str | None = None, tree: McTree | None = None) -> None:
        self.path = path
        self._original = text
        self._tree = parse_mc_tree(text) if tree is None else tree
        self._model: McModel | None = None
        self._offsets: list[int] | None = None
        self._memo: dict[str, object] = {}
        self._prefix_memo: dict[str, tuple[object, int]] = {}

    @classmethod
    def from_text(cls, text: str, *, path: str | None = None, strict: bool = False) -> McDocument:
        r"""Parse ``text``; with ``strict=True`` the first diagnostic raises ``ParseError``.

        >>> McDocument.from_text("MAILER(smtp)\n").mailers[0].name
        'smtp'
        """
        doc = cls(text, path=path)
        if strict and doc.diagnostics:
            raise ParseError(doc.diagnostics[0], path)
        return doc

    parse = from_text
    """The former name of :meth:`from_text` (kept)."""

    # -- plain state -------------------------------------------------------------------
    @property
    def text(self) -> str:
        """The file's text: the input byte for byte, plus any edits."""
        return self._tree.text

    @property
    def tree(self) -> McTree:
        """The lossless m4 syntax tree (frozen nodes)."""
        return self._tree

    @property
    def model(self) -> McModel:
        """Every semantic view at once (see :mod:`sendmailcfg.mc.model`), built on demand."""
        if self._model is None:
            self._model = analyze(self._tree.text, self._tree)
        return self._model

    @property
    def facts(self) -> McFacts:
        r"""The one reading of this ``.mc`` (:attr:`McModel.facts
        <sendmailcfg.mc.model.McModel.facts>`, with this document's path): what every
        semantic question asks; ``include()`` s are followed by :class:`~sendmailcfg.site.Site`.

        >>> doc = McDocument.from_text("OSTYPE(`linux')dnl\nFEATURE(`mailertable')dnl\n")
        >>> [(c.first, c.implied_by) for c in doc.facts.features()]
        [('local_procmail', 'OSTYPE(linux)'), ('mailertable', None)]
        """
        return self.memo("facts", lambda: attrs.evolve(self.model.facts, path=self.path or ""))

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Problems m4 itself would stop on (unterminated quotes or argument lists)."""
        return list(self.model.diagnostics)

    @property
    def changed(self) -> bool:
        """True when the text differs from the text as loaded."""
        return self._tree.text != self._original

    def copy(self) -> McDocument:
        """An independent document with the same text, tree and path (nodes are shared)."""
        new = McDocument.__new__(McDocument)
        new.path = self.path
        new._original = self._original
        new._tree = self._tree
        new._model = self._model
        new._offsets = self._offsets
        new._memo = dict(self._memo)
        new._prefix_memo = dict(self._prefix_memo)
        return new

    def dumps(self) -> str:
        """The text to write (the same as :attr:`text`)."""
        return self._tree.text

    def dump(self, path: str | os.PathLike[str] | None = None) -> None:
        """Write the text atomically to ``path`` or to the path it was loaded from."""
        from sendmailcfg import _source, fileio

        target = path if path is not None else self.path
        if target is None:
            raise ValueError("this document has no path: pass one to dump()")
        fileio.write_atomic(target, _source.encode(self._tree.text))

    def diff(self, other: Document | str | None = None, path: str | None = None) -> str:
        """Unified diff from ``other`` (a document or a text; default: as loaded) to this."""
        from sendmailcfg.textdiff import unified_diff

        if other is None:
            before = self._original
        elif isinstance(other, str):
            before = other
        else:
            before = other.text
        return unified_diff(before, self._tree.text, path or self.path or "file")

    # -- semantic views -------------------------------------------------------------------
    @property
    def defines(self) -> Defines:
        """Live defines, name -> value as sendmail.cf gets it (the last one wins;
        ``undefine`` removes); assigning or deleting a key edits the file
        (:meth:`set_define`, :meth:`remove_define`)."""
        return Defines(self)

    @property
    def define_statements(self) -> tuple[Define, ...]:
        """Every live ``define``/``undefine`` in order."""
        return self.model.define_statements

    @property
    def features(self) -> tuple[Feature, ...]:
        """Live FEATUREs in order."""
        return self.model.features

    @property
    def mailers(self) -> tuple[Mailer, ...]:
        """Live MAILERs in order."""
        return self.model.mailers

    @property
    def ostype(self) -> str | None:
        """The OSTYPE argument (the last one)."""
        return self.model.ostype

    @property
    def domain(self) -> str | None:
        """The DOMAIN argument (the last one)."""
        return self.model.domain

    @property
    def versionid(self) -> str | None:
        """The VERSIONID text."""
        return self.model.versionid

    @property
    def class_macros(self) -> tuple[ClassMacro, ...]:
        """LOCAL_DOMAIN, RELAY_DOMAIN, MASQUERADE_AS, ... in order."""
        return self.model.class_macros

    @property
    def sections(self) -> tuple[LocalSection, ...]:
        """LOCAL_CONFIG, LOCAL_RULE_n, MAILER_DEFINITIONS, ... raw sections."""
        return self.model.sections

    @property
    def statements(self) -> tuple[MacroCall, ...]:
        """Live top-level macro calls (including those inside ``#`` lines)."""
        return self.model.statements

    @property
    def calls(self) -> tuple[MacroCall, ...]:
        """Every live macro call, nested ones included."""
        return self.model.calls

    @property
    def disabled(self) -> tuple[MacroCall, ...]:
        """Statements commented out with ``dnl`` (``dnl define(...)``, ``dnl FEATURE(...)``)."""
        return self.model.disabled

    @property
    def quote_problems(self) -> tuple[QuoteProblem, ...]:
        """Quoting mistakes (stray ', typographic or double quotes, HTML entities...)."""
        return self.model.quote_problems

    @property
    def dangerous(self) -> tuple[MacroCall, ...]:
        """Calls of builtins that reach outside m4 (syscmd, esyscmd, include, sinclude...)."""
        return self.model.dangerous

    @property
    def hash_comment_macros(self) -> tuple[MacroCall, ...]:
        """Macros inside ``#`` lines (m4 expands them: ``#`` is not a comment here)."""
        return self.model.hash_comment_macros

    @property
    def raw_cf_lines(self) -> tuple[RawLine, ...]:
        """Lines that look like sendmail.cf text outside LOCAL_* sections."""
        return self.model.raw_cf_lines

    # -- edits ----------------------------------------------------------------------------
    def offsets(self) -> list[int]:
        """Start offset of every top-level item of :attr:`tree` (and the end of the text)."""
        if self._offsets is None:
            from sendmailcfg.mc.splice import item_offsets  # edits only: not at import

            self._offsets = item_offsets(self._tree)
        return self._offsets

    def apply(self, replacements: list[Edit] | tuple[Edit, ...]) -> bool:
        r"""Replace spans of the text by splicing tree nodes (see :mod:`~sendmailcfg.mc.splice`).

        >>> doc = McDocument.from_text("MAILER(smtp)\n")
        >>> from sendmailcfg.textdiff import Edit
        >>> doc.apply([Edit(0, 0, "OSTYPE(linux)\n")]), doc.ostype
        (True, 'linux')
        """
        reps = [r for r in replacements if self._tree.text[r.start : r.end] != r.new]
        if not reps:
            return False
        from sendmailcfg.mc.splice import splice_span

        offsets = self.offsets()
        before = self._tree
        self._tree, first, old_stop, new_stop = splice_span(self._tree, reps, offsets)
        self._model = McModel(self._tree.text, self._tree)  # its views: read anew when asked
        # the offsets of the kept items: the same before the edit, moved after it
        new_offsets = offsets[:first]
        pos = offsets[first]
        for item in self._tree.items[first:new_stop]:
            new_offsets.append(pos)
            pos += item.length
        new_offsets += map((len(self._tree.text) - len(before.text)).__add__, offsets[old_stop:])
        self._offsets = new_offsets
        self._memo = {}
        lo = min(r.start for r in reps)  # the text before lo is as it was
        self._prefix_memo = {k: v for k, v in self._prefix_memo.items() if v[1] <= lo}
        return True

    def memo(self, key: str, compute: Callable[[], T]) -> T:
        """``compute()``, once per state of the text (edits forget it): for derived views."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]  # type: ignore[return-value]

    def prefix_memo(self, key: str, compute: Callable[[], tuple[T, int]]) -> T:
        """Like :meth:`memo` for a value that depends on the text before an offset only:
        ``compute()`` gives ``(value, offset)``, and the value is kept across edits that
        leave the text before that offset alone."""
        if key not in self._prefix_memo:
            self._prefix_memo[key] = compute()
        return self._prefix_memo[key][0]  # type: ignore[return-value]

    def _run(self, edit: EditPlan | None) -> bool:
        if edit is None:
            return False
        tree, model, offsets = self._tree, self._model, self._offsets
        memo, prefix_memo = self._memo, self._prefix_memo
        if not self.apply(edit.replacements):
            return False
        if not edit.verify(self.model):
            self._tree, self._model, self._offsets = tree, model, offsets
            self._memo, self._prefix_memo = memo, prefix_memo
            raise EditError(
                f"cannot {edit.what}: m4 would not read the edited file as asked "
                "(is a quote or an argument list left open before it?); the text is unchanged"
            )
        return True

    def set_define(self, name: str, value: str) -> bool:
        """Set ``define(`name', `value')`` where it takes effect.

        In place when the name has a live define in the right place, by enabling a
        ``dnl``-ed line, else as a new line: after the OSTYPE/DOMAIN/FEATURE(`msp')
        that would override it, before the FEATURE or MAILER that reads it.
        """
        from sendmailcfg.mc import edit  # imported on first edit: linting never needs it

        return self._run(edit.set_define(self, name, value))

    def remove_define(self, name: str) -> bool:
        """Delete every live ``define(`name', ...)`` statement."""
        from sendmailcfg.mc import edit

        return self._run(edit.remove_define(self, name))

    def undefine(self, name: str) -> bool:
        """Write ``undefine(`name')`` (after OSTYPE/DOMAIN, which may define it)."""
        from sendmailcfg.mc import edit

        return self._run(edit.undefine(self, name))

    def add_feature(self, name: str, *args: str) -> bool:
        """Add ``FEATURE(`name', args...)``, or change the arguments of the one there.

        For ``dnsbl``/``enhdnsbl``, which may appear several times, the first
        argument (the list's host) names the instance.
        """
        from sendmailcfg.mc import edit

        return self._run(edit.add_feature(self, name, *args))

    def remove_feature(self, name: str, *args: str) -> bool:
        """Delete the live ``FEATURE(`name', ...)`` statements (``args`` select one)."""
        from sendmailcfg.mc import edit

        return self._run(edit.remove_feature(self, name, *args))

    def add_mailer(self, name: str) -> bool:
        """Add ``MAILER(`name')`` where sendmail needs it (local, smtp, uucp, then others)."""
        from sendmailcfg.mc import edit

        return self._run(edit.add_mailer(self, name))

    def remove_mailer(self, name: str) -> bool:
        """Delete the live ``MAILER(`name')`` statements."""
        from sendmailcfg.mc import edit

        return self._run(edit.remove_mailer(self, name))

    def add_class_value(self, macro: str, value: str) -> bool:
        """Add ``value`` with a class macro (``MASQUERADE_DOMAIN(`value')``, ...)."""
        from sendmailcfg.mc import edit

        return self._run(edit.add_class_value(self, macro, value))

    def remove_class_value(self, macro: str, value: str) -> bool:
        """Take ``value`` out of every live ``macro(...)`` statement (drop emptied ones)."""
        from sendmailcfg.mc import edit

        return self._run(edit.remove_class_value(self, macro, value))

    def set_masquerade_as(self, host: str | None) -> bool:
        """Set ``MASQUERADE_AS(`host')`` (``None`` removes it)."""
        from sendmailcfg.mc import edit

        return self._run(edit.set_masquerade_as(self, host))

    def set_daemon_options(self, name: str, spec: str) -> bool:
        """Set the ``DAEMON_OPTIONS`` whose ``Name=`` is ``name`` to ``spec`` (add if none).

        ``spec`` is the whole option list (``"Port=smtp, Name=MTA"``); a ``Name=``
        is added when it has none.
        """
        from sendmailcfg.mc import edit

        return self._run(edit.set_daemon_options(self, name, spec))

    def remove_daemon_options(self, name: str) -> bool:
        """Delete the ``DAEMON_OPTIONS`` whose ``Name=`` is ``name``."""
        from sendmailcfg.mc import edit

        return self._run(edit.remove_daemon_options(self, name))

    def disable(self, line: int) -> bool:
        """Comment out the statement on ``line`` (1-based) with ``dnl ``, as an admin does."""
        from sendmailcfg.mc import edit

        return self._run(edit.disable(self, line))

    def enable(self, line: int) -> bool:
        """Undo :meth:`disable`: drop the ``dnl `` before the statement on ``line``."""
        from sendmailcfg.mc import edit

        return self._run(edit.enable(self, line))

    def render(
        self, cf_dir: str | os.PathLike[str] | None = None, *, allow_m4_commands: bool = False
    ) -> str:
        """The sendmail.cf m4 makes of this file (see :func:`sendmailcfg.mc.render.render`)."""
        from sendmailcfg.mc.render import render

        return render(self, cf_dir, allow_m4_commands=allow_m4_commands)

    def __repr__(self) -> str:
        where = f" {self.path!r}" if self.path else ""
        return f"<McDocument{where}: {self.text.count(chr(10))} lines>"
