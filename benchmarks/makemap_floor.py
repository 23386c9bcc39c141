"""The floor of pure CPython for makemap's work, against real makemap in the same run.

Usage: python benchmarks/makemap_floor.py [--lines 10000,100000,1000000] [--repeat 5]
       [--makemap PATH]

For each size it generates the access map of ``benchmarks/makemap.py`` and times, in this
process (the median of ``--repeat``), the least a Python makemap must do, with nothing
else (no line numbers, no error checks, no file, no pages):

* ``parse``: split the source into lines and each line into key and value, fold the key,
  and put the pair into a dict (the one loop CPython does fastest, the same as
  ``makemap_lines.put_unique`` without its checks);
* ``+ sort``: then the keys sorted and the values looked up in their order (a btree);
* ``+ hash``: instead, libdb's hash of every key (``bdb.hash.hash_many``, the fastest
  formulation found) and the pairs dealt to their buckets (a hash);
* ``+ join``: then every key and value joined into one ``bytes`` once (less than laying
  out pages, which also adds a header and an index entry per item).

Start-up is measured as whole processes in the clean venv of ``benchmarks/cleanvenv.py``
(``python -c pass``, and ``python -m sendmailcfg makemap hash`` of a 10-line source: the
interpreter, runpy, our imports and a tiny build),
and so is real makemap (``makemap -C /dev/null TYPE MAP < SOURCE``); the last columns give
the least ratio a pure-Python makemap can reach: (our start-up + the floor) / real makemap.
Where that is above an issue's target, the target is below what CPython can do.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from itertools import chain
from pathlib import Path

from cleanvenv import clean_env, clean_python
from makemap import find_real, generate

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sendmailcfg.output.bdb.hash import hash_many  # noqa: E402

TARGETS = {
    (10_000, "hash"): 2.5,
    (10_000, "btree"): 2.5,
    (100_000, "hash"): 0.8,
    (100_000, "btree"): 1.5,
    (1_000_000, "hash"): 0.5,
    (1_000_000, "btree"): 1.2,
}


def parse(data: bytes) -> dict[bytes, bytes]:
    table: dict[bytes, bytes] = {}
    for line in data.split(b"\n"):
        if not line or line[0] == 35:
            continue
        key, value = line.split(None, 1)
        table[key.lower()] = value
    return table


def btree_floor(data: bytes) -> int:
    table = parse(data)
    keys = sorted(table)
    values = list(map(table.__getitem__, keys))
    return len(b"".join(chain.from_iterable(zip(keys, values, strict=True))))


def hash_floor(data: bytes) -> int:
    table = parse(data)
    pairs = list(table.items())
    mask = (1 << max(1, (len(pairs) // 60).bit_length())) - 1
    buckets: list[list[tuple[bytes, bytes]]] = [[] for _ in range(mask + 1)]
    for pair, h in zip(pairs, hash_many(list(table)), strict=True):
        buckets[h & mask].append(pair)
    return len(b"".join(chain.from_iterable(chain.from_iterable(buckets))))


def median_time(fn: Callable[[bytes], object], data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        gc.disable()
        t0 = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - t0)
        gc.enable()
    return statistics.median(times)


def process_time(argv: list[str], source: Path, repeat: int, env: dict[str, str]) -> float:
    times = []
    for _ in range(repeat):
        for old in source.parent.glob("m.db*"):
            old.unlink()
        with open(source, "rb") as stdin:
            t0 = time.perf_counter()
            subprocess.run(argv, stdin=stdin, stderr=subprocess.DEVNULL, check=True, env=env)
            times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", default="10000,100000,1000000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--makemap", default=find_real())
    args = ap.parse_args()
    if not args.makemap:
        print("no real makemap found (set SENDMAILCFG_MAKEMAP or run tests/oracle/install)")
        return 2
    with tempfile.TemporaryDirectory(prefix="bench-floor.") as folder:
        source = Path(folder) / "access"
        generate(source, 10)
        python, env = clean_python(), clean_env()
        startup_argv = [python, "-m", "sendmailcfg", "makemap", "hash", f"{folder}/m"]
        start = process_time(startup_argv, source, args.repeat, env)
        bare = process_time([python, "-c", "pass"], source, args.repeat, env)
        print(
            f"python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}; start-up: "
            f"`python -c pass` {bare * 1000:.1f} ms, our makemap of 10 lines {start * 1000:.1f} ms"
        )
        print(
            "| lines | type | parse s | floor s | floor µs/line | real makemap s "
            "| least ratio | target |"
        )
        print("|---|---|---|---|---|---|---|---|")
        for lines in (int(n) for n in args.lines.split(",")):
            generate(source, lines)
            data = source.read_bytes()
            parse_s = median_time(parse, data, args.repeat)
            for maptype, floor in (("hash", hash_floor), ("btree", btree_floor)):
                floor_s = median_time(floor, data, args.repeat)
                argv = [args.makemap, "-C", "/dev/null", maptype, str(Path(folder) / "m")]
                real = process_time(argv, source, args.repeat, env)
                least = (start + floor_s) / real
                target = TARGETS.get((lines, maptype))
                where = "below" if target is not None and least > target else "above"
                mark = "" if target is None else f"{target} ({where} the floor)"
                print(
                    f"| {lines:,} | {maptype} | {parse_s:.3f} | {floor_s:.3f} "
                    f"| {floor_s / lines * 1e6:.2f} | {real:.3f} | {least:.2f} | {mark} |",
                    flush=True,
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
