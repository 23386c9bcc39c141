"""The kinds are declared once (sendmailcfg.kinds.DECLARED); everything else follows it."""

from __future__ import annotations

import importlib
from typing import get_args

import pytest

from sendmailcfg import api, cli, kinds, maps
from sendmailcfg.cli.query import QUERY_KINDS
from sendmailcfg.mc.facts import FEATURE_OF_KIND, FEATURES, TABLE_FEATURES


def _literal(alias: object) -> set[str]:
    out: set[str] = set()
    for arg in get_args(alias):
        if isinstance(arg, str):
            out.add(arg)
        else:
            out |= _literal(arg)
    return out


def test_the_typing_literals_are_the_declared_kinds() -> None:
    assert _literal(api.Kind) == set(kinds.BY_NAME) == set(maps.KINDS)
    assert _literal(api.MapKind) == {k.name for k in kinds.DECLARED if k.is_map}
    assert tuple(k.name for k in kinds.DECLARED if k.is_map) == maps.MAP_KINDS


@pytest.mark.parametrize("kind", kinds.DECLARED, ids=[k.name for k in kinds.DECLARED])
def test_each_row_names_what_exists(kind: kinds.DeclaredKind) -> None:
    module, _, name = kind.document.partition(":")
    cls = getattr(importlib.import_module(module), name)
    assert type(api.loads("", kind.name)) is cls
    if kind.is_map:
        assert maps.document_class(kind.name) is cls
    if kind.feature is not None:
        assert kind.feature in FEATURES and kind.feature in TABLE_FEATURES
        assert FEATURE_OF_KIND[kind.name] == kind.feature
    if kind.prefix is not None:
        assert maps.infer_kind(f"/etc/mail/{kind.prefix}.local") == kind.name
    if kind.query is not None:
        assert kind.name == importlib.import_module(kind.query).NAME
        assert kind.query in QUERY_KINDS


def test_query_has_one_sub_command_per_declared_kind() -> None:
    assert len(QUERY_KINDS) == len([k for k in kinds.DECLARED if k.query])
    assert "sendmailcfg.cli.query" in cli.COMMANDS
