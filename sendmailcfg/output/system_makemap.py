"""The fallback backend: the system's own makemap, run on a private copy of the map.

It is found through ``$SENDMAILCFG_MAKEMAP``, then ``makemap`` on ``PATH``, then
sendmail's usual install places. makemap reads ``sendmail.cf`` for its
``TrustedUser``; when that file is missing (a build host, a container) it is
given ``-C /dev/null`` instead of failing with exit status 66.

>>> find() is None or os.path.isabs(find())
True
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence

import attrs

ENV = "SENDMAILCFG_MAKEMAP"
PLACES = ("/usr/sbin/makemap", "/usr/libexec/sendmail/makemap", "/usr/lib/sendmail/makemap")
DEFAULT_CF = "/etc/mail/sendmail.cf"
_LINE = re.compile(r"^makemap: (?P<name>.*?): line (?P<line>\d+): (?P<msg>.*)$")


def find() -> str | None:
    """The makemap program to fall back on, or None."""
    env = os.environ.get(ENV)
    if env:
        return os.path.abspath(env) if os.access(env, os.X_OK) else None
    found = shutil.which("makemap")
    if found:
        return os.path.abspath(found)
    for place in PLACES:
        if os.access(place, os.X_OK):
            return place
    return None


@attrs.frozen
class Run:
    """One makemap run: its exit status, standard output and standard error (bytes)."""

    status: int
    stdout: bytes
    stderr: bytes


def run(program: str, flags: Sequence[str], maptype: str, mapname: str, data: bytes) -> Run:
    """``program [-C /dev/null] FLAGS MAPTYPE MAPNAME < data``.

    A relative ``mapname`` that starts with ``-`` gets ``./`` (makemap's getopt
    would take it for an option).
    """
    if mapname.startswith("-"):
        mapname = "./" + mapname
    argv = [program]
    given_cf = any(f.startswith("-C") for f in flags)
    if not given_cf and not os.path.exists(DEFAULT_CF):
        argv += ["-C", os.devnull]
    argv += [*flags, maptype, mapname]
    p = subprocess.run(argv, input=data, capture_output=True, check=False)
    return Run(p.returncode, p.stdout, p.stderr)


def rename_messages(text: bytes, old: str, new: str) -> bytes:
    """makemap's messages about the private copy ``old``, told about ``new`` instead.

    >>> rename_messages(b"makemap: /d/.tmp/m: line 2: x\\n", "/d/.tmp/m", "m")
    b'makemap: m: line 2: x\\n'
    """
    oldb = old.encode("utf-8", "surrogateescape")
    newb = new.encode("utf-8", "surrogateescape")
    return text.replace(b": " + oldb + b": ", b": " + newb + b": ").replace(
        b" map " + oldb + b": ", b" map " + newb + b": "
    )


def parse_errors(text: bytes) -> list[tuple[int, str]]:
    """``(line, message)`` for every ``makemap: NAME: line N: ...`` line of ``text``."""
    out = []
    for raw in text.decode("utf-8", "surrogateescape").splitlines():
        m = _LINE.match(raw)
        if m:
            out.append((int(m["line"]), m["msg"]))
    return out
