"""Send through your provider's submission port with SMTP AUTH (port 587, or 465).

``relay set HOST --port 587 --user USER --password-file FILE`` edits the mail
folder (``--dir``, default ``.``; its .mc chosen as the Makefile does, or
``--mc FILE``): SMART_HOST ``[HOST]``, RELAY_MAILER_ARGS and ESMTP_MAILER_ARGS
``TCP $h PORT`` before the MAILERs, FEATURE(authinfo) naming the folder's
authinfo, confAUTH_MECHANISMS, the ``AuthInfo:HOST`` entry (mode 0600) and
authinfo.db. ``relay show`` prints the relay as sendmail will use it (host, port,
AUTH user, mechanisms), ``relay unset`` removes it.

The password is read from a file only its owner can read (--password-file), an
environment variable (--password-env VAR) or standard input (--password-stdin);
never from the command line, and it is never printed (diffs show ``***``).

Every edit is idempotent, atomic and locked, and takes ``--check``, ``--diff``,
``--json`` and ``--backup``. Exit status: 0 done (changed or not), 1 when
``--check`` finds a change, 2 for bad input (an unknown mechanism, a host with a
port, a password file others can read, an authinfo line sendmail would not
read): nothing is written then.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from sendmailcfg.cli._edit import add_edit_flags

NAME = "relay"
HELP = "send through a provider's submission port with SMTP AUTH: set, show, unset"


def _folder_flags(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--dir", metavar="DIR", help="the mail folder (default: the --mc file's folder, or .)"
    )
    p.add_argument("--mc", metavar="FILE", help="the .mc to edit (default: as make picks it)")


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
    p = sub.add_parser("set", help="send every non-local message through HOST")
    p.add_argument("host", metavar="HOST", help="the provider's server name (no port)")
    p.add_argument("--port", type=int, default=587, help="the submission port (default 587)")
    p.add_argument("--user", metavar="USER", help="the AUTH user (with a --password-* option)")
    g = p.add_mutually_exclusive_group()
    g.add_argument("--password-file", metavar="FILE", help="a file (mode 0600) holding it")
    g.add_argument("--password-env", metavar="VAR", help="an environment variable holding it")
    g.add_argument("--password-stdin", action="store_true", help="read it from standard input")
    p.add_argument(
        "--mechanisms",
        metavar="LIST",
        help='SASL mechanisms to offer, e.g. "PLAIN LOGIN" (the default with --user)',
    )
    p.add_argument("--realm", metavar="R", help="the SASL realm (R: item)")
    p.add_argument(
        "--mail-dir",
        metavar="DIR",
        help="where the folder is on the mail server, for FEATURE(authinfo)'s path "
        "(e.g. /etc/mail for a copy edited elsewhere; default: the folder itself)",
    )
    _folder_flags(p)
    add_edit_flags(p)
    p = sub.add_parser("unset", help="remove the relay (SMART_HOST, mailer args, its AUTH entry)")
    _folder_flags(p)
    add_edit_flags(p)
    p = sub.add_parser("show", help="print the relay as sendmail will use it (password masked)")
    _folder_flags(p)
    p.add_argument("--json", action="store_true", help="print a JSON object")


def _password(args: argparse.Namespace) -> str | None:
    from sendmailcfg.relay import RelayError, read_password_file

    if args.password_file is not None:
        return read_password_file(args.password_file)
    if args.password_env is not None:
        value = os.environ.get(args.password_env)
        if value is None:
            raise RelayError(f"environment variable {args.password_env} is not set")
        return value
    if args.password_stdin:
        data = sys.stdin.buffer.read()
        from sendmailcfg import _source

        text = _source.decode(data)
        return text[:-1] if text.endswith("\n") else text
    return None


def _report(args: argparse.Namespace, result: object) -> int:
    from sendmailcfg.relay import RelayResult

    assert isinstance(result, RelayResult)
    if args.json:
        print(json.dumps(result.as_json()))
        return 1 if args.check and result.changed else 0
    if args.diff and result.diff:
        sys.stdout.write(result.diff)
    for c in result.changes:
        if args.check:
            print(f"{c.path}: {'would change' if c.changed else 'no change needed'}")
        else:
            print(f"{c.path}: {'changed' if c.changed else 'unchanged'}")
        if c.backup is not None:
            print(f"{c.path}: backup in {c.backup}")
    return 1 if args.check and result.changed else 0


def run(args: argparse.Namespace) -> int:
    from sendmailcfg.relay import RelayError, set_relay, show_relay, unset_relay

    if args.dir is None:
        args.dir = (os.path.dirname(args.mc) or ".") if args.mc else "."

    try:
        if args.action == "show":
            view = show_relay(args.dir, mc=args.mc)
            if args.json:
                print(json.dumps(view.as_json()))
            else:
                print(view.explain())
            return 0
        if args.action == "unset":
            result = unset_relay(args.dir, mc=args.mc, check=args.check, backup=args.backup)
            return _report(args, result)
        password = _password(args)
        if (password is None) != (args.user is None):
            raise RelayError(
                "--user needs one of --password-file, --password-env, --password-stdin "
                "(and they need --user)"
            )
        mechanisms = args.mechanisms.split() if args.mechanisms is not None else None
        if args.port == 465:
            print(
                "relay set: port 465 is SMTP inside TLS from the first byte; this command "
                "does not set that up for sendmail's client: prefer 587 (STARTTLS)",
                file=sys.stderr,
            )
        result = set_relay(
            args.dir,
            args.host,
            port=args.port,
            user=args.user,
            password=password,
            mechanisms=mechanisms,
            realm=args.realm,
            mc=args.mc,
            mail_dir=args.mail_dir,
            check=args.check,
            backup=args.backup,
        )
        return _report(args, result)
    except RelayError as exc:
        print(f"relay {args.action}: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"relay {args.action}: {where}{exc.strerror or exc}", file=sys.stderr)
        return 2
