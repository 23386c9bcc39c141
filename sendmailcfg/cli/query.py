"""Ask what sendmail would decide: ``query mailertable ...``, ``query access ...``."""

from __future__ import annotations

import argparse
import importlib
import importlib.util

NAME = "query"
HELP = "ask what sendmail decides for addresses (mailertable) or clients (access)"

QUERY_KINDS: tuple[str, ...] = (
    "sendmailcfg.cli.query_mailertable",
    "sendmailcfg.cli.query_access",
    "sendmailcfg.cli.query_virtusertable",
    "sendmailcfg.cli.query_genericstable",
    "sendmailcfg.cli.query_domaintable",
)
"""Modules with ``NAME``, ``HELP``, ``configure`` and ``run``, one per map kind."""


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="map_kind", required=True, metavar="KIND")
    for name in QUERY_KINDS:
        if importlib.util.find_spec(name) is None:  # TEMPORARY: not landed yet
            continue
        module = importlib.import_module(name)
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.__doc__)
        module.configure(p)
        p.set_defaults(_query_run=module.run)


def run(args: argparse.Namespace) -> int:
    status: int = args._query_run(args)
    return status
