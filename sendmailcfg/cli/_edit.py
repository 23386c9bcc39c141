"""What every edit command shares: ``--check``, ``--diff``, ``--json``, ``--backup``, exit statuses.

An edit is a function from a loaded document to "did the text change"; :func:`run_edit`
loads the file under its lock (:func:`sendmailcfg.fileio.update`), refuses a file
that does not parse (exit 2, ``file:line:col`` messages, nothing written),
applies the edit, writes atomically unless ``--check``, and reports:

* text: the diff (``--diff``), then ``PATH: changed`` / ``PATH: unchanged``
  (``would change`` / ``no change needed`` with ``--check``);
* ``--json``: ``{"changed": bool, "diff": str, "path": str}`` and, when a backup
  was made, ``"backup": str``;
* the lint findings the edit brings in (compared with the file before it), as warnings on
  standard error (``"warnings"`` in JSON); ``--strict`` refuses such an edit.

Exit 0 on success (changed or not), 1 when ``--check`` finds a change (0 with ``--json``:
``"changed"`` says it), 2 for usage errors and unreadable or unparseable files, 3 when
``--strict`` refused the edit, 75 (``EX_TEMPFAIL``) when another program changed the file
between our read and our write (nothing written: run again).
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

    def __init__(self, lines: list[str], status: int = 2) -> None:
        super().__init__("\n".join(lines))
        self.lines = lines
        self.status = status


STRICT_REFUSED = 3
"""The exit status of an edit ``--strict`` refused (it would bring in lint findings)."""


def introduced(before: str, after: str, kind: str, path: str) -> list[Any]:
    """The lint findings (errors and warnings) of ``after`` that ``before`` does not have:
    what an edit brings in. File rules only (a rebuilt ``.db`` or ``.cf`` is ``make``'s
    business), with the configuration ``lint`` would use for ``path``; findings are
    compared by rule and message, so lines moved by the edit do not count."""
    import os

    from sendmailcfg.lint.config import ConfigError, LintConfig
    from sendmailcfg.lint.engine import lint_files, load_file
    from sendmailcfg.lint.rules import load_rules

    try:
        config = LintConfig.discover(os.path.dirname(os.path.abspath(path)))
    except (ConfigError, OSError):
        config = LintConfig()
    set_rules = tuple(r.id for r in load_rules({kind}) if r.scope == "set")
    import attrs

    config = attrs.evolve(config, ignore=(*config.ignore, *set_rules))

    def findings(text: str) -> list[Any]:
        found = lint_files([load_file(path, kind, text)], config)
        return [f for f in found if f.severity in ("error", "warning")]

    old: dict[tuple[str, str], int] = {}
    for f in findings(before):
        old[(f.rule, f.message)] = old.get((f.rule, f.message), 0) + 1
    new = []
    for f in findings(after):
        key = (f.rule, f.message)
        if old.get(key):
            old[key] -= 1
        else:
            new.append(f)
    return new


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
        "--strict",
        action="store_true",
        default=default,
        help="refuse (exit 3, nothing written) an edit that brings in new lint findings",
    )
    g.add_argument(
        "--backup",
        action="store_true",
        default=default,
        help="before changing the file, copy it to FILE.PID.YYYY-MM-DD@HH:MM:SS~",
    )


def _warning_line(f: Any) -> str:
    from sendmailcfg.lint.formats import escape

    hint = f" ({escape(f.hint)})" if f.hint else ""
    return (
        f"{escape(f.path)}:{f.line}:{f.column}: warning: the edit brings in "
        f"{f.severity} {f.rule} {escape(f.message)}{hint}"
    )


def add_json_flag(parser: argparse.ArgumentParser, *, suppress: bool = False) -> None:
    """``--json`` on a read command (``suppress``: on a sub-command, keep an earlier one)."""
    default: Any = argparse.SUPPRESS if suppress else False
    parser.add_argument(
        "--json", action="store_true", default=default, help="print the answer as JSON"
    )


def blocking(diagnostics: list[Diagnostic], path: str) -> list[str]:
    """The diagnostics formatted ``path:line:col: ...`` (for refusing a file)."""
    return [f"{d.format(path)} [{d.code}]" for d in diagnostics]


def load_for_edit(
    data: bytes,
    kind: str,
    path: str,
    refuse: Callable[[Any], list[Diagnostic]],
    *,
    reading: bool = False,
) -> Any:
    """Parse ``data``; raise :class:`Refused` when ``refuse(doc)`` names problems
    (``reading``: the command only reads the file, and says so)."""
    refuse_binary(data, path)
    doc = loads(_source.decode(data), kind, path=path)
    problems = refuse(doc)
    if problems:
        why = (
            "cannot read its settings: fix the problems above first"
            if reading
            else "not edited: fix the problems above first (the file is unchanged)"
        )
        raise Refused([*blocking(problems, path), f"{path}: {why}"])
    return doc


def is_berkeley_db(data: bytes) -> bool:
    """Whether ``data`` is a Berkeley DB hash or btree file (a makemap ``.db``).

    >>> is_berkeley_db(bytes(12) + bytes.fromhex("61150600") + bytes(100))
    True
    >>> is_berkeley_db(b"example.org smtp:[mx.example.org]")
    False
    """
    if len(data) < 16:
        return False
    from sendmailcfg.output import bdb

    return bdb.detect(data) is not None


def berkeley_db_message(path: str) -> str:
    """What to say about a ``.db`` given where a source belongs."""
    return (
        f"{path}: this is a Berkeley DB file (a built map), not a map source: "
        f"use `query` or `makemap -u` to read it, and edit its source"
    )


def refuse_binary(data: bytes, path: str) -> None:
    """Raise :class:`Refused` for a Berkeley DB file given as a source."""
    if is_berkeley_db(data):
        raise Refused([berkeley_db_message(path)])


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
    warnings: list[Any] = []
    strict = bool(getattr(args, "strict", False))

    def change(data: bytes) -> bytes:
        doc = load_for_edit(data, kind, path, refuse)
        before = doc.text
        try:
            edit(doc)
        except (SendmailcfgError, ValueError) as exc:
            raise Refused([f"{path}: {exc}"]) from None
        if doc.text != before:
            warnings.extend(introduced(before, doc.text, kind, path))
            if strict and warnings:
                raise Refused(
                    [
                        *(_warning_line(f) for f in warnings),
                        f"{path}: not edited: --strict refuses an edit that brings in lint "
                        "findings (the file is unchanged)",
                    ],
                    STRICT_REFUSED,
                )
        return _source.encode(doc.text)

    try:
        result = fileio.update(
            path, change, check=args.check, backup=args.backup, missing_ok=missing_ok
        )
    except Refused as exc:
        if args.json and exc.status == STRICT_REFUSED:
            print(
                json.dumps(
                    {
                        "changed": False,
                        "diff": "",
                        "path": path,
                        "refused": True,
                        "warnings": [f.as_dict() for f in warnings],
                    }
                )
            )
            return exc.status
        for line in exc.lines:
            print(line, file=sys.stderr)
        return exc.status
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
        if warnings:
            out["warnings"] = [f.as_dict() for f in warnings]
        print(json.dumps(out))
    else:
        for f in warnings:
            print(_warning_line(f), file=sys.stderr)
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
    # --check: exit 1 says "would change"; with --json the "changed" key says it, exit 0, so
    # Ansible's check mode does not read a pending change as a failure
    return 1 if args.check and result.changed and not args.json else 0
