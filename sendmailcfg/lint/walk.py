r"""Find and read the files to lint, safely: never open a FIFO, socket or device, never
read a file larger than the limit.

A folder laid out like ``/etc/mail`` may hold anything: a FIFO would make a
naive reader hang, a device would be read forever, a huge file would eat
memory. :func:`read_source` looks before it reads (``stat``, then ``open``
with ``O_NONBLOCK`` and ``fstat`` again, in case the file was swapped) and
returns a :class:`Skipped` for those, which the linter reports (rule X006).

>>> import os, tempfile
>>> d = tempfile.mkdtemp()
>>> os.mkfifo(os.path.join(d, "access"))
>>> read_source(os.path.join(d, "access")).reason
'a FIFO'
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable

import attrs

from sendmailcfg import fileio
from sendmailcfg.lint.config import DEFAULT_MAX_FILE_SIZE
from sendmailcfg.maps.kinds import infer_kind

SKIPPED_SUFFIXES = (".db", "~", ".bak", ".orig")
"""Names a folder walk leaves out (databases, editor and package-manager leftovers)."""


@attrs.frozen
class Skipped:
    """A file that was not read, and why (``a FIFO``, ``a socket``, ``too large``...)."""

    path: str
    kind: str
    reason: str
    size: int = 0


def read_source(
    path: str, kind: str = "", max_size: int = DEFAULT_MAX_FILE_SIZE
) -> bytes | Skipped:
    """The file's bytes, or a :class:`Skipped` when it is not a regular file or is larger
    than ``max_size`` bytes (read with :func:`sendmailcfg.fileio.read_bytes`, the reader
    every command uses). ``OSError`` when it cannot be read."""
    try:
        return fileio.read_bytes(path, max_size=max_size)
    except fileio.NotRegularFileError as exc:
        return Skipped(path, kind, exc.what)
    except fileio.FileTooLargeError as exc:
        return Skipped(path, kind, "too large", exc.size)


def collect(paths: Iterable[str], kind: str | None = None) -> tuple[list[tuple[str, str]], bool]:
    """``(path, kind)`` for each file to lint, walking folders for files of a known kind.

    Returns the list and whether every path could be used; problems are reported on
    standard error. Symbolic links to folders are not followed; special files are
    listed (``read_source`` reports them without opening them).
    """
    found: list[tuple[str, str]] = []
    ok = True
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    k = kind or infer_kind(name)
                    if k is not None and not name.endswith(SKIPPED_SUFFIXES):
                        found.append((os.path.join(root, name), k))
        elif os.path.lexists(path):
            k = kind or infer_kind(path)
            if k is None:
                print(
                    f"{path}: cannot tell the kind of this file from its name; use --kind",
                    file=sys.stderr,
                )
                ok = False
            else:
                found.append((path, k))
        else:
            print(f"{path}: no such file or directory", file=sys.stderr)
            ok = False
    return found, ok
