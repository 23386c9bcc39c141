r"""The semantic view of an ``.mc`` file: what m4 and sendmail's cf macros make of the tree.

:func:`analyze` walks the syntax tree once (iteratively) and returns an
:class:`McModel`: every macro call with its position and context, LOCAL_* raw
sections, disabled (``dnl``-ed) statements, and the findings a linter needs (quote
problems, dangerous builtins, macros inside ``#`` lines, raw cf lines outside LOCAL_*
sections). What the statements say is read once, by :func:`mc_facts` below
(:attr:`McModel.facts`): the live defines, FEATUREs (implied ones marked), MAILERs and
class macros are views of it.

>>> m = analyze("OSTYPE(`linux')dnl\ndnl define(`SMART_HOST', `relay')\nFEATURE(`x', `a')\n")
>>> m.ostype, [f.name for f in m.features], m.disabled[0].name, m.disabled[0].line
('linux', ['x'], 'define', 2)
"""

from __future__ import annotations

import bisect
import functools
import gc
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Protocol

import attrs

from sendmailcfg.errors import Diagnostic
from sendmailcfg.mc import catalogue, macros
from sendmailcfg.mc.catalogue import (
    BUILTIN_MAILERS,
    DEFAULT_CW_FILE,
    DEFAULTS,
    DOMAINS,
    FEATURES,
    HACKS,
    IMPLIED_CLASS_MACROS,
    IMPLIED_FEATURES,
    LOCALHOST_NAMES,
    MAILER_FILES,
    TABLE_FEATURES,
    MapSpec,
    parse_map_spec,
)
from sendmailcfg.mc.quoting import WHITESPACE, argument_value, expansion, rescanned
from sendmailcfg.mc.visit import Context, McVisitor
from sendmailcfg.syntax.mc_nodes import (
    McArg,
    McCall,
    McDnl,
    McHashComment,
    McItem,
    McQuoted,
    McToken,
    McTree,
)
from sendmailcfg.syntax.mc_parser import parse_mc_tree


class Positions:
    """Offsets -> 1-based (line, column); columns count characters.

    The line starts are found when first needed (most arguments' positions are never
    asked for).
    """

    __slots__ = ("_starts", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None

    @property
    def starts(self) -> list[int]:
        """The offset of every line start."""
        if self._starts is None:
            self._starts = [0] + [m.end() for m in re.finditer("\n", self._text)]
        return self._starts

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        i = bisect.bisect_right(self.starts, offset) - 1
        return i + 1, offset - self.starts[i] + 1

    def line_start(self, offset: int) -> int:
        """Offset of the start of the line holding ``offset``."""
        return self.starts[bisect.bisect_right(self.starts, offset) - 1]


class Argument:
    """One argument of a call: ``raw`` as written, ``value`` as m4 passes it on.

    ``line``/``column`` point at the first character after m4's skipped leading
    blanks; ``start`` is the offset of ``raw``; ``quoted`` says the argument is
    exactly one quoted string (blanks around it allowed). Positions are worked out
    when asked for.
    """

    __slots__ = ("_positions", "_value", "node", "start")

    def __init__(self, start: int, node: McArg, positions: Positions) -> None:
        self.start = start
        self.node = node
        self._positions = positions
        self._value: str | None = None

    @property
    def line(self) -> int:
        """1-based line of the first character m4 does not skip."""
        return self._positions.line_col(self.start + _first_non_blank(self.node)[0])[0]

    @property
    def column(self) -> int:
        """1-based column of the first character m4 does not skip."""
        return self._positions.line_col(self.start + _first_non_blank(self.node)[0])[1]

    @property
    def quoted(self) -> bool:
        """True when the argument is exactly one quoted string (blanks around allowed)."""
        return _only_quote(self.node)

    @property
    def raw(self) -> str:
        """The argument exactly as written (leading blanks and newlines included)."""
        return self.node.text

    @property
    def value(self) -> str:
        """What m4 passes on: leading blanks skipped, one level of quotes removed."""
        if self._value is None:
            self._value = argument_value(self.node)
        return self._value

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Argument)
            and other.start == self.start
            and other.node.text == self.node.text
        )

    def __hash__(self) -> int:
        return hash((self.start, self.node.text))

    def __repr__(self) -> str:
        return f"Argument(line={self.line}, column={self.column}, raw={self.raw!r})"


@attrs.frozen
class MacroCall:
    """One macro invocation found in the file (a statement when ``nested`` is False).

    ``bare`` calls are words without ``(...)`` that m4 still expands (``LOCAL_CONFIG``,
    ``divert``, ...). ``diversion`` is the m4 output diversion in effect where the
    call starts (0 normal output, -1 discarded, >0 a raw section's diversion);
    ``section`` names the LOCAL_* / MAILER_DEFINITIONS section it sits in.
    ``disabled`` calls sit in a ``dnl`` comment (``dnl define(...)``): m4 never runs them.
    """

    name: str
    args: tuple[Argument, ...]
    line: int
    column: int
    end_line: int
    start: int
    end: int
    source: str = attrs.field(eq=False, repr=False)
    bare: bool = False
    closed: bool = True
    nested: bool = False
    in_hash_comment: bool = False
    disabled: bool = False
    diversion: int = 0
    section: str | None = None
    node: McCall | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def text(self) -> str:
        """The call exactly as written."""
        return self.source[self.start : self.end]

    @property
    def values(self) -> tuple[str, ...]:
        """The arguments' values (quotes removed)."""
        return tuple(a.value for a in self.args)

    @property
    def raw_args(self) -> tuple[str, ...]:
        """The arguments exactly as written."""
        return tuple(a.raw for a in self.args)

    def value(self, index: int, default: str = "") -> str:
        """Argument ``index`` (0-based) as m4 passes it, or ``default``."""
        return self.args[index].value if index < len(self.args) else default

    @property
    def in_discarded_output(self) -> bool:
        """True inside ``divert(-1)``: whatever the call outputs is thrown away."""
        return self.diversion < 0


@attrs.frozen
class Define:
    """A ``define(`NAME', `value')`` statement (``value`` is None for ``undefine``).

    ``value`` is what the macro yields where sendmail's cf files use it: the
    argument with one more level of quotes removed, as m4 reads the expansion
    again (``define(`X', ``a,b'')`` gives ``a,b``).
    """

    name: str
    value: str | None
    call: MacroCall


@attrs.frozen
class Feature:
    """``FEATURE(`name', args...)``; ``args`` as the feature file reads them (m4 reads
    ``_ARG_`` again, so one more level of quotes is gone)."""

    name: str
    args: tuple[str, ...]
    call: MacroCall


@attrs.frozen
class Mailer:
    """``MAILER(`name')``."""

    name: str
    call: MacroCall


@attrs.frozen
class ClassMacro:
    """A class macro such as ``LOCAL_DOMAIN(`example.com')`` or ``MASQUERADE_AS``;
    ``value`` as the .cf gets it (the cf macro reads its argument again)."""

    macro: str
    value: str
    call: MacroCall

    @property
    def words(self) -> tuple[str, ...]:
        """The space-separated words it adds."""
        return tuple(self.value.split())


@attrs.frozen
class LocalSection:
    """Raw sendmail.cf text after LOCAL_CONFIG, LOCAL_RULE_n, MAILER_DEFINITIONS, ...

    ``body`` runs from the end of the macro to the next macro that changes the
    diversion (or the end of the file). m4 still expands macros inside it.
    """

    name: str
    diversion: int
    line: int
    column: int
    body_start: int
    body_end: int
    body: str
    call: MacroCall


@attrs.frozen
class QuoteProblem:
    """A quoting mistake: ``code`` is one of ``stray-close-quote`` (a ``'`` outside
    quotes, typically used as an opening quote), ``typographic-quote``,
    ``double-quote`` (an argument starting with ``"``), ``html-entity``
    (``&#96;``, ``&rsquo;``...) or ``unterminated-quote``."""

    code: str
    line: int
    column: int
    text: str
    in_hash_comment: bool = False
    in_dnl: bool = False
    in_argument: bool = False
    section: str | None = None


@attrs.frozen
class RawLine:
    """A line that looks like sendmail.cf text (``R...``, ``Kname type``, ``O Opt=``...)
    outside any LOCAL_* section (m4 copies it to wherever the output goes)."""

    line: int
    text: str
    diversion: int


_CF_LINE = re.compile(
    r"(?:R\S.*\t"
    r"|S[A-Za-z0-9_]+(?:=\d+)?\s*$"
    r"|K\w+\s+\w+"
    r"|[CF](?:\{\w+\}|[A-Za-z](?=[\s/$]))"
    r"|D(?:\{\w+\}|[A-Za-z])\S"
    r"|O\s+[A-Za-z]"
    r"|H(?:\?[^?]*\?)?[A-Za-z][\w-]*:"
    r"|M[\w-]+,\s*[A-Z]="
    r"|P\w+=-?\d+"
    r"|Q\w+,\s*\w="
    r"|X[\w-]+,\s*S="
    r"|V\d+(?:/\w+)?\s*$"
    r"|E\w+=)"
)
_TYPOGRAPHIC = re.compile("[\u2018\u2019\u201a\u201b\u201c\u201d\u201e\u201f\u2032\u00b4]")
_ENTITY = re.compile(
    r"&(?:#0*(?:96|39|34|8216|8217|8220|8221)|#x0*(?:60|27|22|2018|2019|201c|201d)"
    r"|lsquo|rsquo|ldquo|rdquo|apos|quot|grave|acute);",
    re.I,
)
_DISABLED_HEAD = re.compile(r"[ \t]*[A-Za-z_][A-Za-z0-9_]*\(")


@attrs.frozen
class _Core:
    """The syntactic views edits need: the statements (no walk into arguments). What they
    mean (defines' values, FEATUREs, MAILERs...) is :attr:`McModel.facts`' to answer."""

    statements: tuple[MacroCall, ...]
    disabled: tuple[MacroCall, ...]
    sections: tuple[LocalSection, ...]
    cf_include: MacroCall | None


@attrs.frozen
class _Findings:
    """The views a linter needs on top: every call, quoting problems, raw lines, ..."""

    calls: tuple[MacroCall, ...]
    quote_problems: tuple[QuoteProblem, ...]
    dangerous: tuple[MacroCall, ...]
    hash_comment_macros: tuple[MacroCall, ...]
    raw_cf_lines: tuple[RawLine, ...]
    diagnostics: tuple[Diagnostic, ...]


class McModel:
    """Everything :func:`analyze` found, in file order.

    * ``calls``: every live call (top level, nested in arguments, in ``#`` lines,
      and bare words m4 expands such as ``LOCAL_CONFIG``);
    * ``statements``: the live calls that are not nested in another call's
      arguments (``#`` lines included: m4 runs them);
    * ``disabled``: calls inside ``dnl`` comments (``dnl define(...)``), ``disabled=True``;
    * ``define_statements``/``defines``: live ``define``/``undefine`` and the resulting
      name -> value mapping (read-only, last one wins);
    * ``features``, ``mailers``, ``ostype``, ``domain``, ``versionid``, ``class_macros``;
    * ``sections``: LOCAL_* / MAILER_DEFINITIONS raw sections;
    * ``quote_problems``, ``dangerous`` (calls of ``macros.DANGEROUS_BUILTINS``),
      ``hash_comment_macros`` (calls and expanding bare words in ``#`` lines),
      ``raw_cf_lines`` (cf-looking lines outside sections): findings for linters;
    * ``diagnostics``: what m4 itself would stop on (unterminated quotes / calls).
    """

    __slots__ = ("_core", "_facts", "_findings", "_flat", "_own", "_text", "_tree")

    def __init__(self, text: str, tree: McTree) -> None:
        self._text = text
        self._tree = tree
        self._core: _Core | None = None
        self._findings: _Findings | None = None
        self._flat: _Statements | None = None
        self._facts: McFacts | None = None
        self._own: _Own | None = None

    # the views are built when first asked for: the statements in a walk that does not go
    # into arguments, each view from them when read, the findings in the full walk
    def _s(self) -> _Statements:
        if self._flat is None:
            collecting = gc.isenabled()
            gc.disable()  # thousands of acyclic records: the collector would only walk them
            try:
                w = _Walker(self._text, self._tree, core=True)
                w.run()
                self._flat = _Statements.of_walk(w)
            finally:
                if collecting:
                    gc.enable()
        return self._flat

    def _c(self) -> _Core:
        if self._core is None:
            self._core = self._s().core()
        return self._core

    def _f(self) -> _Findings:
        if self._findings is None:
            w = _Walker(self._text, self._tree)
            w.run()
            w.scan_text()
            if self._flat is None:  # the full walk found the statements too
                self._flat = _Statements.of_walk(w)
            self._findings = _findings(w)
        return self._findings

    @property
    def text(self) -> str:
        """The text the model was made from."""
        return self._text

    @property
    def calls(self) -> tuple[MacroCall, ...]:
        """Every live call, nested ones included, in source order."""
        return self._f().calls

    @property
    def statements(self) -> tuple[MacroCall, ...]:
        """Live calls not nested in another call's arguments (``#`` lines included)."""
        return self._s().records

    @property
    def disabled(self) -> tuple[MacroCall, ...]:
        """Calls inside ``dnl`` comments (``dnl define(...)``)."""
        return self._s().disabled

    @property
    def define_statements(self) -> tuple[Define, ...]:
        """Live ``define``/``undefine`` statements in order (who writes which define:
        for edits; what a name ends up as is :attr:`defines`)."""
        return self._s().define_statements()

    @property
    def facts(self) -> McFacts:
        """The one reading of this ``.mc`` (:func:`~sendmailcfg.mc.facts.mc_facts`, no
        ``include()`` followed): calls in m4's order with their arguments as the cf macros
        hand them to the ``.cf``, implied FEATUREs marked. Computed once per model; every
        semantic view below is a view of it."""
        if self._facts is None:
            self._facts = mc_facts(self)
        return self._facts

    def _views(self) -> _Own:
        if self._own is None:
            self._own = _Own.of(self.facts)
        return self._own

    @property
    def defines(self) -> Mapping[str, str]:
        """Name -> value as sendmail.cf gets it (read-only; the last one wins): the
        :attr:`facts`' defines written in this file."""
        return self._views().defines

    @property
    def features(self) -> tuple[Feature, ...]:
        """Live FEATUREs written in this file, in order (the :attr:`facts`' FEATUREs but
        those an OSTYPE/DOMAIN file implies)."""
        return self._views().features

    @property
    def mailers(self) -> tuple[Mailer, ...]:
        """Live MAILERs in order (the :attr:`facts`')."""
        return self._views().mailers

    @property
    def ostype(self) -> str | None:
        """The OSTYPE argument (the last one)."""
        return self._views().last.get("OSTYPE")

    @property
    def domain(self) -> str | None:
        """The DOMAIN argument (the last one)."""
        return self._views().last.get("DOMAIN")

    @property
    def versionid(self) -> str | None:
        """The VERSIONID text."""
        return self._views().last.get("VERSIONID")

    @property
    def class_macros(self) -> tuple[ClassMacro, ...]:
        """LOCAL_DOMAIN, RELAY_DOMAIN, MASQUERADE_AS, ... in order (the :attr:`facts`')."""
        return self._views().class_macros

    @property
    def sections(self) -> tuple[LocalSection, ...]:
        """LOCAL_* / MAILER_DEFINITIONS raw sections."""
        return self._s().sections()

    @property
    def cf_include(self) -> MacroCall | None:
        """``include(`.../cf.m4')`` when the file loads the cf macros itself (Debian's
        sendmail.mc, run as ``m4 sendmail.mc``): ``#`` lines before it are real m4
        comments, so their macros are not calls (they are left out of the views)."""
        return self._s().cf_include()

    def top_statements(
        self,
        names: Collection[str] | None = None,
        limit: int = -1,
        *,
        where: Callable[[MacroCall], bool] | None = None,
        span: tuple[int, int] | None = None,
        last: bool = False,
    ) -> list[MacroCall]:
        """Live statements written at the top level (not in ``#`` lines, raw sections or
        other calls; closed), in order: those named one of ``names`` (None: any) for which
        ``where`` holds, that lie within ``span`` (start and end offsets), the first
        ``limit`` of them (-1: all; ``last``: the last ones)."""
        return self._s().top(names, limit, where, span, last)

    def top_ends(self, limit: int) -> list[tuple[MacroCall, int]]:
        """The first ``limit`` of :meth:`top_statements`, each with its end offset."""
        return self._s().top_ends(limit)

    def disabled_where(self, where: Callable[[MacroCall], bool]) -> list[MacroCall]:
        """The ``dnl``-ed statements for which ``where`` holds, in order."""
        return self._s().disabled_where(where)

    def defines_named(self, name: str) -> list[Define]:
        """The live ``define``/``undefine`` statements of ``name``, in order."""
        return self._s().defines_named(name)

    @property
    def quote_problems(self) -> tuple[QuoteProblem, ...]:
        """Quoting mistakes, by position."""
        return self._f().quote_problems

    @property
    def dangerous(self) -> tuple[MacroCall, ...]:
        """Calls of builtins that reach outside m4 (``macros.DANGEROUS_BUILTINS``)."""
        return self._f().dangerous

    @property
    def hash_comment_macros(self) -> tuple[MacroCall, ...]:
        """Calls and expanding bare words in ``#`` lines."""
        return self._f().hash_comment_macros

    @property
    def raw_cf_lines(self) -> tuple[RawLine, ...]:
        """Lines that look like sendmail.cf text outside LOCAL_* sections."""
        return self._f().raw_cf_lines

    @property
    def diagnostics(self) -> tuple[Diagnostic, ...]:
        """What m4 itself would stop on (unterminated quotes / calls), by position."""
        return self._f().diagnostics

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, McModel):
            return NotImplemented
        return self._c() == other._c() and self._f() == other._f()

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"<McModel: {len(self.statements)} statements>"


class _Walker(McVisitor):
    """One visit of the tree (:class:`~sendmailcfg.mc.visit.McVisitor`); keeps the
    diversion/section state m4 would have."""

    token_kinds = frozenset(["WORD", "TEXT", "RQ"])

    def __init__(self, text: str, tree: McTree, *, core: bool = False) -> None:
        self.text = text
        self.tree = tree
        self.core = core  # statements only: no walk into arguments, no findings
        self.pos = Positions(text)
        self.diversion = 0
        self.section: str | None = None
        self.calls: list[MacroCall] = []
        self.statements: list[MacroCall] = []
        self.disabled: list[MacroCall] = []
        self.quote_problems: list[QuoteProblem] = []
        self.diagnostics: list[Diagnostic] = []
        self.raw_lines: list[RawLine] = []
        # (start, end) of dnl comments and # lines, for context lookups
        self.dnl_spans: list[tuple[int, int]] = []
        self.hash_spans: list[tuple[int, int]] = []
        self.cf_include_at: int | None = None

    # -- building records -----------------------------------------------------------
    def _args(self, call: McCall, offset: int) -> tuple[Argument, ...]:
        out = []
        pos = offset + len(call.name) + 1
        positions = self.pos
        for arg in call.args:
            out.append(Argument(pos, arg, positions))
            pos += arg.length + 1
        return tuple(out)

    def _record(
        self,
        call: McCall,
        offset: int,
        *,
        nested: bool,
        in_hash: bool,
        disabled: bool = False,
    ) -> MacroCall:
        line, col = self.pos.line_col(offset)
        end = offset + call.length
        rec = MacroCall(
            name=call.name,
            args=self._args(call, offset),
            line=line,
            column=col,
            end_line=self.pos.line_col(max(offset, end - 1))[0],
            start=offset,
            end=end,
            source=self.text,
            closed=call.closed,
            nested=nested,
            in_hash_comment=in_hash,
            disabled=disabled,
            diversion=self.diversion,
            section=self.section,
            node=call,
        )
        if not call.closed and not disabled and not _ends_open(call):
            self._diag(
                offset,
                "unterminated-call",
                f"the argument list of {call.name}( is not closed before the end of the file",
                "')' (check the quotes and parentheses of this call)",
            )
        return rec

    def _bare(self, word: McToken, offset: int, in_hash: bool) -> MacroCall:
        line, col = self.pos.line_col(offset)
        return MacroCall(
            name=word.text,
            args=(),
            line=line,
            column=col,
            end_line=line,
            start=offset,
            end=offset + word.length,
            source=self.text,
            bare=True,
            in_hash_comment=in_hash,
            diversion=self.diversion,
            section=self.section,
        )

    def _diag(self, offset: int, code: str, message: str, expected: str) -> None:
        line, col = self.pos.line_col(offset)
        self.diagnostics.append(Diagnostic(line, col, code, message, expected))

    def _quote_problem(self, code: str, offset: int, text: str, **ctx: object) -> None:
        line, col = self.pos.line_col(offset)
        self.quote_problems.append(QuoteProblem(code, line, col, text, **ctx))  # type: ignore[arg-type]

    # -- state changes ----------------------------------------------------------------
    def _apply(self, rec: MacroCall) -> None:
        """Follow the diversion changes m4 makes for a live statement."""
        name = rec.name
        if name == "divert":
            arg = rec.value(0).strip()
            try:
                self.diversion = int(arg) if arg else 0
            except ValueError:
                return
            self.section = None
        elif name in macros.SECTION_MACROS:
            self.diversion = macros.SECTION_MACROS[name]
            self.section = name

    def _statement(self, rec: MacroCall) -> None:
        self.calls.append(rec)
        self.statements.append(rec)
        self._apply(rec)

    # -- the walk: McVisitor hooks ------------------------------------------------------
    def _find_cf_include(self) -> None:
        """``include(`.../m4/cf.m4')`` in the file itself (Debian style): before it,
        m4's own comments are still on, so ``#`` lines there are real comments."""
        if "cf.m4" not in self.text:
            return
        offset = 0
        for item in self.tree.items:
            if (
                type(item) is McCall
                and item.name == "include"
                and item.args
                and argument_value(item.args[0]).strip().endswith("cf.m4")
            ):
                self.cf_include_at = offset
                return
            offset += item.length

    def run(self) -> None:
        self._find_cf_include()
        self.walk(self.tree)

    def call(self, node: McCall, offset: int, ctx: Context) -> bool:
        if ctx.nested:
            self.calls.append(self._record(node, offset, nested=True, in_hash=ctx.in_hash))
        else:
            self._statement(self._record(node, offset, nested=False, in_hash=ctx.in_hash))
        return not self.core

    def arg(self, node: McArg, offset: int, ctx: Context, index: int) -> None:
        if self.core or '"' not in node.source[node.start : node.start + 64]:
            return
        lead, first = _first_non_blank(node)
        if first == '"':
            self._quote_problem(
                "double-quote",
                offset + lead,
                '"',
                in_hash_comment=ctx.in_hash,
                in_argument=True,
                section=self.section,
            )

    def token(self, node: McToken, offset: int, ctx: Context) -> None:
        kind = node.kind
        if ctx.nested:
            if kind == "RQ":
                self._quote_problem(
                    "stray-close-quote",
                    offset,
                    "'",
                    in_hash_comment=ctx.in_hash,
                    in_argument=True,
                    section=self.section,
                )
        elif ctx.in_hash:
            if kind == "WORD" and node.text in macros.BARE_MACROS:
                rec = self._bare(node, offset, True)
                self.calls.append(rec)
                if node.text in macros.SECTION_MACROS or node.text == "divert":
                    self.statements.append(rec)
                    self._apply(rec)
            elif kind == "RQ":
                self._quote_problem(
                    "stray-close-quote", offset, "'", in_hash_comment=True, section=self.section
                )
        else:
            if kind == "WORD" and node.text in macros.BARE_MACROS:
                if node.text in macros.SECTION_MACROS or node.text == "divert":
                    self._statement(self._bare(node, offset, False))
            elif kind == "RQ":
                self._quote_problem("stray-close-quote", offset, "'", section=self.section)
            if (
                (kind == "WORD" or kind == "TEXT")
                and not self.core
                and self.section is None
                and (offset == 0 or self.text[offset - 1] == "\n")
            ):
                self._raw_line(offset)

    def quoted(self, node: McQuoted, offset: int, ctx: Context) -> None:
        if not node.closed:
            self._quote_problem("unterminated-quote", offset, "`", section=self.section)
            self._diag(
                offset,
                "unterminated-quote",
                "this ` opens a quoted string that is never closed (m4 stops with "
                "'end of file in string')",
                "a closing ' (or remove the backquote)",
            )

    def dnl(self, node: McDnl, offset: int, ctx: Context) -> bool:
        if self.core:
            if node.call is None and not ctx.nested and not ctx.in_hash:
                self._disabled(node, offset)
            return False
        if not ctx.nested:
            self.dnl_spans.append((offset, offset + node.length))
            if node.call is None and not ctx.in_hash:
                self._disabled(node, offset)
        return True

    def hash_comment(self, node: McHashComment, offset: int, ctx: Context) -> bool:
        self.hash_spans.append((offset, offset + node.length))
        return self.cf_include_at is None or offset > self.cf_include_at

    def _raw_line(self, offset: int) -> None:
        end = self.text.find("\n", offset)
        line_text = self.text[offset : len(self.text) if end < 0 else end]
        head = re.match(r"[A-Za-z_][A-Za-z0-9_]*", line_text)
        if head and head.group() in macros.KNOWN_MACROS:
            return
        if _CF_LINE.match(line_text):
            line, _ = self.pos.line_col(offset)
            self.raw_lines.append(RawLine(line, line_text.rstrip("\r"), self.diversion))

    def _disabled(self, dnl: McDnl, offset: int) -> None:
        """``dnl define(...)``: the calls of a dnl comment become disabled statements."""
        if not _DISABLED_HEAD.match(dnl.source, dnl.start + 3):
            return
        pos = offset + 3
        for item in _comment_items(dnl.comment):
            if isinstance(item, McCall) and item.closed:
                self.disabled.append(
                    self._record(item, pos, nested=False, in_hash=False, disabled=True)
                )
            elif isinstance(item, McDnl):
                break
            pos += item.length

    # -- text scans ---------------------------------------------------------------------
    def _in(self, spans: list[tuple[int, int]], offset: int) -> bool:
        i = bisect.bisect_right(spans, (offset, len(self.text) + 1)) - 1
        return i >= 0 and spans[i][0] <= offset < spans[i][1]

    def scan_text(self) -> None:
        """Typographic quotes and HTML entities anywhere in the file."""
        self.dnl_spans.sort()
        self.hash_spans.sort()
        for code, pattern in (("typographic-quote", _TYPOGRAPHIC), ("html-entity", _ENTITY)):
            for m in pattern.finditer(self.text):
                self._quote_problem(
                    code,
                    m.start(),
                    m.group(),
                    in_hash_comment=self._in(self.hash_spans, m.start()),
                    in_dnl=self._in(self.dnl_spans, m.start()),
                )
        self.quote_problems.sort(key=lambda q: (q.line, q.column))


@functools.lru_cache(maxsize=4096)
def _comment_items(comment: str) -> tuple[McItem, ...]:
    """The m4 items of a dnl comment's text (parsed once per distinct text)."""
    return parse_mc_tree(comment).items


def _first_non_blank(arg: McArg) -> tuple[int, str]:
    """Offset (in the argument) and character of the first thing m4 does not skip."""
    lead = 0
    for item in arg.items:
        if isinstance(item, McToken) and item.kind in ("TEXT", "NL"):
            text = item.text
            stripped = text.lstrip(WHITESPACE)
            lead += len(text) - len(stripped)
            if stripped:
                return lead, stripped[0]
            continue
        return lead, item.source[item.start : item.start + 1]
    return lead, ""


def _ends_open(call: McCall) -> bool:
    """True when an inner quote or call is what keeps ``call`` open (reported there)."""
    last = call.args[-1].items[-1] if call.args and call.args[-1].items else None
    return isinstance(last, (McQuoted, McCall)) and not last.closed


def _only_quote(arg: McArg) -> bool:
    real = [
        i
        for i in arg.items
        if not (isinstance(i, McToken) and i.kind in ("TEXT", "NL") and not i.text.strip())
    ]
    return len(real) == 1 and isinstance(real[0], McQuoted) and real[0].closed


def _live(rec: MacroCall) -> bool:
    return not rec.disabled


def analyze(text: str, tree: McTree | None = None) -> McModel:
    """The semantic view of ``text`` (parsed here unless ``tree`` is given), built lazily."""
    if tree is None:
        tree = parse_mc_tree(text)
    return McModel(text, tree)


# -- the statement views ------------------------------------------------------------------
#
# What a statement says that does not depend on where it is (a define's name and value...)
# is kept beside it, so the lookups edits make by name build no object.

_Spec = tuple[object, ...] | None


class _Statements:
    """The statements of a model, what each define says without its position, and the
    views built from them when first read."""

    __slots__ = (
        "_objects",
        "_top",
        "_views",
        "cf_at",
        "disabled",
        "pos",
        "records",
        "specs",
        "text",
    )

    def __init__(
        self,
        text: str,
        pos: Positions,
        records: tuple[MacroCall, ...],
        specs: tuple[_Spec, ...],
        disabled: tuple[MacroCall, ...],
        cf_at: int | None,
    ) -> None:
        self.text = text
        self.pos = pos
        self.records = records
        self.specs = specs
        self.disabled = disabled
        self.cf_at = cf_at
        self._objects: dict[int, object] = {}
        self._views: dict[str, object] = {}
        self._top: tuple[list[int], dict[str, list[int]]] | None = None

    @classmethod
    def of_walk(cls, w: _Walker) -> _Statements:
        """The statements a walk of the whole tree found."""
        stmts = tuple(w.statements)
        specs = tuple(map(_entry, stmts))
        return cls(w.text, w.pos, stmts, specs, tuple(w.disabled), w.cf_include_at)

    def view_object(self, i: int) -> object:
        """The views' object of statement ``i`` (a Define, Feature, ... or ``(name, value)``)."""
        found = self._objects.get(i)
        if found is None:
            found = self._objects[i] = _object(self.records[i], self.specs[i])
        return found

    def _of_kind(self, kind: type) -> tuple[object, ...]:
        if kind.__name__ not in self._views:
            self._views[kind.__name__] = tuple(
                self.view_object(i)
                for i, sp in enumerate(self.specs)
                if sp is not None and sp[0] is kind
            )
        return self._views[kind.__name__]  # type: ignore[return-value]

    def define_statements(self) -> tuple[Define, ...]:
        return self._of_kind(Define)  # type: ignore[return-value]

    def defines_named(self, name: str) -> list[Define]:
        """The define/undefine statements of ``name``, in order (no other record moved)."""
        return [
            self.view_object(i)  # type: ignore[misc]
            for i, sp in enumerate(self.specs)
            if sp is not None and sp[0] is Define and sp[1] == name
        ]

    def top(
        self,
        names: Collection[str] | None = None,
        limit: int = -1,
        where: Callable[[MacroCall], bool] | None = None,
        span: tuple[int, int] | None = None,
        last: bool = False,
    ) -> list[MacroCall]:
        """See :meth:`McModel.top_statements`."""
        if limit == 0:
            return []
        every, by_name = self._top_index()
        if names is None:
            indices: Sequence[int] = every
        else:
            found = [by_name[n] for n in names if n in by_name]
            indices = found[0] if len(found) == 1 else sorted(i for f in found for i in f)
        out: list[MacroCall] = []
        records = self.records
        for i in reversed(indices) if last else indices:
            if where is not None and not where(records[i]):
                continue
            if span is not None:
                rec = records[i]
                if rec.start < span[0] or rec.end > span[1]:
                    continue
            out.append(records[i])
            if len(out) == limit:
                break
        if last:
            out.reverse()
        return out

    def _top_index(self) -> tuple[list[int], dict[str, list[int]]]:
        """The indices of the statements written at the top level, and by name (one pass)."""
        if self._top is None:
            every: list[int] = []
            by_name: dict[str, list[int]] = {}
            records = self.records
            for i in range(len(records)):
                s = records[i]
                if s.closed and not (s.bare or s.nested or s.in_hash_comment or s.section):
                    every.append(i)
                    by_name.setdefault(s.name, []).append(i)
            self._top = every, by_name
        return self._top

    def top_ends(self, limit: int) -> list[tuple[MacroCall, int]]:
        """See :meth:`McModel.top_ends`."""
        records = self.records
        out: list[tuple[MacroCall, int]] = []
        every = self._top_index()[0]
        for i in every if limit < 0 else every[:limit]:
            s = records[i]
            out.append((s, s.end))
        return out

    def disabled_where(self, where: Callable[[MacroCall], bool]) -> list[MacroCall]:
        """See :meth:`McModel.disabled_where`."""
        d = self.disabled
        return [d[i] for i in range(len(d)) if where(d[i])]

    def sections(self) -> tuple[LocalSection, ...]:
        if "sections" not in self._views:
            records = self.records
            switches = tuple(
                records[i]
                for i in range(len(records))
                if records[i].name == "divert" or records[i].name in macros.SECTION_MACROS
            )
            self._views["sections"] = _sections(self.text, self.pos, switches)
        return self._views["sections"]  # type: ignore[return-value]

    def cf_include(self) -> MacroCall | None:
        if self.cf_at is None:
            return None
        i = bisect.bisect_left(self.records, self.cf_at, key=lambda r: r.start)
        if i < len(self.records) and self.records[i].start == self.cf_at:
            return self.records[i]
        return None

    def core(self) -> _Core:
        """Every statement view (every record moved)."""
        return _Core(
            statements=self.records,
            disabled=self.disabled,
            sections=self.sections(),
            cf_include=self.cf_include(),
        )


def handed_on(rec: MacroCall) -> tuple[str, ...]:
    r"""A statement's arguments as the cf macros hand them on to the ``.cf``: the one
    place the ``.mc``'s values are read (:attr:`McModel.facts` and every view use it).

    A define's value, a FEATURE's arguments and a class macro's words are read once
    more by m4 where the cf files use them, so one more level of quotes goes, and a
    define's ``$1``... are replaced first (``define(`SMART_HOST', ``[relay]'')`` is
    ``[relay]``); ``MASQUERADE_AS`` defines ``MASQUERADE_NAME`` from its argument, so its
    value is read twice. Names are stripped, values are not.

    >>> m = analyze("define(`SMART_HOST', ``[relay]'')dnl\nFEATURE(`a', ``x,y'')dnl\n")
    >>> [handed_on(s) for s in m.statements]
    [('SMART_HOST', '[relay]'), ('a', 'x,y')]
    """
    n = rec.name
    values = rec.values
    if n in macros.CLASS_MACROS:
        words = tuple(map(rescanned, values))
        if n == "MASQUERADE_AS" and words:  # define(`MASQUERADE_NAME', $1): read once more
            words = (expansion("MASQUERADE_NAME", words[0]), *words[1:])
        return words
    if n == "define" and values:
        name = values[0].strip()  # $1... replaced first, then the quotes, as m4 does
        return (name, *(expansion(name, v) for v in values[1:]))
    if n == "FEATURE" and values:
        return (values[0].strip(), *map(rescanned, values[1:]))
    if n in ("undefine", "MAILER", "OSTYPE", "DOMAIN") and values:
        return (values[0].strip(), *values[1:])
    return values


def _entry(rec: MacroCall) -> _Spec:
    """What a define/undefine statement says, without its position (None: not one)."""
    if rec.bare or not rec.args or rec.name not in ("define", "undefine"):
        return None
    found = handed_on(rec)
    if rec.name == "undefine":
        return (Define, found[0], None)
    return (Define, found[0], found[1] if len(found) > 1 else "")


@attrs.frozen
class _Own:
    """The semantic views of one model, read off its facts (the calls written in the
    file itself; implied FEATUREs and included files' calls left out)."""

    defines: Mapping[str, str]
    features: tuple[Feature, ...]
    mailers: tuple[Mailer, ...]
    class_macros: tuple[ClassMacro, ...]
    last: Mapping[str, str]
    """The last OSTYPE, DOMAIN and VERSIONID arguments."""

    @classmethod
    def of(cls, facts: McFacts) -> _Own:
        defines: dict[str, str] = {}
        features: list[Feature] = []
        mailers: list[Mailer] = []
        classes: list[ClassMacro] = []
        last: dict[str, str] = {}
        for c in facts.calls:
            rec = c.record
            if rec is None or c.implied_by is not None or c.path is not None:
                continue
            n = c.name
            if n in ("OSTYPE", "DOMAIN"):
                last[n] = rec.value(0).strip()
            elif n == "VERSIONID":
                last[n] = rec.value(0)
            elif not rec.args:
                continue
            found = c.values
            if n == "define":
                defines[found[0]] = found[1] if len(found) > 1 else ""
            elif n == "undefine":
                defines.pop(found[0], None)
            elif n == "FEATURE":
                features.append(Feature(found[0], found[1:], rec))
            elif n == "MAILER":
                mailers.append(Mailer(found[0], rec))
            elif n in macros.CLASS_MACROS:
                classes.append(ClassMacro(n, found[0], rec))
        return cls(
            MappingProxyType(defines),
            tuple(features),
            tuple(mailers),
            tuple(classes),
            MappingProxyType(last),
        )


def _object(rec: MacroCall, spec: _Spec) -> object:
    """The views' object of one statement (a Define, Feature, ..., or ``(name, value)``)."""
    if spec is None:
        return None
    cls = spec[0]
    if isinstance(cls, type):
        return cls(*spec[1:], rec)
    return spec


def _findings(w: _Walker) -> _Findings:
    return _Findings(
        calls=tuple(w.calls),
        quote_problems=tuple(w.quote_problems),
        dangerous=tuple(c for c in w.calls if not c.bare and _is_dangerous(c)),
        hash_comment_macros=tuple(
            c for c in w.calls if c.in_hash_comment and (not c.bare or c.name in macros.BARE_MACROS)
        ),
        raw_cf_lines=tuple(w.raw_lines),
        diagnostics=tuple(sorted(w.diagnostics, key=lambda d: (d.line, d.column))),
    )


def _is_dangerous(call: MacroCall) -> bool:
    if call.name not in macros.DANGEROUS_BUILTINS:
        return False
    if call.name == "undivert":
        return any(not v.strip().lstrip("-").isdigit() for v in call.values if v.strip())
    return True


def _sections(text: str, pos: Positions, stmts: tuple[MacroCall, ...]) -> tuple[LocalSection, ...]:
    out: list[LocalSection] = []
    switches = [
        s for s in stmts if s.name == "divert" or (s.name in macros.SECTION_MACROS and s.closed)
    ]
    for i, s in enumerate(switches):
        if s.name not in macros.SECTION_MACROS:
            continue
        end = len(text)
        if i + 1 < len(switches):
            end = pos.line_start(switches[i + 1].start)
        start = min(s.end, end)
        out.append(
            LocalSection(
                s.name,
                macros.SECTION_MACROS[s.name],
                s.line,
                s.column,
                start,
                end,
                text[start:end],
                s,
            )
        )
    return tuple(out)


def iter_lines(text: str) -> Iterator[str]:
    """Lines with their newline (split on ``\\n`` only)."""
    yield from re.findall(r"[^\n]*\n|[^\n]+", text)


# == the reading: what the statements say, as m4 hands it to the .cf ==========================


class HasModel(Protocol):
    """A parsed ``.mc`` that has a model (:class:`~sendmailcfg.mc.document.McDocument`)."""

    @property
    def model(self) -> McModel: ...


# -- one .mc ---------------------------------------------------------------------------------


@attrs.frozen
class Call:
    """An active (not commented-out) top-level macro call, arguments as m4 passes them."""

    name: str
    args: tuple[str, ...]
    line: int
    column: int
    implied_by: str | None = None
    """``OSTYPE(linux)``-like origin when a shipped file makes the call, not the ``.mc``."""
    positions: tuple[tuple[int, int], ...] = ()
    """1-based ``(line, column)`` of each argument's value (after m4's skipped blanks),
    when given; a call read from a statement finds them from its :attr:`record`."""
    path: str | None = None
    """The included file the call is written in; None: the ``.mc`` itself."""
    record: MacroCall | None = attrs.field(default=None, eq=False, repr=False)
    """The statement the call is (where its bytes are); None for an implied FEATURE."""
    values: tuple[str, ...] = attrs.field(default=(), eq=False, repr=False)
    """:func:`handed_on` of :attr:`record`: the values with the blanks m4 keeps (the
    document's views read these)."""

    @property
    def first(self) -> str:
        """The first argument (``""`` when there is none)."""
        return self.args[0] if self.args else ""

    def arg(self, index: int) -> str:
        """Argument ``index`` (0-based), ``""`` when missing."""
        return self.args[index] if index < len(self.args) else ""

    def where(self, index: int) -> tuple[int, int]:
        """``(line, column)`` of argument ``index``, the call's own when it has none."""
        if index < len(self.positions):
            return self.positions[index]
        if self.record is not None and index < len(self.record.args):
            found = self.record.args[index]  # worked out when asked for
            return found.line, found.column
        return self.line, self.column


@attrs.frozen
class Unmodelled:
    """Something a ``.mc`` does that the configuration model does not follow.

    ``what`` names it as written (``FEATURE(`msp')``, ``LOCAL_RULE_0``,
    ``include(`provider.m4')``), ``why`` says what the model lacks, ``line`` is 1-based.
    """

    what: str
    why: str
    line: int
    path: str | None = None
    """The included file it is written in; None: the ``.mc`` itself."""


IncludeReader = Callable[[str], "tuple[str, str] | None"]
"""Reads a file an ``include()`` names: the name as written -> ``(path found, text)``, or None
when it is not there. m4 resolves a relative name from the folder it runs in (for a
``.mc``: its own folder), an absolute one as written; see
:func:`sendmailcfg.site.finding.include_reader`. Reading is all it does: nothing runs."""

MAX_INCLUDE_DEPTH = 8
"""How deep ``include()`` s nest before the model stops following them."""


@attrs.frozen
class Included:
    """A file an ``include()`` of the ``.mc`` (or of a file it includes) brought in.

    ``written``: the name as the ``include`` writes it; ``path``: the file read;
    ``line``: the include's line in its includer; ``at``: the line of the ``.mc``'s
    own include that led here (the position its statements take in the ``.mc``).
    """

    written: str
    path: str
    line: int
    at: int
    document: McModel = attrs.field(eq=False, repr=False)
    """The included file as read (its syntactic views)."""


_M_LINE = re.compile(r"^M([A-Za-z0-9_-]+),", re.M)
_DJ_LINE = re.compile(r"^Dj[ \t]*([^\r\n]*)", re.M)


@attrs.frozen
class McFacts:
    """The live calls of one ``.mc`` file in file order, and what follows from them."""

    path: str
    calls: tuple[Call, ...]
    custom_mailers: tuple[str, ...] = ()
    """Mailer names of ``M`` lines written under MAILER_DEFINITIONS."""
    raw_class_w: tuple[str, ...] = ()
    """Names added to class {w} by raw ``Cw`` lines (anywhere m4 passes them through)."""
    opaque: bool = False
    """True when a ``DOMAIN()`` or ``HACK()`` file of the site's own may declare more FEATUREs."""
    unmodelled: tuple[Unmodelled, ...] = ()
    """What the model does not follow (see :func:`unmodelled`), in file order."""
    class_w_files: tuple[str, ...] = ()
    """The files of raw ``Fw`` lines as written (``-o /etc/mail/local-host-names``)."""
    included: tuple[Included, ...] = ()
    """The included files read (when :func:`mc_facts` was given a reader), in order;
    their calls stand in :attr:`calls` where the include is."""
    raw_j: tuple[tuple[str, str | None, int], ...] = ()
    """``Dj`` lines written under ``LOCAL_CONFIG``: ``(value, included file or None,
    line)``, the ``.mc``'s first, then its included files'; the last one sets ``$j``."""

    def position(self, call: Call) -> int:
        """Where ``call`` stands among :attr:`calls` (m4's order, included files inside)."""
        for i, c in enumerate(self.calls):
            if c is call:
                return i
        raise ValueError(f"not a call of these facts: {call}")

    def named(self, *names: str) -> list[Call]:
        """Calls of these macros (``FEATURE``, ``MAILER``, ``define``...)."""
        return [c for c in self.calls if c.name in names]

    def features(self, name: str | None = None) -> list[Call]:
        """``FEATURE`` calls, implied ones included (of one feature when ``name`` is given)."""
        return [c for c in self.named("FEATURE") if name is None or c.first == name]

    def has_feature(self, name: str) -> bool:
        return bool(self.features(name))

    def mailers(self) -> list[Call]:
        return self.named("MAILER")

    def define(self, macro: str, *, before: Call | None = None) -> Call | None:
        """The ``define(macro, ...)`` in effect at the end (or just before ``before``).

        m4 keeps the last definition; an ``undefine`` after it removes it.
        """
        found: Call | None = None
        for c in self.calls:
            if c is before:
                break
            if c.first == macro and c.name == "define":
                found = c
            elif c.first == macro and c.name == "undefine":
                found = None
        return found

    def defined_value(self, macro: str, *, before: Call | None = None) -> str | None:
        """The value of the winning ``define`` as m4 yields it where the cf files use it
        (``$1``... replaced, one level of quotes removed, as the calls hold it;
        ``None``: not defined)."""
        found = self.define(macro, before=before)
        return None if found is None else found.arg(1)

    def value(self, macro: str, *, before: Call | None = None) -> str | None:
        """Like :meth:`defined_value`, falling back to cf.m4's own default (:data:`DEFAULTS`)."""
        found = self.defined_value(macro, before=before)
        return DEFAULTS.get(macro) if found is None else found

    def feature_has_option(self, feature: str, option: str, *, start: int = 2) -> bool:
        """Whether some ``FEATURE(feature, ...)`` lists ``option`` among its later arguments.

        ``start`` counts the feature name: ``FEATURE(`access_db', `spec', `skip')``
        has ``skip`` at index 2.
        """
        option = option.lower()
        return any(
            option in (a.strip().lower() for a in c.args[start:]) for c in self.features(feature)
        )

    def table_map(self, call: Call) -> MapSpec | None:
        """The map a table ``FEATURE`` call reads (``None`` for other calls)."""
        if call.name != "FEATURE" or call.first not in TABLE_FEATURES:
            return None
        return parse_map_spec(
            call.first,
            call.arg(1),
            database_map_type=self.value("DATABASE_MAP_TYPE", before=call) or "hash",
            settings_dir=self.value("MAIL_SETTINGS_DIR", before=call) or "/etc/mail/",
        )

    def table_maps(self) -> list[MapSpec]:
        """The maps of every table FEATURE, in file order."""
        return [m for c in self.features() if (m := self.table_map(c)) is not None]

    def declared_mailers(self) -> set[str]:
        """Mailer names this file makes available (built-in ones included), lower case."""
        names = set(BUILTIN_MAILERS)
        for c in self.mailers():
            names.update(MAILER_FILES.get(c.first, (c.first,)))
        names.update(self.custom_mailers)
        return {n.lower() for n in names}

    def cw_file(self) -> str | None:
        """The class-{w} file sendmail reads (``FEATURE(`use_cw_file')``), else ``None``."""
        if not self.has_feature("use_cw_file"):
            return None
        found = self.defined_value("confCW_FILE")
        if found is not None and found.split():
            # `-o /etc/mail/local-host-names' (FreeBSD): -o only makes the file optional
            path = found.split()[-1]
            return path.replace("MAIL_SETTINGS_DIR`'", self.value("MAIL_SETTINGS_DIR") or "")
        return f"{self.value('MAIL_SETTINGS_DIR') or '/etc/mail/'}{DEFAULT_CW_FILE}"

    def own_names(self) -> set[str]:
        """The host's own names the ``.mc`` itself tells (lower case, no trailing dot).

        ``localhost`` and friends, ``confDOMAIN_NAME``, ``LOCAL_DOMAIN()`` words and raw
        ``Cw`` lines; the ``local-host-names`` file (:meth:`cw_file`) is not read here.
        """
        names = set(LOCALHOST_NAMES)
        own = self.defined_value("confDOMAIN_NAME")
        if own and own.strip():
            names.add(_norm(own))
        for c in self.named("LOCAL_DOMAIN"):
            names.update(_norm(w) for a in c.args for w in a.split())
        names.update(_norm(w) for w in self.raw_class_w)
        return names

    def virtual_domains(self) -> set[str]:
        """``VIRTUSER_DOMAIN()`` words (lower case, no trailing dot)."""
        return {_norm(w) for c in self.named("VIRTUSER_DOMAIN") for a in c.args for w in a.split()}


def _norm(name: str) -> str:
    return name.strip().lower().rstrip(".")


def mc_facts(
    source: McModel | HasModel,
    path: str | None = None,
    *,
    read_include: IncludeReader | None = None,
) -> McFacts:
    r"""The facts of one parsed ``.mc`` (an ``McDocument`` or its ``McModel``).

    >>> from sendmailcfg.mc import parse_mc
    >>> f = mc_facts(parse_mc("define(`X', `1')dnl\ndefine(`X', `2')dnl\nundefine(`Y')dnl\n"))
    >>> f.defined_value("X"), f.defined_value("Y"), f.value("DATABASE_MAP_TYPE")
    ('2', None, 'hash')

    With ``read_include`` an ``include()`` of a file that exists is read as m4 reads it:
    its defines, FEATUREs and class macros stand where the include is (recursively, at
    most :data:`MAX_INCLUDE_DEPTH` deep, never a file twice on one path). The cf
    package's own files are not read (they are the catalogue); nothing is run.

    >>> files = {"defs.m4": "define(`SMART_HOST', `relay.example')dnl\n"}
    >>> f = mc_facts(parse_mc("include(`defs.m4')dnl\n"), "s.mc",
    ...              read_include=lambda name: (name, files[name]) if name in files else None)
    >>> f.defined_value("SMART_HOST"), f.define("SMART_HOST").path, f.unmodelled
    ('relay.example', 'defs.m4', ())
    """
    return _facts(source, path, read_include, (), None)


def _facts(
    source: McModel | HasModel,
    path: str | None,
    read_include: IncludeReader | None,
    stack: tuple[str, ...],
    at: int | None,
) -> McFacts:
    """:func:`mc_facts` of one file; ``stack``: the files including it (cycle check),
    ``at``: the ``.mc``'s include line that led here (None: this is the ``.mc``)."""
    model = source if isinstance(source, McModel) else source.model
    if path is None:
        path = getattr(source, "path", None) or ""
    return _Reading(model, path, read_include, stack, at).run()


class _Reading:
    """One file's reading in progress: its statements in order, included files' facts
    spliced in where the include is."""

    def __init__(
        self,
        model: McModel,
        path: str,
        read_include: IncludeReader | None,
        stack: tuple[str, ...],
        at: int | None,
    ) -> None:
        self.model = model
        self.path = path
        self.read_include = read_include
        self.stack = stack
        self.at = at
        self.own = None if at is None else path  # a call's path: None for the .mc itself
        self.calls: list[Call] = []
        self.opaque = False
        self.mailers: list[str] = []
        words, files = class_w_lines(model)
        self.words, self.files = list(words), list(files)
        self.included: list[Included] = []
        self.nested: list[Unmodelled] = []
        self.nested_j: list[tuple[str, str | None, int]] = []
        self.not_read: dict[int, str] = {}

    def run(self) -> McFacts:
        cf_include = self.model.cf_include
        for s in self.model.statements:
            if s.bare:
                continue
            if s.name in ("include", "sinclude") and not s.nested and s != cf_include:
                self.include(s)
            else:
                self.statement(s)
        raw_j = self.sections()
        return McFacts(
            self.path,
            tuple(self.calls),
            tuple(self.mailers),
            tuple(self.words),
            self.opaque,
            (*self.unmodelled(), *self.nested),
            tuple(self.files),
            tuple(self.included),
            (*raw_j, *self.nested_j),
        )

    def include(self, s: MacroCall) -> None:
        """Read the file an ``include()`` names, or record why it is not read."""
        written = s.value(0).strip()
        if self.read_include is None:
            self.not_read[s.start] = NOT_READ
            return
        why = _include_problem(written, self.stack)
        found = None if why is not None else self.read_include(written)
        if why is None and found is None:
            why = "the included file was not found"
        if found is not None:
            sub = _read_included(
                found, s, self.read_include, self.stack or (self.path,), self.at, self.own
            )
            if isinstance(sub, str):
                why = sub
            else:
                inc, facts = sub
                self.included += [inc, *facts.included]
                self.calls.extend(facts.calls)
                self.mailers.extend(facts.custom_mailers)
                self.words.extend(facts.raw_class_w)
                self.files.extend(facts.class_w_files)
                self.opaque = self.opaque or facts.opaque
                self.nested.extend(facts.unmodelled)
                self.nested_j.extend(facts.raw_j)
        if why is not None:
            self.not_read[s.start] = why

    def statement(self, s: MacroCall) -> None:
        """A call as m4 hands it on, and what the cf package's file it names implies."""
        own = self.own
        full = handed_on(s)
        call = Call(
            s.name, tuple(v.strip() for v in full), s.line, s.column, None, (), own, s, full
        )
        self.calls.append(call)
        origin = f"{call.name}({call.first})"
        for feature in IMPLIED_FEATURES.get((call.name, call.first), ()):
            self.calls.append(Call("FEATURE", (feature,), call.line, call.column, origin, (), own))
        for macro, implied in IMPLIED_CLASS_MACROS.get((call.name, call.first), ()):
            self.calls.append(Call(macro, (implied,), call.line, call.column, origin, (), own))
        if (call.name == "DOMAIN" and call.first not in DOMAINS) or (
            call.name == "HACK" and call.first not in HACKS
        ):
            self.opaque = True

    def sections(self) -> list[tuple[str, str | None, int]]:
        """``M`` lines of MAILER_DEFINITIONS (into :attr:`mailers`); ``Dj`` lines of
        LOCAL_CONFIG (returned)."""
        raw_j: list[tuple[str, str | None, int]] = []
        for section in self.model.sections:
            if section.name == "MAILER_DEFINITIONS":
                self.mailers.extend(_M_LINE.findall(section.body))
            elif section.name == "LOCAL_CONFIG":
                for m in _DJ_LINE.finditer(section.body):
                    line = section.line + section.body.count("\n", 0, m.start())
                    raw_j.append((m.group(1).strip(), self.own, line))
        return raw_j

    def unmodelled(self) -> list[Unmodelled]:
        """What this file does that the model does not follow (its own calls only)."""
        own = self.own
        found = [
            attrs.evolve(u, path=own)
            for u in unmodelled(self.model, [c for c in self.calls if c.path == own], self.not_read)
        ]
        if self.at is not None:  # lint's MC013 reports these in a .mc; an included file has none
            found += [
                Unmodelled(f"{c.name}(...)", _BUILTIN_WHY, c.line, own)
                for c in self.model.dangerous
                if c.name not in ("include", "sinclude")
            ]
            found.sort(key=lambda u: u.line)
        return found


_BUILTIN_WHY = "an m4 builtin that changes how m4 reads what follows, or reaches outside it"

NOT_READ = "the included file is not read without the configuration's folder"
"""Why an include stays unmodelled when :func:`mc_facts` has no reader (lint's case)."""


def _include_problem(written: str, stack: tuple[str, ...]) -> str | None:
    """Why an include of ``written`` is not followed, or None when it may be read."""
    if not written or any(ch in written for ch in "`'$()") or "_CF_DIR_" in written:
        return "names its file with macros the model cannot know"
    if len(stack) > MAX_INCLUDE_DEPTH:
        return f"includes nested deeper than {MAX_INCLUDE_DEPTH} files"
    return None


def _read_included(
    found: tuple[str, str],
    s: MacroCall,
    read_include: IncludeReader,
    stack: tuple[str, ...],
    at: int | None,
    own: str | None,
) -> tuple[Included, McFacts] | str:
    """The :class:`Included` record and facts of one file an include found, or why not."""
    import os

    path, text = found
    key = os.path.realpath(path)
    if key in {os.path.realpath(p) for p in stack}:
        return f"includes {path}, which is already being read (a cycle)"
    doc = analyze(text)
    where = s.line if at is None else at
    facts = _facts(doc, path, read_include, (*stack, path), where)
    return Included(s.value(0).strip(), path, s.line, where, doc), facts


_CLASS_W_LINE = re.compile(r"^([CF])(?:w|\{w\})([^\n]*)", re.M)


def class_w_lines(model: McModel) -> tuple[tuple[str, ...], tuple[str, ...]]:
    r"""Names and files class ``w`` gets from raw ``Cw``/``Fw`` lines, wherever m4 passes
    them through to the ``.cf`` (``LOCAL_CONFIG``, or plain text after ``divert(0)``);
    text m4 throws away (``divert(-1)``, ``dnl``) or hands to a macro does not count.

    >>> from sendmailcfg.mc import parse_mc
    >>> doc = parse_mc("divert(0)dnl\nCwa.example b.example dnl c\nFw-o /etc/x\n")
    >>> class_w_lines(doc.model)
    (('a.example', 'b.example'), ('-o /etc/x',))
    """
    text = model.text
    words: list[str] = []
    files: list[str] = []
    spans = [(s.start, s.end) for s in model.statements if not s.bare]
    for m in _CLASS_W_LINE.finditer(text):
        at = m.start()
        if any(a <= at < b for a, b in spans) or diversion_at(model, at) < 0:
            continue
        body = m.group(2).split(" dnl", 1)[0].split("\tdnl", 1)[0].strip()
        if m.group(1) == "F":
            if body:
                files.append(body)
            continue
        for word in body.split():
            if word.startswith(("#", "dnl")):
                break
            words.append(word)
    return tuple(words), tuple(files)


def unmodelled(
    model: McModel, calls: Iterable[Call], not_read: Mapping[int, str] | None = None
) -> tuple[Unmodelled, ...]:
    r"""What ``route``, ``sender`` and ``query --config`` cannot follow in this ``.mc``.

    A FEATURE the cf package does not ship, one whose rules the model does not run
    (neither :data:`~sendmailcfg.mc.catalogue.MODELLED_FEATURES` nor
    :data:`~sendmailcfg.mc.catalogue.NEUTRAL_FEATURES`), ``ifelse``/``eval`` at the top
    level, an ``include`` other than cf.m4's that was not read (``not_read``: its start
    offset -> why; without it every such include is listed), a site's own
    ``DOMAIN``/``HACK`` file, and ``LOCAL_RULE_*``/``LOCAL_RULESETS`` sections.

    >>> from sendmailcfg.mc import parse_mc
    >>> f = mc_facts(parse_mc("FEATURE(`ldap_routing')dnl\nLOCAL_RULE_0\n"))
    >>> [(u.what, u.line) for u in f.unmodelled]
    [("FEATURE(`ldap_routing')", 1), ('LOCAL_RULE_0', 2)]
    """
    found: list[Unmodelled] = []
    seen: set[str] = set()
    for c in calls:
        name = c.first
        if c.name in ("SITECONFIG", "SITE") and "SITECONFIG" not in seen:
            seen.add("SITECONFIG")
            why = "UUCP neighbours (classes U, V, W, X, Y, Z) the model does not route to"
            found.append(Unmodelled(f"{c.name}(`{name}')", why, c.line))
            continue
        if c.name != "FEATURE" or name in seen or name in catalogue.MODELLED_FEATURES:
            continue
        seen.add(name)
        if name not in FEATURES:
            found.append(
                Unmodelled(f"FEATURE(`{name}')", "a FEATURE the cf package does not ship", c.line)
            )
        elif name not in catalogue.NEUTRAL_FEATURES:
            found.append(
                Unmodelled(f"FEATURE(`{name}')", "the model does not run its rules", c.line)
            )
    cf_include = model.cf_include
    for s in model.statements:
        if s.bare or s.nested:
            continue
        first = s.value(0).strip()
        if s.name in ("ifelse", "eval"):
            found.append(
                Unmodelled(f"{s.name}(...)", "decides on values the model cannot know", s.line)
            )
        elif s.name in ("include", "sinclude") and s != cf_include:
            reason = NOT_READ if not_read is None else not_read.get(s.start)
            if reason is not None:
                found.append(Unmodelled(f"{s.name}(`{first}')", reason, s.line))
        elif (s.name == "DOMAIN" and first not in DOMAINS) or (
            s.name == "HACK" and first not in HACKS
        ):
            found.append(
                Unmodelled(
                    f"{s.name}(`{first}')", "a site's own file the model does not read", s.line
                )
            )
    for section in model.sections:
        if section.name.startswith("LOCAL_RULE") or section.name == "LOCAL_RULESETS":
            found.append(
                Unmodelled(section.name, "hand-written rules the model does not run", section.line)
            )
    found.sort(key=lambda u: u.line)
    return tuple(found)


def diversion_at(source: McModel | HasModel, offset: int) -> int:
    r"""The m4 output diversion in effect at ``offset`` of the text (0, -1, a section's...).

    ``divert(n)`` and the cf section macros (``LOCAL_CONFIG``, ``MAILER_DEFINITIONS``...)
    switch it; text in a negative diversion is thrown away by m4.

    >>> from sendmailcfg.mc import parse_mc
    >>> doc = parse_mc("divert(-1)\nx\ndivert(0)dnl\ny\n")
    >>> diversion_at(doc, 11), diversion_at(doc, len(doc.text) - 1)
    (-1, 0)
    """
    import contextlib

    model = source if isinstance(source, McModel) else source.model
    diversion = 0
    for s in model.statements:
        if s.start >= offset:
            break
        if s.name == "divert":
            with contextlib.suppress(ValueError):
                diversion = int(s.value(0).strip() or 0)
        elif s.name in macros.SECTION_MACROS:
            diversion = macros.SECTION_MACROS[s.name]
    return diversion
