"""Build FILE.cf from FILE.mc with real m4 and sendmail's cf package, as /etc/mail's Makefile does.

The cf package is found with ``--cf-dir``, else ``$SENDMAIL_CF_DIR``, else in the
usual places (``/usr/share/sendmail/cf`` on Debian and FreeBSD,
``/usr/share/sendmail-cf`` on RHEL, ``/usr/lib/mail`` on Solaris). The command
is ``m4 -D_CF_DIR_=DIR/ DIR/m4/cf.m4 FILE.mc`` run in the file's folder.

m4 exits 0 even after ``*** ERROR`` messages; here each message of m4 and of the
cf macros becomes ``FILE.mc:LINE:COL: error|warning: ...`` and the exit status
is 1. With an error the ``.cf`` is not written. The ``.cf`` (default: FILE.cf
beside FILE.mc; ``-o -`` for standard output) is written atomically and only
when it changes (the ``##### built by`` lines that change on every build do not
count). A ``.mc`` that lint finds ``syscmd``, ``esyscmd``, an untrusted
``include`` or another builtin reaching outside the text in is refused unless
``--allow-m4-commands``; and whatever the text spells, m4 runs locked: after
``cf.m4`` has loaded, builtins that run commands or create files are gone and
``include`` opens only the cf package's own files (see
:mod:`sendmailcfg.mc.m4safe`). m4 reads the checked bytes from standard input.
At ``--timeout`` (positive) or past 16 MiB of output m4 and everything it
started are killed.

Exit 0 built (or up to date), 1 m4 messages (or ``--check`` finds a change), 2
usage errors, unreadable or refused files, no m4 or cf package, a timeout.
"""

from __future__ import annotations

import argparse
import json
import sys

from sendmailcfg import _source, fileio
from sendmailcfg.mc.cfbuild import CfBuild, RenderOutputTooLarge, RenderTimeout, build_cf, same_cf
from sendmailcfg.mc.document import McDocument
from sendmailcfg.mc.m4safe import positive_timeout
from sendmailcfg.textdiff import unified_diff

NAME = "render"
HELP = "build FILE.cf from FILE.mc with real m4 (m4's *** ERROR lines become findings)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE.mc", help="the .mc file")
    parser.add_argument(
        "-o",
        "--output",
        metavar="FILE.cf",
        help="where to write the .cf (default: FILE.cf; - for stdout)",
    )
    parser.add_argument("--cf-dir", metavar="DIR", help="sendmail's cf package (holding m4/cf.m4)")
    parser.add_argument(
        "--check", action="store_true", help="write nothing; exit 1 when the .cf would change"
    )
    parser.add_argument("--diff", action="store_true", help="print how the .cf changes")
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"changed", "diff", "path", "messages"} (line, column, severity, text)',
    )
    parser.add_argument(
        "--stable",
        action="store_true",
        help="leave out the '##### built by USER@HOST on DATE' lines (-D_NO_MAKEINFO_)",
    )
    parser.add_argument(
        "--allow-m4-commands",
        action="store_true",
        help="render even if the .mc uses syscmd, esyscmd, include of untrusted files, ...",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=60.0,
        metavar="SECONDS",
        help="stop m4 (and all it started) after this many seconds (default: 60)",
    )


def positive_seconds(text: str) -> float:
    """argparse type: a positive number of seconds."""
    try:
        value = float(text)
        return positive_timeout(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive number of seconds") from None


def default_output(mc: str) -> str:
    """FILE.cf beside FILE.mc (``sendmail.mc`` -> ``sendmail.cf``).

    >>> default_output("/etc/mail/freebsd.mc")
    '/etc/mail/freebsd.cf'
    """
    base = mc[:-3] if mc.endswith(".mc") else mc
    return base + ".cf"


def dangerous(path: str, text: str) -> list[str]:
    """Lint's MC013 findings (builtins that reach outside the text), formatted."""
    from sendmailcfg.lint import LintConfig, lint_text

    config = LintConfig(select=("MC013",))
    return [
        f"{f.path}:{f.line}:{f.column}: {f.severity}: {f.message} [{f.rule}]"
        for f in lint_text(text, "mc", path=path, config=config)
    ]


def _err(line: str) -> None:
    sys.stderr.flush()
    sys.stderr.buffer.write(_source.encode(line + "\n"))
    sys.stderr.buffer.flush()


def preflight(path: str, allow_commands: bool) -> str | None:
    """Read and check the .mc; an error line (already printed) means exit 2."""
    try:
        text = _source.decode(fileio.read_bytes(path))
    except OSError as exc:
        _err(f"{path}: cannot read: {exc.strerror}")
        return None
    doc = McDocument.parse(text, path=path)
    if doc.diagnostics:
        for d in doc.diagnostics:
            _err(f"{d.format(path)} [{d.code}]")
        _err(f"{path}: not rendered: m4 would stop on the problems above")
        return None
    if not allow_commands:
        found = dangerous(path, text)
        if found:
            for line in found:
                _err(line)
            _err(
                f"{path}: not rendered: m4 would run the builtins above; "
                "check them and pass --allow-m4-commands"
            )
            return None
    return text


def render_file(args: argparse.Namespace) -> tuple[int, CfBuild | None]:
    """Run m4 on the bytes checked; (2, None) after printing why it could not run."""
    text = preflight(args.file, args.allow_m4_commands)
    if text is None:
        return 2, None
    try:
        built = build_cf(
            args.file,
            args.cf_dir,
            stable=args.stable,
            timeout=args.timeout,
            allow_m4_commands=args.allow_m4_commands,
            data=_source.encode(text),
        )
        return 0, built
    except (RenderTimeout, RenderOutputTooLarge) as exc:
        _err(str(exc))
        return 2, None
    except FileNotFoundError as exc:
        text = str(exc.strerror if exc.filename else exc)
        _err(f"{args.file}: {text.replace('pass cf_dir= / set', 'pass --cf-dir or set')}")
        return 2, None


def run(args: argparse.Namespace) -> int:
    status, result = render_file(args)
    if result is None:
        return status
    for m in result.messages:
        _err(m.format(args.file))
    out = args.output or default_output(args.file)
    changed = False
    diff = ""
    if out == "-":
        if result.ok and not args.check:
            sys.stdout.flush()
            sys.stdout.buffer.write(_source.encode(result.cf))
            sys.stdout.buffer.flush()
    elif result.ok:
        new = _source.encode(result.cf)

        def change(old: bytes) -> bytes:
            return old if same_cf(_source.decode(old), result.cf) and old else new

        try:
            up = fileio.update(out, change, check=args.check, missing_ok=True, new_mode=0o644)
        except OSError as exc:
            _err(f"{out}: cannot write: {exc.strerror}")
            return 2
        changed = up.changed
        if changed:
            diff = unified_diff(_source.decode(up.before or b""), result.cf, out)
    if args.json:
        print(
            json.dumps(
                {
                    "changed": changed,
                    "diff": diff,
                    "path": out,
                    "messages": [
                        {"line": m.line, "column": m.column, "severity": m.severity, "text": m.text}
                        for m in result.messages
                    ],
                }
            )
        )
    elif out != "-":
        if args.diff and diff:
            sys.stdout.flush()
            sys.stdout.buffer.write(_source.encode(diff))
            sys.stdout.buffer.flush()
        if not result.ok:
            _err(f"{out}: not written ({len(result.errors)} error(s))")
        elif args.check:
            print(f"{out}: {'would change' if changed else 'up to date'}")
        else:
            print(f"{out}: {'written' if changed else 'up to date'}")
    if result.messages:
        return 1
    return 1 if args.check and changed else 0


__all__ = ["HELP", "NAME", "configure", "default_output", "render_file", "run"]
