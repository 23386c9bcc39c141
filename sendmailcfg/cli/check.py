"""Parse files and report every line sendmail's tools would reject (file:line:col).

Also proves the round trip: each file is dumped and compared with its bytes.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
from collections.abc import Iterator

from sendmailcfg import _source
from sendmailcfg.api import loads
from sendmailcfg.cli._edit import berkeley_db_message, is_berkeley_db
from sendmailcfg.cli.paths import expand, read_each
from sendmailcfg.maps.kinds import KINDS

NAME = "check"
HELP = "parse files, report syntax problems, prove the byte-for-byte round trip"

EXAMPLES = """examples:
  sendmailcfg check /etc/mail
  sendmailcfg check --kind access - < access"""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="files or folders; - reads standard input"
    )
    parser.add_argument("--kind", choices=KINDS, help="kind of every file (default: from name)")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"files": N, "problems": [{"path", "line", "column", "code", "message", '
        '"expected"}], "errors": [str]}',
    )


def _stdin(kind: str | None) -> list[tuple[str, str, bytes | None]]:
    if kind is None:
        print("check: reading stdin (-) needs --kind", file=sys.stderr)
        return [("-", "", None)]
    return [("-", kind, sys.stdin.buffer.read())]


def _each(
    first: list[tuple[str, str, bytes | None]], files: list[tuple[str, str]]
) -> Iterator[tuple[str, str, list[bytes | None]]]:
    """``(path, kind, [bytes])``: the caller pops the bytes, so none stay referenced here."""
    for path, kind, data in first:
        yield path, kind, [data]
    for path, kind in files:
        read = list(read_each([(path, kind)]))  # run to its end: the reader keeps nothing
        while read:
            box: list[bytes | None] = [read.pop()[2]]
            yield path, kind, box


def run(args: argparse.Namespace) -> int:
    paths = [p for p in args.paths if p != "-"]
    from_stdin = _stdin(args.kind) if len(paths) != len(args.paths) else []
    files, ok = expand(paths, args.kind)
    problems: list[dict[str, object]] = []
    errors: list[str] = []
    for path, kind, box in _each(from_stdin, files):
        data = box.pop()
        if data is None:
            ok = False
            continue
        if is_berkeley_db(data):
            errors.append(berkeley_db_message(path))
            ok = False
            continue
        # the bytes go before the document is made: a big map is in memory once, as text
        digest = hashlib.sha256(data).digest()
        text = _source.decode(data)
        del data
        doc = loads(text, kind, path=path)
        del text
        if hashlib.sha256(_source.encode(doc.text)).digest() != digest:  # pragma: no cover
            errors.append(f"{path}: internal error: the round trip changed the file")
            problems.append({"path": path, "line": 1, "column": 1, "code": "round-trip"})
        for d in doc.diagnostics:
            if not args.json:
                print(f"{d.format(path)} [{d.code}]")
            problems.append(
                {
                    "path": path,
                    "line": d.line,
                    "column": d.column,
                    "code": d.code,
                    "message": d.message,
                    "expected": d.expected,
                }
            )
    count = len(files) + len(from_stdin)
    for e in errors:
        print(e, file=sys.stderr)
    if args.json:
        import json

        print(
            json.dumps({"files": count, "problems": problems, "errors": errors}, ensure_ascii=False)
        )
    if not ok:
        return 2
    if not args.json:
        print(f"{count} file(s) checked, {len(problems)} problem(s)", file=sys.stderr)
    return 1 if problems else 0
