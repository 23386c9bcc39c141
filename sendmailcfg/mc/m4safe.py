r"""Run m4 on a ``.mc`` so that it can run no command and read no file outside the cf package.

A ``.mc`` is an m4 program, and m4 can run shell commands (``syscmd``,
``esyscmd``), create files (``maketemp``, ``mkstemp``, ``debugfile``) and copy
any file into its output (``include``, ``sinclude``, ``undivert(`file')``).
Looking for those words in the text cannot stop them: ``defn`` copies a
builtin under a new name, and a name can be assembled by ``define``,
``translit`` or ``substr`` and called when the text is read again. So the m4
run itself is locked: :func:`lockdown` is m4 text read after ``cf.m4`` (which is
loaded with ``_NO_MAKEINFO_``, so it runs no ``makeinfo.sh``) and before the
``.mc``, which m4 reads from standard input -- the bytes that were checked,
never the file again. After it:

* ``syscmd``, ``esyscmd``, ``maketemp``, ``mkstemp``, ``debugfile``,
  ``builtin`` and ``changecom`` are gone: calling one prints ``*** ERROR:
  ... refused`` (plain text when written without arguments, as m4 does);
* ``include``/``sinclude`` open only the cf package's own ``*.m4`` files,
  named exactly as the cf macros name them (``_CF_DIR_`` followed by
  ``feature/NAME.m4`` and so on, or, when m4 runs in a folder of the
  package, relative to it: ``../m4/cf.m4``) -- a list made here from the
  folder, leaving out files whose real path is outside it (a symlink) --
  plus Debian's ``/etc/mail/m4/dialup.m4`` and ``provider.m4`` when they
  are regular files. Any other path
  (``../``, another folder, a redefined ``_CF_DIR_``) is refused;
* ``undivert`` takes diversion numbers only; ``defn`` answers only for the
  names the cf package itself copies (``_ARG_``, ``_DPO_``, the ``conf*``
  options of ``proto.m4``, ...); ``changequote`` switches only between the
  quotes the cf package uses (`````/``'``, ``[``/``]``, ``<<``/``>>``).

The real builtins live on under random names chosen for each run, each called
only from a macro that takes no arguments and passes a fixed string (so no
argument can smuggle text into them), and whose text cannot be read back:
``defn`` refuses them, and quotes and comments cannot be changed to capture
them. ``--allow-m4-commands`` (``allow_m4_commands=True``) runs plain m4 as the
Makefile does.

:func:`run_m4` runs m4 in a new session, caps what it prints
(:data:`MAX_OUTPUT`) and kills the whole process group when the time is up.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Sequence

import attrs

from sendmailcfg.errors import SendmailcfgError

MAX_OUTPUT = 16 * 1024 * 1024
"""Most bytes m4 may print on standard output (and on standard error); a ``.cf`` is ~60 KB."""

REFUSED = "*** ERROR: sendmailcfg refused "
"""How the locked m4 run starts the message for a refused builtin (on standard error)."""

REFUSED_BUILTINS = ("syscmd", "esyscmd", "maketemp", "mkstemp", "debugfile", "builtin", "changecom")
"""Builtins that are gone after :func:`lockdown` (``include``/``defn``/... are narrowed)."""

DEBIAN_INCLUDES = ("/etc/mail/m4/dialup.m4", "/etc/mail/m4/provider.m4")
"""Files Debian's sendmailconfig writes and its stock ``sendmail.mc`` includes."""

_SAFE_PATH = re.compile(r"[A-Za-z0-9_./+-]+\Z")
_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_DEFN = re.compile(rf"defn\(`({_NAME})'\)")
_OPTION = re.compile(rf"_OPTION\(\s*[^,()]*,\s*`({_NAME})'")


class RenderError(SendmailcfgError):
    """m4 failed, or the cf macros reported ``*** ERROR`` lines (in ``.errors``)."""

    def __init__(self, message: str, errors: list[str], stderr: str = "") -> None:
        super().__init__(message)
        self.errors = errors
        self.stderr = stderr


class RenderTimeout(RenderError):
    """m4 ran longer than allowed (a ``.mc`` that loops, or a hung ``esyscmd``)."""


class RenderOutputTooLarge(RenderError):
    """m4 printed more than :data:`MAX_OUTPUT` bytes (a macro that prints itself forever)."""


def positive_timeout(value: float) -> float:
    """``value`` when it is a positive number of seconds, else ``ValueError``."""
    if not value > 0 or value != value or value == float("inf"):
        raise ValueError(f"timeout must be a positive number of seconds, not {value!r}")
    return value


def _m4_files(cf_dir: str) -> list[tuple[str, str]]:
    """(path as ``_CF_DIR_`` names it, real path) of the cf package's ``*.m4`` files."""
    real_top = os.path.realpath(cf_dir)
    out: list[tuple[str, str]] = []
    for dirpath, dirnames, filenames in os.walk(cf_dir):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(".m4"):
                continue
            path = os.path.join(dirpath, name)
            real = os.path.realpath(path)
            if os.path.commonpath([real, real_top]) != real_top or not os.path.isfile(real):
                continue  # a symlink out of the package
            if _SAFE_PATH.match(path):
                out.append((path, real))
    return out


def include_paths(cf_dir: str, cwd: str | None = None) -> list[str]:
    """The strings ``include``/``sinclude`` accept: the cf package's files, as m4 would open them.

    Each file as ``_CF_DIR_`` names it (``CFDIR/feature/x.m4``) and, when m4 runs
    in a folder of the package (its ``cf/``, where ``Build`` runs), by its path
    relative to that folder (``../m4/cf.m4``), plus Debian's two files under
    ``/etc/mail/m4``. A relative path from a folder outside the package is not
    accepted: its ``..`` would climb through folders that may change under m4.
    """
    here = os.path.realpath(cwd if cwd is not None else os.getcwd())
    top = os.path.realpath(cf_dir)
    inside = os.path.commonpath([here, top]) == top
    out: list[str] = []
    for path, real in _m4_files(cf_dir):
        out.append(path)
        if not inside:
            continue
        rel = os.path.relpath(real, here)
        if _SAFE_PATH.match(rel):
            out.append(rel)
            if not rel.startswith("../"):
                out.append("./" + rel)
    for extra in DEBIAN_INCLUDES:
        if os.path.isfile(extra) and not os.path.islink(extra):
            out.append(extra)
    return sorted(set(out))


def defn_names(cf_dir: str) -> list[str]:
    """The names the cf package copies with ``defn`` (the only ones ``defn`` answers for)."""
    names: set[str] = set()
    for path, _real in _m4_files(cf_dir):
        try:
            with open(path, encoding="latin-1") as f:
                text = f.read()
        except OSError:
            continue
        names.update(_DEFN.findall(text))
        names.update(_OPTION.findall(text))
    return sorted(names)


def _q(text: str) -> str:
    return f"`{text}'"


def lockdown(
    cf_dir: str | os.PathLike[str],
    *,
    cwd: str | None = None,
    token: str | None = None,
    includes: Iterable[str] | None = None,
    defns: Iterable[str] | None = None,
) -> str:
    """m4 text (one line, no output) that takes the dangerous builtins away (see the module).

    Read it after ``cf.m4`` and before the ``.mc``; ``token`` names the real
    builtins (random when not given).
    """
    folder = os.fspath(cf_dir).rstrip("/")
    if not _SAFE_PATH.match(folder + "/"):
        raise RenderError(
            f"{folder}: the cf folder's name holds characters m4 would misread "
            "(only letters, digits, _ . / + - are allowed)",
            [],
        )
    import secrets  # the modules of a run are imported when m4 runs: lint imports this file

    t = token or secrets.token_hex(12)
    kept = ("include", "sinclude", "defn", "changequote", "undivert", "define", "undefine", "indir")
    raw = {b: f"_SMC{t}_{b}" for b in kept}
    inc = "_SENDMAILCFG_inc:"
    sinc = "_SENDMAILCFG_sinc:"
    dfn = "_SENDMAILCFG_defn:"
    und = "_SENDMAILCFG_undivert:"
    refuse = "_SENDMAILCFG_refuse"
    parts: list[str] = []
    add = parts.append
    # 1. keep the builtins under names nobody can know
    for b, name in raw.items():
        add(f"define({_q(name)}, defn({_q(b)}))")
    # 2. the refusal: an *** ERROR line (errprint may be the located one)
    add(
        f"define({_q(refuse)}, `errprint(`{REFUSED}$1(`$2'): it reaches outside the cf "
        "package (--allow-m4-commands allows it)'_SENDMAILCFG_nl)')"
    )
    for b in REFUSED_BUILTINS:
        add(f"define({_q(b)}, `ifelse(`$#', `0', ``{b}'', `{refuse}(`{b}', `$1')')')")
    # 3. include/sinclude: only the listed files, each through its own fixed call
    paths = includes if includes is not None else include_paths(folder, cwd)
    for p in paths:
        if not _SAFE_PATH.match(p):
            continue
        add(f"define({_q(inc + p)}, `{raw['include']}(`{p}')')")
        add(f"define({_q(sinc + p)}, `{raw['sinclude']}(`{p}')')")
    at = "ifelse(__file__, `stdin', `define(`_SENDMAILCFG_at', __line__)')"
    add(
        "define(`include', `ifelse(`$#', `0', ``include'', "
        f"`{at}ifdef(`{inc}$1', `indir(`{inc}$1')', `{refuse}(`include', `$1')')')')"
    )
    # sinclude: a missing file of the package is silently nothing, as in m4
    width = len(folder) + 1
    add(
        "define(`sinclude', `ifelse(`$#', `0', ``sinclude'', "
        f"`{at}ifdef(`{sinc}$1', `indir(`{sinc}$1')', "
        f"`ifelse(index(`$1', `..'), `-1', `ifelse(substr(`$1', `0', `{width}'), `{folder}/', `', "
        f"`{refuse}(`sinclude', `$1')')', `{refuse}(`sinclude', `$1')')')')')"
    )
    # 4. undivert: diversion numbers only
    add(f"define({_q(und + 'all')}, `{raw['undivert']}')")
    for number in range(-1, 100):
        add(f"define({_q(und + str(number))}, `{raw['undivert']}(`{number}')')")
    add(
        "define(`undivert', `ifelse(`$#', `0', `indir(`{u}all')', `$#', `1', "
        "`ifdef(`{u}$1', `indir(`{u}$1')', `{r}(`undivert', `$1')')', "
        "`undivert(`$1')undivert(shift($@))')')".replace("{u}", und).replace("{r}", refuse)
    )
    # 5. defn: only the names the cf package copies
    for name in defns if defns is not None else defn_names(folder):
        add(f"define({_q(dfn + name)}, `{raw['defn']}(`{name}')')")
    add(
        "define(`defn', `ifelse(`$#', `0', ``defn'', `$#', `1', "
        f"`ifdef(`{dfn}$1', `indir(`{dfn}$1')', `{refuse}(`defn', `$1')')', "
        f"`{refuse}(`defn', `$@')')')"
    )
    # 6. changequote: between `', [] and <<>> only; each switch redefines the wrapper
    #    in the new quotes (its text is read again with whatever quotes are active)
    cq = raw["changequote"]
    to_bq = "_SENDMAILCFG_cq_bq"
    to_br = "_SENDMAILCFG_cq_br"
    to_an = "_SENDMAILCFG_cq_an"
    in_bq = (
        "ifelse(`$#', `0', `', `$1|$2', `[|]', `"
        + to_br
        + "()', `$1|$2', `<<|>>', `"
        + to_an
        + "()', "
        "`$1|$2', ``|'', `', `" + refuse + "(`changequote', `$1|$2')')"
    )
    in_br = (
        "ifelse([$#], [0], ["
        + to_bq
        + "()], [$1|$2], [`|'], ["
        + to_bq
        + "()], [$1|$2], [[|]], [], "
        "[" + refuse + "([changequote], [$1|$2])])"
    )
    in_an = (
        "ifelse(<<$#>>, <<0>>, <<" + to_bq + "()>>, <<$1|$2>>, <<`|'>>, <<" + to_bq + "()>>, "
        "<<$1|$2>>, <<<<|>>>>, <<>>, <<" + refuse + "(<<changequote>>, <<$1|$2>>)>>)"
    )
    body = "_SENDMAILCFG_cq_in_"
    add(f"define(`{body}bq', `{in_bq}')define(`{body}br', `{in_br}')define(`{body}an', `{in_an}')")
    # Each switch exists only in the quotes it is written for (to_br, to_an in `',
    # to_bq in [] and <<>>), and outside `' indir is put away: the fixed calls
    # (named with ':', reachable through indir only) never run in other quotes.
    d, df, ud = raw["defn"], raw["define"], raw["undefine"]
    away = f"_SMC{t}_indir_away"

    def leave(o: str, c: str) -> str:
        return (
            f"{df}({o}{away}{c}, {d}({o}indir{c})){ud}({o}indir{c})"
            f"{df}({o}{to_bq}{c}, {d}({o}_SMC{t}_hold_bq{c}))"
            f"{ud}({o}{to_br}{c}){ud}({o}{to_an}{c})"
        )

    hold = f"_SMC{t}_hold_"
    add(
        f"define(`{hold}br', `{cq}(`[', `]'){leave('[', ']')}{df}([changequote], {d}([{body}br]))')"
    )
    add(
        f"define(`{hold}an', `{cq}(`<<', `>>'){leave('<<', '>>')}"
        f"{df}(<<changequote>>, {d}(<<{body}an>>))')"
    )
    add(
        f"define(`{hold}bq', `{cq}(`,'){df}(`indir', {d}(`{away}')){ud}(`{away}')"
        f"{df}(`{to_br}', {d}(`{hold}br')){df}(`{to_an}', {d}(`{hold}an'))"
        f"{ud}(`{to_bq}'){df}(`changequote', {d}(`{body}bq'))')"
    )
    add(f"define(`{to_br}', {d}(`{hold}br'))define(`{to_an}', {d}(`{hold}an'))")
    add(f"define(`changequote', {d}(`{body}bq'))")
    text = "".join(parts)
    if "\n" in text:
        raise AssertionError("the lockdown must stay on one line (m4 counts the .mc's lines)")
    return text


@attrs.frozen
class M4Result:
    """What m4 printed and its exit status."""

    status: int
    stdout: bytes
    stderr: bytes
    argv: tuple[str, ...]


def _killpg(pid: int) -> None:
    import signal

    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _exited(pid: int) -> bool:
    """Whether ``pid`` has exited, without reaping it (its group id stays ours)."""
    try:
        info = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return info is not None


def run_capped(
    argv: Sequence[str],
    data: bytes,
    *,
    timeout: float,
    cwd: str | None = None,
    max_output: int = MAX_OUTPUT,
    executable: str | None = None,
) -> M4Result:
    """Run ``argv`` in a new session with ``data`` on stdin; kill its process group at the end.

    Raises :class:`RenderTimeout` after ``timeout`` seconds and
    :class:`RenderOutputTooLarge` when it prints more than ``max_output`` bytes
    on either stream; every process of the group is killed in all cases.
    """
    import subprocess
    import threading
    import time

    positive_timeout(timeout)
    proc = subprocess.Popen(
        list(argv),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cwd,
        start_new_session=True,
        executable=executable,
    )
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    too_much = threading.Event()
    bufs: list[bytearray] = [bytearray(), bytearray()]

    def read(stream: object, buf: bytearray) -> None:
        reader = getattr(stream, "read1")  # noqa: B009 -- a BufferedReader
        while True:
            chunk = reader(65536)
            if not chunk:
                return
            if len(buf) + len(chunk) > max_output:
                too_much.set()
                _killpg(proc.pid)  # not reaped yet: the group id is still this run's
                return
            buf += chunk

    def write() -> None:
        assert proc.stdin is not None
        try:
            proc.stdin.write(data)
        except (BrokenPipeError, OSError):
            pass
        finally:
            with contextlib.suppress(OSError):
                proc.stdin.close()

    threads = [
        threading.Thread(target=write, daemon=True),
        threading.Thread(target=read, args=(proc.stdout, bufs[0]), daemon=True),
        threading.Thread(target=read, args=(proc.stderr, bufs[1]), daemon=True),
    ]
    for th in threads:
        th.start()
    deadline = time.monotonic() + timeout
    timed_out = False
    for th in threads[1:]:
        th.join(max(0.0, deadline - time.monotonic()))
        if th.is_alive():
            timed_out = True
    while not timed_out and not _exited(proc.pid):
        if time.monotonic() > deadline:
            timed_out = True
            break
        time.sleep(0.005)
    _killpg(proc.pid)  # m4 and whatever it started: nothing outlives the run
    status = proc.wait()
    for th in threads:
        th.join(1.0)
    for stream in (proc.stdout, proc.stderr):
        stream.close()
    if too_much.is_set():
        raise RenderOutputTooLarge(
            f"m4 printed more than {max_output} bytes (a .cf is about 60 KB); it was stopped "
            "and nothing was written",
            [],
        )
    if timed_out:
        raise RenderTimeout(
            f"m4 did not finish within {timeout:g} s (a loop in the .mc, or a hung "
            "command?); it was stopped and nothing was written",
            [],
        )
    return M4Result(status, bytes(bufs[0]), bytes(bufs[1]), tuple(argv))


def makeinfo(cf_dir: str, cwd: str | None = None) -> str:
    """The three ``#####`` lines cf's ``sh/makeinfo.sh`` prints (user, host, date, folders)."""
    import getpass
    import socket
    import time

    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = os.environ.get("LOGNAME", "")
    host = socket.gethostname()
    date = time.strftime("%a %b %e %H:%M:%S %Z %Y").replace("  ", " ")
    here = os.path.realpath(cwd if cwd is not None else os.getcwd()).replace("/tmp_mnt", "", 1)
    return (
        f"##### built by {user}@{host} on {date}\n"
        f"##### in {here}\n"
        f"##### using {cf_dir.replace('/tmp_mnt', '', 1)} as configuration include directory\n"
    )


HEADER = "#####\t\tSENDMAIL CONFIGURATION FILE\n#####\n"


def add_makeinfo(cf: str, info: str) -> str:
    """``cf`` with the ``makeinfo.sh`` lines where cf's ``cfhead.m4`` prints them."""
    at = cf.find(HEADER)
    if at < 0:
        return cf
    at += len(HEADER)
    return cf[:at] + info + cf[at:]


def run_m4(
    mc: bytes,
    cf_dir: str | os.PathLike[str],
    *,
    m4: str,
    allow_m4_commands: bool = False,
    stable: bool = True,
    timeout: float = 60.0,
    cwd: str | None = None,
    before: str = "",
    max_output: int = MAX_OUTPUT,
    m4_options: Sequence[str] = (),
) -> M4Result:
    """``m4 -D_CF_DIR_=DIR/ DIR/m4/cf.m4 -`` with ``before``, the lockdown and ``mc`` on stdin.

    The ``.mc`` is never named on m4's command line (a file called
    ``-Ffreebsd.mc`` would be an option). With ``allow_m4_commands`` there is no
    lockdown (the Makefile's plain m4); else ``_NO_MAKEINFO_`` is always
    defined and, unless ``stable``, the ``makeinfo.sh`` lines are added here.
    """
    folder = os.path.abspath(os.fspath(cf_dir)).rstrip("/")
    args = ["m4", f"-D_CF_DIR_={folder}/"]  # argv[0] "m4": its messages say m4:FILE:LINE
    if stable or not allow_m4_commands:
        args.append("-D_NO_MAKEINFO_")
    if not allow_m4_commands:
        args.append("-D_SENDMAILCFG_nl=\n")  # the lockdown itself is one line
    args += [*m4_options, f"{folder}/m4/cf.m4", "-"]
    text = before
    if not allow_m4_commands:
        text += lockdown(folder, cwd=cwd)
    data = text.encode("utf-8", "surrogateescape") + mc
    result = run_capped(args, data, timeout=timeout, cwd=cwd, max_output=max_output, executable=m4)
    if not stable and not allow_m4_commands:
        cf = result.stdout.decode("utf-8", "surrogateescape")
        out = add_makeinfo(cf, makeinfo(folder + "/", cwd))
        result = attrs.evolve(result, stdout=out.encode("utf-8", "surrogateescape"))
    return result


__all__ = [
    "DEBIAN_INCLUDES",
    "MAX_OUTPUT",
    "REFUSED",
    "REFUSED_BUILTINS",
    "M4Result",
    "RenderError",
    "RenderOutputTooLarge",
    "RenderTimeout",
    "add_makeinfo",
    "defn_names",
    "include_paths",
    "lockdown",
    "makeinfo",
    "positive_timeout",
    "run_capped",
    "run_m4",
]
