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
import sys
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

import attrs

from sendmailcfg import _source, fileio
from sendmailcfg.cli.render import positive_seconds
from sendmailcfg.mc.cfbuild import RenderOutputTooLarge, RenderTimeout, build_cf, same_cf
from sendmailcfg.mc.document import McDocument

NAME = "make"
HELP = "rebuild what is stale in a mail folder (.cf from .mc, maps' .db), or install the .cf"

EXAMPLES = """examples:
  sendmailcfg make /etc/mail --check
  sendmailcfg make /etc/mail
  sendmailcfg make /etc/mail install --json
  sendmailcfg make /etc/mail mailertable.db"""

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
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=60.0,
        metavar="SECONDS",
        help="stop m4 (and all it started) after this many seconds (default: 60)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help='print {"changed": bool, "actions": [...], "messages": [...], "restart": bool}',
    )


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
    """The .mc to build (:func:`sendmailcfg.site.finding.find_mc`, the rule every command
    uses); None when there is none, the path named when ``--mc``/``$SENDMAIL_MC`` is missing."""
    from sendmailcfg.site.finding import find_mc as find

    try:
        return Path(find(folder, mc=given))
    except FileNotFoundError as exc:
        return Path(exc.filename) if exc.filename else None
    except ValueError:
        return None


def submit_mc(mc: Path) -> Path | None:
    """NAME.submit.mc beside NAME.mc (FreeBSD's pair), when it exists and is not ``mc``."""
    if mc.name in ("sendmail.mc", "submit.mc") or mc.name.endswith(".submit.mc"):
        return None
    p = mc.with_name(mc.name[:-3] + ".submit.mc")
    return p if p.is_file() else None


def table_maps(doc: McDocument, folder: Path) -> list[MapTarget]:
    """The makemap-built maps the .mc's FEATUREs read, as files in ``folder``.

    The specs are the model's (:meth:`McFacts.table_maps <sendmailcfg.mc.facts.McFacts.table_maps>`,
    which :class:`~sendmailcfg.site.Site` reads too): ``DATABASE_MAP_TYPE`` and
    ``MAIL_SETTINGS_DIR`` count as they stand where each FEATURE is, as m4 reads them; a
    file the ``.mc`` includes is read from ``folder`` as ``Site`` reads it.
    """
    from sendmailcfg.mc.facts import FILE_MAP_CLASSES, mc_facts
    from sendmailcfg.site.finding import include_reader

    out: list[MapTarget] = []
    facts = mc_facts(doc, read_include=include_reader(str(folder)))
    for spec in facts.table_maps():
        if spec.map_class not in FILE_MAP_CLASSES or spec.source is None:
            continue  # LDAP, a socket map, ...: nothing to build
        target = MapTarget(
            spec.feature, folder / spec.source, MAKEMAP_TYPES.get(spec.map_class, spec.map_class)
        )
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
        self.restart = False
        self.actions: list[dict[str, object]] = []
        self.messages: list[str] = []

    def say(self, text: str, **action: object) -> None:
        """Report one thing done (or, with --check, to do); ``action``: its JSON object."""
        self.done = True
        self.actions.append({"text": text, **action})
        if self.args.json:
            return
        sys.stdout.flush()
        sys.stdout.buffer.write(_source.encode(text + "\n"))
        sys.stdout.buffer.flush()

    def problem(self, text: str) -> None:
        self.messages.append(text)
        if self.args.json:
            return
        sys.stderr.flush()
        sys.stderr.buffer.write(_source.encode(text + "\n"))
        sys.stderr.buffer.flush()

    def no_cf_package(self) -> bool:
        """Report (a usage error) when sendmail's cf package cannot be found."""
        from sendmailcfg.mc.render import find_cf_dir

        try:
            find_cf_dir(self.args.cf_dir)
        except FileNotFoundError as exc:
            self.problem(f"make: {cf_message(str(exc))}")
            self.usage_error = True
            return True
        return False

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
        if self.no_cf_package():
            return
        if self.args.check:
            self.say(
                f"would build {self.rel(out)} from {self.rel(mc)}",
                action="build",
                target=self.rel(out),
                source=self.rel(mc),
                done=False,
            )
            self.pending = True
            return
        text = preflight(str(mc), self.args.allow_m4_commands)
        if text is None:
            self.failed = True
            return
        try:
            result = build_cf(
                mc,
                self.args.cf_dir,
                timeout=self.args.timeout,
                allow_m4_commands=self.args.allow_m4_commands,
                data=_source.encode(text),
            )
        except (RenderTimeout, RenderOutputTooLarge) as exc:
            self.problem(str(exc))
            self.failed = True
            return
        except FileNotFoundError as exc:
            self.problem(
                f"{self.rel(mc)}: {cf_message(str(exc.strerror if exc.filename else exc))}"
            )
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
        self.say(
            f"built {self.rel(out)} from {self.rel(mc)}{same}",
            action="build",
            target=self.rel(out),
            source=self.rel(mc),
            done=True,
            changed=up.changed,
        )

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
            self.say(
                f"would install {self.rel(built)} as {name}",
                action="install",
                target=name,
                source=self.rel(built),
                done=False,
            )
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
            install = {"action": "install", "target": name, "source": self.rel(built)}
            if self.args.check:
                self.say(f"would install {self.rel(built)} as {name}", **install, done=False)
                self.pending = True
            else:
                self.say(f"installed {self.rel(built)} as {name}", **install, done=True)
                self.restart = True

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
        action = {"action": "build", "target": self.rel(target.db)}
        action["source"] = self.rel(target.source)
        if self.args.check:
            self.say(f"would build {what}", **action, done=False)
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
        self.say(f"built {what}", **action, done=True)


RESTART = "make: sendmail reads sendmail.cf only when it starts: restart it (or kill -HUP it)"
"""Said after ``install`` changed sendmail.cf or submit.cf."""


def _changed(action: dict[str, object]) -> bool:
    return bool(action.get("done")) and bool(action.get("changed", True))


def cf_message(text: str) -> str:
    """A cf-package message as a shell user needs it (``--cf-dir``, not the Python argument)."""
    return text.replace("pass cf_dir= / set", "pass --cf-dir or set")


def cf_dir_for(given: str | None) -> str | None:
    """``--cf-dir`` (else ``$SENDMAIL_CF_DIR``) as given, or ``DIR/cf`` when DIR is the
    parent of the cf folder (``/usr/share/sendmail`` for ``/usr/share/sendmail/cf``)."""
    if given is None:
        env = os.environ.get("SENDMAIL_CF_DIR")
        if not env:
            return None
        given = env
    p = Path(given)
    if not (p / "m4" / "cf.m4").is_file() and (p / "cf" / "m4" / "cf.m4").is_file():
        return str(p / "cf")
    return given


def run(args: argparse.Namespace) -> int:
    if not os.path.isdir(args.dir):  # ``make install``: the first word is a target
        args.targets = [args.dir, *args.targets]
        args.dir = "."
    folder = Path(args.dir)
    args.cf_dir = cf_dir_for(args.cf_dir)
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
    status = 2 if maker.usage_error else 1 if maker.failed else 0
    if status == 0 and maker.pending and not args.json:
        status = 1  # --check found work (with --json: "changed" says so, exit 0)
    if args.json:
        import json

        print(
            json.dumps(
                {
                    "changed": maker.pending or any(_changed(a) for a in maker.actions),
                    "actions": maker.actions,
                    "messages": maker.messages,
                    "restart": maker.restart,
                    "failed": status != 0,
                },
                ensure_ascii=False,
            )
        )
        return status
    if not maker.done and not maker.failed and not maker.usage_error:
        print("make: everything is up to date")
    if maker.restart:
        print(RESTART)
    return status
