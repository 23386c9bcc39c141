"""What every map query shares: its common arguments, opening the map, and printing answers.

``query virtusertable``, ``genericstable`` and ``domaintable`` answer each query with one
result object that has ``key``, ``result``, ``line`` (and, for virtusertable, ``error``)
and ``explain()``; :func:`answer_each` runs the queries and prints them as text or JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from sendmailcfg import fileio
from sendmailcfg.terminal import escape_lines


def add_common(
    parser: argparse.ArgumentParser,
    what: str,
    *,
    reads_db: bool = False,
    address_help: str = "user@domain",
) -> None:
    """FILE, ADDRESS..., --json, --explain and -f, as every map query has them."""
    source = "source, or the .db built from it" if reads_db else "source (text, not .db)"
    parser.add_argument("file", metavar="FILE", help=f"the {what} {source}")
    parser.add_argument("addresses", nargs="+", metavar="ADDRESS", help=address_help)
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument(
        "--explain", action="store_true", help="also list every key tried and what it found"
    )
    parser.add_argument(
        "-f",
        "--no-fold",
        action="store_true",
        help="keys are case-sensitive (map built with makemap -f and K... -f)",
    )


def with_unmodelled(args: argparse.Namespace, obj: dict[str, Any]) -> dict[str, Any]:
    """``obj`` with ``"unmodelled"``: what the ``--config`` configuration does that the
    model does not follow (``{"what", "why", "path", "line"}`` each), when there is any."""
    items = getattr(args, "_unmodelled", ())
    if not items:
        return obj
    return {**obj, "unmodelled": list(items)}


def unmodelled_of(site: Any) -> list[dict[str, Any]]:
    """The JSON items of ``site.unmodelled`` (see :func:`with_unmodelled`)."""
    return [
        {"what": u.value, "why": u.what, "path": u.path, "line": u.line} for u in site.unmodelled
    ]


def load(path: str, kind: str, no_fold: bool) -> Any:
    """The document, or None after printing why it cannot be read."""
    from sendmailcfg import api

    try:
        return api.load(path, kind, fold_keys=not no_fold)
    except OSError as exc:
        print(f"{path}: cannot read: {fileio.describe(exc)}", file=sys.stderr)
        return None


def as_json(query: str, r: Any) -> dict[str, Any]:
    """One answer as the JSON object the issue names (the result's own ``as_json``)."""
    found: dict[str, Any] = r.as_json(query)
    return found


def as_text(query: str, r: Any) -> str:
    """One answer as a line (the result's own ``summary``)."""
    return str(r.summary(query))


def answer_each(args: argparse.Namespace, kind: str, ask: Callable[[Any, str], Any]) -> int:
    """Open ``args.file`` as ``kind``, ``ask(doc, query)`` for each query, print; the status.

    A query the map cannot take (``ValueError``) is a usage error: exit 2, nothing printed.
    """
    doc = load(args.file, kind, args.no_fold)
    if doc is None:
        return 2
    results = []
    for query in args.addresses:
        try:
            results.append((query, ask(doc, query)))
        except ValueError as exc:
            print(f"query {kind}: {exc}", file=sys.stderr)
            return 2
    if args.json:
        print(
            json.dumps(
                [with_unmodelled(args, as_json(q, r)) for q, r in results],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    for query, r in results:
        print(escape_lines(r.explain() if args.explain else as_text(query, r)))
    return 0
