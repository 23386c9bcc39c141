"""The command line: ``python -m sendmailcfg COMMAND ...``.

Each command lives in its own module with ``NAME``, ``HELP``,
``configure(parser)`` and ``run(args) -> int`` (the exit status). Exit
statuses: 0 success, 1 findings/problems, 2 usage errors and unreadable files.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from collections.abc import Sequence

COMMANDS = (
    "sendmailcfg.cli.check",
    "sendmailcfg.cli.query",
    "sendmailcfg.cli.lint",
    "sendmailcfg.cli.rule",
    "sendmailcfg.cli.makemap",
    "sendmailcfg.cli.mc",
    "sendmailcfg.cli.map",
    "sendmailcfg.cli.render",
    "sendmailcfg.cli.make",
    "sendmailcfg.cli.route",
    "sendmailcfg.cli.sender",
)
"""Command modules, in help order (TEMPORARY: a module not yet written is skipped)."""


def build_parser() -> argparse.ArgumentParser:
    """The argparse parser with every command registered."""
    parser = argparse.ArgumentParser(
        prog="python -m sendmailcfg",
        description="Parse, query, edit, build and lint sendmail .mc files and map sources.",
    )
    from sendmailcfg._version import __version__

    parser.add_argument("--version", action="version", version=f"sendmailcfg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        if importlib.util.find_spec(name) is None:  # TEMPORARY: not landed yet
            continue
        module = importlib.import_module(name)
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.__doc__)
        module.configure(p)
        p.set_defaults(_run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        status: int = args._run(args)
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        return 1
    return status
