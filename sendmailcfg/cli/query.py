"""Ask what sendmail would decide: ``query mailertable ...``, ``query access ...``."""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from typing import TYPE_CHECKING

from sendmailcfg.kinds import DECLARED

if TYPE_CHECKING:
    from sendmailcfg.site import Site

NAME = "query"
HELP = "ask what sendmail decides with one map: mailertable, access, virtusertable, ..."

EXAMPLES = """examples:
  sendmailcfg query mailertable /etc/mail/mailertable user@a.example.org
  sendmailcfg query access /etc/mail/access Connect:10.1.2.3 --json
  cut -f1 addresses | sendmailcfg query virtusertable virtusertable -"""

QUERY_KINDS: tuple[str, ...] = tuple(k.query for k in DECLARED if k.query)
"""Modules with ``NAME``, ``HELP``, ``configure`` and ``run``, one per map kind
(:data:`sendmailcfg.kinds.DECLARED`)."""


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="map_kind", required=True, metavar="KIND")
    for name in QUERY_KINDS:
        module = importlib.import_module(name)
        p = sub.add_parser(module.NAME, help=module.HELP, description=module.__doc__)
        module.configure(p)
        p.add_argument(
            "--config",
            metavar="PATH",
            help="read the FEATUREs' options, this host's names, relay domains and SMART_HOST "
            "from this .mc (or a folder like /etc/mail holding sendmail.mc)",
        )
        p.add_argument(
            "--mc",
            metavar="FILE.mc",
            help="with a --config folder: the .mc in it to read (default: as every command "
            "finds it)",
        )
        p.set_defaults(_query_run=module.run, _query_kind=module.NAME)


def read_queries(args: argparse.Namespace) -> None:
    """``-`` among the queries stands for standard input, one query a line (``postmap -q -``);
    blank lines are skipped."""
    for attr in ("addresses", "queries"):
        given = getattr(args, attr, None)
        if given is None or "-" not in given:
            continue
        lines = [ln.rstrip("\r") for ln in sys.stdin.read().splitlines()]
        stdin = [ln for ln in lines if ln.strip()]
        out: list[str] = []
        for q in given:
            out.extend(stdin if q == "-" else [q])
        setattr(args, attr, out)


def idna_notes(queries: list[str]) -> list[str]:
    """What to say about internationalized domains in ``queries``: sendmail compares keys
    byte for byte, so a U-label (``例え.jp``) and its A-label (``xn--r8jz45g.jp``) are
    different keys (lint rule MAP006 reports U-label keys).

    >>> [n.split(": ", 2)[2] for n in idna_notes(["user@例え.jp", "user@example.jp"])]
    ['例え.jp and xn--r8jz45g.jp are different keys (lint rule MAP006)']
    """
    from sendmailcfg.lint.rules.map006_idna_key import a_label

    notes = []
    for q in queries:
        domain = q.rsplit("@", 1)[-1].rsplit(":", 1)[-1]
        if domain.isascii() and "xn--" not in domain.lower():
            continue
        if domain.isascii():
            try:
                other = domain.encode("ascii").decode("idna")
            except UnicodeError:
                continue
        else:
            converted = a_label(domain)
            if converted is None:
                continue
            other = converted
        notes.append(
            f"note: sendmail does not convert IDNA names: {domain} and {other} are "
            "different keys (lint rule MAP006)"
        )
    return notes


def run(args: argparse.Namespace) -> int:
    kind = args._query_kind
    read_queries(args)
    if not getattr(args, "json", False):
        asked = getattr(args, "addresses", None) or getattr(args, "queries", None)
        for note in idna_notes(asked or [getattr(args, "host", "")]):
            print(note, file=sys.stderr)
    problem = not_a_source(args.file, kind)
    if problem is not None:
        print(f"query {kind}: {args.file}: {problem}", file=sys.stderr)
        return 2
    if args.config is not None:
        from sendmailcfg.cli.route import open_site

        args.hostname = args.root = None
        if kind == "access":
            from sendmailcfg.cli.query_access import open_access_engine

            if not open_access_engine(args):
                return 2
        if getattr(args, "_engine", None) is None:
            site = open_site(args, f"query {kind}", report_maps=())
            if site is None:
                return 2
            from_site(site, kind, args)
    status: int = args._query_run(args)
    return status


READS_DATABASES = frozenset({"mailertable", "access", "authinfo"})
"""Query kinds that answer from a ``.db`` too (:mod:`sendmailcfg.cli._mapsource`)."""

_MC_LINE = re.compile(
    r"^[ \t]*(?:divert|OSTYPE|DOMAIN|FEATURE|define|MAILER|VERSIONID|include)\(|^dnl\b", re.M
)
_PASSWD_LINE = re.compile(r"[^:\s]+:[^:\n]*:\d+:\d+:[^:\n]*:[^:\n]*:[^:\n]*")


def not_a_source(path: str, kind: str) -> str | None:
    """Why ``path`` is not a map ``kind`` can answer from (binary data, an .mc, a passwd
    file, nothing that reads as KEY VALUE lines; a database for kinds that only read
    sources), or None. Unreadable files pass: the query reports them."""
    from sendmailcfg import _source, fileio
    from sendmailcfg.maps import infer_kind

    try:
        data = fileio.read_bytes(path)
    except OSError:
        return None
    from sendmailcfg.cli._mapsource import is_database

    if is_database(data):
        if kind in READS_DATABASES:
            return None  # answered from the database's pairs, as sendmail reads them
        return f"a Berkeley DB database, not a {kind} source: give the text source"
    if b"\0" in data[:8192]:
        return f"binary data, not a {kind} source: give the text source"
    text = _source.decode(data)
    if infer_kind(path) == "mc" or _MC_LINE.search(text):
        return f"an .mc file, not a {kind} source: give the map source, and the .mc with --config"
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]
    if lines and sum(1 for ln in lines if _PASSWD_LINE.fullmatch(ln)) * 2 >= len(lines):
        return f"a passwd-style file (user:x:uid:gid:...), not a {kind} source"
    if lines and not any(len(ln.split(None, 1)) == 2 and not ln[0].isspace() for ln in lines):
        return f"no KEY VALUE line: not a {kind} source"
    return None


def from_site(site: Site, kind: str, args: argparse.Namespace) -> None:
    """Fill the query's options from the configuration (flags typed by hand are kept)."""
    j = site.j.value if site.j else None
    names = sorted(s.value for s in site.classes["w"])
    source = site.maps.get(kind)
    if source is not None and not source.fold_keys and hasattr(args, "no_fold"):
        args.no_fold = True
    if hasattr(args, "local"):
        args.local = [*args.local, *names]
    if hasattr(args, "smart_host") and args.smart_host is None and site.smart_host:
        args.smart_host = site.smart_host.value
    if hasattr(args, "host_name") and args.host_name is None:
        args.host_name = j
    if kind == "virtusertable":
        args.domain = [*args.domain, *(s.value for s in site.classes["VirtHost"])]
        args.entire_domain = args.entire_domain or site.has_feature("virtuser_entire_domain")
    elif kind == "genericstable":
        args.domain = [*args.domain, *(s.value for s in site.classes["G"])]
        args.entire_domain = args.entire_domain or site.has_feature("generics_entire_domain")
        if args.masquerade_as is None and site.masquerade_as is not None:
            args.masquerade_as = site.masquerade_as.value or None
    elif kind == "access":
        args.relay_domain = [*args.relay_domain, *(s.value for s in site.classes["R"])]
        from sendmailcfg.maps.access.rules import FEATURES

        features = [f for f in FEATURES if f != "skip" and site.has_feature(f)]
        if site.facts.feature_has_option("access_db", "skip"):
            features.append("skip")
        args.feature = [*args.feature, *(f for f in features if f not in args.feature)]
