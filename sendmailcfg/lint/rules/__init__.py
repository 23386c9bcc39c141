"""The rule registry: one module per rule, listed explicitly in :data:`RULE_MODULES`.

A rule module defines ``ID`` (stable, e.g. ``MC003``), ``NAME`` (kebab-case),
``SEVERITY`` (``error``, ``warning`` or ``info``), ``KINDS`` (the file kinds it
reads: ``mc``, ``map`` for every map, or one map kind such as ``access``),
``SCOPE`` (``file``: ``check(file, fileset)``; ``set``: ``check(fileset)``,
one call per folder), optionally ``FIX`` (``"safe"``: the fixes it attaches
keep the .cf m4 writes the same and ``lint --fix`` applies them; ``"unsafe"``:
its hints change behaviour and stay hints, as ruff's fix applicability) and a
docstring that becomes its page in ``docs/lint-rules.md``.

>>> rule = rule_by_id("MAP004")
>>> (rule.name, rule.severity, rule.applies_to("access"), rule.applies_to("mc"))
('map-duplicate-key', 'error', True, False)
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Iterable
from types import ModuleType
from typing import Any

import attrs

RULE_MODULES = (
    "mc001_quote_unbalanced",
    "mc002_quote_wrong_char",
    "mc003_feature_after_mailer",
    "mc004_order",
    "mc005_unknown_name",
    "mc006_unknown_conf",
    "mc007_obsolete",
    "mc008_macro_in_comment",
    "mc009_raw_cf_line",
    "mc010_rule_tabs",
    "mc011_open_relay",
    "mc012_smart_host",
    "mc013_dangerous_builtin",
    "mc014_map_spec",
    "mc015_daemon_loopback",
    "mc016_daemon_dualstack",
    "map001_leading_space",
    "map002_no_rhs",
    "map003_line_too_long",
    "map004_duplicate_key",
    "map005_value",
    "mt001_dot_without_bare",
    "mt002_rhs_form",
    "mt003_undeclared_mailer",
    "mt004_host_port",
    "mt005_no_brackets",
    "mt006_local_domain",
    "ac001_ipv6_prefix",
    "ac002_ipv6_form",
    "ac003_cidr",
    "ac004_unknown_tag",
    "ac005_value",
    "ac006_dot_key",
    "ac007_skip",
    "ac008_broad_relay",
    "ac009_tag_needs_feature",
    "x001_map_without_feature",
    "x002_feature_without_map",
    "x003_stale_db",
    "x004_missing_db",
    "x005_virtuser_domain",
    "x006_not_read",
    "x020_smart_host_own_domain",
)
"""Rule modules in ``sendmailcfg/lint/rules/``, in documentation order."""


@attrs.frozen
class Rule:
    """A rule module seen through a typed facade."""

    id: str
    name: str
    severity: str
    kinds: tuple[str, ...]
    scope: str
    module: ModuleType = attrs.field(repr=False, eq=False)
    fix: str | None = None
    """``"safe"``, ``"unsafe"`` or ``None`` (no fix at all)."""

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        return cls(
            module.ID,
            module.NAME,
            module.SEVERITY,
            tuple(module.KINDS),
            getattr(module, "SCOPE", "file"),
            module,
            getattr(module, "FIX", None),
        )

    @property
    def doc(self) -> str:
        """The rule's documentation: its module docstring as written in the source.

        Read from the source, not ``__doc__``: Python 3.13 dedents docstrings when it
        compiles them and expands their TABs, and an example such as MC010's needs its TAB.
        """
        return _source_doc(self.module)

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.splitlines()[0] if self.doc else self.name

    def applies_to(self, kind: str) -> bool:
        """Whether the rule reads files of ``kind``."""
        return kind in self.kinds or ("map" in self.kinds and kind != "mc")

    def check(self, *args: Any) -> Iterable[Any]:
        """Run the rule: ``(file, fileset)`` for file rules, ``(fileset,)`` for set rules."""
        found: Iterable[Any] = self.module.check(*args)
        return found


_FAMILIES: dict[str, tuple[str, ...]] = {
    "MC": ("mc",),
    "MAP": ("mailertable", "access", "virtusertable", "genericstable", "domaintable", "map"),
    "MT": ("mailertable",),
    "AC": ("access",),
    "X": ("mc", "mailertable", "access", "virtusertable", "genericstable", "domaintable", "map"),
}
"""Id prefix -> the kinds whose presence makes the family's modules worth importing."""


def registry() -> list[tuple[str, str, str]]:
    """``(id, name, module)`` of every rule, read from the module names (no import).

    A module ``mc003_feature_after_mailer`` holds rule ``MC003`` named
    ``mc-feature-after-mailer`` (a test checks every module says so itself).
    """
    out = []
    for module in RULE_MODULES:
        head, _, rest = module.partition("_")
        letters = head.rstrip("0123456789")
        out.append((head.upper(), f"{letters}-{rest.replace('_', '-')}", module))
    return out


@functools.cache
def _source_doc_of(name: str) -> str:
    import ast

    module = importlib.import_module(name)
    source = None
    loader = getattr(module.__spec__, "loader", None)
    if loader is not None and hasattr(loader, "get_source"):
        source = loader.get_source(name)
    if source is None:  # no source shipped: fall back to the compiled docstring
        return (module.__doc__ or "").strip()
    return (ast.get_docstring(ast.parse(source), clean=False) or "").strip()


def _source_doc(module: ModuleType) -> str:
    return _source_doc_of(module.__name__)


@functools.cache
def _load(module: str) -> Rule:
    return Rule.from_module(importlib.import_module(f"{__name__}.{module}"))


def load_rules(kinds: Iterable[str] | None = None) -> tuple[Rule, ...]:
    """The registered rules (only the families that read one of ``kinds``, when given).

    Rule modules are imported on first use, so linting a ``.mc`` does not import
    the map rules.
    """
    wanted = None if kinds is None else set(kinds)
    out = []
    for rule_id, _name, module in registry():
        family = rule_id.rstrip("0123456789")
        if wanted is None or wanted.intersection(_FAMILIES[family]):
            out.append(_load(module))
    return tuple(out)


def rule_by_id(rule_id: str) -> Rule:
    """The rule with this id (``KeyError`` when there is none)."""
    for rid, _name, module in registry():
        if rid == rule_id:
            return _load(module)
    raise KeyError(rule_id)
