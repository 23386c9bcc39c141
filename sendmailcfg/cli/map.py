"""Edit a makemap source (mailertable, access, virtusertable, ...) one key at a time.

``set KEY VALUE`` changes the key's line in place or adds one (a missing file
is created), ``delete KEY`` removes every line of the key, ``get KEY`` prints
what makemap would store for it (exit 1 when absent). Keys are matched as
makemap stores them (lower-cased). The kind comes from the file name or
``--kind``. Edits take ``--check``, ``--diff``, ``--json`` and ``--backup``;
they are atomic, locked, and never rewrite a file with lines makemap rejects.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from sendmailcfg import _source, fileio
from sendmailcfg.cli._edit import (
    Refused,
    add_edit_flags,
    add_json_flag,
    load_for_edit,
    run_edit,
)
from sendmailcfg.errors import Diagnostic
from sendmailcfg.maps import infer_kind
from sendmailcfg.maps.kinds import MAP_KINDS
from sendmailcfg.terminal import escape

NAME = "map"
HELP = "edit a map source: set, delete or get one key (idempotent; --check, --diff, --json)"

EXAMPLES = """examples:
  sendmailcfg map mailertable set example.org 'smtp:[mx.example.org]' --diff
  sendmailcfg map access get Connect:10.0.0.1 --json
  sendmailcfg map --kind access blocklist delete spam.example"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the map source (mailertable, access, ...)")
    parser.add_argument("--kind", choices=MAP_KINDS, help="kind of the file (default: from name)")
    add_edit_flags(parser)
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = sub.add_parser("set", help="make KEY map to VALUE (changes its line, or adds one)")
    p.add_argument("key", metavar="KEY")
    p.add_argument("value", metavar="VALUE")
    add_edit_flags(p, suppress=True)
    p = sub.add_parser("delete", help="remove every line for KEY")
    p.add_argument("key", metavar="KEY")
    add_edit_flags(p, suppress=True)
    p = sub.add_parser("get", help="print KEY's value (exit 1 when it has none)")
    p.add_argument("key", metavar="KEY")
    add_json_flag(p, suppress=True)


def refuse(doc: Any) -> list[Diagnostic]:
    """Lines makemap rejects (a repeated key is allowed: ``set`` changes the one in force)."""
    diags: list[Diagnostic] = doc.diagnostics
    return [d for d in diags if d.code != "duplicate-key"]


def kind_of(args: argparse.Namespace) -> str | None:
    """The map kind from ``--kind`` or the file name (None, reported, when neither says)."""
    kind: str | None = args.kind or infer_kind(args.file)
    if kind is None or kind in ("mc", "cf"):
        print(
            f"{args.file}: cannot tell the kind of this map from its name; "
            f"use --kind ({', '.join(MAP_KINDS)})",
            file=sys.stderr,
        )
        return None
    return kind


def _get(args: argparse.Namespace, kind: str) -> int:
    try:
        data = fileio.read_bytes(args.file)
    except OSError as exc:
        print(f"{escape(args.file)}: cannot read: {fileio.describe(exc)}", file=sys.stderr)
        return 2
    try:
        doc = load_for_edit(data, kind, args.file, lambda _d: [], reading=True)
    except Refused as exc:  # a .db given for its source
        print(exc, file=sys.stderr)
        return 2
    value = doc.get(args.key)
    if args.json:
        print(json.dumps({"key": args.key, "value": value, "path": args.file}, ensure_ascii=False))
        return 0 if value is not None else 1
    if value is None:
        return 1
    if sys.stdout.isatty():  # raw for scripts, shown (not obeyed) on a terminal
        value = escape(value)
    sys.stdout.flush()
    sys.stdout.buffer.write(_source.encode(value) + b"\n")
    sys.stdout.buffer.flush()
    return 0


def run(args: argparse.Namespace) -> int:
    kind = kind_of(args)
    if kind is None:
        return 2
    if args.action == "get":
        return _get(args, kind)
    if args.action == "set":
        edit: Callable[[Any], bool] = lambda doc: bool(doc.set(args.key, args.value))  # noqa: E731
    else:
        edit = lambda doc: bool(doc.remove(args.key))  # noqa: E731
    return run_edit(args, kind, edit, refuse=refuse, missing_ok=True)
