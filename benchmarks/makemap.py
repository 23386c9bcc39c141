"""Build a 1,000,000-line access map with ours and with the real makemap; print the ratio.

Usage: python benchmarks/makemap.py [--lines N] [--repeat R] [--type hash|btree] [--makemap PATH]

Generates an N-line access map (default 1,000,000: Connect:/From:/To: keys, IPv4 nets,
host names, a few comments and blank lines; every key unique), then times, best of R runs,
each in its own process as a user runs it:

* ours: ``python -m sendmailcfg makemap TYPE MAP < SOURCE`` (Berkeley DB binding);
* real: ``makemap -C /dev/null TYPE MAP < SOURCE`` (sendmail 8.17; found as the test oracle
  in ``.oracle/``, or ``$SENDMAILCFG_MAKEMAP``, or ``makemap`` on PATH).

Peak memory is the child's peak RSS (``wait4``). Then both maps are dumped with the real
``makemap -u`` and compared byte for byte. Targets (docs/performance.md): ours <= 0.5x the
real makemap's wall time, peak memory <= 10x the source size.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


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
    oracle = ROOT / ".oracle/usr/libexec/sendmail/makemap"
    if os.access(oracle, os.X_OK):
        return str(oracle)
    return shutil.which("makemap")


def timed(argv: list[str], source: Path) -> tuple[float, int, int]:
    """(wall seconds, peak RSS in KiB, exit status) of one child."""
    with open(source, "rb") as stdin:
        t0 = time.perf_counter()
        p = subprocess.Popen(
            argv, stdin=stdin, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT
        )
        _, status, usage = os.wait4(p.pid, 0)
        elapsed = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, usage.ru_maxrss, p.returncode


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--type", default="hash", choices=("hash", "btree"))
    ap.add_argument("--makemap", default=find_real(), help="the real makemap")
    args = ap.parse_args()
    if not args.makemap:
        print("no real makemap found (set SENDMAILCFG_MAKEMAP or run tests/oracle/install)")
        return 2
    folder = Path(tempfile.mkdtemp(prefix="bench-makemap."))
    try:
        source = folder / "access"
        size = generate(source, args.lines)
        runs = {
            "ours": [sys.executable, "-m", "sendmailcfg", "makemap", args.type, str(folder / "o")],
            "real": [args.makemap, "-C", "/dev/null", args.type, str(folder / "r")],
        }
        best: dict[str, tuple[float, int]] = {}
        for _ in range(args.repeat):
            for name, argv in runs.items():
                seconds, peak, status = timed(argv, source)
                if status != 0:
                    print(f"{name}: exit status {status}")
                    return 1
                old = best.get(name)
                best[name] = (
                    min(seconds, old[0]) if old else seconds,
                    max(peak, old[1] if old else 0),
                )
        dumps = [
            subprocess.run(
                [args.makemap, "-C", "/dev/null", "-u", args.type, str(folder / n)],
                capture_output=True,
                check=True,
            ).stdout
            for n in ("o", "r")
        ]
        mib = size / 2**20
        print(
            f"source: {args.lines:,} lines, {mib:.1f} MiB; type {args.type}; best of {args.repeat}"
        )
        print("| makemap | seconds | lines/s | peak MiB | x source size |")
        print("|---|---|---|---|---|")
        for name, (seconds, peak) in best.items():
            print(
                f"| {name} | {seconds:.2f} | {args.lines / seconds:,.0f} | {peak / 1024:.1f} "
                f"| {peak * 1024 / size:.2f} |"
            )
        ratio = best["ours"][0] / best["real"][0]
        print(f"ours / real wall time: {ratio:.2f} (target <= 0.5)")
        print(f"peak memory / source size: {best['ours'][1] * 1024 / size:.2f} (target <= 10)")
        print(f"makemap -u dumps identical: {dumps[0] == dumps[1]}")
        ok = ratio <= 0.5 and best["ours"][1] * 1024 <= 10 * size and dumps[0] == dumps[1]
        return 0 if ok else 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
