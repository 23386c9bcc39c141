"""sendmail -bt without sendmail: run a ``.cf``'s own rules on addresses.

A drop-in for ``sendmail -bt -C FILE.cf``: it reads the same commands from standard
input (``3,0 ADDRESS``, ``check_mail <ADDRESS>``, ``/parse``, ``/try MAILER
ADDRESS``, ``/tryflags``, ``/canon``, ``/map NAME KEY``, ``/mx``, ``.Dx value``,
``.Cx value``, ``=S``, ``=M``, ``$x``, ``$=X``) and prints what sendmail 8.17 prints.
``--mc FILE.mc`` renders the ``.mc`` with real m4 and the cf package first.

The machine sendmail would run on: ``--hostname`` (``$j``, default this machine's
name), ``--interface ADDR`` (repeatable; class ``w`` gets ``[ADDR]`` unless the
``.cf`` sets DontProbeInterfaces; default the loopback addresses), ``--hosts FILE``
(names resolve from a hosts file only) or ``--resolve dns`` (real DNS through
dnspython); the default resolver is offline: a dotted name is its own canonical
name. Maps of kinds that need a network (ldap, nis, socket, program) answer
"not available here".

Exit 0 after the input ends, 2 when the ``.cf`` cannot be read or rendered.
"""

from __future__ import annotations

import argparse
import os
import sys

NAME = "bt"
HELP = "sendmail -bt without sendmail: run the .cf's rules on addresses read from stdin"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("-C", dest="cf", metavar="FILE.cf", help="the configuration file")
    parser.add_argument("--mc", metavar="FILE.mc", help="render this .mc with real m4 first")
    parser.add_argument("--cf-dir", metavar="DIR", help="sendmail's cf package (for --mc)")
    parser.add_argument(
        "-O",
        dest="options",
        action="append",
        default=[],
        metavar="Option=value",
        help="set an option after the .cf is read (repeatable)",
    )
    parser.add_argument(
        "-d",
        dest="debug",
        action="append",
        default=[],
        metavar="LEVELS",
        help="debug levels as sendmail's -d: 21.N traces the rules tried (N: 2, 4, 10, 12); "
        "other categories are accepted and print nothing",
    )
    parser.add_argument("-b", dest="mode", default="t", metavar="t", help="only -bt")
    parser.add_argument("--hostname", metavar="NAME", help="this host's name ($j)")
    parser.add_argument(
        "--interface",
        action="append",
        default=None,
        metavar="ADDR",
        help="an interface address (repeatable; default the loopback addresses)",
    )
    parser.add_argument("--hosts", metavar="FILE", help="resolve names from this hosts file only")
    parser.add_argument(
        "--resolve",
        choices=("offline", "dns"),
        default="offline",
        help="offline: a dotted name is its own canonical name (default); dns: real DNS",
    )
    parser.add_argument("--root", metavar="DIR", help="a folder standing for / (maps, F files)")


def _err(text: str) -> None:
    sys.stderr.write(text + "\n")


def environment(args: argparse.Namespace) -> object:
    """The :class:`HostEnvironment` the options describe."""
    from sendmailcfg.cf.environment import (
        DnsResolver,
        DottedResolver,
        HostEnvironment,
        HostsResolver,
        Resolver,
    )

    resolver: Resolver
    if args.hosts:
        resolver = HostsResolver.from_file(args.hosts)
    elif args.resolve == "dns":
        resolver = DnsResolver()
    else:
        resolver = DottedResolver()
    kw: dict[str, object] = {"resolver": resolver}
    if args.hostname:
        kw["hostname"] = args.hostname
    if args.interface is not None:
        kw["interfaces"] = tuple(args.interface)
    return HostEnvironment(**kw)  # type: ignore[arg-type]


def run(args: argparse.Namespace) -> int:
    from sendmailcfg import _source
    from sendmailcfg.cf.config import read_config
    from sendmailcfg.cf.engine import Engine
    from sendmailcfg.output.bdb import read as read_db

    if args.mode != "t":
        _err(f"bt: only -bt is supported, not -b{args.mode}")
        return 2
    if args.mc:
        from sendmailcfg.mc.cfbuild import build_cf

        try:
            built = build_cf(args.mc, args.cf_dir, stable=True)
        except (FileNotFoundError, OSError) as exc:
            _err(f"{args.mc}: cannot render: {exc}")
            return 2
        for m in built.messages:
            _err(m.format(args.mc))
        if not built.ok:
            _err(f"{args.mc}: not rendered")
            return 2
        text, path = built.cf, args.mc[:-3] + ".cf" if args.mc.endswith(".mc") else args.mc
    else:
        path = args.cf or "/etc/mail/sendmail.cf"
        try:
            with open(path, "rb") as f:
                text = _source.decode(f.read())
        except OSError as exc:
            _err(f"{path}: cannot read: {exc.strerror}")
            return 2
    try:
        env = environment(args)
    except (OSError, RuntimeError) as exc:
        _err(str(exc))
        return 2
    engine = Engine(
        read_config(text, path),
        env,  # type: ignore[arg-type]
        read_db=read_db,
        root=args.root,
        options=args.options,
        warn_c=os.getuid() != 0,  # bt always names its .cf, as -C does
    )
    for spec in args.debug:
        engine.set_debug(spec)
    out = sys.stdout
    lines = iter(sys.stdin.readline, "")
    buf: list[str] = []

    interactive = sys.stdin.isatty()

    def write(s: str) -> None:
        buf.append(s)
        if interactive or len(buf) > 512:
            out.write("".join(buf))
            buf.clear()

    try:
        engine.run_test_mode(lines, write)
    finally:
        out.write("".join(buf))
        out.flush()
    return 0


__all__ = ["HELP", "NAME", "configure", "environment", "run"]
