"""Resolves per second on a generated 100,000-entry mailertable.

Usage: python benchmarks/resolve.py [--entries N] [--queries N] [--runs N]

The map holds N/2 domains, each as the pair ``domain`` + ``.domain`` (what
``add_domain`` writes). The queries are a fixed mix: a third exact domains,
a third subdomains two labels deep, a third hosts no entry covers (they walk
every parent and ``.``). Each run loads the map afresh, then times:

* index build: the first ``resolve`` of a freshly loaded document, which builds
  the key index (each entry and what its value says);
* cold: each of the ``--queries`` distinct addresses once, on a document that
  has answered nothing yet (the key index is built before the clock starts);
* cold + route: the same on another fresh document, reading each answer's
  ``.route`` (answers build their ``Route`` and ``tried`` only when asked for);
* warm: ``--workload`` addresses drawn at random from those, as a long-running
  caller (a mail log scan, a lint run, a web form) asks them: answers come from
  the per-document LRU cache (``CACHE_SIZE`` answers).

Each timed loop starts after ``gc.collect()`` (the garbage collector stays on: its
cost while answers pile up in the cache is part of the figure). Best of ``--runs`` runs.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sendmailcfg
from sendmailcfg.maps.mailertable import MailertableDocument


def generate(entries: int, queries: int, seed: int = 42) -> tuple[str, list[str]]:
    rng = random.Random(seed)
    words = ["mail", "corp", "net", "shop", "lab", "dev", "takaq", "ex", "web", "srv"]
    tlds = ["jp", "com", "org", "net", "de", "example"]
    domains: list[str] = []
    seen = set()
    while len(domains) < entries // 2:
        d = f"{rng.choice(words)}{rng.randrange(10**6)}.{rng.choice(tlds)}"
        if d not in seen:
            seen.add(d)
            domains.append(d)
    lines = []
    for i, d in enumerate(domains):
        lines.append(f"{d}\tsmtp:{d}\n")
        lines.append(f".{d}\tsmtp:[mx{i % 97}.relay.example]\n")
    out = []
    for i in range(queries):
        kind = i % 3
        if kind == 0:
            host = rng.choice(domains)
        elif kind == 1:
            host = f"a{rng.randrange(1000)}.b.{rng.choice(domains)}"
        else:
            host = f"h{rng.randrange(10**6)}.nowhere{rng.randrange(1000)}.{rng.choice(tlds)}"
        out.append(f"user{i % 50}@{host}")
    return "".join(lines), out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=100_000)
    ap.add_argument("--workload", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    source, queries = generate(a.entries, a.queries)
    rng = random.Random(7)
    workload = [rng.choice(queries) for _ in range(a.workload)]
    best_build = float("inf")
    best_cold = best_route = best_warm = 0.0
    for _ in range(a.runs):
        doc = sendmailcfg.loads(source, "mailertable")
        assert isinstance(doc, MailertableDocument)
        t0 = time.perf_counter()
        doc.resolve("warm@up.example")  # builds the key index
        best_build = min(best_build, time.perf_counter() - t0)
        gc.collect()
        resolve = doc.resolve
        t0 = time.perf_counter()
        for q in queries:
            resolve(q)
        best_cold = max(best_cold, len(queries) / (time.perf_counter() - t0))
        t0 = time.perf_counter()
        for q in workload:
            resolve(q)
        best_warm = max(best_warm, len(workload) / (time.perf_counter() - t0))
        del doc, resolve
        doc = sendmailcfg.loads(source, "mailertable")
        assert isinstance(doc, MailertableDocument)
        doc.resolve("warm@up.example")
        gc.collect()
        resolve = doc.resolve
        t0 = time.perf_counter()
        for q in queries:
            _ = resolve(q).route
        best_route = max(best_route, len(queries) / (time.perf_counter() - t0))
        del resolve
    assert isinstance(doc, MailertableDocument)
    hits = sum(doc.resolve(q).reason == "mailertable" for q in queries[:3000])
    print(
        f"python {platform.python_version()}, {a.entries:,} entries, {len(queries):,} distinct "
        f"queries, warm workload {len(workload):,}"
    )
    print(f"({hits / 30:.0f}% routed by an entry), best of {a.runs}")
    print(f"index build (first resolve):        {best_build:12.3f} s")
    print(f"cold (first answer for each query): {best_cold:12,.0f} resolves/s")
    print(f"cold + reading each answer's route: {best_route:12,.0f} resolves/s")
    print(f"warm (cached answers):              {best_warm:12,.0f} resolves/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
