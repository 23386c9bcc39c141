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

from sendmailcfg.cli._answers import add_common, answer_each

NAME = "virtusertable"
HELP = "which virtusertable entry takes a recipient, and what it becomes"


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


def run(args: argparse.Namespace) -> int:
    from sendmailcfg.maps.virtusertable import VirtusertableDocument

    def ask(doc: VirtusertableDocument, query: str) -> object:
        return doc.resolve(
            query,
            local_names=args.local,
            virtuser_domains=args.domain,
            entire_domain=args.entire_domain,
            host_name=args.host_name,
        )

    return answer_each(args, "virtusertable", ask)
