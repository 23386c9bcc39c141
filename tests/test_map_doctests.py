"""The docstring examples of the map, mailertable and start-up modules run as tests."""

from __future__ import annotations

import doctest
import importlib

import pytest

MODULES = [
    "sendmailcfg._source",
    "sendmailcfg.cli",
    "sendmailcfg.maps.document",
    "sendmailcfg.maps.keys",
    "sendmailcfg.maps.kinds",
    "sendmailcfg.maps.makemap_reader",
    "sendmailcfg.maps.mailertable",
    "sendmailcfg.maps.mailertable.document",
    "sendmailcfg.maps.routing",
    "sendmailcfg.syntax.map_lark",
    "sendmailcfg.syntax.map_nodes",
    "sendmailcfg.syntax.map_parser",
]


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
