"""The project's harness for the real sendmail 8.17 tools (differential tests).

The tools are Debian's sendmail-bin/-cf/-base/-doc unpacked (never installed,
no daemon) by ``tests/oracle/install`` into ``.oracle/`` at the top of the
checkout, or into ``$SENDMAIL_ORACLE``. Tests ask for the ``oracle`` fixture
(``tests/conftest.py``): it skips with the reason when the tools are absent,
and fails instead under ``CI=true`` so CI really runs them.

Tricks that make sendmail answer offline and fast (see the install notes):
* a dotted host name, via a private UTS namespace (``unshare -u``), or
  sendmail sleeps 60 s trying to qualify an undotted one;
* ``confDONT_BLAME_SENDMAIL=MapInUnsafeDirPath`` so maps in a temp folder open;
* a hosts-file-only resolver, so nothing is looked up on the network.
"""

from __future__ import annotations

import atexit
import os
import re
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ORACLE_HOST = "oracle.invalid"
SEPARATOR_MAP = "oracle_separator"


class Oracle:
    """Paths and runners for one unpacked sendmail tree."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sendmail = root / "usr/libexec/sendmail/sendmail"
        self.makemap_bin = root / "usr/libexec/sendmail/makemap"
        self.cf_dir = root / "usr/share/sendmail/cf"
        self.examples = root / "usr/share/sendmail/examples"
        self._unshare: str | None = None
        self._hosts: str | None = None

    # -- makemap -------------------------------------------------------------------
    def makemap(
        self, flags: Sequence[str], maptype: str, mapname: str | os.PathLike[str], source: bytes
    ) -> tuple[int, str]:
        """Run real makemap with ``-C /dev/null``; returns (exit status, messages)."""
        p = subprocess.run(
            [str(self.makemap_bin), "-C", "/dev/null", *flags, maptype, os.fspath(mapname)],
            input=source,
            capture_output=True,
            timeout=120,
        )
        msg = (p.stdout + p.stderr).decode("latin-1")
        msg = re.sub(r"(?m)^WARNING: World writable directory [^\n]*\n", "", msg)
        return p.returncode, msg

    def dump(
        self, maptype: str, mapname: str | os.PathLike[str], flags: Sequence[str] = ()
    ) -> bytes:
        """``makemap -u``: the stored pairs, one ``key<TAB>value`` line each."""
        p = subprocess.run(
            [str(self.makemap_bin), "-C", "/dev/null", "-u", *flags, maptype, os.fspath(mapname)],
            capture_output=True,
            timeout=120,
        )
        if p.returncode != 0:
            raise RuntimeError(f"makemap -u failed ({p.returncode}): {p.stderr!r}")
        return p.stdout

    # -- m4 ------------------------------------------------------------------------
    def mc2cf(
        self, mc_text: str, *, stable: bool = True, cwd: Path | None = None
    ) -> tuple[str, str, int]:
        """Real m4 with the sendmail-cf macros: (cf text, stderr, exit status).

        ``cwd``: the folder m4 runs in (where a relative ``include()`` is found)."""
        args = ["m4", f"-D_CF_DIR_={self.cf_dir}/"]
        if stable:
            args.append("-D_NO_MAKEINFO_")
        args += [str(self.cf_dir / "m4/cf.m4"), "-"]
        p = subprocess.run(
            args,
            input=mc_text.encode("utf-8", "surrogateescape"),
            capture_output=True,
            timeout=120,
            cwd=cwd,
        )
        return p.stdout.decode("latin-1"), p.stderr.decode("latin-1"), p.returncode

    def offline_mc(self, workdir: Path, body: str) -> str:
        """A minimal .mc that runs offline (hosts file only, fixed $j)."""
        (workdir / "service.switch").write_text("hosts\tfiles\naliases\tfiles\n")
        (workdir / "hosts").write_text(f"127.0.0.1\tlocalhost {ORACLE_HOST}\n")

        def q(s: str) -> str:
            return "`" + s + "'"

        return "".join(
            [
                "divert(-1)\n",
                "divert(0)dnl\n",
                "OSTYPE(`linux')dnl\n",
                f"define(`confDOMAIN_NAME', {q(ORACLE_HOST)})dnl\n",
                "define(`confDONT_PROBE_INTERFACES', `True')dnl\n",
                f"define(`confSERVICE_SWITCH_FILE', {q(str(workdir / 'service.switch'))})dnl\n",
                f"define(`confHOSTS_FILE', {q(str(workdir / 'hosts'))})dnl\n",
                "define(`confBIND_OPTS', `-DNSRCH -DEFNAMES')dnl\n",
                "define(`confDONT_BLAME_SENDMAIL', `MapInUnsafeDirPath')dnl\n",
                "define(`confLOG_LEVEL', `0')dnl\n",
                "FEATURE(`nocanonify')dnl\n",
                body,
                "MAILER(`local')dnl\n",
                "MAILER(`smtp')dnl\n",
            ]
        )

    # -- sendmail -bt --------------------------------------------------------------
    def _hosts_file(self) -> str:
        """A hosts file naming the oracle host, to mount over /etc/hosts in a namespace."""
        if self._hosts is None:
            folder = Path(tempfile.mkdtemp(prefix="smoracle-hosts."))
            atexit.register(shutil.rmtree, folder, True)
            try:
                system = Path("/etc/hosts").read_text(encoding="latin-1")
            except OSError:
                system = ""
            (folder / "hosts").write_text(
                f"127.0.0.1\tlocalhost {ORACLE_HOST}\n{system}", encoding="latin-1"
            )
            self._hosts = str(folder / "hosts")
        return self._hosts

    def _namespace(self) -> str:
        """How to give sendmail a dotted name: "mount" (own UTS + mount namespace with a
        private /etc/hosts, so sendmail never asks DNS for its own name), "uts" (own
        host name only), or "" (neither is possible; sendmail may sleep 60 s)."""
        if self._unshare is None:
            self._unshare = ""
            for mode, cmd in (
                ("mount", self._mount_prefix(["true"])),
                ("uts", ["unshare", "-u", "sh", "-c", f"hostname {ORACLE_HOST}"]),
            ):
                try:
                    if subprocess.run(cmd, capture_output=True, timeout=10).returncode == 0:
                        self._unshare = mode
                        break
                except (OSError, subprocess.TimeoutExpired):
                    continue
        return self._unshare

    def _mount_prefix(self, cmd: Sequence[str]) -> list[str]:
        script = 'mount --bind "$1" /etc/hosts && hostname "$0" && shift && exec "$@"'
        return ["unshare", "-u", "-m", "sh", "-c", script, ORACLE_HOST, self._hosts_file(), *cmd]

    def _can_unshare(self) -> bool:
        return bool(self._namespace())

    def wrap(self, cmd: Sequence[str]) -> list[str]:
        """``cmd`` (a sendmail run) made to start fast and offline.

        With an undotted host name sendmail sleeps 60 s trying to qualify it, and
        it asks DNS for its own name (a lost packet costs 5 s). In a private UTS and
        mount namespace it gets the name oracle.invalid and a hosts file that lists
        it; needs root (or user namespaces).
        """
        if "." in socket.gethostname():
            return list(cmd)
        mode = self._namespace()
        if mode == "mount":
            return self._mount_prefix(cmd)
        if mode == "uts":
            return ["unshare", "-u", "sh", "-c", 'hostname "$0" && exec "$@"', ORACLE_HOST, *cmd]
        return list(cmd)

    def run_bt(self, cf_path: Path, commands: Sequence[str], timeout: int = 300) -> str:
        """Feed commands to ``sendmail -C cf -bt``; returns the whole output."""
        cmd = self.wrap([str(self.sendmail), "-C", str(cf_path), "-bt"])
        text = "".join(c + "\n" for c in commands)
        p = subprocess.run(
            cmd,
            input=text.encode("latin-1"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
        out = p.stdout.decode("latin-1")
        return re.sub(r"(?m)^WARNING: World writable directory [^\n]*\n", "", out)

    def run_bt_each(self, cf_path: Path, commands: Sequence[str]) -> list[str]:
        """One sendmail process, one output chunk per command."""
        seq: list[str] = []
        for c in commands:
            seq += [c, f"/map {SEPARATOR_MAP} x"]
        out = self.run_bt(cf_path, seq)
        _, _, rest = out.partition("Enter <ruleset> <address>\n")
        parts = re.split(f'Map named "{SEPARATOR_MAP}" not found\n', rest)
        res = []
        for part in parts[: len(commands)]:
            while part.startswith("> "):
                part = part[2:]
            res.append(part)
        return res


def find() -> Oracle | None:
    """The unpacked oracle, or None when it is not installed."""
    candidates = []
    if os.environ.get("SENDMAIL_ORACLE"):
        candidates.append(Path(os.environ["SENDMAIL_ORACLE"]))
    candidates.append(ROOT / ".oracle")
    for root in candidates:
        o = Oracle(root)
        if (
            os.access(o.sendmail, os.X_OK)
            and os.access(o.makemap_bin, os.X_OK)
            and (o.cf_dir / "m4/cf.m4").is_file()
            and shutil.which("m4")
        ):
            return o
    return None


def workdir() -> Path:
    """A fresh temporary folder (the caller removes it)."""
    return Path(tempfile.mkdtemp(prefix="smoracle."))
