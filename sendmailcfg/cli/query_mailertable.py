"""Where sendmail 8.17 delivers each ADDRESS (user@host, or a bare host) with this mailertable.

One line per address, or with --json an array of objects with the keys
"address", "key" (the matched key or null), "mailer", "host", "user" (all
three null when no mailertable entry decides the route; "host" null when
sendmail reports none), plus "line", "value" (after % substitution),
"reason" and "route" (the triple sendmail reports even when no entry
matched). Exit status: 0 when every address was answered, 2 for usage
errors and unreadable files.
"""

from __future__ import annotations

import argparse
import json
import sys

from sendmailcfg import fileio
from sendmailcfg.cli._answers import add_common, with_unmodelled
from sendmailcfg.terminal import escape_lines

NAME = "mailertable"
HELP = "where sendmail delivers addresses with this mailertable, and why"


def configure(parser: argparse.ArgumentParser) -> None:
    add_common(parser, "mailertable", reads_db=True, address_help="user@host or a host")
    parser.add_argument(
        "--local",
        action="append",
        default=[],
        metavar="NAME",
        help="one of this host's own names (class w; repeatable); localhost always is",
    )
    parser.add_argument(
        "--smart-host", metavar="HOST", help="the .mc's SMART_HOST (e.g. [relay.example.net])"
    )


def run(args: argparse.Namespace) -> int:
    from sendmailcfg.cli._mapsource import load_query_map
    from sendmailcfg.maps.mailertable import MailertableDocument
    from sendmailcfg.output.database import MapBuildError

    try:
        doc = load_query_map(args.file, "mailertable", fold_keys=not args.no_fold)
    except OSError as exc:
        print(f"{args.file}: cannot read: {fileio.describe(exc)}", file=sys.stderr)
        return 2
    except MapBuildError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    assert isinstance(doc, MailertableDocument)
    results = []
    for query in args.addresses:
        try:
            results.append(
                (query, doc.resolve(query, local_names=args.local, smart_host=args.smart_host))
            )
        except ValueError as exc:
            print(f"query mailertable: {exc}", file=sys.stderr)
            return 2
    if args.json:
        print(
            json.dumps(
                [with_unmodelled(args, r.as_json(q)) for q, r in results],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    for query, r in results:
        print(escape_lines(r.explain() if args.explain else r.summary(query)))
    return 0
