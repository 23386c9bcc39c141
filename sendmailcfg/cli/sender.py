"""What each sender ADDRESS becomes on the way out through a mailer, with this configuration.

Masquerading (MASQUERADE_AS, MASQUERADE_DOMAIN, EXPOSED_USER, the masquerade
FEATUREs) and the genericstable, as the mailer's sender rulesets apply them:
the envelope form (MAIL FROM) and the header form (From:). One line per
address, or with --json one object per address with "address", "envelope",
"header" and "steps". Exit status: 0 when every address was answered, 2 for
usage errors and unreadable files.
"""

from __future__ import annotations

import argparse
import json
import sys

from sendmailcfg.cli.route import add_site_options, open_site

NAME = "sender"
HELP = "what sender addresses become through a mailer (masquerading, genericstable)"


def configure(parser: argparse.ArgumentParser) -> None:
    add_site_options(parser)
    parser.add_argument("addresses", nargs="+", metavar="ADDRESS", help="user@host or a user")
    parser.add_argument(
        "--mailer",
        default="esmtp",
        metavar="NAME",
        help="the mailer the message leaves through (esmtp, smtp, relay, local...; default esmtp)",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument("--explain", action="store_true", help="also print every rewrite")


def run(args: argparse.Namespace) -> int:
    from sendmailcfg.site import sender

    site = open_site(args, "sender", report_maps=("genericstable", "domaintable"))
    if site is None:
        return 2
    answers = []
    for address in args.addresses:
        try:
            answers.append(sender(site, address, mailer=args.mailer))
        except ValueError as exc:
            print(f"sender: {exc}", file=sys.stderr)
            return 2
    if args.json:
        print(json.dumps([f.as_json() for f in answers], indent=2, ensure_ascii=False))
        return 0
    for f in answers:
        print(f.explain() if args.explain else f.explain().split("\n", 1)[0])
    return 0
