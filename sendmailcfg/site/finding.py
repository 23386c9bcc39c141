r"""Which ``.mc`` a mail folder's configuration is: one rule for every command.

``route``, ``sender``, ``query --config``, ``make`` and lint all find it with
:func:`find_mc`, in the order FreeBSD's and the cf package's Makefiles use:

1. ``mc=`` (``--mc``), else ``$SENDMAIL_MC`` (a name in the folder, or a path);
2. ``HOSTNAME.mc`` (FreeBSD's default: the machine's full name, then its first label);
3. ``sendmail.mc``, then ``freebsd.mc``;
4. the only ``.mc`` left. ``NAME.submit.mc`` and ``submit.mc`` are the MSP's
   (sendmail's submission daemon), never the MTA's; ``*.sample`` files are examples
   that are never live.

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> for name in ("freebsd.mc", "freebsd.submit.mc", "freebsd.mc.sample"):
...     open(os.path.join(folder, name), "w").close()
>>> os.path.basename(find_mc(folder, environ={}, hostname="mx.example.org"))
'freebsd.mc'
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping


def is_submit_mc(name: str) -> bool:
    """Whether ``name`` is an MSP configuration (``submit.mc``, ``NAME.submit.mc``).

    >>> is_submit_mc("freebsd.submit.mc"), is_submit_mc("sendmail.mc")
    (True, False)
    """
    base = os.path.basename(name)
    return base == "submit.mc" or base.endswith(".submit.mc")


def is_sample(name: str) -> bool:
    """Whether ``name`` is a shipped example (``access.sample``, ``freebsd.mc.sample``):
    sendmail never reads it.

    >>> is_sample("virtusertable.sample"), is_sample("access")
    (True, False)
    """
    return os.path.basename(name).endswith(".sample")


def _hostname() -> str:
    import socket

    return socket.gethostname()


def _explicit(folder: str, name: str, what: str) -> str:
    candidate = name if os.path.isabs(name) or os.path.isfile(name) else os.path.join(folder, name)
    if not os.path.isfile(candidate):
        raise FileNotFoundError(2, f"{candidate}: no such .mc file ({what})", candidate)
    return os.path.normpath(candidate)


def find_mc(
    path: str | os.PathLike[str],
    *,
    mc: str | None = None,
    environ: Mapping[str, str] | None = None,
    hostname: str | None = None,
) -> str:
    """The ``.mc`` of a folder (see the module's rules); a file path is returned as it is.

    ``environ`` defaults to the process's (for ``$SENDMAIL_MC``), ``hostname`` to the
    machine's name. Raises FileNotFoundError (no .mc; ``filename`` is the path that was
    named, for ``mc=`` and ``$SENDMAIL_MC``) or ValueError (several candidates, none
    chosen by the rules).
    """
    name = os.fspath(path)
    if not os.path.isdir(name):
        if mc:
            return _explicit(os.path.dirname(name) or ".", mc, "--mc")
        if not os.path.exists(name):
            raise FileNotFoundError(f"{name}: no such file or directory")
        return name
    if mc:
        return _explicit(name, mc, "--mc")
    env = (os.environ if environ is None else environ).get("SENDMAIL_MC")
    if env:
        return _explicit(name, env, "$SENDMAIL_MC")
    host = hostname if hostname is not None else _hostname()
    names = [f"{host}.mc", f"{host.split('.')[0]}.mc"] if host else []
    for candidate in (*names, "sendmail.mc", "freebsd.mc"):
        full = os.path.join(name, candidate)
        if os.path.isfile(full) and not is_submit_mc(candidate):
            return os.path.normpath(full)
    mcs = sorted(
        entry
        for entry in os.listdir(name)
        if entry.endswith(".mc")
        and not is_submit_mc(entry)
        and os.path.isfile(os.path.join(name, entry))
    )
    if not mcs:
        raise FileNotFoundError(f"{name}: no .mc file here (expected sendmail.mc)")
    if len(mcs) > 1:
        raise ValueError(
            f"{name}: several .mc files ({', '.join(mcs)});"
            " name the one to read (--mc FILE or $SENDMAIL_MC)"
        )
    return os.path.normpath(os.path.join(name, mcs[0]))


def live_mc(
    names: Iterable[str],
    *,
    environ: Mapping[str, str] | None = None,
    hostname: str | None = None,
) -> str | None:
    """The MTA's ``.mc`` among the file names of one folder, by :func:`find_mc`'s rules
    (``$SENDMAIL_MC``, ``HOSTNAME.mc``, ``sendmail.mc``, ``freebsd.mc``, the only one
    left); None when none, or several with none chosen. Lint asks this of the files it
    holds (texts need not be on disk).

    >>> names = ["freebsd.mc", "freebsd.submit.mc", "mx.example.org.mc"]
    >>> live_mc(names, environ={}, hostname="mx.example.org")
    'mx.example.org.mc'
    >>> live_mc(names, environ={}, hostname="other.example.org")
    'freebsd.mc'
    >>> live_mc(["a.mc", "b.mc", "submit.mc"], environ={}, hostname="")
    """
    present = {os.path.basename(n) for n in names if not is_sample(n)}
    env = (os.environ if environ is None else environ).get("SENDMAIL_MC")
    if env:
        base = os.path.basename(env)
        return base if base in present else None
    host = hostname if hostname is not None else _hostname()
    preferred = [f"{host}.mc", f"{host.split('.')[0]}.mc"] if host else []
    for candidate in (*preferred, "sendmail.mc", "freebsd.mc"):
        if candidate in present and not is_submit_mc(candidate):
            return candidate
    rest = sorted(n for n in present if n.endswith(".mc") and not is_submit_mc(n))
    return rest[0] if len(rest) == 1 else None


def include_reader(
    folder: str | None,
    root: str | None = None,
    texts: Mapping[str, str] | None = None,
) -> Callable[[str], tuple[str, str] | None]:
    r"""How the model reads a file an ``include()`` names (see
    :data:`~sendmailcfg.mc.facts.IncludeReader`), as m4 run on the ``.mc`` would find it.

    ``texts``: files given by name as written (they win); a relative name is read from
    ``folder`` (m4 resolves it from the folder it runs in: the ``.mc``'s), also for a
    file an included file includes; an absolute one as written, then under ``root``
    (a folder standing for ``/``). Only regular files are read; nothing is run.

    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> with open(os.path.join(folder, "defs.m4"), "w") as fh:
    ...     _ = fh.write("define(`SMART_HOST', `relay.example')dnl\n")
    >>> read = include_reader(folder)
    >>> read("defs.m4")[1], read("missing.m4")
    ("define(`SMART_HOST', `relay.example')dnl\n", None)
    """
    from sendmailcfg import _source, fileio

    given = dict(texts or {})

    def read(written: str) -> tuple[str, str] | None:
        if written in given:
            return written, given[written]
        if os.path.isabs(written):
            candidates = [written]
            if root is not None:
                candidates.append(os.path.join(root, written.lstrip("/")))
        elif folder is not None:
            candidates = [os.path.join(folder, written)]
        else:
            return None
        for candidate in candidates:
            if os.path.isfile(candidate):
                try:
                    return candidate, _source.decode(fileio.read_bytes(candidate))
                except OSError:
                    continue
        return None

    return read
