"""Run real m4 with sendmail's cf macros on a document -- only when asked.

:func:`render` finds the sendmail-cf macro tree (the ``cf_dir`` argument,
``$SENDMAIL_CF_DIR``, then ``/usr/share/sendmail/cf``), runs
``m4 -D_CF_DIR_=<dir>/ <dir>/m4/cf.m4 -`` with the document on stdin, and
returns the sendmail.cf text. m4 exits 0 after the cf macros' own
``*** ERROR`` messages, so those lines on stderr raise :class:`RenderError`
too. Nothing here runs unless :func:`render` is called.

m4 runs locked (:mod:`sendmailcfg.mc.m4safe`): after ``cf.m4`` has loaded,
the builtins that run commands or create files are gone and ``include`` opens
only the cf package's own files, so a ``.mc`` cannot run a command or read
another file whatever it spells; ``allow_m4_commands=True`` runs plain m4 (for
a ``.mc`` you trust that needs them). m4 runs in its own session: at the
timeout, or past :data:`~sendmailcfg.mc.m4safe.MAX_OUTPUT` bytes of output,
its whole process group is killed.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Protocol

from sendmailcfg import _source
from sendmailcfg.mc import m4safe
from sendmailcfg.mc.m4safe import RenderError as RenderError

if TYPE_CHECKING:
    from pathlib import Path

DEFAULT_CF_DIRS = (
    "/usr/share/sendmail/cf",  # Debian, FreeBSD
    "/usr/share/sendmail-cf",  # RHEL, Fedora
    "/usr/lib/mail",  # Solaris (m4/cf.m4 beside cf/)
    "/usr/lib/mail/cf",
    "/usr/local/share/sendmail/cf",  # FreeBSD ports
)


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
    allow_m4_commands: bool = False,
) -> str:
    """The sendmail.cf text m4 makes of ``doc`` (raises :class:`RenderError` on errors).

    ``stable=True`` leaves out the ``##### built by`` lines (user, host,
    date). Without ``allow_m4_commands`` m4 can run no command and read no file
    outside the cf package (a ``.mc`` that tries gets a ``RenderError``
    naming the refused builtin). ``timeout`` must be positive (``ValueError``);
    past it :class:`~sendmailcfg.mc.m4safe.RenderTimeout` is raised.
    """
    import shutil

    m4safe.positive_timeout(timeout)
    folder = find_cf_dir(cf_dir)
    m4 = shutil.which("m4")
    if m4 is None:
        raise FileNotFoundError("m4 is not installed")
    text = doc if isinstance(doc, str) else doc.text
    proc = m4safe.run_m4(
        _source.encode(text),
        folder,
        m4=m4,
        allow_m4_commands=allow_m4_commands,
        stable=stable,
        timeout=timeout,
    )
    stderr = _source.decode(proc.stderr)
    errors = [line for line in stderr.splitlines() if "*** ERROR" in line]
    if proc.status != 0:
        raise RenderError(f"m4 exited with status {proc.status}: {stderr.strip()}", errors, stderr)
    if errors:
        raise RenderError("; ".join(errors), errors, stderr)
    return _source.decode(proc.stdout)
