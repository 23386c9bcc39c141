"""What sendmail 8.17 decides with this access map for each QUERY.

QUERY is connect:NAME:ADDR (check_relay; NAME may be empty or a bracketed
[address] name, ADDR may be an IPv6 address with colons and is written as
sendmail's ${client_addr}, e.g. 2001:db8::1 becomes IPv6:2001:db8:0:0:0:0:0:1),
from:ADDRESS (check_mail) or
to:ADDRESS (check_rcpt). One line per query, or with --json an array of
objects with the keys "query" (as given), "key" (the entry that decided, or
null), "action" (OK, RELAY, REJECT, DISCARD, ERROR, QUARANTINE, or null when
the access map decides nothing), "code" (enhanced status, or null) and
"reply" (the SMTP reply text, or the quarantine reason; else null).
With --config the answers come from the configuration's own check_relay,
check_mail and check_rcpt rulesets (its .cf, or the .mc rendered with m4;
--engine auto|cf|model chooses) and each object has "engine" ("cf" or
"model"); the .cf's access map reads FILE.
Exit status: 0 when every query was answered, 2 for usage errors and
unreadable files. The query grammar and the NAME:ADDR form are the access
rules' own (:func:`sendmailcfg.maps.access.rules.ask`, ``name_addr``):

>>> name_addr("mx.test:192.0.2.7", "--client")
('mx.test', '192.0.2.7')
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sendmailcfg import fileio
from sendmailcfg.cli._answers import with_unmodelled
from sendmailcfg.maps.access.rules import FEATURES, RESOLVE_STATUSES, name_addr
from sendmailcfg.terminal import escape_lines

__all__ = ["name_addr"]  # the NAME:ADDR grammar lives with the access rules

NAME = "access"
HELP = "what sendmail decides for connections, senders and recipients with this access map"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the access source, or the .db built from it")
    parser.add_argument(
        "queries", nargs="+", metavar="QUERY", help="connect:NAME:ADDR, from:ADDRESS or to:ADDRESS"
    )
    parser.add_argument(
        "--feature",
        action="append",
        default=[],
        choices=FEATURES,
        metavar="NAME",
        help=f"a FEATURE of the .mc (repeatable): {', '.join(FEATURES)}",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument("--explain", action="store_true", help="also list every key looked up")
    parser.add_argument(
        "--client",
        metavar="NAME:ADDR",
        help="the SMTP client for from:/to: queries (default: one the map does not name); "
        "NAME may be a bracketed [192.0.2.7] or [IPv6:2001:db8::7] name",
    )
    parser.add_argument(
        "--resolve",
        choices=RESOLVE_STATUSES,
        type=str.upper,
        metavar="STATUS",
        help="the client's ${client_resolve}: OK, FAIL, FORGED or TEMP "
        "(default: FAIL for a bracketed NAME, else OK)",
    )
    parser.add_argument("--sender", metavar="ADDRESS", help="MAIL FROM for to: with delay_checks")
    parser.add_argument(
        "--local",
        action="append",
        default=[],
        metavar="NAME",
        help="one of this host's own names (class w; repeatable); localhost always is",
    )
    parser.add_argument(
        "--relay-domain",
        action="append",
        default=[],
        metavar="DOMAIN",
        help="a RELAY_DOMAIN (class R; repeatable)",
    )
    parser.add_argument(
        "--engine",
        choices=("auto", "cf", "model"),
        default="auto",
        help="with --config, who answers: the .cf's own check rulesets (cf), the "
        "hand-written model (model), or auto (default): the .cf when it is not older than "
        "the .mc or m4 and the cf package can render the .mc, else the model",
    )
    parser.add_argument(
        "--cf-dir",
        metavar="DIR",
        help="the sendmail cf package, to render the .mc for the engine "
        "(default: $SENDMAIL_CF_DIR, then the usual places)",
    )
    names = parser.add_mutually_exclusive_group()
    names.add_argument(
        "--hosts",
        metavar="FILE",
        help="with the engine, names resolve through this hosts file only (a DNSBL "
        "listing is a line like `127.0.0.2 7.2.0.192.bl.example`); default offline: "
        "nothing is looked up, and the DNS lookups not made are listed on stderr",
    )
    names.add_argument(
        "--dns",
        action="store_true",
        help="with the engine, names (and DNSBL listings) resolve through real DNS "
        "(needs dnspython)",
    )
    parser.add_argument(
        "-f",
        "--no-fold",
        action="store_true",
        help="keys are case-sensitive (map built with makemap -f)",
    )


def open_access_engine(args: argparse.Namespace) -> bool:
    """With ``--config``: the ``.cf`` engine that answers (``args._engine``, None when the
    model answers), its access map reading FILE; False after printing why nothing can
    answer (exit 2)."""
    from sendmailcfg.cf.environment import DnsResolver, HostsResolver
    from sendmailcfg.cli.route import open_engine
    from sendmailcfg.site.cfengine import NotingResolver, use_map_file

    args.no_such_user = []
    try:
        if args.hosts is not None:
            inner: Any = HostsResolver.from_file(args.hosts)
        else:
            inner = DnsResolver() if args.dns else None
    except OSError as exc:
        print(f"query access: {args.hosts}: cannot read: {exc.strerror}", file=sys.stderr)
        return False
    except RuntimeError:
        print("query access: --dns needs the dnspython package", file=sys.stderr)
        return False
    resolver = NotingResolver(inner)
    engine = open_engine(args, "query access", resolver=resolver)
    if engine is False:
        return False
    resolver.asked.clear()
    args._noted = resolver if inner is None else None
    args._engine = engine
    if engine is None:
        return True
    if not use_map_file(engine, "access", args.file):
        print(
            f"query access: warning: the .cf declares no access map (no FEATURE(`access_db')): "
            f"{args.file} is not read",
            file=sys.stderr,
        )
    if args.feature:
        print(
            "query access: warning: --feature is ignored: the .cf's own rulesets answer",
            file=sys.stderr,
        )
    for name in args.local:
        engine.setclass("w", name)
    for domain in args.relay_domain:
        engine.setclass("R", domain)
    return True


def run(args: argparse.Namespace) -> int:
    from sendmailcfg.maps.access import AccessDocument
    from sendmailcfg.maps.access.rules import AccessQueryError, Client, ask

    client = None
    if args.client is not None:
        try:
            name, addr = name_addr(args.client, "--client")
        except ValueError as exc:
            print(f"query access: {exc}", file=sys.stderr)
            return 2
        client = Client(name, addr, resolve=args.resolve)
    elif args.resolve is not None:
        print("query access: --resolve needs --client", file=sys.stderr)
        return 2
    engine = getattr(args, "_engine", None)
    if engine is None and args.engine == "cf" and args.config is None:
        print("query access: --engine cf needs --config (the .mc or the .cf)", file=sys.stderr)
        return 2
    if engine is not None:
        return _run_engine(args, engine, client)
    from sendmailcfg.cli._mapsource import load_query_map
    from sendmailcfg.output.database import MapBuildError

    try:
        doc = load_query_map(args.file, "access", fold_keys=not args.no_fold)
    except OSError as exc:
        print(f"{args.file}: cannot read: {fileio.describe(exc)}", file=sys.stderr)
        return 2
    except MapBuildError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    assert isinstance(doc, AccessDocument)
    results = []
    for query in args.queries:
        try:
            d = ask(
                doc,
                query,
                features=args.feature,
                local_names=args.local,
                client=client,
                sender=args.sender,
                relay_domains=args.relay_domain,
            )
        except AccessQueryError as exc:
            print(f"query access: {exc}", file=sys.stderr)
            return 2
        results.append((query, d))
    if args.json:
        extra = {"engine": "model"} if args.config is not None else {}
        print(
            json.dumps(
                [with_unmodelled(args, {**d.as_json(q), **extra}) for q, d in results],
                indent=2,
                ensure_ascii=False,
            )
        )
        return 0
    for query, d in results:
        print(escape_lines(d.explain(query) if args.explain else d.summary(query)))
    return 0


def _run_engine(args: argparse.Namespace, engine: Any, client: Any) -> int:
    """The queries answered by the .cf's check rulesets (``"engine": "cf"`` in JSON)."""
    from sendmailcfg.maps.access.rules import AccessQueryError, split_query
    from sendmailcfg.site.cfengine import access_cf

    pair = (client.name or "", client.addr or "") if client is not None else None
    results = []
    for query in args.queries:
        try:
            kind, arg = split_query(query)
        except AccessQueryError as exc:
            print(f"query access: {exc}", file=sys.stderr)
            return 2
        d = access_cf(engine, kind, arg, client=pair, resolve=args.resolve, sender=args.sender)
        results.append((query, d))
    noted = getattr(args, "_noted", None)
    if noted is not None and noted.asked:
        asked = ", ".join(dict.fromkeys(noted.asked))
        print(
            f"query access: warning: not looked up offline (taken as not found): {asked}; "
            "give --hosts FILE or --dns",
            file=sys.stderr,
        )
    if args.json:
        print(json.dumps([d.as_json(q) for q, d in results], indent=2, ensure_ascii=False))
        return 0
    for query, d in results:
        print(escape_lines(d.explain(query) if args.explain else d.summary(query)))
    return 0
