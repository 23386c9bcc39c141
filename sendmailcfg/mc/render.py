"""Run real m4 with sendmail's cf macros on a document -- only when asked.

:func:`render` finds the sendmail-cf macro tree (the ``cf_dir`` argument,
``$SENDMAIL_CF_DIR``, then ``/usr/share/sendmail/cf``), runs
``m4 -D_CF_DIR_=<dir>/ <dir>/m4/cf.m4 -`` with the document on stdin, and
returns the sendmail.cf text. m4 exits 0 after the cf macros' own
``*** ERROR`` messages, so those lines on stderr raise :class:`RenderError`
too. Nothing here runs unless :func:`render` is called; ``syscmd``,
``esyscmd`` and ``include`` in the file are run by m4 itself, so render only
files you trust (the linter reports them).
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol

from sendmailcfg import _source
from sendmailcfg.errors import SendmailcfgError

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_CF_DIRS = (
    "/usr/share/sendmail/cf",  # Debian, FreeBSD
    "/usr/share/sendmail-cf",  # RHEL, Fedora
    "/usr/lib/mail",  # Solaris (m4/cf.m4 beside cf/)
    "/usr/lib/mail/cf",
    "/usr/local/share/sendmail/cf",  # FreeBSD ports
)


class RenderError(SendmailcfgError):
    """m4 failed, or the cf macros reported ``*** ERROR`` lines (in ``.errors``)."""

    def __init__(self, message: str, errors: list[str], stderr: str = "") -> None:
        super().__init__(message)
        self.errors = errors
        self.stderr = stderr


class _HasText(Protocol):
    @property
    def text(self) -> str: ...


def find_cf_dir(cf_dir: str | os.PathLike[str] | None = None) -> Path:
    """The sendmail-cf macro folder (holding ``m4/cf.m4``), or ``FileNotFoundError``."""
    candidates: list[str | os.PathLike[str]] = []
    if cf_dir is not None:
        candidates.append(cf_dir)
    elif os.environ.get("SENDMAIL_CF_DIR"):
        candidates.append(os.environ["SENDMAIL_CF_DIR"])
    else:
        candidates.extend(DEFAULT_CF_DIRS)
    for c in candidates:
        from pathlib import Path  # here, not at import: an .mc lint never renders

        p = Path(c)
        if (p / "m4" / "cf.m4").is_file():
            return p
    raise FileNotFoundError(
        "sendmail-cf macros not found (looked for m4/cf.m4 in "
        + ", ".join(map(str, candidates))
        + "); install sendmail-cf or pass cf_dir= / set SENDMAIL_CF_DIR"
    )


def render(
    doc: _HasText | str,
    cf_dir: str | os.PathLike[str] | None = None,
    *,
    stable: bool = True,
    timeout: float = 60,
) -> str:
    """The sendmail.cf text m4 makes of ``doc`` (raises :class:`RenderError` on errors).

    ``stable=True`` defines ``_NO_MAKEINFO_`` so the output carries no user,
    host or date lines (and m4 runs no ``makeinfo.sh``).
    """
    import shutil
    import subprocess

    folder = find_cf_dir(cf_dir)
    m4 = shutil.which("m4")
    if m4 is None:
        raise FileNotFoundError("m4 is not installed")
    text = doc if isinstance(doc, str) else doc.text
    args = [m4, f"-D_CF_DIR_={folder}/"]
    if stable:
        args.append("-D_NO_MAKEINFO_")
    args += [str(folder / "m4" / "cf.m4"), "-"]
    proc = subprocess.run(args, input=_source.encode(text), capture_output=True, timeout=timeout)
    stderr = _source.decode(proc.stderr)
    errors = [line for line in stderr.splitlines() if "*** ERROR" in line]
    if proc.returncode != 0:
        raise RenderError(
            f"m4 exited with status {proc.returncode}: {stderr.strip()}", errors, stderr
        )
    if errors:
        raise RenderError("; ".join(errors), errors, stderr)
    return _source.decode(proc.stdout)
