"""Every rule module follows the protocol; ids are unique and stable; each has a table test."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendmailcfg.lint.rules import RULE_METADATA, RULE_MODULES, Rule, load_rules, rule_by_id

RULES = load_rules()


def test_ids_and_names_are_unique() -> None:
    assert len({r.id for r in RULES}) == len(RULES) == len(RULE_MODULES)
    assert len({r.name for r in RULES}) == len(RULES)


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_protocol(rule: Rule) -> None:
    assert re.fullmatch(r"(MC|MAP|MT|AC|AU|RL|CF|X)\d{3}", rule.id)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", rule.name)
    assert rule.severity in ("error", "warning", "info")
    assert rule.scope in ("file", "set")
    assert rule.kinds and rule.doc and not rule.summary.endswith(" ")
    assert rule.module.__name__.rsplit(".", 1)[1].startswith(rule.id.lower())


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_rule_has_a_table_test(rule: Rule) -> None:
    folder = Path(__file__).parent / "rules"
    assert list(folder.glob(f"test_{rule.id.lower()}_*.py")), f"no table test for {rule.id}"


def test_rule_by_id() -> None:
    assert rule_by_id("MC003").name == "mc-feature-after-mailer"
    with pytest.raises(KeyError):
        rule_by_id("ZZ999")


def test_registry_matches_the_modules() -> None:
    from sendmailcfg.lint.rules import registry

    assert [(rid, name) for rid, name, _ in registry()] == [(r.id, r.name) for r in RULES]


def test_only_the_families_a_kind_needs_are_loaded() -> None:
    ids = {r.id for r in load_rules({"mc"})}
    assert (
        "MC001" in ids and "X002" in ids and not any(i.startswith(("MAP", "AC", "MT")) for i in ids)
    )
    assert {r.id[:2] for r in load_rules({"access"})} == {"MA", "AC", "RL", "X0"}


def test_fix_metadata() -> None:
    assert {r.fix for r in RULES} <= {None, "safe", "unsafe"}
    assert rule_by_id("MC014").fix == "safe" and rule_by_id("MC012").fix is None


@pytest.mark.parametrize("rule", RULES, ids=[r.id for r in RULES])
def test_the_metadata_table_says_what_the_module_says(rule: Rule) -> None:
    module = rule.module
    assert Rule.from_module(module) == rule
    assert (rule.id, rule.name) == (module.ID, module.NAME)
    name = module.__name__.rsplit(".", 1)[1]
    assert RULE_METADATA[name] == (
        module.SEVERITY,
        tuple(module.KINDS),
        getattr(module, "SCOPE", "file"),
        getattr(module, "FIX", None),
    )


def test_only_the_rules_that_read_a_kind_are_loaded() -> None:
    mc = {r.id for r in load_rules({"mc"})}
    relay = {"AU003", "RL001", "RL002"}
    mcs = {f"MC{i:03d}" for i in range(1, 19)}
    assert mc == mcs | {"X001", "X002", "X006", "X007", "X020"} | relay
    virtuser = {r.id for r in load_rules({"virtusertable"})}
    assert "X005" in virtuser and "MAP005" in virtuser and "X002" not in virtuser
