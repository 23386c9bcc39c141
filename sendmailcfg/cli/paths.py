"""Shared CLI helpers: the files a command reads, and reading them safely.

Folders are walked as ``lint`` walks them (:func:`sendmailcfg.lint.walk.collect`), and files
are read as ``lint`` reads them (:func:`sendmailcfg.lint.walk.read_source`): a FIFO, socket
or device is never opened, an over-large file is not read.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator

from sendmailcfg import fileio
from sendmailcfg.lint.walk import Skipped, collect, read_source

expand = collect
"""``(path, kind)`` for each file, walking folders for files of a known kind."""


def read_each(found: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, bytes | None]]:
    """``(path, kind, bytes)`` for each file; ``None`` (reported on stderr) when unreadable.

    A file that is not a regular file, or too large, is reported and left out.
    """
    for path, kind in found:
        try:
            data = read_source(path, kind)
        except OSError as exc:
            print(f"{path}: cannot read: {fileio.describe(exc)}", file=sys.stderr)
            yield path, kind, None
            continue
        if isinstance(data, Skipped):
            print(f"{path}: not read: {data.reason}", file=sys.stderr)
            continue
        yield path, kind, data
