"""Hold a configuration to what you expect of it: run expectation FILEs (TOML).

Each FILE says where addresses must go (route), what senders become (sender),
what the access map decides, what the virtusertable, genericstable and
domaintable return and what lint may report; with no FILE, every
*.sendmail-test.toml under the current folder runs. A failure prints
FILE:LINE: expected ..., got ... and the answer's --explain. The engine that
answers is the one route uses, and is shown. --record ADDRESS... (or
--record-from FILE) writes where each address goes today as an expectation file
(to FILE, or standard output). Exit status: 0 when every expectation holds, 1
when one fails, 2 for a bad expectation file (FILE:LINE:COL: ...; nothing is
run) and usage errors. Format: docs/testing-a-mail-configuration.md.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

NAME = "test"
HELP = "check expectation files: where addresses go, senders, access, maps, lint (CI output)"

_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__", "site-packages"})


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="expectation files or folders (default: every *.sendmail-test.toml under .); "
        "with --record: the file to write",
    )
    parser.add_argument(
        "--config",
        metavar="PATH",
        help="answer with this .mc (or folder holding one) instead of the files' own config",
    )
    parser.add_argument(
        "--hostname", metavar="FQDN", help="this host's name (replaces the files' hostname)"
    )
    parser.add_argument(
        "--root", metavar="DIR", help="look for the files the .mc names under DIR as well"
    )
    parser.add_argument(
        "--engine",
        choices=("auto", "cf", "model"),
        default="auto",
        help="who answers route expectations, as for route: the .cf's own rules (cf), the "
        "model, or auto (default): the .cf when it is current or m4 can render the .mc",
    )
    parser.add_argument(
        "--cf-dir", metavar="DIR", help="the sendmail cf package, to render the .mc (--engine)"
    )
    parser.add_argument(
        "--format", choices=("text", "json", "sarif"), default="text", help="output format"
    )
    parser.add_argument("--json", action="store_true", help="same as --format json")
    parser.add_argument(
        "--junit-xml", metavar="FILE", help="also write a JUnit XML report to FILE (for CI)"
    )
    parser.add_argument("--output-file", metavar="FILE", help="write the report to FILE")
    parser.add_argument("-v", "--verbose", action="store_true", help="list passes too (text)")
    parser.add_argument(
        "--record",
        nargs="+",
        default=[],
        metavar="ADDRESS",
        help="write where each ADDRESS goes today as expectations (to FILE or stdout)",
    )
    parser.add_argument(
        "--record-from", metavar="FILE", help="--record the addresses in FILE (one a line)"
    )


def discover(paths: list[str]) -> tuple[list[str], list[str]]:
    """The expectation files ``paths`` name (a folder: its ``*.sendmail-test.toml``, hidden
    folders skipped), and the paths that do not exist."""
    from sendmailcfg.expect.schema import SUFFIX

    found: list[str] = []
    missing: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            for top, dirs, files in os.walk(path):
                dirs[:] = sorted(
                    d for d in dirs if not d.startswith(".") and d not in _SKIPPED_DIRS
                )
                found.extend(
                    os.path.normpath(os.path.join(top, f))
                    for f in sorted(files)
                    if f.endswith(SUFFIX)
                )
        elif os.path.exists(path):
            found.append(path)
        else:
            missing.append(path)
    return found, missing


def read_db(path: str, kind: str, fold_keys: bool) -> Any:
    """A ``.db`` found without its source, read as ``route`` reads it (the pytest plugin
    answers with it too); None when it cannot be read."""
    from sendmailcfg.cli.route import _read_db

    return _read_db(path, kind, fold_keys)


def run(args: argparse.Namespace) -> int:
    if args.record or args.record_from:
        return _record(args)
    from sendmailcfg.cli.route import _read_db
    from sendmailcfg.expect import load
    from sendmailcfg.expect import run as run_expectations
    from sendmailcfg.expect.report import junit_xml, render

    files, missing = discover(args.files or ["."])
    for path in missing:
        print(f"test: {path}: no such file or directory", file=sys.stderr)
    if missing:
        return 2
    if not files:
        print("test: no expectation files (*.sendmail-test.toml) found", file=sys.stderr)
        return 2
    expectations = []
    problems = []
    for path in files:
        found, bad = load(path, config=args.config, hostname=args.hostname, root=args.root)
        expectations.extend(found)
        problems.extend(bad)
    if problems:
        from sendmailcfg.lint.formats import escape

        for p in problems:
            print(escape(str(p)), file=sys.stderr)
        print(
            f"test: {len(problems)} problem(s) in the expectation files; nothing run",
            file=sys.stderr,
        )
        return 2
    from sendmailcfg.cli.route import engine_router

    router = engine_router(args, "test")
    outcomes = run_expectations(expectations, read_db=_read_db, router=router)
    fmt = "json" if args.json else args.format
    _write(render(outcomes, fmt, verbose=args.verbose), args.output_file)
    if args.junit_xml:
        from sendmailcfg import fileio

        fileio.write_atomic(args.junit_xml, junit_xml(outcomes).encode("utf-8") + b"\n")
    return 0 if all(o.passed for o in outcomes) else 1


def _write(text: str, output_file: str | None) -> None:
    data = text.encode("utf-8", "surrogateescape") + b"\n"
    if output_file:
        from sendmailcfg import fileio

        fileio.write_atomic(output_file, data)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()


def _record(args: argparse.Namespace) -> int:
    from sendmailcfg.cli.route import _read_db
    from sendmailcfg.expect import Configuration
    from sendmailcfg.expect.record import read_addresses, record
    from sendmailcfg.expect.run import load_error

    if len(args.files) > 1:
        print("test: --record writes one FILE (or standard output)", file=sys.stderr)
        return 2
    addresses = list(args.record)
    for a in addresses:
        if a.endswith(".toml"):
            print(
                f"test: {a!r} looks like a FILE, not an address: write it before --record "
                "(test FILE --record ADDRESS...)",
                file=sys.stderr,
            )
            return 2
    if args.record_from:
        try:
            with open(args.record_from, encoding="utf-8") as f:
                addresses.extend(read_addresses(f.read()))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"test: {args.record_from}: cannot read: {exc}", file=sys.stderr)
            return 2
    config = args.config or "."
    try:
        conf = Configuration.load(config, hostname=args.hostname, root=args.root, read_db=_read_db)
    except (OSError, ValueError) as exc:
        print(f"test: cannot read the configuration: {load_error(exc)}", file=sys.stderr)
        return 2
    out = args.files[0] if args.files else None
    base = os.path.dirname(os.path.abspath(out)) if out else os.getcwd()
    written = os.path.relpath(os.path.abspath(config), base)
    root = os.path.relpath(os.path.abspath(args.root), base) if args.root else None
    try:
        text = record(conf, addresses, config=written, hostname=args.hostname, root=root)
    except ValueError as exc:
        print(f"test: {exc}", file=sys.stderr)
        return 2
    if out is None:
        sys.stdout.write(text)
        return 0
    from sendmailcfg import fileio

    fileio.write_atomic(out, text.encode("utf-8"))
    print(f"test: wrote {len(addresses)} expectation(s) to {out}", file=sys.stderr)
    return 0
