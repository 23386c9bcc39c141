"""Start-up: wall time of ``python -m sendmailcfg lint`` on a 100-line .mc, side by side.

Usage: python benchmarks/startup.py [--runs N] [--top N] [--no-clean-venv]

Runs, interleaved and ``--runs`` times each (the best run counts, so other load on
the machine disturbs the figures as little as it can):

* ``python -c pass``: the interpreter alone (site, encodings; the floor);
* ``python -c "import sendmailcfg"``: the package as a script imports it;
* ``python -m sendmailcfg lint sendmail.mc``: a whole command on a generated 100-line .mc;
* the same with every command module imported first (how the parser was built before);
* both ``sendmailcfg`` runs again without a byte-code cache: on a fresh copy of the
  package with no ``__pycache__`` and ``PYTHONDONTWRITEBYTECODE=1`` (every module
  compiled from source, as on a first run from a read-only checkout);
* ``python -c "import attrs"``, and the same creating as many small ``@attrs.frozen``
  classes as the lint run creates (counted in a first run): the floor attrs sets for any
  command whose data classes are attrs classes.

Every row runs under the same interpreter: by default that of ``cleanvenv.clean_python()``,
a venv with only this checkout, ``attrs`` and ``lark`` and compiled byte-code, as
``pip install .`` gives (no ``.pth`` of the development environment, which may import
``certifi`` or a coverage hook at every start); ``--no-clean-venv`` uses this interpreter.

Then ``python -X importtime`` of the lint run: the ``--top`` imports by cumulative time
(what start-up costs, and where).

Targets (docs/performance.md): lint <= 60 ms with a byte-code cache, <= 150 ms without.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cleanvenv import clean_env, clean_python

ROOT = Path(__file__).resolve().parents[1]
EVERY_COMMAND = (
    "import sys; from sendmailcfg import cli; a = cli.build_parser().parse_args(sys.argv[1:]); "
    "sys.exit(a._run(a))"
)
"""The command run as before the lazy parser: every command module imported first."""

COUNT_CLASSES = (
    "import atexit, runpy, sys\n"
    "def count():\n"
    "    n = sum(1 for name, m in list(sys.modules.items()) if name.startswith('sendmailcfg')\n"
    "            for v in vars(m).values() if isinstance(v, type) and v.__module__ == name\n"
    "            and '__attrs_attrs__' in vars(v))\n"
    "    print(n, file=sys.__stderr__)\n"
    "atexit.register(count)\n"
    "sys.argv = ['sendmailcfg', *sys.argv[1:]]\n"
    "runpy.run_module('sendmailcfg', run_name='__main__')\n"
)
"""Runs a command and prints how many attrs classes of the package it has created."""


def attrs_floor(classes: int) -> str:
    """A script that imports attrs and creates ``classes`` small frozen classes: the part of
    a command's start-up that attrs costs, whatever the package does."""
    body = "".join(
        f"@attrs.frozen\nclass C{i}:\n    a: int\n    b: str = ''\n" for i in range(classes)
    )
    return "import attrs\n" + body


def write_mc(path: Path, lines: int = 100) -> None:
    body = [
        "divert(-1)dnl",
        "include(`cf.m4')dnl",
        "VERSIONID(`startup benchmark')dnl",
        "OSTYPE(`linux')dnl",
        "DOMAIN(`generic')dnl",
    ]
    options = [
        "confMAX_MESSAGE_SIZE",
        "confPRIVACY_FLAGS",
        "confTO_QUEUEWARN",
        "confMIN_FREE_BLOCKS",
    ]
    while len(body) < lines - 4:
        i = len(body)
        body.append(f"dnl comment {i}: something about the {options[i % 4]} setting")
        body.append(f"define(`{options[i % 4]}', `{i}')dnl")
    body += ["FEATURE(`access_db')dnl", "MAILER(`local')dnl", "MAILER(`smtp')dnl"]
    path.write_text("\n".join(body[:lines]) + "\n")


def timed(argv: list[str], env: dict[str, str], cwd: Path) -> float:
    t0 = time.perf_counter()
    subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0


def _loadavg() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--top", type=int, default=12)
    ap.add_argument(
        "--no-clean-venv",
        action="store_true",
        help="run under this interpreter instead of a clean venv",
    )
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        mc = work / "sendmail.mc"
        write_mc(mc)
        fresh = work / "fresh"
        base = clean_env()
        if a.no_clean_venv:
            py = sys.executable
            cached = {**base, "PYTHONPATH": str(ROOT)}
        else:
            py = clean_python()  # finds this checkout through its .pth line
            cached = base
        nocache = {**base, "PYTHONPATH": str(fresh), "PYTHONDONTWRITEBYTECODE": "1"}
        lint = [py, "-m", "sendmailcfg", "lint", str(mc)]
        every = [py, "-c", EVERY_COMMAND, "lint", str(mc)]
        counted = subprocess.run(
            [py, "-c", COUNT_CLASSES, "lint", str(mc)],
            env=cached,
            cwd=work,
            capture_output=True,
            text=True,
        )
        classes = int(counted.stderr.split()[-1])
        cases = {
            "python -c pass": ([py, "-c", "pass"], base),
            "import sendmailcfg": ([py, "-c", "import sendmailcfg"], cached),
            "lint (byte-code cached)": (lint, cached),
            "lint, every command imported": (every, cached),
            "import sendmailcfg, no cache": ([py, "-c", "import sendmailcfg"], nocache),
            "lint, no byte-code cache": (lint, nocache),
            "import attrs": ([py, "-c", "import attrs"], base),
            f"import attrs + {classes} classes": ([py, "-c", attrs_floor(classes)], base),
        }
        load_before = _loadavg()
        timed(lint, cached, work)  # write the byte-code cache of the checkout
        best = dict.fromkeys(cases, float("inf"))
        for _ in range(a.runs):
            for name, (argv, env) in cases.items():
                if env is nocache:
                    shutil.rmtree(fresh, ignore_errors=True)
                    shutil.copytree(
                        ROOT / "sendmailcfg",
                        fresh / "sendmailcfg",
                        ignore=shutil.ignore_patterns("__pycache__"),
                    )
                    shutil.copytree(ROOT / "grammars", fresh / "grammars")
                best[name] = min(best[name], timed(argv, env, work))
        floor = best["python -c pass"]
        where = "this interpreter" if a.no_clean_venv else "a clean venv"
        print(f"python {sys.version.split()[0]} ({where}), best of {a.runs} runs each, interleaved")
        print(f"load average before: {load_before}, after: {_loadavg()}")
        for name, seconds in best.items():
            print(f"{name:<32}{seconds * 1000:>8.1f} ms  (+{(seconds - floor) * 1000:.1f} ms)")
        out = subprocess.run(
            [py, "-X", "importtime", *lint[1:]],
            env=cached,
            cwd=work,
            capture_output=True,
            text=True,
        ).stderr
    rows = []
    for line in out.splitlines():
        if line.startswith("import time:") and "self [us]" not in line:
            _, self_us, cumulative, name = line.replace(":", "|", 1).split("|")
            rows.append((int(cumulative), int(self_us), name[1:].rstrip()))
    top_level = [(c, n) for c, _, n in rows if not n.startswith(" ")]
    ours = sum(c for c, n in top_level if n.startswith("sendmailcfg"))
    total = sum(c for c, _ in top_level)
    print(
        f"\nimport time of the lint run (byte-code cached): {total / 1000:.1f} ms, of which "
        f"sendmailcfg and what it imports {ours / 1000:.1f} ms"
    )
    print(f"imports of the lint run by cumulative time (top {a.top}):")
    for cumulative, self_us, name in sorted(rows, reverse=True)[: a.top]:
        print(
            f"{cumulative / 1000:8.1f} ms cumulative {self_us / 1000:7.1f} ms self  {name.strip()}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
