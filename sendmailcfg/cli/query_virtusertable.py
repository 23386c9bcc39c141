"""What sendmail 8.17 does with each recipient ADDRESS through this virtusertable.

One line per address, or with --json an array of objects with the keys
"address", "key" (the matched key or null), "result" (the new address, or
null), "error" ({"code", "reply"} for an error: value, or null; "reply" is
the SMTP reply sendmail sends) and "line". Only domains in class w (--local)
or VIRTUSER_DOMAIN (--domain; with --entire-domain their subdomains too) are
looked up. Exit status: 0 when every address was answered, 2 for usage errors
and unreadable files.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

NAME = "virtusertable"
HELP = "which virtusertable entry takes a recipient, and what it becomes"


def add_common(parser: argparse.ArgumentParser, what: str) -> None:
    """FILE, ADDRESS..., --json, --explain and -f, as every map query has them."""
    parser.add_argument("file", metavar="FILE", help=f"the {what} source (text, not .db)")
    parser.add_argument("addresses", nargs="+", metavar="ADDRESS", help="user@domain")
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


def configure(parser: argparse.ArgumentParser) -> None:
    add_common(parser, "virtusertable")
    parser.add_argument(
        "--local",
        action="append",
        default=[],
        metavar="NAME",
        help="one of this host's own names (class w; repeatable)",
    )
    parser.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="NAME",
        help="a VIRTUSER_DOMAIN (class {VirtHost}; repeatable)",
    )
    parser.add_argument(
        "--entire-domain",
        action="store_true",
        help="FEATURE(`virtuser_entire_domain'): subdomains of --domain names too",
    )
    parser.add_argument(
        "--host-name",
        metavar="NAME",
        help="this host's canonical name $j (localhost is renamed to it)",
    )


def load(path: str, kind: str, no_fold: bool) -> Any:
    """The document, or None after printing why it cannot be read."""
    from sendmailcfg import api

    try:
        return api.load(path, kind, fold_keys=not no_fold)
    except OSError as exc:
        print(f"{path}: cannot read: {exc.strerror}", file=sys.stderr)
        return None


def as_json(query: str, r: Any, error: Any = None) -> dict[str, Any]:
    return {
        "address": query,
        "key": r.key,
        "result": r.result,
        "error": None if error is None else {"code": error.code, "reply": error.reply},
        "line": r.line,
    }


def as_text(query: str, r: Any, error: Any = None) -> str:
    if error is not None:
        return f"{query} -> error: {error.reply} (line {r.line}: {r.key})"
    if r.result is not None:
        return f"{query} -> {r.result} (line {r.line}: {r.key})"
    if not getattr(r, "looked_up", True):
        return f"{query} -> not looked up"
    return f"{query} -> no entry"


def run(args: argparse.Namespace) -> int:
    from sendmailcfg.maps.virtusertable import VirtusertableDocument

    doc = load(args.file, "virtusertable", args.no_fold)
    if doc is None:
        return 2
    assert isinstance(doc, VirtusertableDocument)
    results = []
    for query in args.addresses:
        try:
            r = doc.resolve(
                query,
                local_names=args.local,
                virtuser_domains=args.domain,
                entire_domain=args.entire_domain,
                host_name=args.host_name,
            )
        except ValueError as exc:
            print(f"query virtusertable: {exc}", file=sys.stderr)
            return 2
        results.append((query, r))
    if args.json:
        data = [as_json(q, r, r.error) for q, r in results]
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return 0
    for query, r in results:
        print(r.explain() if args.explain else as_text(query, r, r.error))
    return 0
