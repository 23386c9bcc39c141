"""The rule registry: one module per rule, listed explicitly in :data:`RULE_MODULES`.

A rule module defines ``ID`` (stable, e.g. ``MC003``), ``NAME`` (kebab-case),
``SEVERITY`` (``error``, ``warning`` or ``info``), ``KINDS`` (the file kinds it
reads: ``mc``, ``map`` for every map, or one map kind such as ``access``),
``SCOPE`` (``file``: ``check(file, fileset)``; ``set``: ``check(fileset)``,
one call per folder that holds a file of one of its ``KINDS``: a set rule reports on
those files only), optionally ``FIX`` (``"safe"``: the fixes it attaches
keep the .cf m4 writes the same and ``lint --fix`` applies them; ``"unsafe"``:
its fixes change what sendmail does, to what the line plainly meant, and are applied
only with ``--unsafe-fixes``, as ruff's fix applicability) and a
docstring that becomes its page in ``docs/lint-rules.md``. The severity, kinds, scope and
fix are repeated in :data:`RULE_METADATA`, so choosing the rules of a run imports no rule
module; a module is imported when its rule first runs.

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

RULE_METADATA: dict[str, tuple[str, tuple[str, ...], str, str | None]] = {
    "mc001_quote_unbalanced": ("error", ("mc",), "file", None),
    "mc002_quote_wrong_char": ("error", ("mc",), "file", "unsafe"),
    "mc003_feature_after_mailer": ("error", ("mc",), "file", None),
    "mc004_order": ("warning", ("mc",), "file", None),
    "mc005_unknown_name": ("error", ("mc",), "file", None),
    "mc006_unknown_conf": ("warning", ("mc",), "file", None),
    "mc007_obsolete": ("warning", ("mc",), "file", "safe"),
    "mc008_macro_in_comment": ("warning", ("mc",), "file", None),
    "mc009_raw_cf_line": ("warning", ("mc",), "file", None),
    "mc010_rule_tabs": ("error", ("mc",), "file", None),
    "mc011_open_relay": ("error", ("mc",), "file", None),
    "mc012_smart_host": ("info", ("mc",), "file", None),
    "mc013_dangerous_builtin": ("error", ("mc",), "file", None),
    "mc014_map_spec": ("warning", ("mc",), "file", "safe"),
    "mc015_daemon_loopback": ("info", ("mc",), "file", None),
    "mc016_daemon_dualstack": ("warning", ("mc",), "file", None),
    "mc017_unmodelled": ("info", ("mc",), "file", None),
    "mc018_value_rewritten": ("warning", ("mc",), "file", None),
    "cf001_unparsed_line": ("error", ("cf",), "file", None),
    "map001_leading_space": ("error", ("map",), "file", "unsafe"),
    "map002_no_rhs": ("error", ("map",), "file", None),
    "map003_line_too_long": ("error", ("map",), "file", None),
    "map004_duplicate_key": ("error", ("map",), "file", None),
    "map005_value": ("error", ("virtusertable", "genericstable", "domaintable"), "file", None),
    "map006_idna_key": ("warning", ("map",), "file", "unsafe"),
    "mt001_dot_without_bare": ("warning", ("mailertable",), "file", None),
    "mt002_rhs_form": ("error", ("mailertable",), "file", None),
    "mt003_undeclared_mailer": ("error", ("mailertable",), "file", None),
    "mt004_host_port": ("warning", ("mailertable",), "file", None),
    "mt005_no_brackets": ("info", ("mailertable",), "file", None),
    "mt006_local_domain": ("warning", ("mailertable",), "set", None),
    "ac001_ipv6_prefix": ("error", ("access",), "file", "unsafe"),
    "ac002_ipv6_form": ("warning", ("access",), "file", "unsafe"),
    "ac003_cidr": ("error", ("access",), "file", None),
    "ac004_unknown_tag": ("error", ("access",), "file", None),
    "ac005_value": ("error", ("access",), "file", None),
    "ac006_dot_key": ("warning", ("access",), "file", None),
    "ac007_skip": ("warning", ("access",), "file", None),
    "ac008_broad_relay": ("error", ("access",), "file", None),
    "ac009_tag_needs_feature": ("warning", ("access",), "file", None),
    "au001_key_port": ("error", ("authinfo",), "file", None),
    "au002_items": ("error", ("authinfo",), "file", None),
    "au003_optional": ("warning", ("mc",), "file", None),
    "au004_exposed": ("error", ("authinfo",), "set", None),
    "au005_unused_key": ("warning", ("authinfo",), "set", None),
    "au006_provider_basic_auth": ("info", ("authinfo",), "file", None),
    "rl001_host_port": ("error", ("mc",), "file", None),
    "rl002_define_after_mailer": ("error", ("mc",), "file", None),
    "rl003_access_relay": ("warning", ("access",), "set", None),
    "x001_map_without_feature": ("warning", ("mc", "map"), "set", None),
    "x002_feature_without_map": ("warning", ("mc",), "set", None),
    "x003_stale_db": ("warning", ("map",), "set", None),
    "x004_missing_db": ("info", ("map",), "set", None),
    "x005_virtuser_domain": ("warning", ("virtusertable",), "set", None),
    "x006_not_read": ("info", ("mc", "map"), "set", None),
    "x007_stale_cf": ("warning", ("mc",), "set", None),
    "x020_smart_host_own_domain": ("warning", ("mc",), "file", None),
}
"""``module -> (SEVERITY, KINDS, SCOPE, FIX)`` of every rule, in documentation order: what
choosing the rules of a run needs, without importing their modules (a test checks that
every module says the same)."""

RULE_MODULES = tuple(RULE_METADATA)
"""Rule modules in ``sendmailcfg/lint/rules/``, in documentation order."""


@attrs.frozen
class Rule:
    """A rule module seen through a typed facade; the module is imported when first used."""

    id: str
    name: str
    severity: str
    kinds: tuple[str, ...]
    scope: str
    fix: str | None = None
    """``"safe"``, ``"unsafe"`` or ``None`` (no fix at all)."""
    module_name: str = attrs.field(default="", kw_only=True, eq=False, repr=False)
    """The rule's module (``sendmailcfg.lint.rules.mc003_feature_after_mailer``)."""

    @classmethod
    def from_module(cls, module: ModuleType) -> Rule:
        return cls(
            module.ID,
            module.NAME,
            module.SEVERITY,
            tuple(module.KINDS),
            getattr(module, "SCOPE", "file"),
            getattr(module, "FIX", None),
            module_name=module.__name__,
        )

    @property
    def module(self) -> ModuleType:
        """The rule's module (imported on first use)."""
        return importlib.import_module(self.module_name)

    @property
    def doc(self) -> str:
        """The rule's documentation: its module docstring as written in the source.

        Read from the source, not ``__doc__``: Python 3.13 dedents docstrings when it
        compiles them and expands their TABs, and an example such as MC010's needs its TAB.
        """
        return _source_doc_of(self.module_name)

    @property
    def summary(self) -> str:
        """The first line of the documentation."""
        return self.doc.splitlines()[0] if self.doc else self.name

    def applies_to(self, kind: str) -> bool:
        """Whether the rule reads files of ``kind``."""
        return kind in self.kinds or ("map" in self.kinds and kind not in ("mc", "cf"))

    def check(self, *args: Any) -> Iterable[Any]:
        """Run the rule: ``(file, fileset)`` for file rules, ``(fileset,)`` for set rules."""
        found: Iterable[Any] = self.module.check(*args)
        return found


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


@functools.cache
def _all_rules() -> tuple[Rule, ...]:
    out = []
    for rule_id, name, module in registry():
        severity, kinds, scope, fix = RULE_METADATA[module]
        out.append(
            Rule(rule_id, name, severity, kinds, scope, fix, module_name=f"{__name__}.{module}")
        )
    return tuple(out)


def load_rules(kinds: Iterable[str] | None = None) -> tuple[Rule, ...]:
    """The registered rules (only those that read one of ``kinds``, when given).

    Built from :data:`RULE_METADATA`: a rule module is imported only when the rule runs,
    so linting a ``.mc`` does not import the map rules.
    """
    rules = _all_rules()
    if kinds is None:
        return rules
    wanted = set(kinds)
    return tuple(r for r in rules if any(r.applies_to(k) for k in wanted))


def rule_by_id(rule_id: str) -> Rule:
    """The rule with this id (``KeyError`` when there is none)."""
    for rule in _all_rules():
        if rule.id == rule_id:
            return rule
    raise KeyError(rule_id)
