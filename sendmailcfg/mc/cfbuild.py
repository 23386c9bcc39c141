r"""Build a ``.cf`` from a ``.mc`` as ``/etc/mail``'s Makefile does, with m4's messages located.

The command is the Makefile's (FreeBSD's, which Debian's and RHEL's amount to)::

    cd FOLDER && m4 -D_CF_DIR_=CFDIR/ CFDIR/m4/cf.m4 NAME.mc > NAME.cf

except that m4 reads the ``.mc`` from standard input (the bytes that were
read and checked, never the file again, and no name m4 could take for an
option) and, unless ``allow_m4_commands``, runs locked
(:mod:`sendmailcfg.mc.m4safe`: no command, no file outside the cf package).

m4 exits 0 after the cf macros' ``*** ERROR`` and ``*** WARNING`` messages
(``errprint``), so :func:`build_cf` also reads m4's standard error. To tell
which line of the ``.mc`` each message is about, an ``errprint`` that first
prints m4's ``__file__:__line__`` is defined ahead of ``cf.m4`` (it writes
nothing to the ``.cf``; the output is byte for byte the Makefile's). A message
raised inside ``feature/NAME.m4`` is put on the line of ``FEATURE(`NAME')``
(likewise MAILER, OSTYPE, DOMAIN, HACK); one raised by ``proto.m4`` at the end
of input on the line of the define or FEATURE it names, else the last line.

>>> cmd = m4_command("freebsd.mc", "/usr/share/sendmail/cf")
>>> cmd[1:]
['-D_CF_DIR_=/usr/share/sendmail/cf/', '/usr/share/sendmail/cf/m4/cf.m4', 'freebsd.mc']
>>> m4_command("-Ffreebsd.mc", "/usr/share/sendmail/cf")[-1]
'./-Ffreebsd.mc'
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs

from sendmailcfg import _source
from sendmailcfg.mc.document import McDocument
from sendmailcfg.mc.m4safe import RenderOutputTooLarge, RenderTimeout, run_m4
from sendmailcfg.mc.render import find_cf_dir

MARK = "\x01sendmailcfg-errprint\x01"
"""What the located ``errprint`` prints before ``file:line: message``."""


def preamble(mc_name: str = "stdin", *, track_include: bool = True) -> str:
    """m4 text (one line, no newline) read before the ``.mc``: ``errprint`` says where it was.

    ``errprint`` prints :data:`MARK`, ``__file__:__line__:AT:`` and the message,
    where AT is the line of the ``.mc`` that last called ``include`` (through
    FEATURE, MAILER, DOMAIN, ...): the place to blame for a message raised in
    a file included from an included file. ``mc_name`` is the ``__file__`` of
    the ``.mc`` (``stdin``: m4 reads it from standard input). The locked run's
    ``include`` keeps AT itself (``track_include=False`` here).
    """
    where = "`0'"
    if not any(c in mc_name for c in "`'\n"):
        where = "_SENDMAILCFG_at"
    text = (
        "define(`_SENDMAILCFG_at', `0')"
        "define(`_SENDMAILCFG_errprint', defn(`errprint'))"
        f"define(`errprint', `_SENDMAILCFG_errprint(`{MARK}'__file__:__line__:{where}: `$1')')"
    )
    if where != "`0'" and track_include:
        for name in ("include", "sinclude"):
            text += (
                f"define(`_SENDMAILCFG_{name}', defn(`{name}'))"
                f"define(`{name}', `ifelse(`$#', `0', ``{name}'', `ifelse(__file__, `{mc_name}', "
                f"`define(`_SENDMAILCFG_at', __line__)')_SENDMAILCFG_{name}(`$1')')')"
            )
    return text


M4_MESSAGE = re.compile(r"^(?:[^:\n]*/)?m4:([^:\n]*):(\d+): (.*)$")
"""m4's own messages: ``m4:FILE:LINE: text``, m4 naming itself as it was run (GNU m4 run by
its full path says ``/usr/bin/m4:FILE:LINE: cannot open ...``)."""
INCLUDED = {"feature": "FEATURE", "mailer": "MAILER", "ostype": "OSTYPE", "domain": "DOMAIN"}
INCLUDED["hack"] = "HACK"

MAKEINFO = re.compile(r"^##### (built by |in )")
"""The ``makeinfo.sh`` header lines that change on every build (user, host, date, folder)."""


@attrs.frozen
class M4Message:
    """One message of m4 or of the cf macros, on a line of the ``.mc``.

    ``severity`` is ``error`` (``*** ERROR``, m4's own errors) or ``warning``
    (everything else); ``text`` is the message as printed (lines joined by a
    space); ``origin`` is where m4 was (``file:line``) when it was printed.
    """

    line: int
    column: int
    severity: str
    text: str
    origin: str

    def format(self, path: str) -> str:
        """``path:line:col: severity: text``."""
        return f"{path}:{self.line}:{self.column}: {self.severity}: {self.text}"


@attrs.frozen
class CfBuild:
    """What one m4 run made: the ``.cf`` text, the messages, m4's exit status."""

    cf: str
    messages: tuple[M4Message, ...]
    status: int
    command: tuple[str, ...]

    @property
    def errors(self) -> tuple[M4Message, ...]:
        """The messages that mean the ``.cf`` is wrong."""
        return tuple(m for m in self.messages if m.severity == "error")

    @property
    def ok(self) -> bool:
        """m4 succeeded and printed no ``*** ERROR``."""
        return self.status == 0 and not self.errors


def m4_command(
    mc_name: str, cf_dir: str | os.PathLike[str], *, m4: str = "m4", stable: bool = False
) -> list[str]:
    """The Makefile's m4 command line for ``mc_name`` (``-D_NO_MAKEINFO_`` when ``stable``).

    A name that starts with ``-`` gets ``./`` so m4 cannot take it for an option.
    """
    folder = os.fspath(cf_dir).rstrip("/")
    args = [m4, f"-D_CF_DIR_={folder}/"]
    if stable:
        args.append("-D_NO_MAKEINFO_")
    if mc_name.startswith("-"):
        mc_name = "./" + mc_name
    return [*args, f"{folder}/m4/cf.m4", mc_name]


def same_cf(a: str, b: str) -> bool:
    """Whether two ``.cf`` texts differ only in the ``##### built by``/``##### in`` lines.

    >>> same_cf("##### built by a@b on Mon\\nV10\\n", "##### built by c@d on Tue\\nV10\\n")
    True
    """

    def strip(text: str) -> list[str]:
        lines = text.splitlines(keepends=True)
        return [x for i, x in enumerate(lines) if not (i < 40 and MAKEINFO.match(x))]

    return strip(a) == strip(b)


def _statement_line(doc: McDocument, macro: str, name: str) -> tuple[int, int] | None:
    for c in doc.statements:
        if c.name == macro and not c.in_hash_comment and c.value(0).strip() == name:
            return c.line, c.column
    return None


def _column(doc: McDocument, line: int) -> int:
    for c in doc.statements:
        if c.line == line:
            return c.column
    return 1


def _locate(
    doc: McDocument, mc_name: str, origin_file: str, origin_line: int, text: str, at: int = 0
) -> tuple[int, int]:
    last = max(1, doc.text.count("\n") + (0 if doc.text.endswith("\n") else 1))
    if origin_file == "stdin" or os.path.basename(origin_file) == os.path.basename(mc_name):
        return origin_line, _column(doc, origin_line)
    parts = Path(origin_file).parts
    if len(parts) >= 2 and parts[-2] in INCLUDED:
        found = _statement_line(doc, INCLUDED[parts[-2]], Path(parts[-1]).stem)
        if found is not None:
            return found
        if at > 0:
            return at, _column(doc, at)
    for d in reversed(doc.define_statements):
        if re.search(rf"(?<![A-Za-z0-9_]){re.escape(d.name)}(?![A-Za-z0-9_])", text):
            return d.call.line, d.call.column
    for f in doc.features:
        if re.search(rf"FEATURE\(`?{re.escape(f.name)}\b", text):
            return f.call.line, f.call.column
    return last, 1


def parse_messages(stderr: str, doc: McDocument, mc_name: str) -> list[M4Message]:
    """The messages on m4's standard error, each placed on a line of the ``.mc``."""
    out: list[M4Message] = []
    current: list[Any] | None = None  # [origin_file, origin_line, mc line, lines]

    def flush() -> None:
        nonlocal current
        if current is None:
            return
        file, line, at, lines = current
        text = " ".join(x.strip() for x in lines if x.strip())
        where = _locate(doc, mc_name, file, line, text, at)
        severity = "error" if "ERROR" in text else "warning"
        out.append(M4Message(where[0], where[1], severity, text, f"{file}:{line}"))
        current = None

    for raw in stderr.split("\n"):
        while MARK in raw:
            before, _, raw = raw.partition(MARK)
            if current is not None:
                current[3].append(before)
            flush()
            head, sep, rest = raw.partition(": ")
            rest_head, _, at = head.rpartition(":")
            file, _, line = rest_head.rpartition(":")
            current = [
                file,
                int(line) if line.isdigit() else 0,
                int(at) if at.isdigit() else 0,
                [],
            ]
            raw = rest if sep else raw
        m = M4_MESSAGE.match(raw)
        if m is not None:
            flush()
            m4_file, m4_line, m4_text = m.group(1), int(m.group(2)), m.group(3)
            ln, col = _locate(doc, mc_name, m4_file, m4_line, m4_text)
            severity = "warning" if m4_text.startswith("Warning:") else "error"
            out.append(M4Message(ln, col, severity, f"m4: {m4_text}", f"{m4_file}:{m4_line}"))
        elif current is not None:
            current[3].append(raw)
        elif raw.strip():
            out.append(M4Message(1, 1, "warning", raw.strip(), "m4"))
    flush()
    return out


def build_cf(
    path: str | os.PathLike[str],
    cf_dir: str | os.PathLike[str] | None = None,
    *,
    stable: bool = False,
    timeout: float = 60.0,
    extra_args: Sequence[str] = (),
    allow_m4_commands: bool = False,
    data: bytes | None = None,
) -> CfBuild:
    """Run the Makefile's m4 command on the ``.mc`` at ``path`` (in its folder).

    m4 reads ``data`` (default: the file's bytes, read once here) from standard
    input. Unless ``allow_m4_commands``, it runs locked: a refused builtin is an
    ``error`` message of the result. Raises ``FileNotFoundError`` (no cf
    package, no m4, no file), ``ValueError`` (a timeout that is not positive),
    :class:`RenderTimeout` and :class:`RenderOutputTooLarge` (m4 was killed).
    """
    name = os.fspath(path)
    folder = find_cf_dir(cf_dir)
    m4 = shutil.which("m4")
    if m4 is None:
        raise FileNotFoundError("m4 is not installed (the cf package needs GNU m4 or BSD m4)")
    if data is None:
        data = Path(name).read_bytes()
    doc = McDocument.parse(_source.decode(data), path=name)
    mc_dir, mc_name = os.path.split(os.path.abspath(name))
    cmd = m4_command(mc_name, folder, m4=m4, stable=stable)
    try:
        proc = run_m4(
            data,
            folder,
            m4=m4,
            m4_options=tuple(extra_args),
            allow_m4_commands=allow_m4_commands,
            stable=stable,
            timeout=timeout,
            cwd=mc_dir,
            before=preamble("stdin", track_include=allow_m4_commands),
        )
    except (RenderTimeout, RenderOutputTooLarge) as exc:
        raise type(exc)(f"{name}: {exc}", []) from None
    stderr = _source.decode(proc.stderr)
    messages = [
        attrs.evolve(m, origin=mc_name + m.origin[5:]) if m.origin.startswith("stdin:") else m
        for m in parse_messages(stderr, doc, mc_name)
    ]
    if proc.status != 0 and not any(m.severity == "error" for m in messages):
        messages.append(M4Message(1, 1, "error", f"m4 exited with status {proc.status}", "m4"))
    return CfBuild(_source.decode(proc.stdout), tuple(messages), proc.status, tuple(cmd))


__all__ = [
    "MARK",
    "CfBuild",
    "M4Message",
    "RenderOutputTooLarge",
    "RenderTimeout",
    "build_cf",
    "m4_command",
    "parse_messages",
    "preamble",
    "same_cf",
]
