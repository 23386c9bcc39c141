"""Report every problem in sendmail .mc files and map sources, alone and together.

A PATH may be a file or a folder laid out like /etc/mail: every known file
in it is linted and the files are checked against each other (a map without
its FEATURE, a stale .db, ...). Exit status: 0 when there is no error or
warning, 1 when there is, 2 for usage errors and unreadable paths.
Rules: docs/lint-rules.md; configuration: [tool.sendmailcfg.lint] in the
nearest pyproject.toml.
"""

from __future__ import annotations

import argparse
import sys

NAME = "lint"
HELP = "report problems in .mc files and maps (text, json, sarif or github output)"

_FORMATS = ("text", "json", "sarif", "github")


def _ids(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def configure(parser: argparse.ArgumentParser) -> None:
    from sendmailcfg.maps.kinds import KINDS

    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="files or folders; - reads stdin (needs --kind)"
    )
    parser.add_argument("--format", choices=_FORMATS, default="text", help="output format")
    parser.add_argument(
        "--select", type=_ids, metavar="IDS", help="only these rules (ids, prefixes, names; a,b)"
    )
    parser.add_argument(
        "--ignore", type=_ids, metavar="IDS", default=[], help="skip these rules (a,b)"
    )
    parser.add_argument("--kind", choices=KINDS, help="kind of every file (default: from name)")


def run(args: argparse.Namespace) -> int:
    from sendmailcfg import _source
    from sendmailcfg.cli.paths import expand, read_each
    from sendmailcfg.lint.config import ConfigError, LintConfig
    from sendmailcfg.lint.engine import lint_files, load_file, worst
    from sendmailcfg.lint.formats import render

    try:
        config = LintConfig.discover().with_options(args.select, args.ignore)
    except (ConfigError, OSError) as exc:
        print(f"lint: {exc}", file=sys.stderr)
        return 2
    paths = [p for p in args.paths if p != "-"]
    files = []
    if len(paths) != len(args.paths):
        if args.kind is None:
            print("lint: reading stdin (-) needs --kind", file=sys.stderr)
            return 2
        files.append(load_file("-", args.kind, _source.decode(sys.stdin.buffer.read())))
    found, ok = expand(paths, args.kind)
    for path, kind, data in read_each(found):
        if data is None:
            ok = False
            continue
        files.append(load_file(path, kind, _source.decode(data)))
    if not files and ok:
        print("lint: no .mc files or map sources found", file=sys.stderr)
    findings = lint_files(files, config)
    out = render(findings, args.format)
    if out:
        _write(out, args.format)
    if not ok:
        return 2
    return worst(findings)


def _write(out: str, fmt: str) -> None:
    """Print ``out``: text and annotations keep a file's own bytes (as grep does); JSON and
    SARIF must be UTF-8, so undecodable bytes become U+FFFD there."""
    data = out.encode("utf-8", "surrogateescape")
    if fmt in ("json", "sarif"):
        data = data.decode("utf-8", "replace").encode("utf-8")
    sys.stdout.flush()
    sys.stdout.buffer.write(data + b"\n")
    sys.stdout.flush()
