"""What every edit command shares: ``--check``, ``--diff``, ``--json``, ``--backup``, exit statuses.

An edit is a function from a loaded document to "did the text change"; :func:`run_edit`
loads the file under its lock (:func:`sendmailcfg.fileio.update`), refuses a file
that does not parse (exit 2, ``file:line:col`` messages, nothing written),
applies the edit, writes atomically unless ``--check``, and reports:

* text: the diff (``--diff``), then ``PATH: changed`` / ``PATH: unchanged``
  (``would change`` / ``no change needed`` with ``--check``);
* ``--json``: ``{"changed": bool, "diff": str, "path": str}`` and, when a backup
  was made, ``"backup": str``.

Exit 0 on success (changed or not), 1 when ``--check`` finds a change, 2 for
usage errors and unreadable or unparseable files, 75 (``EX_TEMPFAIL``) when another
program changed the file between our read and our write (nothing written: run again).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from sendmailcfg import _source, fileio
from sendmailcfg.api import loads
from sendmailcfg.errors import Diagnostic, SendmailcfgError
from sendmailcfg.terminal import escape
from sendmailcfg.textdiff import unified_diff

Edit = Callable[[Any], bool]
"""An edit of a loaded document: returns True when it changed the text."""


class Refused(Exception):
    """The file cannot be edited (it does not parse, or the edit is not possible)."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines


def add_edit_flags(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """``--check``, ``--diff``, ``--json``, ``--backup`` on a command or its sub-commands.

    ``suppress=True`` (on sub-commands) leaves a flag given before the action alone.
    """
    g = parser.add_argument_group("edit options")
    default: Any = argparse.SUPPRESS if suppress else False
    g.add_argument(
        "--check",
        action="store_true",
        default=default,
        help="write nothing; exit 1 (and say so) when the edit would change the file",
    )
    g.add_argument(
        "--diff", action="store_true", default=default, help="print the unified diff of the edit"
    )
    g.add_argument(
        "--json",
        action="store_true",
        default=default,
        help='print {"changed": bool, "diff": str, "path": str} (and "backup" when made)',
    )
    g.add_argument(
        "--backup",
        action="store_true",
        default=default,
        help="before changing the file, copy it to FILE.PID.YYYY-MM-DD@HH:MM:SS~",
    )


def blocking(diagnostics: list[Diagnostic], path: str) -> list[str]:
    """The diagnostics formatted ``path:line:col: ...`` (for refusing a file)."""
    return [f"{d.format(path)} [{d.code}]" for d in diagnostics]


def load_for_edit(
    data: bytes, kind: str, path: str, refuse: Callable[[Any], list[Diagnostic]]
) -> Any:
    """Parse ``data``; raise :class:`Refused` when ``refuse(doc)`` names problems."""
    doc = loads(_source.decode(data), kind, path=path)
    problems = refuse(doc)
    if problems:
        raise Refused(
            [
                *blocking(problems, path),
                f"{path}: not edited: fix the problems above first (the file is unchanged)",
            ]
        )
    return doc


def run_edit(
    args: argparse.Namespace,
    kind: str,
    edit: Edit,
    *,
    refuse: Callable[[Any], list[Diagnostic]],
    missing_ok: bool = False,
) -> int:
    """Apply ``edit`` to ``args.file`` (kind ``kind``) with the shared flags; the exit status."""
    path: str = args.file

    def change(data: bytes) -> bytes:
        doc = load_for_edit(data, kind, path, refuse)
        try:
            edit(doc)
        except (SendmailcfgError, ValueError) as exc:
            raise Refused([f"{path}: {exc}"]) from None
        return _source.encode(doc.text)

    try:
        result = fileio.update(
            path, change, check=args.check, backup=args.backup, missing_ok=missing_ok
        )
    except Refused as exc:
        for line in exc.lines:
            print(line, file=sys.stderr)
        return 2
    except fileio.ChangedMeanwhileError as exc:
        print(escape(str(exc)), file=sys.stderr)
        return fileio.EX_TEMPFAIL
    except FileNotFoundError as exc:
        print(f"{escape(path)}: cannot read: {fileio.describe(exc)}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"{escape(path)}: cannot edit: {fileio.describe(exc)}", file=sys.stderr)
        return 2
    before = _source.decode(result.before or b"")
    after = _source.decode(result.after)
    diff = unified_diff(before, after, path) if result.changed else ""
    if args.json:
        out: dict[str, object] = {"changed": result.changed, "diff": diff, "path": path}
        if result.backup is not None:
            out["backup"] = result.backup
        print(json.dumps(out))
    else:
        if args.diff and diff:
            sys.stdout.flush()
            sys.stdout.buffer.write(_source.encode(diff))
            sys.stdout.buffer.flush()
        if args.check:
            print(f"{path}: {'would change' if result.changed else 'no change needed'}")
        else:
            print(f"{path}: {'changed' if result.changed else 'unchanged'}")
        if result.backup is not None:
            print(f"{path}: backup in {result.backup}")
    return 1 if args.check and result.changed else 0
