"""Which authinfo entry sendmail 8.17 uses to connect to HOST, and as whom it authenticates.

sendmail's ``authinfo`` ruleset looks up ``AuthInfo:HOST`` (the name it connects
to: for ``[host]`` the host, else the MX host), then ``AuthInfo:ADDR`` (with
--addr), then ``AuthInfo:`` alone, as exact keys. Give the access map (a file
named access*, or --access) when the configuration has no FEATURE(authinfo): the
ruleset then walks the access map's AuthInfo: keys (parent domains, address
prefixes). The password is never printed.

One block per query, or with --json an object with the keys "server_name",
"server_addr", "map", "key" (the entry found, or null), "line", "tried",
"auth" (null: no AUTH; else "user", "authid", "password" (always "***"),
"realm", "mechanisms") and "problems". Exit status: 0 when answered, 2 for usage
errors and unreadable files.
"""

from __future__ import annotations

import argparse
import json
import sys

NAME = "authinfo"
HELP = "which authinfo entry sendmail uses for a server, and as whom (password masked)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "file", metavar="FILE", help="the authinfo source or authinfo.db (or the access map)"
    )
    parser.add_argument("host", metavar="HOST", help="the name sendmail connects to")
    parser.add_argument("--addr", metavar="IP", help="the server's address (${server_addr})")
    parser.add_argument(
        "--access",
        action="store_true",
        help="FILE is the access map (no FEATURE(authinfo)); default for files named access*",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    parser.add_argument(
        "-f",
        "--no-fold",
        action="store_true",
        help="keys are case-sensitive (map built with makemap -f and K... -f)",
    )


def run(args: argparse.Namespace) -> int:
    from sendmailcfg.cli._mapsource import load_query_map
    from sendmailcfg.maps import infer_kind
    from sendmailcfg.maps.authinfo import AuthinfoDocument, lookup_in_access, port_in_name
    from sendmailcfg.output.database import MapBuildError

    via_access = args.access or infer_kind(args.file) == "access"
    kind = "access" if via_access else "authinfo"
    try:
        doc = load_query_map(args.file, kind, fold_keys=not args.no_fold)
    except OSError as exc:
        print(f"{args.file}: cannot read: {exc.strerror}", file=sys.stderr)
        return 2
    except MapBuildError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    host = args.host
    if host.startswith("[") and host.endswith("]") and not host[1:-1].replace(".", "").isdigit():
        host = host[1:-1]  # [name]: sendmail connects to the name, without MX lookup
    if via_access:
        r = lookup_in_access(doc, host, args.addr)
    else:
        assert isinstance(doc, AuthinfoDocument)
        r = doc.lookup(host, args.addr)
    if args.json:
        print(json.dumps(r.as_json(), indent=2, ensure_ascii=False))
        return 0
    print(r.explain())
    if port_in_name(host):
        print(
            f"  note: {host} holds a port; sendmail connects to a name without one "
            "(the port is in the mailer's A= args)"
        )
    return 0
