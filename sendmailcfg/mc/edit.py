r"""Edits on ``.mc`` text that change only the lines they must, in the file's own style.

Each function takes a document (anything with ``.text`` and ``.model``) and
returns the new text; :class:`~sendmailcfg.mc.document.McDocument` wraps them
as methods that return True/False. Style is read from the file: its newline,
whether statements end in ``dnl``, whether FEATURE/MAILER names are quoted,
and whether arguments are separated by ``", "`` or ``","``. Each edit is
checked by reading the result again; if m4 would not see what was asked, the
edit is refused with :class:`~sendmailcfg.errors.EditError`.

>>> from sendmailcfg.mc.document import McDocument
>>> doc = McDocument("OSTYPE(`linux')dnl\nFEATURE(`use_cw_file')dnl\nMAILER(`smtp')dnl\n")
>>> print(add_feature(doc, "access_db"), end="")
OSTYPE(`linux')dnl
FEATURE(`use_cw_file')dnl
FEATURE(`access_db')dnl
MAILER(`smtp')dnl
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import attrs

from sendmailcfg._source import dominant_newline
from sendmailcfg.errors import EditError
from sendmailcfg.mc import macros
from sendmailcfg.mc.model import MacroCall, McModel, Positions, analyze, iter_lines
from sendmailcfg.mc.quoting import WHITESPACE, quote
from sendmailcfg.syntax.mc_nodes import McDnl, McQuoted, McToken

if TYPE_CHECKING:
    from typing import Protocol

    class _Doc(Protocol):
        @property
        def text(self) -> str: ...
        @property
        def model(self) -> McModel: ...


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@attrs.frozen
class Style:
    """How a file writes its statements (read by :func:`style_of`)."""

    newline: str = "\n"
    dnl: bool = False
    quote_names: bool = True
    separator: str = ", "


def style_of(text: str, model: McModel) -> Style:
    r"""The file's habits, by majority (ties: quoted names, ``", "``, no ``dnl``).

    >>> style_of("FEATURE(x)dnl\nMAILER(smtp)dnl\n", analyze("FEATURE(x)dnl\nMAILER(smtp)dnl\n"))
    Style(newline='\n', dnl=True, quote_names=False, separator=', ')
    """
    dnl = plain = quoted = bare = spaced = tight = 0
    for s in _top(model):
        tail = text[s.end : s.end + 3]
        if tail == "dnl":
            dnl += 1
        elif text[s.end : s.end + 1] in ("\n", "\r", ""):
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
        newline=dominant_newline(list(iter_lines(text))),
        dnl=dnl > plain,
        quote_names=quoted >= bare,
        separator=", " if spaced >= tight else ",",
    )


def _top(model: McModel) -> list[MacroCall]:
    """Live statements a person wrote at the top level (not in # lines or raw sections)."""
    return [
        s
        for s in model.statements
        if not s.bare and not s.nested and not s.in_hash_comment and s.section is None and s.closed
    ]


def _line_end(text: str, offset: int) -> int:
    i = text.find("\n", offset)
    return len(text) if i < 0 else i + 1


def _insert_line(text: str, offset: int, line: str, style: Style) -> str:
    if offset >= len(text):
        sep = style.newline if text and not text.endswith("\n") else ""
        return text + sep + line + style.newline
    return text[:offset] + line + style.newline + text[offset:]


def _statement_line(name: str, args: list[str], style: Style, quote_first: bool) -> str:
    first = quote(args[0]) if quote_first else args[0]
    rest = [quote(a) for a in args[1:]]
    body = style.separator.join([first, *rest])
    return f"{name}({body})" + ("dnl" if style.dnl else "")


def _first(model: McModel, name: str) -> MacroCall | None:
    for s in _top(model):
        if s.name == name:
            return s
    return None


def _insertion_point(text: str, model: McModel, after: tuple[str, ...]) -> int:
    """Line start after the last statement named in ``after`` (in that preference order),
    before the first MAILER; else before the first MAILER or raw section; else the end."""
    top = _top(model)
    mailer = _first(model, "MAILER")
    limit = mailer.start if mailer is not None else len(text) + 1
    first_section = next((s.start for s in model.statements if s.section is not None), None)
    if first_section is not None:
        first_section = Positions(text).line_start(first_section)
        limit = min(limit, first_section)
    for names in after:
        found = [s for s in top if s.name in names.split("|") and s.start < limit]
        if found:
            return _line_end(text, found[-1].end)
    if limit <= len(text):
        return Positions(text).line_start(limit)
    return len(text)


def _value_span(text: str, call: MacroCall, index: int) -> tuple[int, int] | None:
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


def _with_value(text: str, call: MacroCall, value: str, style: Style, base: int = 0) -> str:
    """``text`` with the second argument of ``call`` (offsets shifted by ``base``) set."""
    span = _value_span(text, call, 1)
    if span is None:
        close = base + call.end - 1  # the ")"
        return text[:close] + style.separator + quote(value) + text[close:]
    start, end = span[0] + base, span[1] + base
    return text[:start] + quote(value) + text[end:]


def _disabled_at_line_start(text: str, model: McModel, call: MacroCall) -> int | None:
    """Offset of the ``dnl`` commenting out ``call`` when it starts its line, else None."""
    line_start = Positions(text).line_start(call.start)
    head = text[line_start : call.start]
    m = re.match(r"([ \t]*)dnl[ \t]*\Z", head)
    return line_start + len(m.group(1)) if m else None


def _enable(text: str, call: MacroCall, dnl_at: int, style: Style) -> tuple[str, int]:
    """Remove the ``dnl `` before ``call``; returns the text and the shift of offsets."""
    new = text[:dnl_at] + text[call.start :]
    shift = call.start - dnl_at
    end = call.end - shift
    rest_end = new.find("\n", end)
    rest = new[end : len(new) if rest_end < 0 else rest_end]
    if style.dnl and not rest.strip(WHITESPACE):
        new = new[:end] + "dnl" + new[end:]
    return new, -shift


def _check(new: str, ok: bool, what: str) -> str:
    if not ok:
        raise EditError(
            f"cannot {what}: m4 would not see the edit (is a quote or an argument list "
            "left open before it?); the file is unchanged"
        )
    return new


# -- the edits -------------------------------------------------------------------------


def set_define(doc: _Doc, name: str, value: str) -> str:
    """The text with ``define(`name', `value')`` in effect (see McDocument.set_define)."""
    if not _NAME.match(name):
        raise EditError(f"{name!r} is not an m4 macro name ([A-Za-z_][A-Za-z0-9_]*)")
    quote(value)  # refuse what m4 cannot carry before looking further
    text, model = doc.text, doc.model
    if model.defines.get(name) == value:
        return text
    style = style_of(text, model)
    mine = [d for d in model.define_statements if d.name == name and not d.call.nested]
    if mine and mine[-1].value is not None and not mine[-1].call.in_hash_comment:
        new = _with_value(text, mine[-1].call, value, style)
    else:
        candidates = [
            c
            for c in model.disabled
            if c.name == "define" and c.value(0).strip() == name and c.closed
        ]
        dnl_at = None
        target = None
        for c in reversed(candidates):
            dnl_at = _disabled_at_line_start(text, model, c)
            if dnl_at is not None:
                target = c
                break
        if target is not None and dnl_at is not None and not mine:
            enabled, shift = _enable(text, target, dnl_at, style)
            new = _with_value(enabled, target, value, style, shift)
        else:
            line = _statement_line("define", [name, value], style, True)
            if mine:  # the last one is an undefine (or in a # line): go after it
                at = _line_end(text, mine[-1].call.end)
            else:
                at = _insertion_point(
                    text, model, ("define", "FEATURE", "DOMAIN|OSTYPE|VERSIONID|include")
                )
            new = _insert_line(text, at, line, style)
    return _check(new, analyze(new).defines.get(name) == value, f"set {name}")


def _remove_calls(text: str, calls: list[MacroCall]) -> str:
    pos = Positions(text)
    for c in sorted(calls, key=lambda c: c.start, reverse=True):
        start = pos.line_start(c.start)
        end = _line_end(text, c.end)
        before = text[start : c.start]
        after = text[c.end : end]
        whole_line = not before.strip(WHITESPACE) and (
            not after.strip(WHITESPACE) or re.match(r"dnl(?![A-Za-z0-9_(])", after)
        )
        if whole_line and not c.in_hash_comment:
            text = text[:start] + text[end:]
        else:
            text = text[: c.start] + text[c.end :]
    return text


def remove_define(doc: _Doc, name: str) -> str:
    """The text without any live ``define(`name', ...)``."""
    calls = [
        d.call
        for d in doc.model.define_statements
        if d.name == name and d.value is not None and not d.call.nested
    ]
    if not calls:
        return doc.text
    new = _remove_calls(doc.text, calls)
    left = [d for d in analyze(new).define_statements if d.name == name and d.value is not None]
    return _check(new, all(d.call.nested for d in left), f"remove the defines of {name}")


def add_feature(doc: _Doc, name: str, *args: str) -> str:
    """The text with ``FEATURE(`name', args...)`` after the other FEATUREs, before MAILERs."""
    for a in (name, *args):
        quote(a)
    text, model = doc.text, doc.model
    wanted = (name, *args)

    def same(c: MacroCall) -> bool:
        return tuple(v.strip() for v in c.values) == wanted

    if any(same(f.call) for f in model.features):
        return text
    style = style_of(text, model)
    mailer = _first(model, "MAILER")
    for c in model.disabled:
        if c.name == "FEATURE" and same(c) and (mailer is None or c.start < mailer.start):
            dnl_at = _disabled_at_line_start(text, model, c)
            if dnl_at is not None:
                new, _ = _enable(text, c, dnl_at, style)
                break
    else:
        line = _statement_line("FEATURE", list(wanted), style, style.quote_names)
        at = _insertion_point(text, model, ("FEATURE", "define", "DOMAIN|OSTYPE|VERSIONID|include"))
        new = _insert_line(text, at, line, style)
    return _check(new, any(same(f.call) for f in analyze(new).features), f"add FEATURE({name})")


def remove_feature(doc: _Doc, name: str) -> str:
    """The text without any live ``FEATURE(`name', ...)``."""
    calls = [f.call for f in doc.model.features if f.name == name and not f.call.nested]
    if not calls:
        return doc.text
    new = _remove_calls(doc.text, calls)
    return _check(
        new, all(f.name != name for f in analyze(new).features), f"remove FEATURE({name})"
    )


def add_mailer(doc: _Doc, name: str) -> str:
    """The text with ``MAILER(`name')`` in sendmail's order (local, smtp, uucp, others)."""
    quote(name)
    text, model = doc.text, doc.model
    if any(m.name == name for m in model.mailers):
        return text
    style = style_of(text, model)
    rank = macros.MAILER_RANK.get(name, len(macros.MAILER_RANK))
    mine = [m for m in model.mailers if not m.call.nested and not m.call.in_hash_comment]
    line = _statement_line("MAILER", [name], style, style.quote_names)
    later = [m for m in mine if macros.MAILER_RANK.get(m.name, len(macros.MAILER_RANK)) > rank]
    if later:
        at = Positions(text).line_start(later[0].call.start)
    elif mine:
        at = _line_end(text, mine[-1].call.end)
    else:
        first_section = next((s for s in model.sections), None)
        at = (
            Positions(text).line_start(first_section.call.start)
            if first_section is not None
            else len(text)
        )
    new = _insert_line(text, at, line, style)
    return _check(new, any(m.name == name for m in analyze(new).mailers), f"add MAILER({name})")
