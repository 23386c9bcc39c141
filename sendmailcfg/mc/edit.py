r"""Edits of ``.mc`` files: what to replace, in the file's own style, where m4 needs it.

Each function takes an :class:`~sendmailcfg.mc.document.McDocument` and returns an
:class:`EditPlan` (the spans of text to replace and a check of the result's semantic
view) or None when the file already says so; the document splices the new text
into its tree (:mod:`sendmailcfg.mc.splice`) and refuses the edit, unchanged,
when the check fails. Style is read from the file: its newline, whether
statements end in ``dnl``, whether FEATURE/MAILER names are quoted, and whether
arguments are separated by ``", "`` or ``","``. Values are quoted so that m4
yields them literally (:func:`sendmailcfg.mc.quoting.literal`).

>>> from sendmailcfg.mc.document import McDocument
>>> doc = McDocument("OSTYPE(`linux')dnl\nFEATURE(`use_cw_file')dnl\nMAILER(`smtp')dnl\n")
>>> doc.add_feature("access_db")
True
>>> print(doc.text, end="")
OSTYPE(`linux')dnl
FEATURE(`use_cw_file')dnl
FEATURE(`access_db')dnl
MAILER(`smtp')dnl
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from typing import Protocol, TypeVar

import attrs

from sendmailcfg._source import dominant_newline
from sendmailcfg.errors import EditError
from sendmailcfg.mc import macros, placement
from sendmailcfg.mc.model import Feature, MacroCall, McModel, iter_lines
from sendmailcfg.mc.quoting import (
    WHITESPACE,
    literal,
    needs_protection,
    quote,
    refuse_arg_refs,
    rescanned,
)
from sendmailcfg.syntax.mc_nodes import McDnl, McQuoted, McToken, McTree
from sendmailcfg.textdiff import Edit

T = TypeVar("T")


class McDocument(Protocol):
    """What an edit reads of :class:`~sendmailcfg.mc.document.McDocument` (which calls
    these functions, so this module does not import it)."""

    @property
    def text(self) -> str: ...

    @property
    def tree(self) -> McTree: ...

    @property
    def model(self) -> McModel: ...

    def offsets(self) -> list[int]: ...

    def memo(self, key: str, compute: Callable[[], T]) -> T: ...

    def prefix_memo(self, key: str, compute: Callable[[], tuple[T, int]]) -> T: ...


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

MULTI_FEATURES = frozenset(["dnsbl", "enhdnsbl"])
"""FEATUREs that may appear several times; the first argument names the instance."""

CLASS_VALUE_MACROS = frozenset(
    m for m in macros.CLASS_MACROS if m != "MASQUERADE_AS" and not m.endswith("_FILE")
)
"""Class macros that add words to a class (``MASQUERADE_DOMAIN``, ``LOCAL_DOMAIN``, ...)."""


@attrs.frozen
class EditPlan:
    """Spans to replace, what the edit is for (in messages), and a check of the result."""

    replacements: tuple[Edit, ...]
    what: str
    verify: Callable[[McModel], bool]


_STYLE_STATEMENTS = 500
_STYLE_TEXT = 20000
"""How many statements and characters :func:`style_of` reads."""


@attrs.frozen
class Style:
    """How a file writes its statements (read by :func:`style_of`)."""

    newline: str = "\n"
    dnl: bool = False
    quote_names: bool = True
    separator: str = ", "


def style_of(text: str, model: McModel) -> Style:
    r"""The file's habits, by majority (ties: quoted names, ``", "``, no ``dnl``).

    >>> from sendmailcfg.mc.model import analyze
    >>> style_of("FEATURE(x)dnl\nMAILER(smtp)dnl\n", analyze("FEATURE(x)dnl\nMAILER(smtp)dnl\n"))
    Style(newline='\n', dnl=True, quote_names=False, separator=', ')
    """
    dnl = plain = quoted = bare = spaced = tight = 0
    for s, end in model.top_ends(_STYLE_STATEMENTS):  # habits show in the first ones
        tail = text[end : end + 3]
        if tail == "dnl":
            dnl += 1
        elif text[end : end + 1] in ("\n", "\r", ""):
            plain += 1
        if s.name in ("FEATURE", "MAILER", "OSTYPE", "DOMAIN") and s.args:
            if s.args[0].quoted:
                quoted += 1
            else:
                bare += 1
        for raw in s.raw_args[1:]:
            if raw[:1] in (" ", "\t"):
                spaced += 1
            elif raw[:1] not in ("\n", "\r"):
                tight += 1
    return Style(
        newline=dominant_newline(list(iter_lines(text[:_STYLE_TEXT]))),
        dnl=dnl > plain,
        quote_names=quoted >= bare,
        separator=", " if spaced >= tight else ",",
    )


def _top_of(doc: McDocument) -> list[MacroCall]:
    """:func:`_top` of the document's model, worked out once per state of the text."""
    return doc.memo("top", lambda: _top(doc.model))


def _style(doc: McDocument) -> Style:
    """:func:`style_of` the document, worked out once per state of the text."""

    def compute() -> tuple[Style, int]:
        # style_of reads the first 20,000 characters and the first 500 statements (and
        # the 3 characters after each): the same text before those gives the same style
        top = doc.model.top_ends(_STYLE_STATEMENTS)
        upto = len(doc.text) + 1  # fewer statements: any edit may add one it reads
        if len(top) >= _STYLE_STATEMENTS:
            upto = max(_STYLE_TEXT, top[_STYLE_STATEMENTS - 1][1] + 3)
        return style_of(doc.text, doc.model), upto

    return doc.prefix_memo("style", compute)


def _top(model: McModel) -> list[MacroCall]:
    """Live statements a person wrote at the top level (not in # lines or raw sections)."""
    return [
        s
        for s in model.statements
        if not s.bare and not s.nested and not s.in_hash_comment and s.section is None and s.closed
    ]


# -- where lines start: top-level item boundaries of the tree ---------------------------------


def line_after(doc: McDocument, offset: int) -> int:
    """The first line start at or after ``offset`` that is a boundary of the m4 text
    (never inside a quoted string, an argument list or a ``#`` line)."""
    offs = doc.offsets()
    items = doc.tree.items
    i = bisect.bisect_right(offs, offset) - 1
    if i < len(items) and offs[i] == offset and (i == 0 or items[i - 1].text.endswith("\n")):
        return offset
    for j in range(max(i, 0), len(items)):
        if items[j].text.endswith("\n"):
            return offs[j + 1]
    return offs[-1]


def line_before(doc: McDocument, offset: int) -> int:
    """The start of the line of the top-level item holding ``offset``."""
    offs = doc.offsets()
    items = doc.tree.items
    j = min(bisect.bisect_right(offs, offset) - 1, len(items))
    while j > 0 and not items[j - 1].text.endswith("\n"):
        j -= 1
    return offs[max(j, 0)]


def _insert(doc: McDocument, at: int, line: str, style: Style) -> Edit:
    text = doc.text
    if at >= len(text) and text and not text.endswith("\n"):
        return Edit(len(text), len(text), style.newline + line + style.newline)
    return Edit(at, at, line + style.newline)


def _statement(name: str, args: list[str], style: Style) -> str:
    """``name(args)`` from already quoted argument texts, in the file's style."""
    return f"{name}({style.separator.join(args)})" + ("dnl" if style.dnl else "")


def _name_text(name: str, style: Style) -> str:
    return quote(name) if style.quote_names else name


def _value_span(call: MacroCall, index: int) -> tuple[int, int] | None:
    """Offsets of what to replace for argument ``index``: its quoted string, or its core."""
    if index >= len(call.args) or call.node is None:
        return None
    arg = call.args[index]
    node = call.node.args[index]
    pos = arg.start
    quoted: tuple[int, int] | None = None
    only_quote = True
    for item in node.items:
        if isinstance(item, McQuoted) and item.closed and quoted is None:
            quoted = (pos, pos + len(item.text))
        elif not (
            isinstance(item, McDnl)
            or (isinstance(item, McToken) and item.kind in ("TEXT", "NL") and not item.text.strip())
        ):
            only_quote = False
        pos += item.length
    if only_quote and quoted is not None:
        return quoted
    core = arg.raw.strip(WHITESPACE)
    lead = len(arg.raw) - len(arg.raw.lstrip(WHITESPACE))
    return (arg.start + lead, arg.start + lead + len(core))


def _set_arg(call: MacroCall, index: int, new: str, style: Style) -> Edit:
    """Replace argument ``index`` of ``call`` with the quoted text ``new`` (or add it)."""
    span = _value_span(call, index)
    if span is not None:
        return Edit(span[0], span[1], new)
    close = call.end - 1  # the ")"
    missing = index - len(call.args) + 1
    return Edit(close, close, (style.separator + quote("")) * (missing - 1) + style.separator + new)


def _set_args(call: MacroCall, first: int, new: list[str], style: Style) -> tuple[Edit, ...]:
    """Arguments ``first``... of ``call`` become ``new`` (quoted texts); extra ones go."""
    n = len(call.args)
    close = call.end - 1
    if n <= first:
        return (Edit(close, close, "".join(style.separator + a for a in new)),)
    if n - first == len(new):
        return tuple(_set_arg(call, first + i, a, style) for i, a in enumerate(new))
    if not new:
        return (Edit(call.args[first].start - 1, close, ""),)
    raw = call.args[first].raw
    lead = raw[: len(raw) - len(raw.lstrip(WHITESPACE))]
    return (Edit(call.args[first].start, close, lead + style.separator.join(new)),)


def _dnl_before(text: str, call: MacroCall, line_start: int) -> int | None:
    """Offset of the ``dnl`` commenting out ``call`` when only blanks precede it."""
    m = re.match(r"([ \t]*)dnl[ \t]*\Z", text[line_start : call.start])
    return line_start + len(m.group(1)) if m else None


def _enable(doc: McDocument, call: MacroCall, style: Style) -> list[Edit] | None:
    """Replacements that drop the ``dnl `` before a disabled ``call`` (None: cannot)."""
    text = doc.text
    at = _dnl_before(text, call, line_before(doc, call.start))
    if at is None:
        return None
    reps = [Edit(at, call.start, "")]
    rest_end = text.find("\n", call.end)
    rest = text[call.end : len(text) if rest_end < 0 else rest_end]
    if style.dnl and not rest.strip(WHITESPACE):
        reps.append(Edit(call.end, call.end, "dnl"))
    return reps


def _removal(doc: McDocument, calls: Iterable[MacroCall]) -> list[Edit]:
    """Replacements that delete ``calls``: their whole line when they stand alone on it."""
    text = doc.text
    spans: list[tuple[int, int]] = []
    for c in calls:
        start = line_before(doc, c.start)
        end = line_after(doc, c.end)
        before = text[start : c.start]
        after = text[c.end : end]
        whole = not before.strip(WHITESPACE) and (
            not after.strip(WHITESPACE) or re.match(r"dnl(?![A-Za-z0-9_(])", after)
        )
        spans.append((start, end) if whole and not c.in_hash_comment else (c.start, c.end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return [Edit(s, e, "") for s, e in merged]


def _first(doc: McDocument, names: Iterable[str]) -> MacroCall | None:
    found = doc.model.top_statements(set(names), 1)
    return found[0] if found else None


def _limit(doc: McDocument) -> int:
    """Where the statements that precede MAILERs must end: the first MAILER (or the
    FEATURE(`msp')/FEATURE(`nullclient') that includes them) or raw section."""
    ends = [len(doc.text)]
    mailer = _first(doc, ["MAILER"])
    if mailer is not None:
        ends.append(line_before(doc, mailer.start))
    names = {k[0] for k in placement.MAILER_FEATURES}
    for s in doc.model.top_statements(names, 1, where=_keyed(placement.MAILER_FEATURES)):
        ends.append(line_before(doc, s.start))
    section = first_section(doc)
    if section is not None:
        ends.append(section)
    return min(ends)


def first_section(doc: McDocument) -> int | None:
    """Line start of the first LOCAL_*/MAILER_DEFINITIONS section written as m4 text
    (a ``#`` line that mentions one is not where statements go)."""
    for section in doc.model.sections:
        if not section.call.in_hash_comment and not section.call.nested:
            return line_before(doc, section.call.start)
    return None


def _after_statements(doc: McDocument, prefs: tuple[str, ...], lo: int, hi: int) -> int:
    """Line start after the last statement named in ``prefs`` (in that preference order)
    within ``[lo, hi]``, and before the MAILERs when that leaves room; else ``lo`` when
    it is set, else ``hi``."""
    limit = _limit(doc)
    if lo <= limit < hi:
        hi = limit
    for names in prefs:
        found = doc.model.top_statements(set(names.split("|")), 1, span=(lo, hi), last=True)
        if found:
            return min(line_after(doc, found[-1].end), hi)
    return lo if lo > 0 else hi


def _key(call: MacroCall) -> tuple[str, str]:
    return call.name, call.value(0).strip()


def _keyed(keys: Iterable[tuple[str, str | None]]) -> Callable[[MacroCall], bool]:
    """A test of a statement's :func:`_key` (no position read: see ``top_statements``)."""
    wanted = set(keys)
    return lambda s: _key(s) in wanted


def _window(doc: McDocument, name: str) -> tuple[int, int, str]:
    """Offsets ``[lo, hi]`` where a define of ``name`` takes effect, and why ``hi``."""
    over = placement.overriders(name)
    names = {k[0] for k in over} | {"OSTYPE", "DOMAIN", "FEATURE"}

    def overrides(s: MacroCall) -> bool:
        key = _key(s)
        generic = key in placement.GENERIC_OVERRIDERS or (s.name, None) in (
            placement.GENERIC_OVERRIDERS
        )
        return key in over or generic

    lo = 0
    for s in doc.model.top_statements(names, where=overrides):
        lo = max(lo, line_after(doc, s.end))
    section = first_section(doc)
    hi = len(doc.text) if section is None else section
    why = "the first LOCAL_* section"
    readers = placement.readers(name)
    reader_names = {k[0] for k in readers}
    for s in doc.model.top_statements(reader_names, 1, where=_keyed(readers)):
        start = line_before(doc, s.start)
        if start < hi:
            hi, why = start, f"{s.name}({s.value(0).strip()}) on line {s.line}, which reads it"
    return lo, hi, why


def _misplaced(doc: McDocument, call: MacroCall, name: str) -> bool:
    """True when a known statement after ``call`` redefines ``name``, or one before reads it."""
    over = placement.overriders(name)
    readers = placement.readers(name)
    names = {k[0] for k in over | readers}
    for s in doc.model.top_statements(names, where=_keyed(over | readers)):
        key = _key(s)
        if s.start > call.start and key in over:
            return True
        if s.start < call.start and key in readers:
            return True
    return False


# -- the edits -------------------------------------------------------------------------


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise EditError(f"{name!r} is not an m4 macro name (expected [A-Za-z_][A-Za-z0-9_]*)")


def set_define(doc: McDocument, name: str, value: str) -> EditPlan | None:
    """``define(`name', `value')`` in effect (see :meth:`McDocument.set_define`)."""
    _check_name(name)
    model = doc.model
    new_value = literal(value, {*model.defines, name})  # refuses what m4 cannot carry
    style = _style(doc)
    mine = [d for d in model.defines_named(name) if not d.call.nested]
    live = [d for d in mine if not d.call.in_hash_comment]

    def verify(m: McModel) -> bool:
        return m.defines.get(name) == value

    what = f"set {name}"
    last = live[-1] if live else None
    placed = last is not None and last is mine[-1] and last.value is not None
    if last is not None and placed and not _misplaced(doc, last.call, name):
        if model.defines.get(name) == value:
            return None
        return EditPlan((_set_arg(last.call, 1, new_value, style),), what, verify)
    lo, hi, why = _window(doc, name)
    if lo > hi:
        raise EditError(
            f"cannot set {name}: it would have to follow the OSTYPE/DOMAIN/FEATURE that "
            f"overrides it and precede {why}; move those statements first"
        )
    line = _statement("define", [quote(name), new_value], style)
    if last is not None and placed:
        # misplaced: move it where it takes effect
        reps = _removal(doc, [last.call])
        at = _after_statements(
            doc, ("define", "FEATURE", "DOMAIN|OSTYPE|VERSIONID|include"), lo, hi
        )
        return EditPlan((*reps, _insert(doc, at, line, style)), what, verify)
    if not mine:
        disabled = model.disabled_where(
            lambda c: c.name == "define" and c.closed and c.value(0).strip() == name
        )
        for c in reversed(disabled):
            if lo <= c.start < hi:
                on = _enable(doc, c, style)
                if on is not None:
                    return EditPlan((*on, _set_arg(c, 1, new_value, style)), what, verify)
    if mine and mine[-1].value is None and lo <= mine[-1].call.start < hi:
        at = line_after(doc, mine[-1].call.end)  # after the undefine
    else:
        at = _after_statements(
            doc, ("define", "FEATURE", "DOMAIN|OSTYPE|VERSIONID|include"), lo, hi
        )
    return EditPlan((_insert(doc, at, line, style),), what, verify)


def remove_define(doc: McDocument, name: str) -> EditPlan | None:
    """Delete every live top-level ``define(`name', ...)``."""
    calls = [
        d.call for d in doc.model.defines_named(name) if d.value is not None and not d.call.nested
    ]
    if not calls:
        return None

    def verify(m: McModel) -> bool:
        return all(d.call.nested for d in m.defines_named(name) if d.value is not None)

    return EditPlan(tuple(_removal(doc, calls)), f"remove the defines of {name}", verify)


def undefine(doc: McDocument, name: str) -> EditPlan | None:
    """``undefine(`name')`` after the statements that may define it."""
    _check_name(name)
    model = doc.model
    mine = [d for d in model.defines_named(name) if not d.call.nested]
    if mine and mine[-1].value is None:
        return None
    style = _style(doc)
    lo, hi, _ = _window(doc, name)
    line = _statement("undefine", [quote(name)], style)
    if mine:
        at = max(line_after(doc, mine[-1].call.end), lo)
    else:
        at = _after_statements(
            doc, ("define", "FEATURE", "DOMAIN|OSTYPE|VERSIONID|include"), lo, hi
        )

    def verify(m: McModel) -> bool:
        ds = m.defines_named(name)
        return name not in m.defines and bool(ds) and ds[-1].value is None

    return EditPlan((_insert(doc, at, line, style),), f"undefine {name}", verify)


def _feature_matches(feature: Feature, name: str, args: tuple[str, ...]) -> bool:
    """The FEATURE statement that ``name``/``args`` designate (an instance for dnsbl)."""
    if feature.name != name:
        return False
    if name in MULTI_FEATURES and args:
        return bool(feature.args) and feature.args[0].strip() == args[0]
    return True


def add_feature(doc: McDocument, name: str, *args: str) -> EditPlan | None:
    """``FEATURE(`name', args...)``: change the one there, else add it before the MAILERs."""
    _check_name(name)
    for a in args:
        refuse_arg_refs(a, f"an argument of FEATURE({name})")
    model = doc.model
    quoted_args = [literal(a, model.defines) for a in args]
    wanted = (name, *args)

    def verify(m: McModel) -> bool:
        found = [f for f in m.features if _feature_matches(f, name, args)]
        return len(found) == 1 and found[0].args == args

    what = f"add FEATURE({name})"
    mine = [f for f in model.features if _feature_matches(f, name, args)]
    style = _style(doc)
    top = [f for f in mine if not f.call.nested and not f.call.in_hash_comment]
    if mine:
        if len(mine) == 1 and mine[0].args == args:
            return None
        if not top or len(top) != len(mine):
            raise EditError(
                f"cannot change FEATURE({name}): it is written inside another macro or a "
                f"# line (line {mine[0].call.line}); edit that line by hand"
            )
        keep = top[0].call
        if keep.start < _limit(doc):
            reps = list(_set_args(keep, 1, quoted_args, style))
            reps += _removal(doc, [f.call for f in top[1:]])
            return EditPlan(tuple(reps), what, verify)
        # after the MAILERs m4 stops with "FEATURE() should be before MAILER()": move it
        line = _statement("FEATURE", [_name_text(name, style), *quoted_args], style)
        at = _feature_point(doc)
        reps = [*_removal(doc, [f.call for f in top]), _insert(doc, at, line, style)]
        return EditPlan(tuple(reps), what, verify)
    mailer = _first(doc, ["MAILER"])
    for c in model.disabled:
        if (
            c.name == "FEATURE"
            and (c.value(0).strip(), *map(rescanned, c.values[1:])) == wanted
            and (mailer is None or c.start < mailer.start)
        ):
            on = _enable(doc, c, style)
            if on is not None:
                return EditPlan(tuple(on), what, verify)
    line = _statement("FEATURE", [_name_text(name, style), *quoted_args], style)
    return EditPlan((_insert(doc, _feature_point(doc), line, style),), what, verify)


def _feature_point(doc: McDocument) -> int:
    """Where a new FEATURE goes: after the other FEATUREs (and the OSTYPE/DOMAIN, which
    may set what FEATUREs read), before the MAILERs."""
    hi = _limit(doc)
    lo = 0
    for s in _top_of(doc):
        if s.name in ("OSTYPE", "DOMAIN") and s.end <= hi:
            lo = line_after(doc, s.end)
    prefs = ("FEATURE", "define", "DOMAIN|OSTYPE|VERSIONID|include")
    return _after_statements(doc, prefs, lo, hi)


def remove_feature(doc: McDocument, name: str, *args: str) -> EditPlan | None:
    """Delete the live ``FEATURE(`name', ...)`` lines (``args``: the one with them)."""

    def selected(f: Feature) -> bool:
        if f.name != name:
            return False
        return tuple(v.strip() for v in f.args[: len(args)]) == args

    calls = [f.call for f in doc.model.features if selected(f) and not f.call.nested]
    if not calls:
        return None

    def verify(m: McModel) -> bool:
        return not any(selected(f) for f in m.features)

    return EditPlan(tuple(_removal(doc, calls)), f"remove FEATURE({name})", verify)


def add_mailer(doc: McDocument, name: str) -> EditPlan | None:
    """``MAILER(`name')`` in sendmail's order (local, smtp, uucp, others)."""
    _check_name(name)
    model = doc.model
    if any(m.name == name for m in model.mailers):
        return None
    if name in ("local", "smtp") and any(
        _key(s) in placement.MAILER_FEATURES for s in _top_of(doc)
    ):
        return None  # FEATURE(`msp') and FEATURE(`nullclient') include both
    style = _style(doc)
    rank = macros.MAILER_RANK.get(name, len(macros.MAILER_RANK))
    mine = [m for m in model.mailers if not m.call.nested and not m.call.in_hash_comment]
    line = _statement("MAILER", [_name_text(name, style)], style)
    later = [m for m in mine if macros.MAILER_RANK.get(m.name, len(macros.MAILER_RANK)) > rank]
    if later:
        at = line_before(doc, later[0].call.start)
    elif mine:
        at = line_after(doc, mine[-1].call.end)
    else:
        first_section = next(iter(model.sections), None)
        at = (
            line_before(doc, first_section.call.start)
            if first_section is not None
            else len(doc.text)
        )

    def verify(m: McModel) -> bool:
        return any(x.name == name for x in m.mailers)

    return EditPlan((_insert(doc, at, line, style),), f"add MAILER({name})", verify)


def remove_mailer(doc: McDocument, name: str) -> EditPlan | None:
    """Delete the live ``MAILER(`name')`` lines."""
    calls = [m.call for m in doc.model.mailers if m.name == name and not m.call.nested]
    if not calls:
        return None

    def verify(m: McModel) -> bool:
        return not any(x.name == name for x in m.mailers)

    return EditPlan(tuple(_removal(doc, calls)), f"remove MAILER({name})", verify)


def _check_class_macro(macro: str) -> None:
    if macro not in CLASS_VALUE_MACROS:
        raise EditError(
            f"{macro!r} is not a class macro of the cf package (expected one of "
            + ", ".join(sorted(CLASS_VALUE_MACROS))
            + ")"
        )


def class_words(model: McModel, macro: str) -> list[str]:
    """The words the live ``macro(...)`` statements add, in order."""
    return [w for c in model.class_macros if c.macro == macro for w in c.words]


def add_class_value(doc: McDocument, macro: str, value: str) -> EditPlan | None:
    """``macro(`value')`` (a new line after the last one of that macro, or the defines)."""
    _check_class_macro(macro)
    words = value.split()
    if len(words) != 1:
        raise EditError(f"cannot add {value!r} to {macro}: expected one word (no blanks)")
    model = doc.model
    if value in class_words(model, macro):
        return None
    style = _style(doc)
    line = _statement(macro, [literal(value, model.defines)], style)
    mine = [c.call for c in model.class_macros if c.macro == macro and not c.call.nested]
    mine = [c for c in mine if not c.in_hash_comment]
    if mine:
        at = line_after(doc, mine[-1].end)
    else:
        at = _after_statements(
            doc, ("FEATURE", "define", "DOMAIN|OSTYPE|VERSIONID|include"), 0, _limit(doc)
        )

    def verify(m: McModel) -> bool:
        return value in class_words(m, macro)

    return EditPlan((_insert(doc, at, line, style),), f"add {value} to {macro}", verify)


def remove_class_value(doc: McDocument, macro: str, value: str) -> EditPlan | None:
    """Take ``value`` out of the live ``macro(...)`` lines; a line left empty goes."""
    _check_class_macro(macro)
    model = doc.model
    style = _style(doc)
    reps: list[Edit] = []
    gone: list[MacroCall] = []
    for c in model.class_macros:
        if c.macro != macro or value not in c.words:
            continue
        if c.call.nested or c.call.in_hash_comment:
            raise EditError(
                f"cannot remove {value} from {macro} on line {c.call.line}: it is written "
                "inside another macro or a # line; edit that line by hand"
            )
        rest = [w for w in c.words if w != value]
        if rest:
            reps.append(_set_arg(c.call, 0, literal(" ".join(rest), model.defines), style))
        else:
            gone.append(c.call)
    if not reps and not gone:
        return None
    reps += _removal(doc, gone)

    def verify(m: McModel) -> bool:
        return value not in class_words(m, macro)

    return EditPlan(tuple(reps), f"remove {value} from {macro}", verify)


def set_masquerade_as(doc: McDocument, host: str | None) -> EditPlan | None:
    """``MASQUERADE_AS(`host')`` in place or new; None removes every one."""
    model = doc.model
    mine = [c.call for c in model.class_macros if c.macro == "MASQUERADE_AS"]
    if host is None:
        if not mine:
            return None
        calls = [c for c in mine if not c.nested]

        def gone(m: McModel) -> bool:
            return not any(c.macro == "MASQUERADE_AS" for c in m.class_macros)

        return EditPlan(tuple(_removal(doc, calls)), "remove MASQUERADE_AS", gone)
    if not host.strip() or len(host.split()) != 1:
        raise EditError(f"cannot set MASQUERADE_AS to {host!r}: expected one host name")
    style = _style(doc)
    new = literal(host, model.defines, depth=2)

    def verify(m: McModel) -> bool:
        found = [c for c in m.class_macros if c.macro == "MASQUERADE_AS"]
        return bool(found) and found[-1].value.strip() == host

    if mine:
        last = mine[-1]
        if verify(model):
            return None
        if last.nested or last.in_hash_comment:
            raise EditError(
                f"cannot change MASQUERADE_AS on line {last.line}: it is written inside another "
                "macro or a # line; edit that line by hand"
            )
        return EditPlan((_set_arg(last, 0, new, style),), "set MASQUERADE_AS", verify)
    line = _statement("MASQUERADE_AS", [new], style)
    at = _after_statements(
        doc, ("FEATURE", "define", "DOMAIN|OSTYPE|VERSIONID|include"), 0, _limit(doc)
    )
    return EditPlan((_insert(doc, at, line, style),), "set MASQUERADE_AS", verify)


_DAEMON_NAME = re.compile(r"(?:^|,)\s*Name\s*=\s*([^,]*)", re.I)


def daemon_name(spec: str) -> str | None:
    """The ``Name=`` of a DaemonPortOptions list (None when it has none).

    >>> daemon_name("Port=smtp, Name=MTA, Family=inet")
    'MTA'
    """
    m = _DAEMON_NAME.search(spec)
    return m.group(1).strip() if m else None


def daemon_options(model: McModel) -> list[MacroCall]:
    """The live top-level ``DAEMON_OPTIONS(...)`` statements, in order."""
    return [s for s in model.statements if s.name == "DAEMON_OPTIONS" and not s.bare and s.args]


def set_daemon_options(doc: McDocument, name: str, spec: str) -> EditPlan | None:
    """The ``DAEMON_OPTIONS`` named ``name`` gets ``spec`` (changed in place, or added)."""
    if not name or "," in name or "=" in name or name != name.strip():
        raise EditError(f"{name!r} is not a daemon name (expected a word such as MTA)")
    own = daemon_name(spec)
    if own is None:
        spec = f"{spec}, Name={name}" if spec.strip() else f"Name={name}"
    elif own != name:
        raise EditError(f"the options name the daemon {own!r}, not {name!r}")
    refuse_arg_refs(spec, "DAEMON_OPTIONS")
    model = doc.model
    # DAEMON_OPTIONS quotes its argument itself (O DaemonPortOptions=`$1'): commas and
    # parentheses are safe there; quotes and words m4 would expand still need a second pair
    plain = spec.translate(str.maketrans(",()#", "    "))
    new = "`" + quote(spec) + "'" if needs_protection(plain, model.defines) else quote(spec)
    style = _style(doc)
    mine = [c for c in daemon_options(model) if daemon_name(_daemon_value(c)) == name]

    def verify(m: McModel) -> bool:
        found = [c for c in daemon_options(m) if daemon_name(_daemon_value(c)) == name]
        return len(found) == 1 and _daemon_value(found[0]) == spec

    what = f"set DAEMON_OPTIONS for {name}"
    if mine:
        if len(mine) == 1 and _daemon_value(mine[0]) == spec:
            return None
        if any(c.nested or c.in_hash_comment for c in mine):
            raise EditError(
                f"cannot change the DAEMON_OPTIONS for {name} on line {mine[0].line}: it is "
                "written inside another macro or a # line; edit that line by hand"
            )
        reps = [_set_arg(mine[0], 0, new, style), *_removal(doc, mine[1:])]
        return EditPlan(tuple(reps), what, verify)
    line = _statement("DAEMON_OPTIONS", [new], style)
    others = [c for c in daemon_options(model) if not c.nested and not c.in_hash_comment]
    if others:
        at = line_after(doc, others[-1].end)
    else:
        at = _after_statements(
            doc, ("define", "FEATURE", "DOMAIN|OSTYPE|VERSIONID|include"), 0, _limit(doc)
        )
    return EditPlan((_insert(doc, at, line, style),), what, verify)


def _daemon_value(call: MacroCall) -> str:
    return rescanned(call.value(0))


def remove_daemon_options(doc: McDocument, name: str) -> EditPlan | None:
    """Delete the ``DAEMON_OPTIONS`` named ``name``."""
    mine = [c for c in daemon_options(doc.model) if daemon_name(_daemon_value(c)) == name]
    if not mine:
        return None

    def verify(m: McModel) -> bool:
        return not any(daemon_name(_daemon_value(c)) == name for c in daemon_options(m))

    return EditPlan(tuple(_removal(doc, mine)), f"remove the DAEMON_OPTIONS for {name}", verify)


def _on_line(calls: Iterable[MacroCall], line: int) -> list[MacroCall]:
    return [c for c in calls if c.line == line]


def disable(doc: McDocument, line: int) -> EditPlan | None:
    """Comment out the statement that starts on ``line`` with ``dnl ``."""
    model = doc.model
    if _on_line(model.disabled, line):
        return None
    found = [c for c in _on_line(_top_of(doc), line) if not c.in_hash_comment]
    if not found:
        raise EditError(f"line {line}: no statement starts here to comment out")
    call = found[0]
    if call.end_line != call.line:
        raise EditError(
            f"line {line}: {call.name}(...) spans lines {call.line}-{call.end_line}; "
            "dnl comments out one line only"
        )
    start = line_before(doc, call.start)
    if doc.text[start : call.start].strip(WHITESPACE):
        raise EditError(f"line {line}: {call.name}(...) does not start the line")
    # the rest of the line (a trailing dnl too) stays: enable() is the exact inverse
    reps = [Edit(call.start, call.start, "dnl ")]

    def verify(m: McModel) -> bool:
        return not any(c.line == line for c in _top(m)) and bool(_on_line(m.disabled, line))

    return EditPlan(tuple(reps), f"comment out line {line}", verify)


def enable(doc: McDocument, line: int) -> EditPlan | None:
    """Drop the ``dnl `` that comments out the statement on ``line``."""
    model = doc.model
    if any(c.line == line for c in _top_of(doc)) and not _on_line(model.disabled, line):
        return None
    found = _on_line(model.disabled, line)
    if not found:
        raise EditError(f"line {line}: no statement commented out with dnl here")
    reps = _enable(doc, found[0], Style(dnl=False))  # only the dnl goes: disable's inverse
    if reps is None:
        raise EditError(f"line {line}: the dnl does not start the line; edit it by hand")
    name = found[0].name

    def verify(m: McModel) -> bool:
        return any(c.line == line and c.name == name for c in _top(m))

    return EditPlan(tuple(reps), f"enable line {line}", verify)
