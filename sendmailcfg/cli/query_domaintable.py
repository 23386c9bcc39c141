"""What this domaintable makes of each HOST or user@host (sendmail 8.17, ruleset 3).

One line per query, or with --json an array of objects with the keys
"address" (the query), "key" (the matched key or null), "result" (the new
host for a host, the rewritten address for an address, or null), "error"
(always null) and "line". Exit status: 0 when every query was answered, 2 for
usage errors and unreadable files.
"""

from __future__ import annotations

import argparse
import json
import sys

from sendmailcfg.cli.query_virtusertable import add_common, as_json, as_text, load

NAME = "domaintable"
HELP = "what domaintable renames a host (or an address's host) to"


def configure(parser: argparse.ArgumentParser) -> None:
    add_common(parser, "domaintable")
    parser.add_argument(
        "--host-name",
        metavar="NAME",
        help="this host's canonical name $j (localhost is looked up as $j.)",
    )


def run(args: argparse.Namespace) -> int:
    from sendmailcfg.maps.domaintable import DomaintableDocument

    doc = load(args.file, "domaintable", args.no_fold)
    if doc is None:
        return 2
    assert isinstance(doc, DomaintableDocument)
    results = []
    for query in args.addresses:
        try:
            r = doc.rewrite(query, host_name=args.host_name)
        except ValueError as exc:
            print(f"query domaintable: {exc}", file=sys.stderr)
            return 2
        results.append((query, r))
    if args.json:
        print(json.dumps([as_json(q, r) for q, r in results], indent=2, ensure_ascii=False))
        return 0
    for query, r in results:
        print(r.explain() if args.explain else as_text(query, r))
    return 0
