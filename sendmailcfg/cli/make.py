"""Do what ``make`` in /etc/mail does: rebuild the .cf and the maps that are stale, install.

Targets (as in FreeBSD's and Debian's /etc/mail/Makefile):

* ``cf``: NAME.cf from NAME.mc (and NAME.submit.cf from NAME.submit.mc) when
  the .mc is newer than the .cf, with the real m4 (as ``sendmailcfg render``);
* ``maps``: each map's ``.db`` from its source when the source is newer, for the
  maps the .mc's FEATUREs use (access_db, mailertable, virtusertable, ...; the
  file named in the FEATURE's map spec, looked up in DIR), built as
  ``makemap TYPE NAME < NAME``;
* ``all`` (the default): ``cf`` and ``maps``;
* ``install``: ``cf``, then NAME.cf copied to ``sendmail.cf`` (and
  NAME.submit.cf to ``submit.cf``) atomically when they differ;
* a file name: ``mailertable.db``, ``freebsd.cf``, ``sendmail.cf`` (= install).

The .mc is ``--mc``, else ``$SENDMAIL_MC``, else HOSTNAME.mc, ``sendmail.mc``
or ``freebsd.mc`` (the first that exists), else the only .mc in DIR. The
aliases database is not built (that is ``newaliases``). ``--check`` builds
nothing and lists what would be done.

Exit 0 done (or nothing to do), 1 a build failed or reported problems (or
``--check`` finds work; a file that cannot be read or written -- a full disk, a
read-only folder, a folder or a link loop where a file should be -- is reported as
``PATH: cannot write: REASON`` and the other targets still run), 2 usage errors (no
.mc, unknown target, no cf package).
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import attrs

from sendmailcfg import _source, fileio
from sendmailcfg.mc.cfbuild import RenderTimeout, build_cf, same_cf
from sendmailcfg.mc.document import McDocument

NAME = "make"
HELP = "rebuild what is stale in a mail folder (.cf from .mc, maps' .db), or install the .cf"

TARGETS = ("all", "cf", "maps", "install")
MAKEMAP_TYPES = {"hash": "hash", "btree": "btree", "implicit": "hash"}
"""FEATURE map classes -> the makemap type that builds their ``.db``."""


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "dir",
        nargs="?",
        default=".",
        metavar="DIR",
        help="the mail folder (default: .; a first word that is not a folder is a target)",
    )
    parser.add_argument(
        "targets",
        nargs="*",
        metavar="TARGET",
        help="all (default), cf, maps, install, or a file such as mailertable.db",
    )
    parser.add_argument("--mc", metavar="FILE.mc", help="the .mc to build (default: see above)")
    parser.add_argument("--cf-dir", metavar="DIR", help="sendmail's cf package (holding m4/cf.m4)")
    parser.add_argument("--check", action="store_true", help="build nothing; list what is stale")
    parser.add_argument(
        "--allow-m4-commands",
        action="store_true",
        help="build a .mc even if it uses syscmd, esyscmd, untrusted include, ...",
    )
    parser.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS")


@attrs.frozen
class MapTarget:
    """A map the .mc reads: the ``.db`` file, its source, the makemap type."""

    feature: str
    source: Path
    maptype: str

    @property
    def db(self) -> Path:
        """The database file makemap writes."""
        return self.source.with_name(self.source.name + ".db")


def find_mc(folder: Path, given: str | None) -> Path | None:
    """The .mc to build, chosen as the Makefiles do (None when there is none)."""
    if given:
        p = Path(given)
        return p if p.is_absolute() or p.exists() else folder / given
    env = os.environ.get("SENDMAIL_MC")
    if env:
        return folder / env
    host = socket.gethostname()
    for name in (f"{host}.mc", f"{host.split('.')[0]}.mc", "sendmail.mc", "freebsd.mc"):
        if (folder / name).is_file():
            return folder / name
    found = sorted(
        p
        for p in folder.glob("*.mc")
        if not p.name.endswith(".submit.mc") and p.name != "submit.mc"
    )
    return found[0] if len(found) == 1 else None


def submit_mc(mc: Path) -> Path | None:
    """NAME.submit.mc beside NAME.mc (FreeBSD's pair), when it exists and is not ``mc``."""
    if mc.name in ("sendmail.mc", "submit.mc") or mc.name.endswith(".submit.mc"):
        return None
    p = mc.with_name(mc.name[:-3] + ".submit.mc")
    return p if p.is_file() else None


def table_maps(doc: McDocument, folder: Path) -> list[MapTarget]:
    """The makemap-built maps the .mc's FEATUREs read, as files in ``folder``."""
    from sendmailcfg.mc.facts import FILE_MAP_CLASSES, TABLE_FEATURES

    out: list[MapTarget] = []
    default_class = (doc.defines.get("DATABASE_MAP_TYPE") or "hash").strip()
    for f in doc.features:
        name = TABLE_FEATURES.get(f.name)
        if name is None:
            continue
        spec = f.args[0].strip() if f.args else ""
        words = spec.split()
        cls = words[0] if words else default_class
        if cls not in FILE_MAP_CLASSES:
            continue  # LDAP, a socket map, ...: nothing to build
        if len(words) > 1 and not words[-1].startswith("-"):
            base = words[-1].rstrip("/").rsplit("/", 1)[-1]
            name = base[:-3] if base.endswith(".db") else base
        target = MapTarget(f.name, folder / name, MAKEMAP_TYPES.get(cls, cls))
        if target not in out:
            out.append(target)
    return out


def _replace_with(data: bytes) -> Callable[[bytes], bytes]:
    return lambda _old: data


def stale(source: Path, product: Path) -> bool:
    """Make's rule: ``product`` is missing or older than ``source``."""
    try:
        return source.stat().st_mtime_ns > product.stat().st_mtime_ns
    except FileNotFoundError:
        return True


class Maker:
    """One run: says what it does, remembers whether anything failed or was to do."""

    def __init__(self, args: argparse.Namespace, folder: Path, mc: Path) -> None:
        self.args = args
        self.folder = folder
        self.mc = mc
        self.failed = False
        self.pending = False
        self.usage_error = False
        self.done = False

    def say(self, text: str) -> None:
        """Report one thing done (or, with --check, to do)."""
        self.done = True
        sys.stdout.flush()
        sys.stdout.buffer.write(_source.encode(text + "\n"))
        sys.stdout.buffer.flush()

    def problem(self, text: str) -> None:
        sys.stderr.flush()
        sys.stderr.buffer.write(_source.encode(text + "\n"))
        sys.stderr.buffer.flush()

    def rel(self, p: Path) -> str:
        return os.path.relpath(p, self.folder) if p.is_relative_to(self.folder) else str(p)

    def attempt(self, what: Path, step: Callable[[], None], verb: str = "build") -> None:
        """Run one step; a file it cannot read or write is reported (no traceback) and
        counts as a failure, and the next steps still run."""
        try:
            step()
        except fileio.ChangedMeanwhileError as exc:
            self.problem(str(exc))
            self.failed = True
        except OSError as exc:
            name = Path(exc.filename) if isinstance(exc.filename, str) else what
            self.problem(f"{self.rel(name)}: cannot {verb}: {fileio.describe(exc)}")
            self.failed = True

    # -- the .cf -------------------------------------------------------------------
    def mcs(self) -> Iterator[Path]:
        yield self.mc
        sub = submit_mc(self.mc)
        if sub is not None:
            yield sub

    def cf(self) -> None:
        for mc in self.mcs():
            self.attempt(mc.with_suffix(".cf"), partial(self.cf_of, mc))

    def cf_of(self, mc: Path) -> None:
        from sendmailcfg.cli.render import preflight

        out = mc.with_suffix(".cf")
        if not stale(mc, out):
            return
        if self.args.check:
            self.say(f"would build {self.rel(out)} from {self.rel(mc)}")
            self.pending = True
            return
        if preflight(str(mc), self.args.allow_m4_commands) is None:
            self.failed = True
            return
        try:
            result = build_cf(mc, self.args.cf_dir, timeout=self.args.timeout)
        except RenderTimeout as exc:
            self.problem(str(exc))
            self.failed = True
            return
        except FileNotFoundError as exc:
            self.problem(f"{self.rel(mc)}: {exc.strerror if exc.filename else exc}")
            self.usage_error = True
            return
        for m in result.messages:
            self.problem(m.format(self.rel(mc)))
        if not result.ok:
            self.problem(f"{self.rel(out)}: not built ({len(result.errors)} error(s))")
            self.failed = True
            return
        if result.messages:
            self.failed = True

        def change(old: bytes) -> bytes:
            same = bool(old) and same_cf(_source.decode(old), result.cf)
            return old if same else _source.encode(result.cf)

        up = fileio.update(out, change, missing_ok=True, new_mode=0o644)
        if not up.changed:
            os.utime(out)  # up to date now: only the "built by" lines would differ
        same = "" if up.changed else " (unchanged)"
        self.say(f"built {self.rel(out)} from {self.rel(mc)}{same}")

    # -- install -------------------------------------------------------------------
    def install(self) -> None:
        for mc in self.mcs():
            self.attempt(self.folder / "sendmail.cf", partial(self.install_of, mc), "install")

    def install_of(self, mc: Path) -> None:
        """Build ``mc``'s .cf if stale, then copy it to sendmail.cf (submit.cf)."""
        failed_before = self.failed
        self.cf_of(mc)
        if self.failed and not failed_before:
            return  # never install an old .cf after its .mc failed to build
        built = mc.with_suffix(".cf")
        name = "submit.cf" if mc.name.endswith(".submit.mc") else "sendmail.cf"
        dest = self.folder / name
        if built.resolve() == dest.resolve():
            return
        if self.args.check and stale(mc, built):
            self.say(f"would install {self.rel(built)} as {name}")
            self.pending = True
            return
        try:
            data = fileio.read_bytes(built)
        except OSError as exc:
            if not self.failed:
                self.problem(f"{self.rel(built)}: cannot read: {fileio.describe(exc)}")
            self.failed = True
            return
        up = fileio.update(
            dest, _replace_with(data), check=self.args.check, missing_ok=True, new_mode=0o644
        )
        if up.changed:
            if self.args.check:
                self.say(f"would install {self.rel(built)} as {name}")
                self.pending = True
            else:
                self.say(f"installed {self.rel(built)} as {name}")

    # -- maps ----------------------------------------------------------------------
    def maps(self) -> None:
        for target in self.map_targets():
            self.attempt(target.db, partial(self.build_map, target))

    def map_targets(self) -> list[MapTarget]:
        text = _source.decode(fileio.read_bytes(self.mc))
        return table_maps(McDocument.parse(text, path=str(self.mc)), self.folder)

    def build_map(self, target: MapTarget, *, asked: bool = False) -> None:
        from sendmailcfg.output.database import MapBuildError, build

        if not target.source.exists():
            if asked:
                self.problem(f"{self.rel(target.db)}: no source {self.rel(target.source)}")
                self.failed = True
            return
        if not stale(target.source, target.db):
            return
        what = f"{self.rel(target.db)} from {self.rel(target.source)}"
        if self.args.check:
            self.say(f"would build {what}")
            self.pending = True
            return
        try:
            result = build(str(target.source), str(target.source), target.maptype)
        except MapBuildError as exc:
            self.problem(exc.message)
            self.failed = True
            return
        for line in result.messages(self.rel(target.source)):
            self.problem(line)
        if result.status != 0:
            self.failed = True
        self.say(f"built {what}")


def run(args: argparse.Namespace) -> int:
    if not os.path.isdir(args.dir):  # ``make install``: the first word is a target
        args.targets = [args.dir, *args.targets]
        args.dir = "."
    folder = Path(args.dir)
    mc = find_mc(folder, args.mc)
    if mc is not None and os.path.lexists(mc) and not mc.is_file():
        what = "a folder" if mc.is_dir() else "not a regular file (or a link loop)"
        print(f"{mc}: cannot build: {what}", file=sys.stderr)
        return 2
    if mc is None or not mc.is_file():
        where = mc if mc is not None else folder
        print(
            f"{where}: no .mc to build (looked for HOSTNAME.mc, sendmail.mc, freebsd.mc, "
            "or a single .mc); use --mc",
            file=sys.stderr,
        )
        return 2
    maker = Maker(args, folder, mc)
    targets = args.targets or ["all"]
    try:
        known = {m.db.name: m for m in maker.map_targets()}
    except OSError as exc:
        print(f"{mc}: cannot read: {fileio.describe(exc)}", file=sys.stderr)
        return 2
    cfs = {m.with_suffix(".cf").name for m in maker.mcs()}
    for t in targets:
        if t not in TARGETS and t not in known and t not in cfs and t != "sendmail.cf":
            print(
                f"make: unknown target {t!r}; expected one of {', '.join(TARGETS)}, "
                f"{', '.join(sorted(cfs | set(known)))}",
                file=sys.stderr,
            )
            return 2
    for t in targets:
        if t == "all":
            maker.cf()
            maker.maps()
        elif t == "cf":
            maker.cf()
        elif t == "maps":
            maker.maps()
        elif t in ("install", "sendmail.cf") and t not in cfs:
            maker.install()
        elif t in cfs:
            for m in maker.mcs():
                if m.with_suffix(".cf").name == t:
                    maker.attempt(m.with_suffix(".cf"), partial(maker.cf_of, m))
        else:
            maker.attempt(known[t].db, partial(maker.build_map, known[t], asked=True))
    if maker.usage_error:
        return 2
    if not maker.done and not maker.failed:
        print("make: everything is up to date")
    if maker.failed:
        return 1
    return 1 if maker.pending else 0
