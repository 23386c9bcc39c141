"""What each sender ADDRESS becomes through this genericstable (sendmail 8.17).

One line per address, or with --json an array of objects with the keys
"address", "key" (the matched key or null), "result" (the rewritten sender,
or null), "error" (always null) and "line". Only unqualified senders and
domains in GENERICS_DOMAIN (--domain; with --entire-domain their subdomains
too) are looked up. Exit status: 0 when every address was answered, 2 for
usage errors and unreadable files.
"""

from __future__ import annotations

import argparse

from sendmailcfg.cli._answers import add_common, answer_each

NAME = "genericstable"
HELP = "what a sender address becomes through genericstable, and why"


def configure(parser: argparse.ArgumentParser) -> None:
    add_common(parser, "genericstable")
    parser.add_argument(
        "--domain",
        action="append",
        default=[],
        metavar="NAME",
        help="a GENERICS_DOMAIN (class {G}; repeatable)",
    )
    parser.add_argument(
        "--entire-domain",
        action="store_true",
        help="FEATURE(`generics_entire_domain'): subdomains of --domain names too",
    )
    parser.add_argument(
        "--host-name",
        metavar="NAME",
        help="this host's canonical name $j (qualifies bare users and results)",
    )
    parser.add_argument(
        "--masquerade-as", metavar="NAME", help="MASQUERADE_AS (qualifies bare results)"
    )


def run(args: argparse.Namespace) -> int:
    from sendmailcfg.maps.genericstable import GenericstableDocument

    def ask(doc: GenericstableDocument, query: str) -> object:
        return doc.rewrite(
            query,
            generics_domains=args.domain,
            entire_domain=args.entire_domain,
            host_name=args.host_name,
            masquerade_as=args.masquerade_as,
        )

    return answer_each(args, "genericstable", ask)
