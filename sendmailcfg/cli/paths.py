"""Shared CLI helpers: expanding folders into known files, reporting unreadable ones."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Iterator

from sendmailcfg import fileio
from sendmailcfg.maps import infer_kind


def expand(paths: Iterable[str], kind: str | None = None) -> tuple[list[tuple[str, str]], bool]:
    """``(path, kind)`` for each file, walking folders for files of a known kind.

    Returns the list and whether every path could be used; problems are
    reported on stderr.
    """
    found: list[tuple[str, str]] = []
    ok = True
    for path in paths:
        if os.path.isdir(path):
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    full = os.path.join(root, name)
                    k = kind or infer_kind(name)
                    if k is not None and not name.endswith((".db", "~", ".bak", ".orig")):
                        found.append((full, k))
        elif os.path.exists(path):
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


def read_each(found: Iterable[tuple[str, str]]) -> Iterator[tuple[str, str, bytes | None]]:
    """``(path, kind, bytes)`` for each file; ``None`` (reported on stderr) when unreadable."""
    for path, kind in found:
        try:
            data: bytes | None = fileio.read_bytes(path)
        except OSError as exc:
            print(f"{path}: cannot read: {exc.strerror}", file=sys.stderr)
            data = None
        yield path, kind, data
