"""argparse's help formatter for the command line, without ``shutil``'s imports.

Imported by :func:`sendmailcfg.cli.build_parser` only (``makemap`` parses its own flags
and never needs argparse).
"""

from __future__ import annotations

import argparse
import sys


class HelpFormatter(argparse.HelpFormatter):
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
