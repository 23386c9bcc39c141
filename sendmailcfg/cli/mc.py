"""Edit a sendmail ``.mc`` file from the shell, as ``postconf -e`` or ``augtool set`` do.

``set NAME VALUE`` writes ``define(`NAME', `VALUE')`` (turning a ``dnl``-ed line live
where there is one), ``unset NAME`` deletes its defines, ``undefine NAME`` adds an
``undefine``; ``get NAME`` prints a define's value (exit 1 when not defined) and
``show`` the live settings (like ``postconf -n``; a mailer macro defined after its
``MAILER()`` is marked as having no effect). ``feature``, ``mailer``,
``class``, ``masquerade-as`` and ``daemon`` edit those statements; ``disable LINE``
comments a line out with ``dnl`` and ``enable LINE`` turns it back on.

Every edit is idempotent, atomic and locked, takes ``--check``, ``--diff``,
``--json`` and ``--backup``, and is refused (exit 2, nothing written) in a file
m4 itself would stop on.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

from sendmailcfg import _source, fileio
from sendmailcfg.cli._edit import (
    Refused,
    add_edit_flags,
    add_json_flag,
    load_for_edit,
    run_edit,
)
from sendmailcfg.errors import Diagnostic
from sendmailcfg.terminal import escape

NAME = "mc"
HELP = "edit a .mc file: set/unset/get defines, FEATUREs, MAILERs, classes, DAEMON_OPTIONS"

EXAMPLES = """examples:
  sendmailcfg mc sendmail.mc show
  sendmailcfg mc sendmail.mc get confMAX_MESSAGE_SIZE
  sendmailcfg mc sendmail.mc set SMART_HOST relay.example.net --check --diff
  sendmailcfg mc sendmail.mc feature add mailertable --json
  sendmailcfg mc sendmail.mc daemon set MTA 'Port=smtp, Addr=127.0.0.1, Name=MTA'
  sendmailcfg mc sendmail.mc set -- confFOO -x"""

DAEMON_OPTIONS = "DAEMON_OPTIONS"


def _edit_parser(sub: Any, name: str, help: str) -> argparse.ArgumentParser:
    p: argparse.ArgumentParser = sub.add_parser(name, help=help, description=help)
    add_edit_flags(p, suppress=True)
    return p


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="FILE", help="the .mc file")
    add_edit_flags(parser)
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    p = _edit_parser(sub, "set", "define NAME as VALUE (in place, by enabling a dnl line, or new)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("value", metavar="VALUE")
    p = _edit_parser(sub, "unset", "delete every live define of NAME")
    p.add_argument("name", metavar="NAME")
    p = _edit_parser(sub, "undefine", "add undefine(`NAME') so m4 forgets it")
    p.add_argument("name", metavar="NAME")
    p = sub.add_parser(
        "get",
        help="print the value NAME is defined to (exit 1 when it is not; a conf* name's "
        "default is then said on stderr)",
    )
    p.add_argument("name", metavar="NAME")
    p.add_argument(
        "-d",
        "--default",
        action="store_true",
        help="print sendmail's default for NAME instead, as postconf -d does",
    )
    add_json_flag(p, suppress=True)
    p = sub.add_parser(
        "show", help="print the live settings, one per line (--json: a list of name/value objects)"
    )
    add_json_flag(p, suppress=True)

    feature = sub.add_parser("feature", help="add or remove a FEATURE")
    fsub = feature.add_subparsers(dest="op", required=True, metavar="OP")
    p = _edit_parser(fsub, "add", "add FEATURE(NAME, ARG...), or change its arguments")
    p.add_argument("name", metavar="NAME")
    p.add_argument("args", nargs="*", metavar="ARG")
    p = _edit_parser(fsub, "remove", "remove FEATURE(NAME) (with ARGs: only the one with them)")
    p.add_argument("name", metavar="NAME")
    p.add_argument("args", nargs="*", metavar="ARG")

    mailer = sub.add_parser("mailer", help="add or remove a MAILER")
    msub = mailer.add_subparsers(dest="op", required=True, metavar="OP")
    p = _edit_parser(msub, "add", "add MAILER(NAME) where sendmail needs it")
    p.add_argument("name", metavar="NAME")
    p = _edit_parser(msub, "remove", "remove MAILER(NAME)")
    p.add_argument("name", metavar="NAME")

    cls = sub.add_parser("class", help="add or remove words of a class macro (LOCAL_DOMAIN, ...)")
    csub = cls.add_subparsers(dest="op", required=True, metavar="OP")
    for op, text in (("add", "add"), ("remove", "remove")):
        p = _edit_parser(csub, op, f"{text} each VALUE of MACRO (e.g. LOCAL_DOMAIN, EXPOSED_USER)")
        p.add_argument("macro", metavar="MACRO")
        p.add_argument("values", nargs="+", metavar="VALUE")

    p = _edit_parser(sub, "masquerade-as", "set MASQUERADE_AS(HOST); an empty HOST removes it")
    p.add_argument("host", metavar="HOST")

    daemon = sub.add_parser("daemon", help="set or remove one DAEMON_OPTIONS by its Name=")
    dsub = daemon.add_subparsers(dest="op", required=True, metavar="OP")
    p = _edit_parser(dsub, "set", "make DAEMON_OPTIONS(Name=NAME, ...) say SPEC")
    p.add_argument("name", metavar="NAME")
    p.add_argument("spec", metavar="SPEC", help="e.g. 'Port=smtp, Addr=127.0.0.1, Name=MTA'")
    p = _edit_parser(dsub, "remove", "remove the DAEMON_OPTIONS named NAME")
    p.add_argument("name", metavar="NAME")

    p = _edit_parser(sub, "disable", "comment line LINE out with dnl, as an admin does")
    p.add_argument("line", metavar="LINE", type=int)
    p = _edit_parser(sub, "enable", "turn the dnl-ed statement on line LINE back on")
    p.add_argument("line", metavar="LINE", type=int)


def refuse(doc: Any) -> list[Diagnostic]:
    """Problems m4 itself stops on (unterminated quotes or argument lists)."""
    diags: list[Diagnostic] = doc.diagnostics
    return diags


def _each(method: str, macro: str, values: list[str]) -> Callable[[Any], bool]:
    def edit(doc: Any) -> bool:
        changed = False
        for v in values:
            changed = getattr(doc, method)(macro, v) or changed
        return changed

    return edit


def edit_for(args: argparse.Namespace) -> Callable[[Any], bool] | None:
    """The document edit the command line asks for (None for ``get`` and ``show``)."""
    action: str = args.action
    op: str | None = getattr(args, "op", None)
    if action == "set":
        return lambda doc: doc.set_define(args.name, args.value)
    if action == "unset":
        return lambda doc: doc.remove_define(args.name)
    if action == "undefine":
        return lambda doc: doc.undefine(args.name)
    if action == "feature" and op == "add":
        return lambda doc: doc.add_feature(args.name, *args.args)
    if action == "feature":
        return lambda doc: doc.remove_feature(args.name, *args.args)
    if action == "mailer":
        return lambda doc: getattr(doc, f"{op}_mailer")(args.name)
    if action == "class":
        return _each(f"{op}_class_value", args.macro, args.values)
    if action == "masquerade-as":
        return lambda doc: doc.set_masquerade_as(args.host or None)
    if action == "daemon" and op == "set":
        return lambda doc: doc.set_daemon_options(args.name, args.spec)
    if action == "daemon":
        return lambda doc: doc.remove_daemon_options(args.name)
    if action in ("disable", "enable"):
        return lambda doc: getattr(doc, action)(args.line)
    return None


def settings(doc: Any) -> list[tuple[str, str]]:
    """The live settings in file order, as ``(name, value)`` pairs.

    OSTYPE, DOMAIN, each FEATURE (``FEATURE`` = its name and arguments joined by
    ``, ``), each live define as itself, MAILERs, class macros and DAEMON_OPTIONS.
    """
    items: list[tuple[int, str, str]] = []
    if doc.versionid is not None:
        items.extend((c.start, "VERSIONID", doc.versionid) for c in _calls(doc, "VERSIONID")[-1:])
    for macro in ("OSTYPE", "DOMAIN"):
        items.extend((c.start, macro, c.value(0)) for c in _calls(doc, macro)[-1:])
    items.extend((f.call.start, "FEATURE", ", ".join((f.name, *f.args))) for f in doc.features)
    live: dict[str, str] = dict(doc.defines)
    last: dict[str, int] = {}
    for d in doc.define_statements:
        last[d.name] = d.call.start
    items.extend((last[name], name, value) for name, value in live.items() if name in last)
    items.extend((m.call.start, "MAILER", m.name) for m in doc.mailers)
    items.extend((c.call.start, c.macro, c.value) for c in doc.class_macros)
    items.extend((c.start, DAEMON_OPTIONS, c.value(0)) for c in _calls(doc, DAEMON_OPTIONS))
    items.sort(key=lambda t: t[0])
    return [(name, value) for _, name, value in items]


def _calls(doc: Any, name: str) -> list[Any]:
    return [c for c in doc.statements if c.name == name and not c.in_hash_comment]


def _read(path: str) -> Any:
    try:
        data = fileio.read_bytes(path)
    except OSError as exc:
        raise Refused([f"{escape(path)}: cannot read: {fileio.describe(exc)}"]) from None
    return load_for_edit(data, "mc", path, refuse, reading=True)


def _write(text: str) -> None:
    sys.stdout.flush()
    sys.stdout.buffer.write(_source.encode(text))
    sys.stdout.buffer.flush()


def run(args: argparse.Namespace) -> int:
    edit = edit_for(args)
    if edit is not None:
        return run_edit(args, "mc", edit, refuse=refuse)
    try:
        doc = _read(args.file)
    except Refused as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.action == "get":
        return _get(doc, args)
    pairs = settings(doc)
    late = no_effect(doc)
    if args.json:
        out = []
        for n, v in pairs:
            item = {"name": n, "value": v}
            if n in late:
                item["no_effect"] = late[n]
            out.append(item)
        print(json.dumps(out))
    else:
        lines = []
        for n, v in pairs:
            note = f"  # no effect: {late[n]}" if n in late else ""
            lines.append(f"{escape(n)} = {escape(v)}{note}\n")
        _write("".join(lines))
    return 0


def default_of(name: str) -> tuple[str, str] | None:
    """sendmail's default for a ``conf*`` NAME: ``(what it sets, default)``, None if unknown.

    >>> default_of("confTO_QUEUEWARN")
    ('O Timeout.queuewarn', '4h')
    """
    from sendmailcfg.cli.conf_defaults import CONF_DEFAULTS

    return CONF_DEFAULTS.get(name)


def _default_text(known: tuple[str, str]) -> str:
    sets, value = known
    shown = value if value not in ("", "undefined") else f"none ({value or 'empty'})"
    return f"sendmail's default: {shown} ({sets})"


def _get(doc: Any, args: argparse.Namespace) -> int:
    """``get NAME``: the value (exit 0), or nothing and exit 1, the default on stderr."""
    name: str = args.name
    value: str | None = doc.defines.get(name)
    known = default_of(name)
    if args.default:
        if known is None:
            print(f"{name}: no default known (not a conf* name of sendmail 8.17)", file=sys.stderr)
            return 1
        value = known[1]
    if args.json:
        out: dict[str, object] = {"name": name, "value": value, "defined": name in doc.defines}
        if known is not None:
            out["default"] = known[1]
            out["sets"] = known[0]
        print(json.dumps(out, ensure_ascii=False))
        return 0 if value is not None else 1
    if value is None:
        if known is not None:
            print(f"{name}: not defined; {_default_text(known)}", file=sys.stderr)
        return 1
    _write((escape(value) if sys.stdout.isatty() else value) + "\n")  # raw for scripts
    return 0


def no_effect(doc: Any) -> dict[str, str]:
    """Defines whose live value m4 never reads: a mailer macro after its MAILER()."""
    from sendmailcfg.mc.facts import ineffective_mailer_defines

    facts = doc.facts
    out: dict[str, str] = {}
    for define, mailer in ineffective_mailer_defines(facts):
        name = define.first.strip()
        if facts.define(name) is define:
            out[name] = f"defined after MAILER(`{mailer.first.strip()}') on line {mailer.line}"
    return out
