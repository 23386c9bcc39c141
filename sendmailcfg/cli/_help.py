"""argparse's help formatter for the command line, without ``shutil``'s imports.

Imported by :func:`sendmailcfg.cli.build_parser` only (``makemap`` parses its own flags
and never needs argparse).
"""

from __future__ import annotations

import argparse
import re
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any


class _WidthFormatter(argparse.HelpFormatter):
    """argparse's formatter, with the terminal width found without importing ``shutil``.

    argparse makes a formatter for every ``add_argument`` (to check the metavar) and its
    default one imports ``shutil`` (and with it ``bz2``, ``lzma``...) for the width. The
    width is what ``shutil.get_terminal_size()`` gives: ``$COLUMNS``, else the terminal's,
    else 80.
    """

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


def terminal_columns() -> int:
    """The columns of ``shutil.get_terminal_size()``, computed as it does.

    >>> import os, shutil
    >>> terminal_columns() == shutil.get_terminal_size().columns
    True
    """
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80
    return size.columns or 80


def program_name(argv0: str | None = None) -> str:
    """The name the user ran: ``sendmailcfg`` for the console script, else ``python -m
    sendmailcfg`` (``__main__.py``, ``-c``, an interpreter, a test runner).

    >>> program_name("/usr/local/bin/sendmailcfg"), program_name("/x/sendmailcfg/__main__.py")
    ('sendmailcfg', 'python -m sendmailcfg')
    """
    import os

    if argv0 is None:
        argv0 = sys.argv[0] if sys.argv else ""
    base = os.path.basename(argv0)
    if base.startswith("sendmailcfg") and not base.endswith(".py"):
        return base
    return "python -m sendmailcfg"


_ROLE = re.compile(r":[a-z]+:`~?([^`]*)`")
_LITERAL = re.compile(r"``(.*?)``")


def plain(text: str) -> str:
    r"""A docstring as plain text for ``--help``: ``literal`` and :role:`target` markup gone.

    >>> plain("uses ``m4`` (see :func:`sendmailcfg.api.load`)")
    'uses m4 (see sendmailcfg.api.load)'
    """
    return _LITERAL.sub(r"\1", _ROLE.sub(r"\1", text))


class HelpFormatter(_WidthFormatter):
    """Plain-text help: markup removed, paragraphs filled, bullet lists kept as lists, the
    epilog (examples) printed as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        import textwrap

        text = plain(text)
        if text.startswith("examples:\n"):  # an epilog: shell lines, kept verbatim
            return "\n".join(indent + line for line in text.splitlines())
        out: list[str] = []
        for para in re.split(r"\n\s*\n", text.strip("\n")):
            lines = textwrap.dedent(para).splitlines()
            items: list[list[str]] = []
            for line in lines:
                if re.match(r"\s*[*-] ", line) or not items:
                    items.append([line.strip()])
                else:
                    items[-1].append(line.strip())
            for item in items:
                words = " ".join(item)
                bullet = re.match(r"[*-] ", words)
                sub = indent + ("  " if bullet else "")
                out.append(
                    textwrap.fill(words, width, initial_indent=indent, subsequent_indent=sub)
                )
            out.append("")
        return "\n".join(out[:-1])


class Parser(argparse.ArgumentParser):
    """argparse's parser as every command uses it: no abbreviated options (``--selec`` is
    not ``--select``), plain-text help, and an unknown argument reported by the (sub)command
    that got it, with that command's usage line."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["allow_abbrev"] = False
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        ns, extras = super().parse_known_args(args, namespace)
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return ns, extras


def inherit_options(parser: argparse.ArgumentParser) -> None:
    """Let every sub-command take its parent's options too, so options are valid before or
    after the positional arguments (``map FILE set KEY VALUE --kind access`` is ``map FILE
    --kind access set KEY VALUE``). A copy leaves a value given before the sub-command alone
    (its default is ``SUPPRESS``); an option the sub-command has itself is kept as it is."""
    subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for action in subs:
        for child in set(action.choices.values()):
            have = {s for a in child._actions for s in a.option_strings}
            for a in parser._actions:
                if not a.option_strings or have & set(a.option_strings):
                    continue
                kwargs = _copy_kwargs(a)
                if kwargs is not None:
                    child.add_argument(*a.option_strings, **kwargs)
            inherit_options(child)


def _copy_kwargs(a: argparse.Action) -> dict[str, Any] | None:
    common: dict[str, Any] = {"dest": a.dest, "default": argparse.SUPPRESS, "help": a.help}
    if isinstance(a, argparse._StoreTrueAction):
        return {**common, "action": "store_true"}
    if isinstance(a, argparse._StoreFalseAction):
        return {**common, "action": "store_false"}
    if isinstance(a, argparse._CountAction):
        return {**common, "action": "count"}
    if isinstance(a, (argparse._StoreAction, argparse._AppendAction)):
        kind = "append" if isinstance(a, argparse._AppendAction) else "store"
        out = {**common, "action": kind, "metavar": a.metavar, "type": a.type}
        if a.choices is not None:
            out["choices"] = a.choices
        if a.nargs is not None:
            out["nargs"] = a.nargs
        return out
    return None  # --help, --version: the sub-command has its own
