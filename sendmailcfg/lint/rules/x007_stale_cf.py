"""A ``.cf`` older than its ``.mc``, or (with ``--render``) not what the ``.mc`` renders to.

sendmail reads ``sendmail.cf``, never the ``.mc``: an edit of ``NAME.mc`` is in force only
once m4 has turned it into ``NAME.cf`` (and, where the two differ, that was installed as
``sendmail.cf``). The rule compares modification times as ``/etc/mail/Makefile`` does:
``NAME.cf`` older than ``NAME.mc`` is reported, and so is ``sendmail.cf`` older than
the folder's only ``.mc``. With ``lint --render`` (or ``render = true`` in the
configuration), and when m4 and sendmail's cf package are installed, the ``.mc`` is also
rendered and compared with ``NAME.cf`` (the "built by" lines aside); a ``.mc`` using
m4 builtins that reach outside the text (MC013) is never rendered. Run ``sendmailcfg make``
(or ``make`` in /etc/mail), then ``make install``.

Bad: ``freebsd.mc`` edited after ``freebsd.cf`` was built.

Good: ``sendmailcfg make /etc/mail install`` after every edit.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "X007"
NAME = "x-stale-cf"
SEVERITY = "warning"
KINDS = ("mc",)
SCOPE = "set"


def _older(product: str, source: str) -> bool:
    from sendmailcfg.fileio import newer

    return newer(source, product)


def _main_mcs(fileset: FileSet) -> list[LintFile]:
    return [
        f for f in fileset.mc_files if not f.name.endswith(".submit.mc") and f.name != "submit.mc"
    ]


def _rendered_differs(file: LintFile, cf: str, fileset: FileSet) -> str | None:
    """Why ``cf`` is not what ``file`` renders to (None: the same, or cannot render)."""
    from sendmailcfg.lint.rules import mc013_dangerous_builtin as mc013
    from sendmailcfg.mc.cfbuild import build_cf, same_cf

    if list(mc013.check(file, fileset)):
        return None
    try:
        built = build_cf(file.path, fileset.config.cf_dir)
        with open(cf, "rb") as f:
            old = f.read().decode("utf-8", "surrogateescape")
    except (OSError, ValueError):
        return None  # no m4, no cf package, unreadable: only the times are compared
    if not built.ok or same_cf(old, built.cf):
        return None
    return f"{os.path.basename(cf)} is not what {file.name} renders to"


def check(fileset: FileSet) -> Iterator[Problem]:
    if not fileset.on_disk:
        return
    mains = _main_mcs(fileset)
    for f in fileset.mc_files:
        stem = f.name[:-3] if f.name.endswith(".mc") else f.name
        targets = [f"{stem}.cf"]
        if len(mains) == 1 and f is mains[0] and stem != "sendmail":
            targets.append("sendmail.cf")
        for name in targets:
            if name not in fileset.listing:
                continue
            cf = os.path.join(fileset.folder, name)
            if _older(cf, f.path):
                yield Problem(
                    1,
                    1,
                    f"{name} is older than {f.name}: the last edits of the .mc are not in force",
                    "rebuild and install it: sendmailcfg make DIR install (then restart sendmail)",
                    path=f.path,
                )
            elif fileset.config.render and name == f"{stem}.cf":
                why = _rendered_differs(f, cf, fileset)
                if why is not None:
                    yield Problem(
                        1,
                        1,
                        f"{why}: the .cf was edited by hand or built from another .mc",
                        "rebuild it: sendmailcfg make DIR cf",
                        path=f.path,
                    )
