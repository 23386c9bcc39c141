r"""Inline suppression comments: ``dnl sendmailcfg: disable=ID`` and ``# sendmailcfg: ...``.

In a ``.mc`` file the directive is a ``dnl`` comment; in a map source it is a
comment line (makemap has no trailing comments: a ``#`` after a value is part
of the value). IDs are rule ids, id prefixes, rule names or ``all``,
separated by commas. Scope:

* ``sendmailcfg: disable=ID`` after other text on the same line (``.mc`` only):
  that line;
* ``sendmailcfg: disable=ID`` on a line of its own: the next line;
* ``sendmailcfg: disable-file=ID`` anywhere: the whole file.

>>> s = Suppressions.from_lines(["dnl sendmailcfg: disable=MC003",
...                              "FEATURE(`x') dnl sendmailcfg: disable=MC005,MC006"], "mc")
>>> s.suppressed("MC003", 2), s.suppressed("MC006", 2), s.suppressed("MC003", 1)
(True, True, False)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Protocol

import attrs


class LintFile(Protocol):
    """What suppression reads of a loaded file (:class:`sendmailcfg.lint.engine.LintFile`)."""

    @property
    def kind(self) -> str: ...

    @property
    def text(self) -> str: ...


_DIRECTIVE = re.compile(
    r"sendmailcfg:\s*disable(-file)?\s*=\s*([A-Za-z0-9_-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_-]+)*)"
)
"""The directive; the ids end at the first blank not followed by a comma (a reason may follow)."""
_MC_COMMENT = re.compile(r"(^|[\s)])dnl(?=\s|$)")


@attrs.frozen
class Suppressions:
    """Which rules are switched off on which lines of one file."""

    by_line: dict[int, tuple[str, ...]] = attrs.field(factory=dict, hash=False)
    whole_file: tuple[str, ...] = ()

    @classmethod
    def of(cls, file: LintFile) -> Suppressions:
        """The directives of a loaded file (a cheap scan; nothing when there is none)."""
        if "sendmailcfg:" not in file.text:
            return cls()
        return cls.from_lines(file.text.split("\n"), file.kind)

    @classmethod
    def from_lines(cls, lines: Sequence[str], kind: str) -> Suppressions:
        by_line: dict[int, tuple[str, ...]] = {}
        whole: list[str] = []
        for number, line in enumerate(lines, 1):
            if "sendmailcfg:" not in line:
                continue
            found = _directive(line, kind)
            if found is None:
                continue
            before, file_wide, ids = found
            if file_wide:
                whole.extend(ids)
            else:
                target = number if before.strip() else number + 1
                by_line[target] = by_line.get(target, ()) + ids
        return cls(by_line, tuple(whole))

    def suppressed(self, rule_id: str, line: int) -> bool:
        """Whether a finding of ``rule_id`` on ``line`` is switched off."""
        return _matches(rule_id, self.whole_file) or _matches(rule_id, self.by_line.get(line, ()))


def _directive(line: str, kind: str) -> tuple[str, bool, tuple[str, ...]] | None:
    """``(text before the comment, file-wide?, ids)`` or None when the line has none."""
    if kind == "mc":
        for m in _MC_COMMENT.finditer(line):
            d = _DIRECTIVE.match(line[m.end() :].lstrip())
            if d is not None:
                return line[: m.start() + len(m.group(1))], bool(d.group(1)), _ids(d.group(2))
        return None
    if not line.startswith("#"):
        return None
    d = _DIRECTIVE.match(line[1:].lstrip())
    if d is None:
        return None
    return "", bool(d.group(1)), _ids(d.group(2))


def _ids(text: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in re.split(r"[,\s]+", text) if p.strip())


def _matches(rule_id: str, selectors: Iterable[str]) -> bool:
    for s in selectors:
        if s.lower() == "all" or rule_id.upper().startswith(s.upper()):
            return True
        if _name_of(rule_id) == s.lower():
            return True
    return False


def _name_of(rule_id: str) -> str:
    from sendmailcfg.lint.rules import registry

    for rid, name, _ in registry():
        if rid == rule_id:
            return name
    return ""
