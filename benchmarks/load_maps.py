"""Lossless load of a large access map vs a naive dict parse, time and peak memory.

Usage: python benchmarks/load_maps.py [--lines N] [--repeat R]

Generates an N-line access map (default 1,000,000: Connect:/From:/To: keys, IPv4 nets,
comments, blank lines), then in fresh child processes measures

* naive: ``for line in f: k, v = line.split(None, 1)`` into a dict (no comments, no
  positions, nothing kept but the pairs);
* sendmailcfg.load (fast path): the lossless document;
* the same plus the key index that the first lookup builds;
* sendmailcfg.load with the Lark reference parser on the first 100,000 lines, scaled.

Peak memory is the child's peak RSS minus that of a child that only imports the code.
Targets (docs/performance.md): load <= 3x the naive parse, peak memory <= 10x the file size.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time

CHILD = r"""
import json, resource, sys, time
mode, path, limit = sys.argv[1], sys.argv[2], int(sys.argv[3])
import sendmailcfg
from sendmailcfg.syntax.map_parser import parse_map_lines_lark
from sendmailcfg import _source
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
if mode == "naive":
    d = {}
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        for line in f:
            if line[:1] in ("#", "\n"):
                continue
            k, v = line.split(None, 1)
            d.setdefault(k.lower(), v.rstrip("\n"))
    n = len(d)
elif mode == "load":
    doc = sendmailcfg.load(path, kind="access")
    n = len(doc.lines)
elif mode == "indexed":
    doc = sendmailcfg.load(path, kind="access")
    n = len(doc)  # builds the key index, as the first lookup does
elif mode == "lark":
    with open(path, "rb") as f:
        text = _source.decode(b"".join(f.readline() for _ in range(limit)))
    n = len(parse_map_lines_lark(text))
elif mode == "idle":
    n = 0
elapsed = time.perf_counter() - t0
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"seconds": elapsed, "peak_kib": peak, "base_kib": base, "n": n}))
"""


def generate(path: str, lines: int, seed: int = 1) -> None:
    rng = random.Random(seed)
    tags = ["Connect:", "From:", "To:", ""]
    actions = ["REJECT", "OK", "RELAY", "DISCARD", "ERROR:5.7.1:550 go away", "SKIP"]
    with open(path, "w", encoding="utf-8") as f:
        for i in range(lines):
            r = rng.random()
            if r < 0.02:
                f.write(f"# block {i}\n")
            elif r < 0.03:
                f.write("\n")
            elif r < 0.5:
                a, b, c = rng.randrange(256), rng.randrange(256), rng.randrange(256)
                f.write(f"Connect:{a}.{b}.{c}.{i % 256}\t{rng.choice(actions)}\n")
            else:
                tag = rng.choice(tags)
                f.write(f"{tag}user{i}@host{i % 9973}.example.com\t{rng.choice(actions)}\n")


def child(mode: str, path: str, limit: int = 0) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode, path, str(limit)],
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout)
    return result


def best(mode: str, path: str, repeat: int, limit: int = 0) -> dict[str, float]:
    runs = [child(mode, path, limit) for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"])


def main() -> int:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--lark-lines", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "access")
        t0 = time.perf_counter()
        generate(path, args.lines)
        size = os.path.getsize(path)
        print(
            f"generated {args.lines:,} lines, {size / 2**20:.1f} MiB in {time.perf_counter() - t0:.1f} s"
        )
        idle = best("idle", path, 1)
        naive = best("naive", path, args.repeat)
        load = best("load", path, args.repeat)
        indexed = best("indexed", path, args.repeat)
        lark_lines = min(args.lark_lines, args.lines)
        lark = best("lark", path, 1, lark_lines)
    scale = args.lines / lark_lines

    def mem(r: dict[str, float]) -> float:
        return (r["peak_kib"] - idle["peak_kib"]) * 1024

    print(f"{'parser':<28}{'seconds':>9}{'lines/s':>12}{'x naive':>9}{'peak MiB':>10}{'x file':>8}")
    for name, r, factor in (
        ("naive dict parse", naive, 1.0),
        ("sendmailcfg.load", load, 1.0),
        ("load + key index", indexed, 1.0),
        (f"Lark reference (x{scale:g})", lark, scale),
    ):
        secs = r["seconds"] * factor
        peak = mem(r) * (factor if name.startswith("Lark") else 1)
        print(
            f"{name:<28}{secs:>9.2f}{args.lines / secs:>12,.0f}{secs / naive['seconds']:>9.2f}"
            f"{peak / 2**20:>10.1f}{peak / size:>8.2f}"
        )
    ok_time = load["seconds"] <= 3 * naive["seconds"]
    ok_mem = mem(indexed) <= 10 * size
    print(
        f"targets: load <= 3x naive: {'met' if ok_time else 'MISSED'}; peak <= 10x file: {'met' if ok_mem else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
