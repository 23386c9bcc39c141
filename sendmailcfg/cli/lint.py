"""Report every problem in sendmail .mc files and map sources, alone and together.

A PATH may be a file or a folder laid out like /etc/mail: every known file
in it is linted and the files are checked against each other (a map without
its FEATURE, a stale .db, ...). FIFOs, sockets and devices are reported, never
opened; files over max-file-size are reported, not read. Exit status: 0 when
there is no error or warning (or with --exit-zero), 1 when there is (with
--diff: when there are fixes to apply), 2 for usage errors and unreadable
paths. Rules: docs/lint-rules.md (or --explain ID); configuration:
[tool.sendmailcfg.lint] in the nearest pyproject.toml, or --config FILE.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from collections.abc import Callable

    from sendmailcfg.lint.config import LintConfig
    from sendmailcfg.lint.engine import Finding, LintFile

NAME = "lint"
HELP = "report problems in .mc files and maps (text, json, sarif or github output); --fix"

EXAMPLES = """examples:
  sendmailcfg lint /etc/mail
  sendmailcfg lint sendmail.mc access --select MC,AC --statistics
  sendmailcfg lint /etc/mail --diff
  sendmailcfg lint --format json /etc/mail > findings.json
  sendmailcfg lint --explain AC001"""

_FORMATS = ("text", "json", "sarif", "github")

PROGRESS_FILES = 50
"""From this many files on, a terminal shows progress while lint runs (quicker runs: none)."""


def _ids(text: str) -> list[str]:
    return [p.strip() for p in text.split(",") if p.strip()]


def configure(parser: argparse.ArgumentParser) -> None:
    from sendmailcfg.maps.kinds import KINDS

    parser.add_argument(
        "paths", nargs="*", metavar="PATH", help="files or folders; - reads stdin (needs --kind)"
    )
    parser.add_argument("--format", choices=_FORMATS, default="text", help="output format")
    parser.add_argument(
        "--select", type=_ids, metavar="IDS", help="only these rules (ids, prefixes, names; a,b)"
    )
    parser.add_argument(
        "--ignore", type=_ids, metavar="IDS", default=[], help="skip these rules (a,b)"
    )
    parser.add_argument("--kind", choices=KINDS, help="kind of every file (default: from name)")
    parser.add_argument(
        "--config", metavar="FILE", help="read the settings from FILE, not the nearest pyproject"
    )
    parser.add_argument(
        "--fix", action="store_true", help="apply the safe fixes (atomically), then lint again"
    )
    parser.add_argument(
        "--diff", action="store_true", help="print the safe fixes as a unified diff; write nothing"
    )
    parser.add_argument(
        "--unsafe-fixes",
        action="store_true",
        help="with --fix or --diff, also apply the fixes that change what sendmail does "
        "(to what the line plainly meant)",
    )
    parser.add_argument(
        "--statistics",
        action="store_true",
        help="print how many findings each rule has instead of the findings",
    )
    parser.add_argument(
        "--exit-zero", action="store_true", help="exit 0 even when there are findings"
    )
    parser.add_argument("--output-file", metavar="FILE", help="write the report to FILE")
    parser.add_argument(
        "--jobs",
        type=int,
        metavar="N",
        help="processes to use (default: one per core for big runs)",
    )
    parser.add_argument("--explain", metavar="ID", help="print the page of one rule and exit")
    parser.add_argument(
        "--render",
        action="store_true",
        help="X007: also render each .mc with the real m4 and compare it with its .cf",
    )
    parser.add_argument(
        "--hostname", metavar="FQDN", help="this host's name when the .mc sets none (X020)"
    )


def run(args: argparse.Namespace) -> int:
    """Lint the paths: read the configuration and stdin, lint, fix (``--fix``/``--diff``),
    report; each step is one function below."""
    from sendmailcfg.lint.engine import lint_files, worst
    from sendmailcfg.lint.run import lint_paths
    from sendmailcfg.lint.walk import collect

    if args.explain:
        from sendmailcfg.cli.rule import explain

        return explain(args.explain)
    if not args.paths:
        print("lint: give at least one PATH (or --explain ID)", file=sys.stderr)
        return 2
    config = _config(args)
    if config is None:
        return 2
    paths = [p for p in args.paths if p != "-"]
    stdin = _stdin(args) if len(paths) != len(args.paths) else None
    if stdin is False:
        return 2
    found, ok = collect(paths, args.kind)
    if not found and stdin is None and ok:
        print("lint: no .mc files or map sources found", file=sys.stderr)

    def lint_all() -> tuple[list[Finding], list[str]]:
        findings, errors = lint_paths(found, config, jobs=args.jobs)
        if stdin is not None:
            findings = sorted(findings + lint_files([stdin], config), key=lambda f: f.sort_key())
        return findings, errors

    from sendmailcfg.cli._progress import Progress, wanted

    show = len(found) >= PROGRESS_FILES and wanted(json=args.format != "text")
    with Progress(f"lint: {len(found):,} files", enabled=show):
        findings, errors = lint_all()
    if args.diff:
        return _diff(args, findings, errors, ok, stdin, dict(found))
    if args.fix:
        findings, errors = _fix(args, findings, errors, stdin, dict(found), lint_all)
    _report(args, findings, errors)
    if errors or not ok:
        return 2
    return 0 if args.exit_zero else worst(findings)


def _config(args: argparse.Namespace) -> LintConfig | None:
    """The lint configuration (file, then --select/--ignore/--render/--hostname); None
    after saying why it cannot be read."""
    import attrs

    from sendmailcfg.lint.config import ConfigError, LintConfig

    try:
        base = LintConfig.from_file(args.config) if args.config else LintConfig.discover()
        config = base.with_options(args.select, args.ignore)
    except (ConfigError, OSError) as exc:
        print(f"lint: {exc}", file=sys.stderr)
        return None
    if args.render:
        config = attrs.evolve(config, render=True)
    if args.hostname:
        config = attrs.evolve(config, hostname=args.hostname)
    return config


def _stdin(args: argparse.Namespace) -> LintFile | Literal[False]:
    """The file read from stdin (``-``); False after saying why it cannot be linted."""
    from sendmailcfg import _source
    from sendmailcfg.lint.engine import load_file

    if args.kind is None:
        print("lint: reading stdin (-) needs --kind", file=sys.stderr)
        return False
    if args.fix:
        print("lint: --fix cannot write to stdin (use --diff)", file=sys.stderr)
        return False
    return load_file("-", args.kind, _source.decode(sys.stdin.buffer.read()))


def _diff(
    args: argparse.Namespace,
    findings: list[Finding],
    errors: list[str],
    ok: bool,
    stdin: LintFile | None,
    kinds: dict[str, str],
) -> int:
    """``--diff``: print the fixes as a diff; 1 when there are some (0 with --exit-zero)."""
    from sendmailcfg.lint import fixing

    changed, diff = fixing.fix_files(
        findings, stdin, write=bool(args.fix), kinds=kinds, unsafe=args.unsafe_fixes
    )
    _write(diff, "text", args.output_file, newline=False)
    for e in errors:
        print(e, file=sys.stderr)
    if errors or not ok:
        return 2
    return 0 if args.exit_zero or not changed else 1


def _fix(
    args: argparse.Namespace,
    findings: list[Finding],
    errors: list[str],
    stdin: LintFile | None,
    kinds: dict[str, str],
    lint_all: Callable[[], tuple[list[Finding], list[str]]],
) -> tuple[list[Finding], list[str]]:
    """``--fix``: write the fixes, linting again until nothing changes (a fix may make
    another one possible; at most ten rounds); the findings and errors left."""
    from sendmailcfg.lint import fixing

    unsafe = args.unsafe_fixes
    changed, _ = fixing.fix_files(findings, stdin, write=True, kinds=kinds, unsafe=unsafe)
    total = changed
    if changed:
        findings, errors = lint_all()
    for _round in range(9):
        if not changed:
            break
        changed, _ = fixing.fix_files(findings, stdin, write=True, kinds=kinds, unsafe=unsafe)
        total += changed
        if changed:
            findings, errors = lint_all()
    if total:
        print(f"lint: fixed {total} problem(s)", file=sys.stderr)
    return findings, errors


def _report(args: argparse.Namespace, findings: list[Finding], errors: list[str]) -> None:
    """Print the read errors, the findings in the chosen format (or their statistics) and,
    for text, the summary line."""
    from sendmailcfg.lint.formats import render, statistics, summary, use_color

    for e in errors:
        print(e, file=sys.stderr)
    color = args.format == "text" and not args.output_file and use_color(sys.stdout)
    if args.statistics:
        out = statistics(findings, "json" if args.format == "json" else "text")
    else:
        out = render(findings, args.format, color=color)
    if out or args.output_file:
        _write(out, args.format, args.output_file)
    if args.format == "text":
        print(summary(findings, unsafe_fixes=args.unsafe_fixes), file=sys.stderr)


def _write(out: str, fmt: str, output_file: str | None = None, *, newline: bool = True) -> None:
    """Print ``out`` (or write it to ``output_file``): text and annotations keep a file's own
    bytes (as grep does); JSON and SARIF must be UTF-8, so undecodable bytes become U+FFFD."""
    data = out.encode("utf-8", "surrogateescape")
    if fmt in ("json", "sarif"):
        data = data.decode("utf-8", "replace").encode("utf-8")
    if newline and out:
        data += b"\n"
    if output_file:
        from sendmailcfg import fileio

        fileio.write_atomic(output_file, data)
        return
    sys.stdout.flush()
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
