"""The docstring examples of the lint modules run as tests."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import sendmailcfg.lint
import sendmailcfg.lint.rules

MODULES = sorted(
    {
        "sendmailcfg.cli.lint",
        *(m.name for m in pkgutil.walk_packages(sendmailcfg.lint.__path__, "sendmailcfg.lint.")),
    }
)


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
