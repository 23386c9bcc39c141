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
Exit status: 0 when every query was answered, 2 for usage errors and
unreadable files.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from sendmailcfg import fileio
from sendmailcfg.maps.access.rules import FEATURES, RESOLVE_STATUSES
from sendmailcfg.terminal import escape, escape_lines

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
        "-f",
        "--no-fold",
        action="store_true",
        help="keys are case-sensitive (map built with makemap -f)",
    )


def name_addr(text: str, what: str) -> tuple[str, str]:
    """``NAME:ADDR`` as (``${client_name}``, ``${client_addr}``), or ValueError.

    NAME may be empty, a host name, or a bracketed ``[192.0.2.7]`` /
    ``[IPv6:2001:db8::7]`` name (written as sendmail writes it); ADDR must be an
    IP address (or empty: a local client).

    >>> name_addr("[IPv6:2001:db8::7]:2001:db8::7", "--client")
    ('[IPv6:2001:db8:0:0:0:0:0:7]', 'IPv6:2001:db8:0:0:0:0:0:7')
    """
    from sendmailcfg.maps.access.keys import client_addr_text

    if text.startswith("["):
        close = text.find("]")
        if close < 0 or text[close + 1 : close + 2] != ":":
            raise ValueError(f"{what} {text!r}: expected [ADDRESS]:ADDR after a bracketed name")
        name, addr = text[: close + 1], text[close + 2 :]
        try:
            name = f"[{client_addr_text(name[1:-1])}]"
        except ValueError:
            raise ValueError(f"{what} {text!r}: {name} is not a bracketed IP address") from None
    else:
        name, sep, addr = text.partition(":")
        if not sep:
            raise ValueError(f"{what} {text!r}: expected NAME:ADDR (NAME may be empty)")
    if addr:
        try:
            addr = client_addr_text(addr)
        except ValueError:
            raise ValueError(f"{what} {text!r}: {addr!r} is not an IP address") from None
    return name, addr


def _as_json(query: str, d: Any) -> dict[str, Any]:
    return {"query": query, "key": d.key, "action": d.action, "code": d.code, "reply": d.reply}


def _as_text(query: str, d: Any) -> str:
    what = " ".join(x for x in (d.action or "no decision", d.code, d.reply) if x)
    why = f"line {d.line}: {d.key}" if d.key is not None else "no entry"
    return f"{query} -> {what} ({why})"


def run(args: argparse.Namespace) -> int:
    from sendmailcfg.maps.access import AccessDocument
    from sendmailcfg.maps.access.rules import AccessQueryError, Client

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
    common: dict[str, Any] = {"features": args.feature}
    site: dict[str, Any] = {"local_names": args.local, "client": client}
    results = []
    for query in args.queries:
        kind, sep, arg = query.partition(":")
        try:
            if kind == "connect" and sep:
                try:
                    name, addr = name_addr(arg, "connect:")
                except ValueError as exc:
                    raise AccessQueryError(str(exc)) from None
                d = doc.check_connect(name, addr, **common)
            elif kind == "from" and sep:
                d = doc.check_from(arg, **common, **site)
            elif kind == "to" and sep:
                d = doc.check_to(
                    arg,
                    **common,
                    **site,
                    sender=args.sender,
                    relay_domains=args.relay_domain,
                )
            else:
                raise AccessQueryError(
                    f"{query!r}: expected connect:NAME:ADDR, from:ADDRESS or to:ADDRESS"
                )
        except AccessQueryError as exc:
            print(f"query access: {exc}", file=sys.stderr)
            return 2
        results.append((query, d))
    if args.json:
        print(json.dumps([_as_json(q, d) for q, d in results], indent=2, ensure_ascii=False))
        return 0
    for query, d in results:
        print(escape_lines(_as_text(query, d)))
        if args.explain:
            print(escape("  tried: " + (", ".join(d.tried) or "(nothing)")))
    return 0
