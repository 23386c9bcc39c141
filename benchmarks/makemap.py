"""Time ``makemap``: ours (pure Python, and the berkeleydb binding) against the real one.

Usage: python benchmarks/makemap.py [--lines 10000,100000,1000000] [--types hash,btree]
       [--repeat R] [--makemap PATH] [--cache BYTES] [--python PATH]

For each size it generates one access map source (Connect:/From:/To: keys, IPv4 nets,
host names, a few comments and blank lines; every key unique) and, for each type, times
whole processes as a user runs them, R times each (the median is shown), each writing a
new map:

* ``pure``: ``python -m sendmailcfg makemap --backend pure TYPE MAP < SOURCE``;
* ``binding``: the same with ``--backend berkeleydb`` (when the child imports it);
* ``real``: ``makemap -C /dev/null TYPE MAP < SOURCE`` (sendmail 8.17's makemap: the test
  oracle in ``.oracle/``, ``$SENDMAILCFG_MAKEMAP`` or ``makemap`` on PATH);
* ``real -c``: real makemap with a large cache (``-c``, default 256 MiB), the fairest anchor;
* ``python -c pass``: the interpreter's own start, for scale.

Our runs use ``--python`` (default: the clean venv of ``benchmarks/cleanvenv.py``, which
holds only this checkout and its dependencies, byte-code compiled, as ``pip install .``
gives: the environment running the benchmark may import extra modules at every start).

It prints wall seconds, peak RSS and the ratios to real makemap, then checks that real
``makemap -u`` dumps the same pairs from every map. Targets (issue 25, docs/performance.md):
ours <= 2.5x real makemap at 10,000 lines; at 100,000 <= 0.8x (hash) and 1.5x (btree); at
1,000,000 <= 0.5x (hash) and 1.2x (btree). Exit status 0 when every target is met and the
dumps agree, 1 otherwise, 2 without a real makemap.
"""

from __future__ import annotations

import argparse
import glob
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cleanvenv import clean_env, clean_python

ROOT = Path(__file__).resolve().parents[1]
TARGETS = {
    (10_000, "hash"): 2.5,
    (10_000, "btree"): 2.5,
    (100_000, "hash"): 0.8,
    (100_000, "btree"): 1.5,
    (1_000_000, "hash"): 0.5,
    (1_000_000, "btree"): 1.2,
}
"""Issue 25's targets: ours / real makemap, medians of the same run."""


def generate(path: Path, lines: int, seed: int = 8017) -> int:
    """Write an access map of ``lines`` lines; returns its size in bytes."""
    rnd = random.Random(seed)
    values = ["REJECT", "OK", "RELAY", "DISCARD", "ERROR:5.7.1:550 Go away", "SKIP"]
    tlds = ["com", "net", "org", "example", "jp", "de"]
    out = []
    for i in range(lines):
        r = i % 50
        if r == 0:
            out.append(f"# block {i // 50}\n")
        elif r == 25:
            out.append("\n")
        else:
            kind = i % 4
            if kind == 0:
                key = f"Connect:{10 + i % 200}.{(i >> 8) & 255}.{i & 255}.{i % 7}{i // 1000}"
            elif kind == 1:
                key = f"From:user{i}@Host{rnd.randrange(10**6)}.example.{tlds[i % 6]}"
            elif kind == 2:
                key = f"To:postmaster@dept{i}.example.{tlds[i % 6]}"
            else:
                key = f"mail{i}.relay{rnd.randrange(1000)}.example.{tlds[i % 6]}"
            out.append(f"{key}\t{values[rnd.randrange(len(values))]}\n")
    data = "".join(out).encode()
    path.write_bytes(data)
    return len(data)


def find_real() -> str | None:
    env = os.environ.get("SENDMAILCFG_MAKEMAP")
    if env:
        return env
    for root in (os.environ.get("SENDMAIL_ORACLE"), ROOT / ".oracle"):
        if root:
            oracle = Path(root) / "usr/libexec/sendmail/makemap"
            if os.access(oracle, os.X_OK):
                return str(oracle)
    return shutil.which("makemap")


def timed(argv: list[str], source: Path, target: Path) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in KiB, exit status) of one child writing ``target``.db.

    The child's peak RSS includes this process's own peak (it is recorded when the
    child execs), so this process keeps small: it never holds a source or a dump.
    """
    for old in target.parent.glob(glob.escape(target.name) + ".db*"):
        old.unlink()
    with open(source, "rb") as stdin:
        t0 = time.perf_counter()
        p = subprocess.Popen(
            argv,
            stdin=stdin,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            cwd=ROOT,
            env=clean_env(),
        )
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - t0
    return elapsed, usage.ru_maxrss, os.waitstatus_to_exitcode(status)


def dump_digest(makemap: str, maptype: str, mapname: str) -> str:
    """A digest of ``makemap -u``'s lines, sorted (hash files list them in bucket order)."""
    script = '"$0" -C /dev/null -u "$1" "$2" | LC_ALL=C sort | sha256sum'
    return subprocess.run(
        ["sh", "-c", script, makemap, maptype, mapname], capture_output=True, text=True, check=True
    ).stdout.split()[0]


PYTHON = sys.executable
"""The interpreter of the children (``--python``; default: a clean venv of this checkout)."""


def binding_in_child() -> bool:
    probe = [PYTHON, "-c", "import berkeleydb.db"]
    return subprocess.run(probe, capture_output=True, cwd=ROOT).returncode == 0


def backend_names() -> tuple[str | None, str]:
    """The CLI's names for the pure-Python backend (None: this checkout has none) and
    for the binding (``bdb`` before issue 10 renamed it)."""
    text = subprocess.run(
        [PYTHON, "-m", "sendmailcfg", "makemap", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    ).stdout
    pure = "pure" if "pure" in text else None
    binding = "berkeleydb" if "berkeleydb" in text else "bdb"
    return pure, binding


def runs(maptype: str, folder: Path, real: str, cache: int) -> dict[str, list[str]]:
    ours = [PYTHON, "-m", "sendmailcfg", "makemap", "--backend"]
    pure, binding = backend_names()
    out = {}
    if pure is not None:
        out["pure"] = [*ours, pure, maptype, str(folder / "pure")]
    if binding_in_child():
        out["binding"] = [*ours, binding, maptype, str(folder / "binding")]
    out["real"] = [real, "-C", "/dev/null", maptype, str(folder / "real")]
    out["python -c pass"] = [PYTHON, "-c", "pass", str(folder / "none")]
    out["real -c"] = [real, "-C", "/dev/null", "-c", str(cache), maptype, str(folder / "realc")]
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", default="10000,100000,1000000", help="sizes, comma-separated")
    ap.add_argument("--types", default="hash,btree", help="map types, comma-separated")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each (the median is shown)")
    ap.add_argument("--makemap", default=find_real(), help="the real makemap")
    ap.add_argument("--cache", type=int, default=256 * 2**20, help="real makemap's -c")
    ap.add_argument(
        "--python",
        help="interpreter of our runs (default: a clean venv of this checkout, as `pip install "
        ".` gives, without the .pth files of the environment running the benchmark)",
    )
    ap.add_argument("--generate", nargs=2, metavar=("LINES", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate:
        generate(Path(args.generate[1]), int(args.generate[0]))
        return 0
    global PYTHON
    PYTHON = args.python or clean_python(extras=("berkeleydb",))
    print(f"python: {PYTHON} (load average {os.getloadavg()[0]:.2f})")
    if not args.makemap:
        print("no real makemap found (set SENDMAILCFG_MAKEMAP or run tests/oracle/install)")
        return 2
    ok = True
    if backend_names()[0] is None:
        print("this checkout's makemap command has no pure-Python backend: no 'pure' rows")
        ok = False
    folder = Path(tempfile.mkdtemp(prefix="bench-makemap."))
    try:
        print("| lines | type | makemap | seconds | peak MiB | x real | x real -c | target |")
        print("|---|---|---|---|---|---|---|---|")
        for lines in (int(n) for n in args.lines.split(",")):
            source = folder / "access"
            subprocess.run(
                [sys.executable, __file__, "--generate", str(lines), str(source)], check=True
            )
            for maptype in args.types.split(","):
                todo = runs(maptype, folder, args.makemap, args.cache)
                times: dict[str, list[float]] = {name: [] for name in todo}
                peaks: dict[str, int] = dict.fromkeys(todo, 0)
                for _ in range(args.repeat):
                    for name, argv in todo.items():
                        seconds, peak, status = timed(argv, source, Path(argv[-1]))
                        if status != 0:
                            print(f"{name} {maptype} {lines}: exit status {status}: {argv}")
                            return 1
                        times[name].append(seconds)
                        peaks[name] = max(peaks[name], peak)
                best = {name: (statistics.median(times[name]), peaks[name]) for name in todo}
                real, realc = best["real"][0], best["real -c"][0]
                target = TARGETS.get((lines, maptype))
                for name, (seconds, peak) in best.items():
                    mark = ""
                    if target is not None and name in ("pure", "binding"):
                        met = seconds / real <= target
                        ok &= met or name == "binding"
                        mark = f"<= {target} {'met' if met else 'MISSED'}"
                    print(
                        f"| {lines:,} | {maptype} | {name} | {seconds:.3f} | {peak / 1024:.1f} "
                        f"| {seconds / real:.2f} | {seconds / realc:.2f} | {mark} |"
                    )
                digests = {
                    dump_digest(args.makemap, maptype, a[-1])
                    for name, a in todo.items()
                    if name != "python -c pass"
                }
                same = len(digests) == 1
                ok &= same
                if not same:
                    print(f"makemap -u dumps differ at {lines:,} lines, {maptype}")
        return 0 if ok else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
