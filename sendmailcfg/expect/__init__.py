"""Expectations of a mail configuration, checked: what ``python -m sendmailcfg test`` runs.

An expectation file (TOML, ``*.sendmail-test.toml``) says where addresses must go, what
senders become, what the access map decides, what the virtusertable, genericstable and
domaintable return and what lint may report; :func:`load` reads one (each expectation
keeps its line), :func:`run` asks the configuration (:class:`Configuration`) and returns
one :class:`Outcome` each. The format: ``docs/testing-a-mail-configuration.md``.
"""

from __future__ import annotations

from sendmailcfg.expect.answers import ENGINE, Configuration
from sendmailcfg.expect.run import Outcome, check, run
from sendmailcfg.expect.schema import SUFFIX, Expectation, Problem, SiteSpec, load, parse_text

__all__ = [
    "ENGINE",
    "SUFFIX",
    "Configuration",
    "Expectation",
    "Outcome",
    "Problem",
    "SiteSpec",
    "check",
    "load",
    "parse_text",
    "run",
]
