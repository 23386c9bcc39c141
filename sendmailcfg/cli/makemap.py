"""A drop-in for sendmail's makemap: build MAPNAME.db from standard input, or dump it with -u.

Same flags (getopt style: ``-t:``, ``-t :``, ``-rv``), same reading of the source,
same messages (``makemap: MAPNAME: line N: ...``) and exit statuses (0; 64 usage;
65 bad lines, the good ones still written; 66 unreadable -C file; 73 cannot
open the map or unknown type; 74 the map could not be written out, e.g. a full
disk; 69 the chosen backend is missing). The new map is written beside the old
one and renamed into place. ``--backend pure`` (the default) writes the
Berkeley DB file in pure Python; ``berkeleydb`` uses the binding, ``makemap``
the system's makemap.
"""

from __future__ import annotations

import os
import sys

from sendmailcfg import _source
from sendmailcfg.cli._getopt import GetoptError, gnu_getopt
from sendmailcfg.maps.makemap_lines import EX_DATAERR, LEADING_SPACE, TOO_LONG

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: a build imports neither typing, argparse nor attrs
    import argparse
    from collections.abc import Callable, Sequence
    from typing import Any, NoReturn

    from sendmailcfg.output.database import Backend

NAME = "makemap"
HELP = "build (or, with -u, dump) a Berkeley DB map exactly as sendmail's makemap does"

OPTSTRING = "C:D:Nc:defi:Llorst:uvx"
EX_OK = 0
EX_USAGE = 64
EX_NOINPUT = 66
TYPES = ("hash", "btree", "implicit")
EXTENSIONS = {"hash": "db", "btree": "db", "implicit": ""}
DEFAULT_CF = "/etc/mail/sendmail.cf"
BACKEND_CHOICES = ("pure", "berkeleydb", "makemap")
LEGACY_BACKENDS: dict[str, Backend] = {"auto": "auto"}
"""Accepted too: ``auto`` (pure, or the first one available for the type)."""

_CANONICAL: dict[str, Backend] = {"pure": "pure", "berkeleydb": "berkeleydb", "makemap": "makemap"}

USAGE = (
    "Usage: makemap [-C cffile] [-N] [-c cachesize] [-D commentchar]\n"
    "               [-d] [-e] [-f] [-i type] [-l] [-o] [-r] [-s] [-t delimiter]\n"
    "               [-u] [-v] type mapname\n"
)

HINTS = {
    TOO_LONG: "makemap reads at most 1022 bytes per line (a NUL byte also ends a line); "
    "the rest of a longer line is read as the next line",
    LEADING_SPACE: "keys start in column 1: makemap has no indentation or continuation "
    "lines (with -t, leading white space belongs to the key)",
    "no RHS": "write a value after the key, or build with -e to allow empty values",
    "duplicate key": "makemap kept the first value; -r keeps the last, -d keeps them all",
    "put error": "the database could not store the pair (disk full? file too large?)",
}


def configure(parser: argparse.ArgumentParser) -> None:
    """Declare makemap's flags (for --help); parsing itself is getopt's, as in makemap."""
    a = parser.add_argument_group("makemap flags")
    a.add_argument("-C", metavar="CF", help="sendmail.cf (read for types cf/CF)")
    a.add_argument("-N", action="store_true", help="store a trailing NUL in keys and values")
    a.add_argument("-c", metavar="SIZE", help="Berkeley DB cache size (default: as needed)")
    a.add_argument("-d", action="store_true", help="allow duplicate keys (all are stored)")
    a.add_argument("-D", metavar="C", help="comment character instead of #")
    a.add_argument("-e", action="store_true", help="allow empty values")
    a.add_argument("-f", action="store_true", help="do not lower-case keys")
    a.add_argument("-i", metavar="TYPE", help="fallback type for cf/CF")
    a.add_argument("-l", action="store_true", help="list the map types and exit")
    a.add_argument("-o", action="store_true", help="append to the existing map")
    a.add_argument("-r", action="store_true", help="replace: the last of duplicate keys wins")
    a.add_argument("-s", action="store_true", help="allow a map file that is a link")
    a.add_argument("-t", metavar="C", help="delimiter instead of white space")
    a.add_argument("-u", action="store_true", help="dump the map to standard output")
    a.add_argument("-v", action="store_true", help="print every key and value stored")
    parser.add_argument(
        "--backend",
        choices=BACKEND_CHOICES,
        default="auto",
        help="pure: Berkeley DB files written in Python (the default); berkeleydb: the "
        "binding; makemap: the system's makemap (also for types it alone knows)",
    )
    parser.add_argument("type", help="hash, btree or implicit (or cf/CF)")
    parser.add_argument("mapname", help="map file name without .db")
    show_help = parser.print_help

    def parse_known_args(
        args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        import argparse

        ns = namespace if namespace is not None else argparse.Namespace()
        # set_defaults() values (the command's entry point), as argparse would add them
        for key, value in getattr(parser, "_defaults", {}).items():
            setattr(ns, key, value)
        for key, value in vars(parse_argv(list(args or []), show_help)).items():
            setattr(ns, key, value)
        return ns, []

    parser.parse_known_args = parse_known_args  # type: ignore[method-assign,assignment]


def _write_err(text: str) -> None:
    sys.stderr.flush()
    sys.stderr.buffer.write(_source.encode(text))
    sys.stderr.buffer.flush()


def usage(problem: str | None = None) -> NoReturn:
    """makemap's usage message; exit status 64."""
    _write_err((f"makemap: {problem}\n" if problem else "") + USAGE)
    raise SystemExit(EX_USAGE)


class Parsed:
    """makemap's parsed command line: ``flags`` (``(flag, argument)`` pairs), ``backend``,
    ``operands``, ``listing`` (``-l``, ``-L`` or ``-x``, or None)."""

    def __init__(
        self,
        flags: list[tuple[str, str]],
        backend: Backend,
        operands: list[str],
        listing: str | None,
    ) -> None:
        self.flags = flags
        self.backend = backend
        self.operands = operands
        self.listing = listing


def parse_argv(argv: list[str], show_help: Any = None) -> Parsed:
    """makemap's command line, parsed as glibc's getopt does (options may follow operands)."""
    try:
        opts, operands = gnu_getopt(argv, OPTSTRING + "h", ["backend=", "help"])
    except GetoptError as exc:
        listing = _listing_before_error(argv)
        if listing is not None:  # makemap lists and exits before it meets the bad option
            return Parsed([], "auto", [], listing)
        if exc.msg.endswith("requires argument"):
            usage(f"option requires an argument -- '{exc.opt}'")
        usage(f"invalid option -- '{exc.opt}'")
    ns = Parsed([], "auto", operands, None)
    for flag, arg in opts:
        if flag in ("-h", "--help"):
            if show_help is not None:
                show_help()
            raise SystemExit(EX_OK)
        if flag == "--backend":
            if arg not in BACKEND_CHOICES and arg not in LEGACY_BACKENDS:
                usage(f"--backend must be pure, berkeleydb or makemap, not {arg!r}")
            ns.backend = LEGACY_BACKENDS.get(arg) or _CANONICAL[arg]
        elif flag in ("-l", "-L", "-x") and ns.listing is None:
            ns.listing = flag  # makemap lists and exits at the first of these
        else:
            ns.flags.append((flag, arg))
    return ns


def _listing_before_error(argv: list[str]) -> str | None:
    for end in range(len(argv) - 1, 0, -1):
        try:
            opts, _ = gnu_getopt(argv[:end], OPTSTRING + "h", ["backend=", "help"])
        except GetoptError:
            continue
        for flag, _arg in opts:
            if flag in ("-l", "-L", "-x"):
                return flag
        return None
    return None


def type_from_cf(cf_text: str, mapname: str, fullpath: bool) -> str:
    """The class of the cf's ``K`` line whose last argument names ``mapname`` ("" if none).

    As makemap's ``readcf``: type ``cf`` compares base names without extension,
    ``CF`` full paths.

    >>> type_from_cf("Kmailertable hash -o /etc/mail/mailertable.db\\n", "mailertable", False)
    'hash'
    """
    name = mapname
    if not fullpath:
        name = name.rsplit("/", 1)[-1]
        if "." in name:
            name = name[: name.rfind(".")]
    for line in cf_text.split("\n"):
        if not line.startswith("K") or not name:
            continue
        line = line.rstrip(" \t\r\x0b\x0c")
        space = line.rfind(" ")
        if space < 0:
            continue
        at = line.find(name, space)
        if at <= 0:
            continue
        rest = line[at:]
        if not fullpath and "." in rest:
            rest = rest[: rest.rfind(".")]
        if rest != name:
            continue
        before = line[at - 1]
        if not (before.isspace() or (not fullpath and before == "/")):
            continue
        words = line[1:].split()
        if len(words) >= 2 and words[1][:1].isalnum():
            cls = words[1]
            end = 1
            while end < len(cls) and cls[end].isalnum():
                end += 1
            return cls[:end]
        return ""
    return ""


def _list_types(flag: str) -> int:
    if flag == "-x":
        out = "".join(f"{t}:{EXTENSIONS[t]}\n" for t in TYPES)
    else:
        # makemap's own stream is flushed before stdio's: with -L, "cf" and "CF" come first
        out = ("cf\nCF\n" if flag == "-L" else "") + "".join(f"{t}\n" for t in TYPES)
    sys.stdout.write(out)
    return EX_OK


def _hints(errors: list[tuple[int, str]]) -> list[str]:
    seen = []
    for _, message in errors:
        for marker, hint in HINTS.items():
            if marker in message and hint not in seen:
                seen.append(hint)
    return [f"makemap: hint: {h}\n" for h in seen]


def main(argv: list[str]) -> int:
    """``makemap ARGS`` without argparse (what ``python -m sendmailcfg makemap`` runs)."""
    return run(parse_argv(argv, _show_help))


def _show_help() -> None:
    from sendmailcfg.cli import build_parser

    build_parser(NAME).parse_args([NAME, "--help"])


def _verbose_put() -> Callable[[bytes, bytes], None]:
    """makemap ``-v``: print each pair put (as C strings) on standard output."""
    out_stream = sys.stdout.buffer

    def on_put(key: bytes, value: bytes) -> None:
        k = key.split(b"\0", 1)[0]
        v = value.split(b"\0", 1)[0]
        out_stream.write(b"key=`" + k + b"', val=`" + v + b"'\n")

    return on_put


QUICK_FLAGS = frozenset(("-N", "-c", "-D", "-e", "-f", "-r", "-s", "-v", "-C", "-i"))
"""Flags the quick path handles: reading flags but -t and -d, and those the pure backend
does not need (-c, and -C/-i once a cf type is resolved); -o, -u and the rest go to
``output.database``."""


def _quick(args: Parsed, maptype: str, mapname: str, given: dict[str, str]) -> int | None:
    """Build with the pure backend importing only what it needs; None: not a quick case."""
    from sendmailcfg.output import mapfile

    if args.backend not in ("auto", "pure") or maptype not in mapfile.TYPES:
        return None
    if not given.keys() <= QUICK_FLAGS:
        return None
    from sendmailcfg.maps.makemap_lines import Reading, format_message, reading_options
    from sendmailcfg.output import pure

    reader = Reading(*reading_options(args.flags))
    on_put = _verbose_put() if "-v" in given else None

    try:
        method, target, old = mapfile.prepare(mapname, maptype, unsafe="-s" in given)
        # read as it is stored: memory stays bounded whatever the size of the source
        with _progress(mapname, _stdin_size()):
            result = pure.build_stream(
                sys.stdin.buffer, mapname, maptype, method, target, old, reader, on_put=on_put
            )
    except mapfile.MapBuildError as exc:
        _write_err(exc.message + "\n")
        return exc.status
    finally:
        sys.stdout.flush()
    lines = [format_message(mapname, line, msg) + "\n" for line, msg in result.errors]
    _write_err("".join(lines + _hints(result.errors)))
    return result.status


class _Quiet:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress(mapname: str, size: int) -> Any:
    """Progress on a terminal's stderr while a big map is built (nothing for small ones);
    ``size``: the source's size in bytes (-1: unknown, e.g. a pipe)."""
    if (0 <= size < PROGRESS_BYTES) or not sys.stderr.isatty():
        return _Quiet()
    from sendmailcfg.cli._progress import Progress

    what = f"{size / 1e6:,.1f} MB" if size >= 0 else "standard input"
    return Progress(f"makemap: building {mapname} from {what}")


def _stdin_size() -> int:
    """The size of standard input when it is a regular file, else -1."""
    import stat

    try:
        st = os.fstat(sys.stdin.fileno())
    except (OSError, ValueError):
        return -1
    return st.st_size if stat.S_ISREG(st.st_mode) else -1


PROGRESS_BYTES = 1 << 20
"""Sources smaller than this build too quickly to need progress."""


def run(args: Parsed) -> int:
    """Do what makemap does with these flags and operands; returns its exit status."""
    if args.listing is not None:
        return _list_types(args.listing)
    flags: list[str] = []
    for flag, arg in args.flags:
        flags += [flag, arg] if flag in ("-C", "-D", "-c", "-i", "-t") else [flag]
    given = {flag: arg for flag, arg in args.flags}
    if len(args.operands) != 2:
        usage()
    maptype, mapname = args.operands
    if "-t" in given and not given["-t"]:
        _write_err("Invalid separator\n")
    cf = given.get("-C")
    if cf is not None and not os.access(cf, os.R_OK):
        _write_err(f"makemap: {cf}: {os.strerror(2 if not os.path.exists(cf) else 13)}\n")
        return EX_NOINPUT
    if maptype.lower() == "cf":
        cf_path = cf or DEFAULT_CF
        try:
            with open(cf_path, encoding="utf-8", errors="surrogateescape") as f:  # as makemap
                found = type_from_cf(f.read(), mapname, maptype == "CF")  # (-C /dev/null works)
        except OSError as exc:
            _write_err(f"makemap: {cf_path}: {exc.strerror}\n")
            return EX_NOINPUT
        if not found:
            fallback = given.get("-i")
            if not fallback:
                _write_err(f"makemap: mapfile {mapname}: not found in {cf_path}\n")
                return EX_DATAERR
            if "-v" in given:
                _write_err(
                    f"makemap: mapfile {mapname}: not found in {cf_path}, "
                    f"using fallback {fallback}\n"
                )
            found = fallback
        maptype = found
    quick = _quick(args, maptype, mapname, given)
    if quick is not None:
        return quick
    from sendmailcfg.output.database import BuildOptions, MapBuildError, build, iter_map_text

    options = BuildOptions.from_flags(flags)
    try:
        if "-u" in given:
            delimiter = options.reader.delimiter if options.reader is not None else None
            dumped = iter_map_text(
                mapname,
                maptype,
                delimiter=delimiter,
                allow_dup="-d" in given,
                unsafe="-s" in given,
                backend=args.backend,
            )
            sys.stdout.flush()
            write = sys.stdout.buffer.write
            for line in dumped:  # streamed: a map is never held whole in memory
                write(line)
            sys.stdout.buffer.flush()
            return EX_OK
        data = sys.stdin.buffer.read()
        on_put = _verbose_put() if "-v" in given else None

        with _progress(mapname, len(data)):
            result = build(data, mapname, maptype, options, backend=args.backend, on_put=on_put)
    except MapBuildError as exc:
        _write_err(exc.message + "\n")
        return exc.status
    finally:
        sys.stdout.flush()
    lines = [m + "\n" for m in result.notes] + [m + "\n" for m in result.messages(mapname)]
    _write_err("".join(lines + _hints(result.errors)))
    return result.status
