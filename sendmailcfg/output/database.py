r"""Building ``MAPNAME.db`` from a makemap source, atomically; dumping it; staleness.

:func:`build` reads the source exactly as sendmail 8.17's makemap does
(:mod:`sendmailcfg.maps.makemap_reader`), writes a new database next to the
old one and renames it into place, so sendmail never sees half a map. The old
file's permission bits and owner are kept (a new file gets makemap's 0640).
Lines makemap rejects are reported with makemap's messages and exit status
(65), and the good lines are still written, as makemap does.

Backends (``backend=``): ``pure`` (the default, through ``auto``) writes and
reads the Berkeley DB 5.3 files itself (:mod:`sendmailcfg.output.bdb`), with
no compiler, libdb or sendmail; ``berkeleydb`` uses the binding (``pip install
'sendmailcfg[bdb]'``); ``makemap`` runs the system's makemap (the only one that
knows other map types). ``auto`` is ``pure``, falling back on the binding and
then the system makemap for an access method whose pure writer is missing.

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> source = os.path.join(folder, "mailertable")
>>> with open(source, "w") as f:
...     _ = f.write("example.com\tsmtp:[mx.example.net]\n")
>>> is_stale(source)
True
>>> result = build(source)
>>> result.status, result.path.name, result.backend, is_stale(source)
(0, 'mailertable.db', 'pure', False)
>>> read_map(source)
[(b'example.com', b'smtp:[mx.example.net]')]
>>> import shutil; shutil.rmtree(folder)
"""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Literal

import attrs

from sendmailcfg import _source, fileio
from sendmailcfg.maps.document import MapDocument
from sendmailcfg.maps.makemap_reader import (
    EX_DATAERR,
    EX_OK,
    DuplicatePolicy,
    ReaderOptions,
    format_message,
    scan,
)
from sendmailcfg.output import berkeley, mapfile, pure
from sendmailcfg.output.makemap_source import source_options
from sendmailcfg.output.mapfile import EX_CANTCREAT as EX_CANTCREAT
from sendmailcfg.output.mapfile import EX_IOERR as EX_IOERR
from sendmailcfg.output.mapfile import EX_UNAVAILABLE as EX_UNAVAILABLE
from sendmailcfg.output.mapfile import EXTENSION as EXTENSION
from sendmailcfg.output.mapfile import RECOMPILE as RECOMPILE
from sendmailcfg.output.mapfile import TYPES as TYPES
from sendmailcfg.output.mapfile import BackendUnavailable as BackendUnavailable
from sendmailcfg.output.mapfile import MapBuildError as MapBuildError
from sendmailcfg.output.mapfile import check_safe as check_safe
from sendmailcfg.output.mapfile import check_type as check_type

Backend = Literal["auto", "pure", "berkeleydb", "makemap"]
"""``auto`` (default: pure Python), ``pure``, ``berkeleydb`` (the binding), ``makemap`` (the
system's)."""
BACKENDS = ("pure", "berkeleydb", "makemap")
PutHook = Callable[[bytes, bytes], None]
STALE_TMP_AGE = mapfile.STALE_TMP_AGE
"""Seconds after which a temporary file of ours beside a map is a killed build's leftover."""


@attrs.frozen
class BuildOptions:
    """makemap's flags that are not about reading the source.

    ``reader`` (``-D -t -e -f -N -r -d``; None: from the document, or makemap's
    defaults), ``append`` (``-o``: add to the existing map), ``cache_size``
    (``-c``; None: as large as the map needs, up to 1 GiB), ``unsafe`` (``-s``:
    allow a map that is a symbolic or hard link).

    >>> BuildOptions.from_flags(["-o", "-rt:"]).reader.duplicates
    'last'
    """

    reader: ReaderOptions | None = None
    append: bool = False
    cache_size: int | None = None
    unsafe: bool = False

    @classmethod
    def from_flags(cls, flags: list[str] | tuple[str, ...]) -> BuildOptions:
        """From makemap's command-line flags (getopt style)."""
        import getopt

        opts, _ = getopt.gnu_getopt(list(flags), "C:D:Nc:defi:Llorst:uvx")
        cache: int | None = None
        for flag, arg in opts:
            if flag == "-c":
                cache = c_atol(arg)
        given = {flag for flag, _ in opts}
        return cls(ReaderOptions.from_flags(flags), "-o" in given, cache, "-s" in given)


def c_atol(text: str) -> int:
    """C's ``atol``: leading blanks, a sign, digits; anything else stops (``"12k"`` is 12).

    >>> c_atol(" 42x"), c_atol("abc"), c_atol("-3")
    (42, 0, -3)
    """
    s = text.lstrip(" \t\n\r\x0b\x0c")
    sign = 1
    if s[:1] in ("+", "-"):
        sign = -1 if s[0] == "-" else 1
        s = s[1:]
    digits = ""
    for ch in s:
        if not "0" <= ch <= "9":
            break
        digits += ch
    return sign * int(digits) if digits else 0


@attrs.frozen
class BuildResult:
    """What :func:`build` did: the file, the backend, the errors, makemap's exit status."""

    path: Path
    maptype: str
    backend: str
    written: int | None
    errors: list[tuple[int, str]]
    status: int
    notes: list[str] = attrs.field(factory=list)
    """Other messages of the system makemap (e.g. its warnings), verbatim."""

    def messages(self, mapname: str) -> list[str]:
        """The errors as makemap prints them."""
        return [format_message(mapname, line, msg) for line, msg in self.errors]


def db_path(mapname: str | os.PathLike[str]) -> Path:
    """The file makemap writes for ``mapname``: ``.db`` added unless already there.

    >>> db_path("/etc/mail/mailertable"), db_path("access.db")
    (PosixPath('/etc/mail/mailertable.db'), PosixPath('access.db'))
    """
    name = os.fspath(mapname)
    return Path(name if name.endswith(EXTENSION) else name + EXTENSION)


def is_stale(source: str | os.PathLike[str], db: str | os.PathLike[str] | None = None) -> bool:
    """Whether ``db`` (default: ``source`` + ``.db``) must be rebuilt: missing, or older.

    The rule of sendmail's ``/etc/mail/Makefile``: rebuild when the source was
    modified after the database. Raises ``FileNotFoundError`` if ``source`` is missing.
    """
    src = os.stat(source)
    try:
        target = os.stat(db if db is not None else db_path(source))
    except FileNotFoundError:
        return True
    return src.st_mtime_ns > target.st_mtime_ns


def normalize_backend(backend: str) -> str:
    """``backend`` checked: one of :data:`BACKENDS` or ``auto`` (else ValueError).

    >>> normalize_backend("pure"), normalize_backend("auto")
    ('pure', 'auto')
    """
    if backend != "auto" and backend not in BACKENDS:
        choices = ", ".join(("auto", *BACKENDS))
        raise ValueError(f"unknown backend {backend!r}: expected one of {choices}")
    return backend


def choose_backend(backend: Backend = "auto", maptype: str = "hash") -> tuple[str, str | None]:
    """``("pure", None)``, ``("berkeleydb", None)`` or ``("makemap", program)``.

    ``auto`` is the pure backend, unless the pure writer for ``maptype``'s access
    method is missing: then the binding, then the system makemap. Raises
    :class:`BackendUnavailable` (status 69) when the chosen one cannot be used.

    >>> choose_backend()
    ('pure', None)
    """
    kind = normalize_backend(backend)
    method = TYPES.get(maptype)
    if kind in ("auto", "pure") and (method is None or pure.available(method)):
        return "pure", None
    if kind in ("auto", "berkeleydb") and berkeley.available():
        return "berkeleydb", None
    from sendmailcfg.output import system_makemap  # only now: it costs interpreter start

    if kind in ("auto", "makemap"):
        program = system_makemap.find()
        if program is not None:
            return "makemap", program
    wanted = {
        "auto": f"no pure-Python writer for {method} files, no Berkeley DB binding and no "
        "system makemap",
        "pure": f"the pure-Python writer for {method} files is not installed",
        "berkeleydb": "the Berkeley DB binding is not installed",
        "makemap": "no system makemap was found",
    }[kind]
    raise BackendUnavailable(
        f"makemap: cannot build or read Berkeley DB maps: {wanted}; install the binding with "
        "`pip install 'sendmailcfg[bdb]'` (it compiles against Debian's libdb5.3-dev, or "
        f"libdb-dev elsewhere), or sendmail's makemap (set ${system_makemap.ENV} to its path)",
        EX_UNAVAILABLE,
    )


def clean_stale_temporaries(target: Path, age: float = STALE_TMP_AGE) -> list[Path]:
    """Remove what a killed build of ``target`` left beside it; returns what was removed.

    Only our own names (``.NAME.db.XXXXXXXX.tmp``, files or folders) older than
    ``age`` seconds go: a build running right now is left alone.
    """
    return [Path(p) for p in mapfile.clean_stale_temporaries(target, age)]


def _source_bytes(
    source: MapDocument | bytes | str | os.PathLike[str],
) -> tuple[bytes, ReaderOptions | None, str | None]:
    if isinstance(source, MapDocument):
        return _source.encode(source.text), source_options(source, "error"), source.path
    if isinstance(source, bytes):
        return source, None, None
    return fileio.read_bytes(source), None, os.fspath(source)


def _doc_options(source: object, options: ReaderOptions | None) -> ReaderOptions | None:
    if isinstance(source, MapDocument) and options is not None:
        policies: dict[str, DuplicatePolicy] = {"first": "error", "last": "last", "all": "all"}
        return attrs.evolve(options, duplicates=policies[source.duplicates])
    return options


def build(
    source: MapDocument | bytes | str | os.PathLike[str],
    mapname: str | os.PathLike[str] | None = None,
    maptype: str = "hash",
    options: BuildOptions = BuildOptions(),
    *,
    backend: Backend = "auto",
    on_put: PutHook | None = None,
) -> BuildResult:
    """Write ``MAPNAME.db`` from a makemap source, as ``makemap MAPTYPE MAPNAME < source`` does.

    ``source`` is a :class:`~sendmailcfg.maps.MapDocument` (read with its own
    ``-D``/``-t``/``-e``/``-f``/``-r``/``-d`` settings), the source's bytes, or the
    path of a source file (``str`` or path object). ``mapname``
    defaults to the document's or file's path. ``on_put(key, value)`` sees every
    pair before it is stored (makemap's ``-v``).

    The result carries makemap's exit status: 0, or 65 when some lines were
    rejected (the others are still written). Raises :class:`MapBuildError` when
    the map cannot be opened or written (status 73; 69 with no backend).
    """
    data, doc_reader, path = _source_bytes(source)
    if mapname is None:
        if path is None:
            raise ValueError("mapname is required when the source has no path")
        mapname = path
    name = os.fspath(mapname)
    reader = options.reader or _doc_options(source, doc_reader) or ReaderOptions()
    kind, program = choose_backend(backend, maptype)
    if kind == "makemap" and maptype not in TYPES:
        assert program is not None
        return _build_other_type(program, data, name, maptype, options, reader, on_put)
    method, target_name, old = mapfile.prepare(
        name, maptype, unsafe=options.unsafe, append=options.append
    )
    target = Path(target_name)
    if kind == "pure":
        return _build_pure(data, name, maptype, method, target, old, options, reader, on_put)
    if kind == "berkeleydb":
        return _build_bdb(data, name, maptype, method, target, old, options, reader, on_put)
    assert program is not None
    return _build_system(program, data, name, maptype, target, old, options, reader, on_put)


def _build_pure(
    data: bytes,
    name: str,
    maptype: str,
    method: str,
    target: Path,
    old: os.stat_result | None,
    options: BuildOptions,
    reader: ReaderOptions,
    on_put: PutHook | None,
) -> BuildResult:
    existing = None
    dups = False
    if options.append:
        existing, dups = _load_pure(target, maptype, name, method)
        if reader.duplicates == "all" and not dups:
            # libdb refuses DB_DUP on a database made without it
            raise mapfile.opening_error(maptype, name, os.strerror(errno.EINVAL))
    written = pure.build_file(
        data,
        name,
        maptype,
        method,
        os.fspath(target),
        old,
        reader,
        existing=existing,
        existing_duplicates=dups,
        on_put=on_put,
    )
    return BuildResult(target, maptype, "pure", written.written, written.errors, written.status)


def _pure_content(target: Path, maptype: str, name: str) -> bytes:
    """The bytes of the map file ``target`` (a regular file: never a FIFO or device)."""
    try:
        return fileio.read_bytes(target)
    except OSError as exc:
        raise mapfile.opening_error(maptype, name, exc.strerror or str(exc)) from None


def _load_pure(
    target: Path, maptype: str, name: str, method: str
) -> tuple[list[tuple[bytes, bytes]], bool]:
    """The map's pairs and whether it holds duplicates; makemap's error when it cannot."""
    content = _pure_content(target, maptype, name)
    try:
        return list(pure.read(content, method)), pure.has_duplicates(content)
    except pure.FormatError:
        # libdb's answer to a file that is not a database of this type
        raise mapfile.opening_error(maptype, name, os.strerror(errno.EINVAL)) from None


def _build_bdb(
    data: bytes,
    name: str,
    maptype: str,
    method: str,
    target: Path,
    old: os.stat_result | None,
    options: BuildOptions,
    reader: ReaderOptions,
    on_put: PutHook | None,
) -> BuildResult:
    tmp = mapfile.new_temporary(os.fspath(target), maptype, name)
    try:
        if options.append:
            shutil.copyfile(target, tmp)
        try:
            written = berkeley.write(
                tmp,
                method,
                data,
                reader,
                create=not options.append,
                cache_size=options.cache_size,
                on_put=on_put,
            )
        except berkeley.DatabaseError as exc:
            if exc.errno in mapfile.WRITE_ERRORS:
                raise mapfile.io_error(name, OSError(exc.errno, exc.text)) from None
            raise mapfile.opening_error(maptype, name, exc.text) from None
        try:
            mapfile.finish(tmp, target, old)
        except OSError as exc:
            raise mapfile.write_error(maptype, name, exc) from None
    except BaseException:
        mapfile.remove_quietly(tmp)
        raise
    result = written.written, written.errors, written.status
    return BuildResult(target, maptype, "berkeleydb", *result)


def reader_flags(reader: ReaderOptions) -> list[str]:
    """The makemap flags that make it read a source as ``reader`` says.

    >>> reader_flags(ReaderOptions(delimiter=b":", duplicates="last"))
    ['-t', ':', '-r']
    """

    def arg(b: bytes) -> str:
        return _source.decode(b)

    flags: list[str] = []
    if reader.comment != b"#":
        flags += ["-D", arg(reader.comment) if reader.comment is not None else ""]
    if reader.delimiter is not None:
        flags += ["-t", arg(reader.delimiter)]
    if not reader.fold:
        flags.append("-f")
    if reader.allow_empty:
        flags.append("-e")
    if reader.include_nul:
        flags.append("-N")
    flags += {"error": [], "last": ["-r"], "all": ["-d"]}[reader.duplicates]
    return flags


def _system_flags(options: BuildOptions, reader: ReaderOptions) -> list[str]:
    flags = reader_flags(reader)
    if options.append:
        flags.append("-o")
    if options.cache_size is not None:
        flags += ["-c", str(options.cache_size)]
    if options.unsafe:
        flags.append("-s")
    return flags


def _replay_puts(data: bytes, reader: ReaderOptions, on_put: PutHook | None) -> None:
    if on_put is not None:
        for _, key, value, error in scan(data, reader):
            if error is None:
                on_put(key, value)


def _split_messages(stderr: bytes) -> tuple[list[tuple[int, str]], list[str]]:
    from sendmailcfg.output import system_makemap

    errors = system_makemap.parse_errors(stderr)
    text = stderr.decode("utf-8", "surrogateescape").split("\n")
    notes = [line for line in text if line and " line " not in line]
    return errors, notes


def _build_system(
    program: str,
    data: bytes,
    name: str,
    maptype: str,
    target: Path,
    old: os.stat_result | None,
    options: BuildOptions,
    reader: ReaderOptions,
    on_put: PutHook | None,
) -> BuildResult:
    from sendmailcfg.output import system_makemap

    try:
        folder = tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise mapfile.opening_error(maptype, name, exc.strerror or str(exc)) from None
    try:
        tmpname = os.path.join(folder, "map")
        tmp = tmpname + EXTENSION
        if options.append:
            shutil.copyfile(target, tmp)
        _replay_puts(data, reader, on_put)
        run = system_makemap.run(program, _system_flags(options, reader), maptype, tmpname, data)
        stderr = system_makemap.rename_messages(run.stderr, tmpname, name)
        errors, notes = _split_messages(stderr)
        if run.status not in (EX_OK, EX_DATAERR) or not os.path.exists(tmp):
            text = stderr.decode("utf-8", "surrogateescape").strip()
            raise MapBuildError(text or f"makemap: exit status {run.status}", run.status)
        mapfile.finish(tmp, target, old)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return BuildResult(target, maptype, "makemap", None, errors, run.status, notes)


def _build_other_type(
    program: str,
    data: bytes,
    name: str,
    maptype: str,
    options: BuildOptions,
    reader: ReaderOptions,
    on_put: PutHook | None,
) -> BuildResult:
    """A type only the system makemap knows (cdb, dbm, ...): run it in place."""
    from sendmailcfg.output import system_makemap

    _replay_puts(data, reader, on_put)
    run = system_makemap.run(program, _system_flags(options, reader), maptype, name, data)
    errors, notes = _split_messages(run.stderr)
    if run.status not in (EX_OK, EX_DATAERR):
        text = run.stderr.decode("utf-8", "surrogateescape").strip()
        raise MapBuildError(text or f"makemap: exit status {run.status}", run.status)
    return BuildResult(Path(name), maptype, "makemap", None, errors, run.status, notes)


def read_map(
    mapname: str | os.PathLike[str],
    maptype: str = "hash",
    *,
    allow_dup: bool = False,
    unsafe: bool = False,
    backend: Backend = "auto",
) -> list[tuple[bytes, bytes]]:
    """Every stored ``(key, value)`` of ``MAPNAME.db``, in the database's order (``makemap -u``).

    Keys and values are the stored bytes (with their NUL when built with ``-N``).
    With the system makemap as backend, pairs come from its ``-u`` output (split
    at the first TAB, NULs lost). Raises :class:`MapBuildError` (status 73) when
    the map cannot be opened. The pure backend lists every duplicate of a map
    built with ``-d`` (as libdb does: the file says it has duplicates).
    :func:`iter_map` gives the same pairs one at a time.
    """
    return list(iter_map(mapname, maptype, allow_dup=allow_dup, unsafe=unsafe, backend=backend))


def iter_map(
    mapname: str | os.PathLike[str],
    maptype: str = "hash",
    *,
    allow_dup: bool = False,
    unsafe: bool = False,
    backend: Backend = "auto",
) -> Iterator[tuple[bytes, bytes]]:
    """:func:`read_map`'s pairs one at a time (``makemap -u`` streams them): the file's
    pages are read, never a list of every pair. A damaged file raises
    :class:`MapBuildError` (status 73) when the reader reaches the damage, after the
    pairs before it."""
    name = os.fspath(mapname)
    kind, program = choose_backend(backend, maptype)
    if kind == "makemap":
        assert program is not None
        out = read_map_text(name, maptype, allow_dup=allow_dup, unsafe=unsafe, backend="makemap")
        for line in out.split(b"\n")[:-1]:
            key, _, value = line.partition(b"\t")
            yield key, value
        return
    method = check_type(maptype, name)
    target = db_path(name)
    if not unsafe:
        check_safe(target, maptype, name)
    if kind == "pure":
        content = _pure_content(target, maptype, name)
        try:
            pairs = pure.read(content, method)
        except pure.FormatError:
            raise mapfile.opening_error(maptype, name, os.strerror(errno.EINVAL)) from None
        try:
            yield from pairs
        except pure.FormatError:  # damage found part way: libdb's answer, as at the start
            raise mapfile.opening_error(maptype, name, os.strerror(errno.EINVAL)) from None
        return
    try:
        yield from berkeley.read(os.fspath(target), method, allow_dup=allow_dup)
    except berkeley.DatabaseError as exc:
        raise mapfile.opening_error(maptype, name, exc.text) from None


def read_pairs(path: str | os.PathLike[str]) -> list[tuple[bytes, bytes]]:
    """The pairs of the Berkeley DB file ``path`` (hash or btree, found by its magic number).

    The pure reader, whatever backend builds the maps; raises :class:`MapBuildError`
    (status 73) when the file cannot be read or is not a hash or btree database.
    """
    name = os.fspath(path)
    try:
        content = fileio.read_bytes(name)
    except OSError as exc:
        raise MapBuildError(f"{name}: {fileio.describe(exc)}") from None
    from sendmailcfg.output import bdb

    method = bdb.detect(content)
    if method is None:
        raise MapBuildError(f"{name}: not a Berkeley DB hash or btree file")
    try:
        return list(pure.read(content, method))
    except (pure.FormatError, NotImplementedError) as exc:
        raise MapBuildError(f"{name}: {exc}") from None


def read_map_text(
    mapname: str | os.PathLike[str],
    maptype: str = "hash",
    *,
    delimiter: bytes | None = None,
    allow_dup: bool = False,
    unsafe: bool = False,
    backend: Backend = "auto",
) -> bytes:
    """``makemap -u`` output: ``key<TAB>value`` lines (``delimiter`` for ``-t``).

    Like makemap's ``%.*s``, a key or value is cut at its first NUL.
    """
    name = os.fspath(mapname)
    kind, program = choose_backend(backend, maptype)
    if kind == "makemap":
        from sendmailcfg.output import system_makemap

        assert program is not None
        flags = ["-u"]
        if delimiter is not None:
            flags += ["-t", _source.decode(delimiter)]
        if allow_dup:
            flags.append("-d")
        if unsafe:
            flags.append("-s")
        run = system_makemap.run(program, flags, maptype, name, b"")
        if run.status != EX_OK:
            text = run.stderr.decode("utf-8", "surrogateescape").strip()
            raise MapBuildError(text or f"makemap: exit status {run.status}", run.status)
        return run.stdout
    return b"".join(
        iter_map_text(
            name,
            maptype,
            delimiter=delimiter,
            allow_dup=allow_dup,
            unsafe=unsafe,
            backend=kind,  # type: ignore[arg-type]
        )
    )


def iter_map_text(
    mapname: str | os.PathLike[str],
    maptype: str = "hash",
    *,
    delimiter: bytes | None = None,
    allow_dup: bool = False,
    unsafe: bool = False,
    backend: Backend = "auto",
) -> Iterator[bytes]:
    """:func:`read_map_text` line by line, as the map is read (what ``makemap -u`` prints)."""
    name = os.fspath(mapname)
    kind, _program = choose_backend(backend, maptype)
    if kind == "makemap":
        yield read_map_text(
            name,
            maptype,
            delimiter=delimiter,
            allow_dup=allow_dup,
            unsafe=unsafe,
            backend="makemap",
        )
        return
    sep = delimiter if delimiter is not None else b"\t"
    for k, v in iter_map(name, maptype, allow_dup=allow_dup, unsafe=unsafe, backend=kind):  # type: ignore[arg-type]
        yield k.split(b"\0", 1)[0] + sep + v.split(b"\0", 1)[0] + b"\n"


def rebuild_if_stale(
    source: str | os.PathLike[str],
    mapname: str | os.PathLike[str] | None = None,
    maptype: str = "hash",
    options: BuildOptions = BuildOptions(),
    *,
    backend: Backend = "auto",
) -> BuildResult | None:
    """:func:`build` from the file ``source`` when :func:`is_stale` says so; None otherwise."""
    name = os.fspath(mapname if mapname is not None else source)
    if not is_stale(source, db_path(name)):
        return None
    return build(os.fspath(source), name, maptype, options, backend=backend)


__all__ = [
    "BackendUnavailable",
    "BuildOptions",
    "BuildResult",
    "MapBuildError",
    "build",
    "db_path",
    "is_stale",
    "iter_map",
    "iter_map_text",
    "read_map",
    "read_map_text",
    "rebuild_if_stale",
]
