"""What this domaintable makes of each HOST or user@host (sendmail 8.17, ruleset 3).

One line per query, or with --json an array of objects with the keys
"address" (the query), "key" (the matched key or null), "result" (the new
host for a host, the rewritten address for an address, or null), "error"
(always null) and "line". Exit status: 0 when every query was answered, 2 for
usage errors and unreadable files.
"""

from __future__ import annotations

import argparse

from sendmailcfg.cli._answers import add_common, answer_each

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

    def ask(doc: DomaintableDocument, query: str) -> object:
        return doc.rewrite(query, host_name=args.host_name)

    return answer_each(args, "domaintable", ask)
