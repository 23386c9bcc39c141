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

from sendmailcfg.cli.route import (
    add_site_options,
    open_engine,
    open_site,
    print_answers,
    stale_databases,
)

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

    engine = open_engine(args, "sender")
    if engine is False:
        return 2
    if engine is not None:
        from sendmailcfg.site.cfengine import sender_cf

        cf = engine
        return print_answers(args, "sender", lambda a: sender_cf(cf, a, mailer=args.mailer))
    site = open_site(args, "sender", report_maps=("genericstable", "domaintable"))
    if site is None:
        return 2
    return print_answers(
        args, "sender", lambda a: sender(site, a, mailer=args.mailer), stale_databases(site)
    )
