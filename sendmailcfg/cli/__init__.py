"""The command line: ``python -m sendmailcfg COMMAND ...``.

Each command lives in its own module with ``NAME``, ``HELP``,
``configure(parser)`` and ``run(args) -> int`` (the exit status). Exit
statuses: 0 success, 1 findings/problems, 2 usage errors and unreadable files.

A command's module is named after the command (``sendmailcfg.cli.lint`` is
``lint``), so a run imports only the module of the command it runs, and what
that module imports: start-up stays short. ``--help``, no command, or a name
that is no command import them all, to list every command with its help.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: a quick command imports neither argparse nor typing
    import argparse
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
    "sendmailcfg.cli.bt",
    "sendmailcfg.cli.completion",
    "sendmailcfg.cli.man",
    "sendmailcfg.cli.test",
    "sendmailcfg.cli.relay",
)
"""Command modules, in help order."""


def build_parser(only: str | None = None, prog: str | None = None) -> argparse.ArgumentParser:
    """The argparse parser with every command registered (``only``: just that command).

    ``prog`` is the name in usage lines and errors (default: the program the user ran,
    :func:`sendmailcfg.cli._help.program_name`). No option may be abbreviated, and an
    unknown argument is reported by the command that got it.

    >>> parser = build_parser()
    >>> parser.parse_args(["check", "mailertable"]).command
    'check'
    """
    import importlib

    from sendmailcfg.cli._help import HelpFormatter, Parser, inherit_options, program_name

    parser = Parser(
        prog=prog or program_name(),
        description="Parse, query, edit, build and lint sendmail .mc files and map sources.",
        epilog=EXAMPLES,
    )
    from sendmailcfg._version import __version__

    parser.add_argument("--version", action="version", version=f"sendmailcfg {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name in COMMANDS:
        if only is not None and name.rsplit(".", 1)[1] != only:
            continue
        module = importlib.import_module(name)
        if only is not None and only != module.NAME:
            return build_parser(prog=prog)  # a module named unlike its command: register all
        p = sub.add_parser(
            module.NAME,
            help=module.HELP,
            description=module.__doc__,
            formatter_class=HelpFormatter,
            epilog=getattr(module, "EXAMPLES", None),
        )
        module.configure(p)
        inherit_options(p)
        p.set_defaults(_run=module.run)
    return parser


EXAMPLES = """examples:
  sendmailcfg mc sendmail.mc set SMART_HOST relay.example.net --diff
  sendmailcfg map mailertable set example.org 'smtp:[mx.example.org]'
  sendmailcfg lint /etc/mail
  sendmailcfg make /etc/mail install
  sendmailcfg COMMAND --help"""


def command_of(argv: Sequence[str]) -> str | None:
    """The command an argument list runs, if it names one (else None: build every command).

    >>> command_of(["lint", "-"]), command_of(["--help"]), command_of(["nothing"])
    ('lint', None, None)
    """
    if not argv or argv[0].startswith("-"):
        return None
    name = argv[0]
    if f"sendmailcfg.cli.{name}" not in COMMANDS:
        return None
    return name


EX_INTERRUPTED = 130
"""The exit status after Ctrl-C (SIGINT): 128 + 2, as a shell reports it."""
EX_TERMINATED = 143
"""The exit status after SIGTERM: 128 + 15."""


def _terminated(signum: int, _frame: object) -> None:
    """SIGTERM: unwind like an exception, so temporary files are removed on the way out."""
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns its exit status.

    SIGTERM ends the command with status 143 and SIGINT (Ctrl-C) with 130, without
    a traceback; either way a file being written is left whole (its temporary is
    removed, an in-place write finishes first).
    """
    # the C module: ``signal`` imports ``enum`` for its constants, 1.5 ms of every start
    signal = __import__("_signal")
    try:
        before = signal.signal(signal.SIGTERM, _terminated)
    except ValueError:  # not the main thread: signals are not ours to handle
        before = None
    args_list = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(args_list)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EX_INTERRUPTED
    finally:
        if before is not None:
            signal.signal(signal.SIGTERM, before)


_DASHES = "\0--"
"""An operand ``--`` after the ``--`` that ends the options, while argparse reads the line
(a NUL is never in argv): Python 3.11's argparse drops it, so ``mc FILE set -- NAME --``
set NAME to an empty list."""


def _operands_kept(args: list[str]) -> list[str]:
    """``args`` with every ``--`` after the first one (operands, not the end of options)
    hidden from argparse; :func:`_restore_operands` gives them back."""
    if "--" not in args:
        return args
    first = args.index("--") + 1
    return args[:first] + [_DASHES if a == "--" else a for a in args[first:]]


def _restore_operands(args: object) -> None:
    for key, value in vars(args).items():
        if value == _DASHES:
            setattr(args, key, "--")
        elif isinstance(value, list) and _DASHES in value:
            setattr(args, key, ["--" if v == _DASHES else v for v in value])


def _main(args_list: list[str]) -> int:
    try:
        if command_of(args_list) == "makemap":  # parses its own flags, as makemap does
            from sendmailcfg.cli import makemap

            return makemap.main(args_list[1:])
        parser = build_parser(command_of(args_list))
        args = parser.parse_args(_operands_kept(args_list))
        _restore_operands(args)
        status: int = args._run(args)
    except BrokenPipeError:  # e.g. piped into head
        sys.stderr.close()
        return 1
    return status
