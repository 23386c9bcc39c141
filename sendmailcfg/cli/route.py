"""Where sendmail 8.17 delivers each recipient ADDRESS with this configuration, and why.

Reads the .mc (a file, or a folder like /etc/mail holding sendmail.mc) and every
map its FEATUREs name, then answers as ruleset 0 and, for local results,
ruleset 5 would. One line per address; --explain adds the chain of decisions
(file and line); --json prints one object per address with "address",
"mailer", "host", "user" (the final delivery), "parse" (ruleset 0's triple),
"decided_by" and "steps", and for SMTP deliveries how sendmail connects: "port" (from
the mailer's A= as m4 renders it), "hosts" (the host list), "auth" ({"key", "user",
"mechanisms", "line"} of the authinfo entry it authenticates with, or null) and
"auth_note" (why there is no AUTH). Names are not resolved: a host is its own canonical
name. Exit status: 0 when every address was answered, 2 for usage errors and
unreadable files.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Collection, Sequence
from typing import TYPE_CHECKING, Any, Literal

from sendmailcfg.terminal import escape, escape_lines

if TYPE_CHECKING:
    from sendmailcfg.cf.engine import Engine
    from sendmailcfg.cf.environment import Resolver
    from sendmailcfg.maps.document import MapDocument
    from sendmailcfg.site import Site

NAME = "route"
HELP = "where sendmail delivers recipients with this whole configuration, and why"


def add_mc_option(parser: argparse.ArgumentParser) -> None:
    """``--mc FILE``: which ``.mc`` of the ``--config`` folder to read (``make``'s option)."""
    parser.add_argument(
        "--mc",
        metavar="FILE.mc",
        help="the .mc of the --config folder to read (default: $SENDMAIL_MC, HOSTNAME.mc, "
        "sendmail.mc, freebsd.mc, the only .mc that is not a submit.mc)",
    )


def add_site_options(parser: argparse.ArgumentParser) -> None:
    """``--config``, ``--hostname``, ``--root``: the options every site command takes."""
    parser.add_argument(
        "--config",
        metavar="PATH",
        default=".",
        help="the .mc file, or a folder like /etc/mail holding sendmail.mc (default: .)",
    )
    add_mc_option(parser)
    parser.add_argument(
        "--hostname", metavar="FQDN", help="this host's name (class w; $j unless the .mc sets it)"
    )
    parser.add_argument(
        "--root", metavar="DIR", help="look for the files the .mc names under DIR as well"
    )
    parser.add_argument(
        "--engine",
        choices=("auto", "cf", "model"),
        default="auto",
        help="who answers: sendmail's own rules in the .cf (cf), the hand-written model "
        "(model), or auto (default): the .cf when it is not older than the .mc or m4 and "
        "the cf package can render the .mc, else the model",
    )
    parser.add_argument(
        "--cf-dir",
        metavar="DIR",
        help="the sendmail cf package, to render the .mc for the engine "
        "(default: $SENDMAIL_CF_DIR, then the usual places)",
    )


def configure(parser: argparse.ArgumentParser) -> None:
    add_site_options(parser)
    parser.add_argument("addresses", nargs="+", metavar="ADDRESS", help="user@host or a user")
    parser.add_argument("--json", action="store_true", help="print a JSON array")
    parser.add_argument("--explain", action="store_true", help="also print every decision")
    parser.add_argument(
        "--no-such-user",
        action="append",
        default=[],
        metavar="NAME",
        help="a local user with no passwd entry (LUSER_RELAY applies; repeatable)",
    )


def _read_db(path: str, kind: str, fold_keys: bool) -> MapDocument | None:
    """A ``.db`` found without its source, read with the output room's Berkeley DB reader."""
    from sendmailcfg.cli._mapsource import load_query_map
    from sendmailcfg.maps.document import MapDocument
    from sendmailcfg.output.database import MapBuildError

    try:
        doc = load_query_map(path, kind, fold_keys=fold_keys)
    except (OSError, MapBuildError):
        return None
    return doc if isinstance(doc, MapDocument) else None


ROUTE_MAPS = ("mailertable", "virtusertable", "domaintable")
"""The maps ``route`` reads (a missing one is reported)."""


def open_site(
    args: argparse.Namespace, command: str, *, report_maps: tuple[str, ...] = ROUTE_MAPS
) -> Site | None:
    """The configuration ``--config`` names; None (reported on stderr) when it cannot be read.

    The maps of ``report_maps`` that were not found are reported on stderr.
    """
    from sendmailcfg.site import load_site

    try:
        site = load_site(
            args.config,
            hostname=args.hostname,
            root=args.root,
            read_db=_read_db,
            mc=getattr(args, "mc", None),
        )
    except (OSError, ValueError) as exc:
        text = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        if isinstance(exc, OSError) and exc.filename:
            text = f"{exc.filename}: cannot read: {text}"
        print(f"{command}: {text}", file=sys.stderr)
        return None
    for source in site.maps.values():
        if source.kind in report_maps and source.document is None and source.written is not None:
            where = ", ".join(dict.fromkeys(site.candidates(source.written)))
            print(
                f"{command}: {source.setting}: {source.kind} {source.written} {source.problem} "
                f"(looked for {where}); answering as if it were empty",
                file=sys.stderr,
            )
    if site.j is None and report_maps:
        print(
            f"{command}: {site.path}: no confDOMAIN_NAME: give --hostname FQDN "
            "(this host's name, $j); answering as if it had no name but localhost",
            file=sys.stderr,
        )
    for problem in site.problems:
        print(escape(f"{command}: {problem}: {problem.value} ({problem.what})"), file=sys.stderr)
    from sendmailcfg.cli._answers import unmodelled_of

    args._unmodelled = unmodelled_of(site)
    for u in site.unmodelled:
        print(
            escape(
                f"{command}: warning: {u}: {u.value} is not modelled ({u.what}); "
                "answers may differ from sendmail's"
            ),
            file=sys.stderr,
        )
    return site


def open_engine(
    args: argparse.Namespace, command: str, *, resolver: Resolver | None = None
) -> Engine | Literal[False] | None:
    """The ``.cf`` engine that answers (``--engine``), None when the model answers, or
    False after printing why nothing can answer (exit 2). ``resolver``: how names
    resolve (default offline: a dotted name is its own canonical name).

    A ``--config`` naming a ``.cf`` (an admin with only a sendmail.cf) always runs it.
    With ``auto`` and ``cf`` the ``.mc`` is rendered with locked m4 when it has no
    current ``.cf`` (no command can run, no file outside the cf package is read)."""
    from sendmailcfg.site.cfengine import (
        EngineUnavailable,
        EngineWanted,
        build_engine,
        choose_engine,
        environment,
    )
    from sendmailcfg.site.finding import find_mc

    wanted: EngineWanted = getattr(args, "engine", "auto")
    config = args.config
    if wanted == "model" and not config.endswith(".cf"):
        return None
    try:
        path = (
            config
            if config.endswith(".cf")
            else find_mc(config, mc=getattr(args, "mc", None), hostname=args.hostname)
        )
    except (OSError, ValueError):
        return None  # the model reports it, with its own words
    render = None
    if not path.endswith(".cf"):

        def render() -> str:
            from sendmailcfg import _source, fileio
            from sendmailcfg.errors import SendmailcfgError
            from sendmailcfg.mc.render import render as m4_render

            text = _source.decode(fileio.read_bytes(path))
            try:
                return m4_render(text, getattr(args, "cf_dir", None))
            except SendmailcfgError as exc:
                raise ValueError(str(exc)) from None

    try:
        if path.endswith(".cf"):
            wanted = "cf"
        choice = choose_engine(path, wanted, render=render)
    except (EngineUnavailable, OSError) as exc:
        print(f"{command}: {exc}", file=sys.stderr)
        return False
    if choice.engine == "model":
        return None
    from sendmailcfg.output.bdb import read as read_db

    extra = {"resolver": resolver} if resolver is not None else {}
    env = environment(args.hostname, no_such_users=getattr(args, "no_such_user", ()), **extra)
    engine = build_engine(
        choice,
        env,
        read_db=read_db,
        folder=os.path.dirname(path) or ".",
        root=args.root,
    )
    for problem in engine.problems:
        print(f"{command}: warning: {problem}", file=sys.stderr)
    return engine


def stale_databases(site: Site) -> list[str]:
    """The ``.db`` files older than the map source the answers were read from.

    sendmail reads the ``.db``: until it is rebuilt (``make maps``) sendmail's answer
    may differ from one read from the text. (The rule of /etc/mail/Makefile: the
    source was modified after the database.)
    """
    out = []
    for source in site.maps.values():
        if source.path is None or source.document is None:
            continue
        db = source.path + ".db"
        try:
            if os.stat(source.path).st_mtime_ns > os.stat(db).st_mtime_ns:
                out.append(db)
        except OSError:
            continue
    return out


def engine_router(
    args: argparse.Namespace, command: str
) -> Callable[[Site, str, Collection[str]], Any]:
    """A ``(site, address, no_such_users) -> answer`` function that answers as ``route``
    would for each configuration: sendmail's own rules when ``--engine`` and the files
    allow, else the model (engines are built once per configuration and user set; what
    ``open_engine`` would print about them is not repeated for every answer)."""
    import contextlib
    import io

    from sendmailcfg.site import route
    from sendmailcfg.site.cfengine import route_cf
    from sendmailcfg.site.relay import relayed

    engines: dict[tuple[str, frozenset[str]], Engine | None] = {}

    def answer(site: Site, address: str, no_such_users: Collection[str]) -> Any:
        key = (site.path, frozenset(no_such_users))
        if key not in engines:
            asked = argparse.Namespace(
                config=site.path,
                hostname=getattr(args, "hostname", None) or site.hostname,
                root=getattr(args, "root", None) or site.root,
                engine=getattr(args, "engine", "auto"),
                cf_dir=getattr(args, "cf_dir", None),
                no_such_user=sorted(no_such_users),
            )
            said = io.StringIO()
            with contextlib.redirect_stderr(said):
                found = open_engine(asked, command)
            if found is False:
                raise ValueError(said.getvalue().strip() or "--engine cf: no .cf can be had")
            engines[key] = found
        engine = engines[key]
        if engine is None:
            return relayed(site, route(site, address, no_such_users=no_such_users))
        return relayed(site, route_cf(engine, address))

    return answer


def print_answers(
    args: argparse.Namespace,
    command: str,
    ask: Callable[[str], Any],
    stale: Sequence[str] = (),
) -> int:
    """``ask(address)`` for each address, printed as JSON (``as_json()``) or text
    (``explain()``, its first line without ``--explain``); a refused address is exit 2.

    ``stale`` names ``.db`` files older than their sources: a warning on stderr, and
    ``"stale": [...]`` in each JSON answer.
    """
    for db in stale:
        print(
            escape(
                f"{command}: warning: {db} is older than its source: sendmail answers from "
                "the .db until it is rebuilt (make maps); these answers are the source's"
            ),
            file=sys.stderr,
        )
    answers = []
    for address in args.addresses:
        try:
            answers.append(ask(address))
        except ValueError as exc:
            print(f"{command}: {exc}", file=sys.stderr)
            return 2
    if args.json:
        from sendmailcfg.cli._answers import with_unmodelled

        out = [with_unmodelled(args, a.as_json()) for a in answers]
        if stale:
            out = [{**o, "stale": list(stale)} if isinstance(o, dict) else o for o in out]
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 0
    for a in answers:  # values from the files are shown, never sent to the terminal raw
        print(escape_lines(a.explain() if args.explain else a.summary()))
    return 0


def _quiet_site(args: argparse.Namespace) -> Site | None:
    """The ``.mc``'s configuration beside the engine's ``.cf``, or None (a lone ``.cf``)."""
    from sendmailcfg.site import load_site

    if args.config.endswith(".cf"):
        return None
    try:
        return load_site(
            args.config,
            hostname=args.hostname,
            root=args.root,
            read_db=_read_db,
            mc=getattr(args, "mc", None),
        )
    except (OSError, ValueError):
        return None


def run(args: argparse.Namespace) -> int:
    from sendmailcfg.site import route

    engine = open_engine(args, "route")
    if engine is False:
        return 2
    from sendmailcfg.site.relay import relayed

    if engine is not None:
        from sendmailcfg.site.cfengine import route_cf

        cf = engine
        mc = _quiet_site(args)  # how sendmail connects (port, AUTH) is read from the .mc
        if mc is None:
            return print_answers(args, "route", lambda a: route_cf(cf, a))
        return print_answers(args, "route", lambda a: relayed(mc, route_cf(cf, a)))
    site = open_site(args, "route")
    if site is None:
        return 2

    return print_answers(
        args,
        "route",
        lambda a: relayed(site, route(site, a, no_such_users=args.no_such_user)),
        stale_databases(site),
    )
