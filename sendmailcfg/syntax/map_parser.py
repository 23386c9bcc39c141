r"""Parse makemap source text into line nodes, two ways that must agree.

* :func:`parse_map_lines_lark` runs the Lark grammar in ``grammars/map.lark``
  (LALR, contextual lexer, a transformer into the nodes; see ``map_lark.py``).
  It is the specification.
* :func:`parse_map_lines` is the fast path used by default: a line splitter
  with one regex match per line, about 10x faster than Lark on large maps.
  Hypothesis tests (``tests/test_map_parser_equivalence.py``) prove both give
  identical nodes for arbitrary text and every ``MapSyntax``.

Neither ever fails: lines makemap rejects become :class:`MapErrorLine` nodes.

>>> [type(n).__name__ for n in parse_map_lines("a b\n#c\n\n x\nk\n")]
['MapEntry', 'MapComment', 'MapBlank', 'MapErrorLine', 'MapErrorLine']
"""

from __future__ import annotations

import functools
import itertools
import re
from array import array

from sendmailcfg.syntax.map_nodes import (
    BLANK,
    MAX_LINE_BYTES,
    WHITESPACE,
    WS_CLASS,
    MapComment,
    MapEntry,
    MapErrorLine,
    MapLine,
    MapSyntax,
    limit_problem,
)

_LINES = re.compile(r"[^\n]*\n|[^\n]+")
_NEWLINE = re.compile("\n")


def line_starts(text: str) -> array[int]:
    r"""Where each line of ``text`` starts, and (last) where the text ends.

    Line ``i`` is ``text[starts[i]:starts[i + 1]]``, its newline included; lines
    split on ``"\n"`` only, as :func:`split_lines` does. One C-speed scan, no
    per-line strings.

    >>> list(line_starts("a b\n\nc"))
    [0, 4, 5, 6]
    >>> list(line_starts("a\n")), list(line_starts(""))
    ([0, 2], [0])
    """
    starts = array("q", [0])
    starts.extend(map(re.Match.end, _NEWLINE.finditer(text)))
    if starts[-1] != len(text):
        starts.append(len(text))
    return starts


def split_lines(text: str) -> list[str]:
    r"""Split on ``"\n"`` only, keeping it (``str.splitlines`` also splits on CR, FF, ...).

    >>> split_lines("a\r\nb\n\nc")
    ['a\r\n', 'b\n', '\n', 'c']
    """
    return _LINES.findall(text)


@functools.cache
def _key_sep_regex(delimiter: str | None) -> re.Pattern[str]:
    if delimiter is None:
        return re.compile(rf"[^{WS_CLASS}\n]*([{WS_CLASS}]*)")
    d = re.escape(delimiter)
    return re.compile(rf"[^{d}\n]*((?:{d})*)")


@functools.cache
def _entry_key_regex(comment: str, groups: str = "k") -> re.Pattern[str]:
    """One match per line; ``groups``: ``k`` the key, ``s`` the separators, ``ks`` both."""
    c = re.escape(comment)
    ws = WS_CLASS
    key = f"([^{ws}\\n{c}][^{ws}\\n]*)" if "k" in groups else f"[^{ws}\\n{c}][^{ws}\\n]*"
    sep = f"([{ws}]+)" if "s" in groups else f"[{ws}]+"
    return re.compile(rf"(?:{key}{sep}[^{ws}\n]|)[^\n]*\n?")


def entry_keys(text: str, syntax: MapSyntax, lines: int) -> list[str] | None:
    r"""The key of every line of ``text`` (``""`` for a line that is not an entry).

    The key index of a whole file in one C-speed regex pass, without a node per
    line: fold ``text`` first to get folded keys. ``lines`` is the number of lines
    (``len(line_starts(text)) - 1``). None when this scan cannot be trusted and
    :func:`parse_map_line` must decide line by line: ``-t`` and ``-e`` syntaxes
    (where a key may be empty) and NUL bytes. Lines over 1022 bytes (makemap's
    limit, "line too long") get a key here too: the caller checks long lines.

    >>> entry_keys("a b\n#c\n\n x\nk\nk2 v", MapSyntax(), 6)
    ['a', '', '', '', '', 'k2']
    """
    if syntax.delimiter is not None or syntax.allow_empty or "\x00" in text:
        return None
    keys = _entry_key_regex(syntax.comment).findall(text)
    if len(keys) != lines + 1:  # findall ends with an empty match at the end
        return None
    del keys[lines:]
    return keys


def repeated_keys(text: str, syntax: MapSyntax, lines: int) -> dict[str, list[int]] | None:
    r"""The keys that more than one line holds, each with those lines (0-based), in order.

    What :func:`entry_keys` would tell, without a string per line: one pass keeps a
    hash per line (8 bytes), the hashes seen twice are found by a sort, and a second
    pass collects the keys that have them. Fold ``text`` first for folded keys. None
    when :func:`entry_keys` would decline.

    >>> repeated_keys("a b\nc d\na e\n#a\na f", MapSyntax(), 5)
    {'a': [0, 2, 4]}
    """
    if syntax.delimiter is not None or syntax.allow_empty or "\x00" in text:
        return None
    pattern = _entry_key_regex(syntax.comment)
    hashes = array("q")
    append = hashes.append
    for m in pattern.finditer(text):
        k = m.group(1)
        append((hash(k) or 1) if k else 0)
    if len(hashes) != lines + 1:  # the scan ends with an empty match at the end
        return None
    del hashes[lines:]
    ordered = sorted(filter(None, hashes))
    twice = {a for a, b in itertools.pairwise(ordered) if a == b}
    del ordered
    found: dict[str, list[int]] = {}
    if twice:
        for i, m in enumerate(pattern.finditer(text)):
            if i < lines and hashes[i] in twice:
                found.setdefault(m.group(1), []).append(i)
    return {k: ids for k, ids in found.items() if len(ids) > 1}


def entry_separators(
    text: str, syntax: MapSyntax, lines: int, *, keys: bool = False
) -> list[str] | list[tuple[str, str]] | None:
    r"""Like :func:`entry_keys`, the separator run of every line (``""``: not an entry).

    With ``keys=True``, ``(key, separators)`` pairs.

    >>> entry_separators("a  b\n#c d\nk\tv", MapSyntax(), 3)
    ['  ', '', '\t']
    >>> entry_separators("a  b\n", MapSyntax(), 1, keys=True)
    [('a', '  ')]
    """
    if syntax.delimiter is not None or syntax.allow_empty or "\x00" in text:
        return None
    found = _entry_key_regex(syntax.comment, "ks" if keys else "s").findall(text)
    if len(found) != lines + 1:
        return None
    del found[lines:]
    return found


@functools.cache
def _problem_regex(comment: str) -> re.Pattern[str]:
    c = re.escape(comment)
    ws = WS_CLASS
    # after a "\n": a line starting with white space, or a key with nothing after it
    return re.compile(rf"\n(?:(?!{c})[{ws}]|[^{ws}\n{c}][^{ws}\n]*[{ws}]*(?=\n|\Z))")


def problem_line_starts(text: str, syntax: MapSyntax) -> list[int] | None:
    r"""Where the lines makemap rejects start, in one C-speed scan (or None, as
    :func:`entry_keys`). Lines over 1022 bytes are not looked for: the caller checks them.

    >>> problem_line_starts("a b\n x\nk\n#c\nk  \n", MapSyntax())
    [4, 7, 12]
    """
    if syntax.delimiter is not None or syntax.allow_empty or "\x00" in text:
        return None
    return [m.start() for m in _problem_regex(syntax.comment).finditer("\n" + text)]


def parse_map_line(line: str, syntax: MapSyntax = MapSyntax()) -> MapLine:
    r"""One line (its ``"\n"`` included, if any) -> its node: the one splitter.

    >>> parse_map_line("takaq.jp\tsmtp:takaq.jp\n")
    MapEntry(text='takaq.jp\tsmtp:takaq.jp\n', key_end=8, value_start=9)
    >>> parse_map_line("lonely\n").code
    'no-rhs'
    """
    if not line:
        raise ValueError("a line holds at least one character")
    return limit_problem(line) or _classify(line, syntax, _key_sep_regex(syntax.delimiter))


def _classify(line: str, syntax: MapSyntax, key_sep: re.Pattern[str]) -> MapLine:
    first = line[0]
    if first == "\n":
        return BLANK
    if first == syntax.comment:
        return MapComment(line)
    if syntax.delimiter is None and first in WHITESPACE:
        return MapErrorLine(line, "leading-space", 1)
    m = key_sep.match(line)
    assert m is not None  # the pattern matches the empty string
    key_end, value_start = m.span(1)
    end = len(line) - 1 if line.endswith("\n") else len(line)
    if value_start == end and not syntax.allow_empty:
        return MapErrorLine(line, "no-rhs", key_end + 1)
    return MapEntry(line, key_end, value_start)


def parse_map_lines(text: str, syntax: MapSyntax = MapSyntax()) -> list[MapLine]:
    """The fast path: text -> one node per line (see the module docstring).

    The loop is written out by hand (no per-line function call) because it runs
    once per line of maps with millions of lines; :func:`_classify` is the same
    logic in readable form, used for the rare long or NUL-holding lines.
    """
    key_sep = _key_sep_regex(syntax.delimiter)
    match = key_sep.match
    comment = syntax.comment
    leading_is_error = syntax.delimiter is None
    allow_empty = syntax.allow_empty
    out: list[MapLine] = []
    append = out.append
    entry = MapEntry
    blank = BLANK
    limit = MAX_LINE_BYTES // 4  # longer lines may exceed 1022 bytes: checked precisely
    may_hold_nul = "\x00" in text
    for line in _LINES.findall(text):
        if len(line) > limit or (may_hold_nul and "\x00" in line):
            append(limit_problem(line) or _classify(line, syntax, key_sep))
            continue
        first = line[0]
        if first == "\n":
            append(blank)
        elif first == comment:
            append(MapComment(line))
        elif leading_is_error and first in WHITESPACE:
            append(MapErrorLine(line, "leading-space", 1))
        else:
            m = match(line)
            key_end, value_start = m.span(1)  # type: ignore[union-attr]
            if (value_start == len(line) or line[value_start] == "\n") and not allow_empty:
                append(MapErrorLine(line, "no-rhs", key_end + 1))
            else:
                append(entry(line, key_end, value_start))
    return out


def parse_map_lines_lark(text: str, syntax: MapSyntax = MapSyntax()) -> list[MapLine]:
    """The reference parser: the Lark grammar, then the same line checks.

    Lark is imported only here, so loading maps with the fast path stays cheap.
    """
    from sendmailcfg.syntax.map_lark import parse_with_lark

    return parse_with_lark(text, syntax)
