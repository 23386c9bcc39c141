"""What the lint rules need to know about ``.mc`` files, alone and as a folder's set.

This is the one module that reads the ``McDocument`` API; rules read
:class:`McFacts` (one file) and :class:`SetFacts` (every ``.mc`` of a folder).

>>> from sendmailcfg.lint.engine import load_file
>>> f = load_file("s.mc", "mc", "OSTYPE(`linux')dnl\\nFEATURE(`mailertable')dnl\\n")
>>> [(c.name, c.args, c.line) for c in facts(f).calls]  # ostype/linux.m4 adds local_procmail
[('OSTYPE', ('linux',), 1), ('FEATURE', ('local_procmail',), 1), ('FEATURE', ('mailertable',), 2)]
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile


@attrs.frozen
class Call:
    """An active (not commented-out) top-level macro call, arguments unquoted."""

    name: str
    args: tuple[str, ...]
    line: int
    column: int

    @property
    def first(self) -> str:
        """The first argument (``""`` when there is none)."""
        return self.args[0] if self.args else ""


@attrs.frozen
class McFacts:
    """The calls of one ``.mc`` file, in file order."""

    path: str
    calls: tuple[Call, ...]
    custom_mailers: tuple[str, ...] = ()
    """Mailer names of ``M`` lines written under MAILER_DEFINITIONS."""
    raw_class_w: tuple[str, ...] = ()
    """Names added to class {w} by raw ``Cw`` lines (LOCAL_CONFIG)."""
    opaque: bool = False
    """True when a ``DOMAIN()`` or ``HACK()`` file of the site's own may declare more FEATUREs."""

    def named(self, *names: str) -> list[Call]:
        """Calls of these macros (``FEATURE``, ``MAILER``, ``define``...)."""
        return [c for c in self.calls if c.name in names]

    def features(self, name: str | None = None) -> list[Call]:
        """``FEATURE`` calls (of one feature when ``name`` is given)."""
        return [c for c in self.named("FEATURE") if name is None or c.first == name]

    def mailers(self) -> list[Call]:
        return self.named("MAILER")

    def define(self, macro: str) -> Call | None:
        """The last ``define(macro, ...)`` (m4 keeps the last), unless undefined after it."""
        found: Call | None = None
        for c in self.calls:
            if c.first == macro and c.name == "define":
                found = c
            elif c.first == macro and c.name == "undefine":
                found = None
        return found

    def defined_value(self, macro: str) -> str | None:
        found = self.define(macro)
        if found is None:
            return None
        return found.args[1] if len(found.args) > 1 else ""


_M_LINE = re.compile(r"^M([A-Za-z0-9_-]+),", re.M)
_CW_LINE = re.compile(r"^C\{?w\}?[ \t]*([^\n]*)", re.M)


def _extract(file: LintFile) -> McFacts:
    from sendmailcfg.lint._names import DOMAINS, HACKS, IMPLIED_FEATURES

    model = file.doc.model
    calls: list[Call] = []
    opaque = False
    for s in model.statements:
        if s.bare:
            continue
        call = Call(s.name, tuple(v.strip() for v in s.values), s.line, s.column)
        calls.append(call)
        for feature in IMPLIED_FEATURES.get((call.name, call.first), ()):
            calls.append(Call("FEATURE", (feature,), call.line, call.column))
        if (call.name == "DOMAIN" and call.first not in DOMAINS) or (
            call.name == "HACK" and call.first not in HACKS
        ):
            opaque = True
    mailers: list[str] = []
    class_w: list[str] = []
    for section in model.sections:
        if section.name == "MAILER_DEFINITIONS":
            mailers.extend(_M_LINE.findall(section.body))
        elif section.name == "LOCAL_CONFIG":
            for words in _CW_LINE.findall(section.body):
                class_w.extend(words.split())
    return McFacts(file.path, tuple(calls), tuple(mailers), tuple(class_w), opaque)


def facts(file: LintFile) -> McFacts:
    """The facts of one ``.mc`` file (computed once)."""
    return file.memo("mc-facts", _extract)


@attrs.frozen
class SetFacts:
    """The ``.mc`` files of one folder together (an empty set knows nothing)."""

    mcs: tuple[McFacts, ...]

    @property
    def present(self) -> bool:
        """Whether the folder has any ``.mc`` file (cross-file rules need one)."""
        return bool(self.mcs)

    def feature_calls(self, name: str) -> Iterator[tuple[McFacts, Call]]:
        for mc in self.mcs:
            for c in mc.features(name):
                yield mc, c

    def has_feature(self, name: str) -> bool:
        return any(True for _ in self.feature_calls(name))

    @property
    def opaque(self) -> bool:
        """Whether a site-specific DOMAIN()/HACK() file may declare FEATUREs we cannot see."""
        return any(mc.opaque for mc in self.mcs)

    def defines_value(self, macro: str) -> str | None:
        """The value any ``.mc`` of the set defines ``macro`` to (None if none does)."""
        for mc in self.mcs:
            value = mc.defined_value(macro)
            if value is not None:
                return value
        return None


def set_facts(fileset: FileSet) -> SetFacts:
    """The facts of every ``.mc`` in the set (computed once per set)."""
    return fileset.memo("mc-set-facts", lambda s: SetFacts(tuple(facts(f) for f in s.mc_files)))


def table_source(mc: McFacts, call: Call) -> str | None:
    """The source file name a table FEATURE reads (``None``: not a makemap file map).

    >>> c = Call("FEATURE", ("mailertable", "hash -o /etc/mail/mt"), 1, 1)
    >>> table_source(McFacts("s.mc", (c,)), c)
    'mt'
    """
    from sendmailcfg.lint._names import FILE_MAP_CLASSES, TABLE_FEATURES

    default = TABLE_FEATURES.get(call.first)
    if default is None:
        return None
    spec = call.args[1].strip() if len(call.args) > 1 else ""
    if not spec:
        cls = (mc.defined_value("DATABASE_MAP_TYPE") or "hash").strip()
        return default if cls in FILE_MAP_CLASSES else None
    words = spec.split()
    if words[0] == "LDAP" or words[0] not in FILE_MAP_CLASSES:
        return None
    path = words[-1]
    if path.startswith("-"):
        return None
    base = path.rstrip("/").rsplit("/", 1)[-1]
    return base[:-3] if base.endswith(".db") else base


def diversion_at(doc: Any, offset: int) -> int:
    """The m4 diversion in effect at ``offset`` of an ``McDocument``'s text (0, -1, ...)."""
    from sendmailcfg.mc.macros import SECTION_MACROS

    diversion = 0
    for s in doc.statements:
        if s.start >= offset:
            break
        if s.name == "divert":
            with contextlib.suppress(ValueError):
                diversion = int(s.value(0).strip() or 0)
        elif s.name in SECTION_MACROS:
            diversion = SECTION_MACROS[s.name]
    return diversion
