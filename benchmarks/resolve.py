"""Resolves per second on a generated mailertable, and access decisions beside them.

Usage: python benchmarks/resolve.py [--entries N] [--queries N] [--workload N]
                                    [--log-lines N] [--log-hosts N] [--runs N]

The map holds N/2 domains, each as the pair ``domain`` + ``.domain`` (what
``add_domain`` writes). The queries are a fixed mix: a third exact domains,
a third subdomains two labels deep, a third hosts no entry covers (they walk
every parent and ``.``). Each run loads the map afresh, then times, in this one
process and side by side:

* calibration: ``dict.get`` over the same queries (what one dict lookup per query
  costs on this machine, right now: the figures below are best read against it);
* index build: the first ``resolve`` of a freshly loaded document, which builds
  the key index (each entry and what its value says);
* cold: each of the ``--queries`` distinct addresses once, on a document that
  has answered nothing yet (the key index is built before the clock starts);
* cold + route: the same on another fresh document, reading each answer's
  ``.route`` (answers build their ``Route`` and ``tried`` only when asked for);
* warm: ``--workload`` addresses drawn at random from those, as a long-running
  caller (a lint run, a web form) asks them: answers come from the per-document
  cache (``CACHE_SIZE`` answers at least);
* log scan: ``--log-lines`` addresses with ``--log-hosts`` distinct hosts (more than
  the cache holds), drawn with a skew as mail logs have (a few hosts most of the time):
  no cliff means this stays between the cold and the warm figure;
* access: ``check_to``, ``check_connect`` and ``check_from`` decisions on a generated
  access map of ``--entries`` entries (``To:`` domains and ``Connect:`` networks), on a
  freshly loaded document (its key snapshot is built before the clock starts, and an
  entry is read the first time a lookup finds it); the same queries again once the
  entries they find have been read ("keys read"); and the
  token-level model (``rules.check_to``, ``rules.check_connect``) on the same queries, the
  reference the fast answers are checked against.

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
from collections.abc import Callable
from functools import partial
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sendmailcfg.maps.access import AccessDocument, rules
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


def log_lines(source: str, lines: int, hosts: int, seed: int = 9) -> list[str]:
    """Recipients of a mail log: ``hosts`` distinct hosts, a few of them most of the time."""
    rng = random.Random(seed)
    domains = [line.split("\t", 1)[0] for line in source.splitlines()[::2]]
    names = [
        f"m{i}.{rng.choice(domains)}" if i % 2 else f"h{i}.elsewhere{i % 977}.example"
        for i in range(hosts)
    ]
    # Half the lines go to a few hosts (a Pareto draw), half to any host: every host
    # turns up, most of them once in a while, far more of them than the cache holds.
    out = []
    for i in range(lines):
        j = int(rng.paretovariate(1.16)) - 1 if i % 2 else hosts
        host = names[j] if j < hosts else names[rng.randrange(hosts)]
        out.append(f"user{i % 20}@{host}")
    return out


def rate(ask: Callable[[str], object], queries: list[str]) -> float:
    gc.collect()
    t0 = time.perf_counter()
    for q in queries:
        ask(q)
    return len(queries) / (time.perf_counter() - t0)


def fresh(source: str) -> MailertableDocument:
    doc = MailertableDocument.from_text(source)
    doc.resolve("warm@up.example")  # builds the key index
    return doc


def access_map(entries: int) -> tuple[str, list[str], list[str]]:
    lines = []
    for i in range(entries // 2):
        lines.append(f"To:d{i}.example\tRELAY\n")
        lines.append(f"Connect:10.{i % 256}.{i // 256 % 256}\tREJECT\n")
    rng = random.Random(3)
    recipients = [f"u@h.d{rng.randrange(entries)}.example" for _ in range(20_000)]
    clients = [f"10.{rng.randrange(300)}.{rng.randrange(256)}.7" for _ in range(20_000)]
    return "".join(lines), recipients, clients


def fresh_access(source: str) -> AccessDocument:
    doc = AccessDocument.from_text(source)
    doc.check_to("warm@up.example")  # builds the key snapshot
    return doc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--entries", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=100_000)
    ap.add_argument("--workload", type=int, default=1_000_000)
    ap.add_argument("--log-lines", type=int, default=2_000_000)
    ap.add_argument("--log-hosts", type=int, default=500_000)
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    source, queries = generate(a.entries, a.queries)
    rng = random.Random(7)
    workload = [rng.choice(queries) for _ in range(a.workload)]
    log = log_lines(source, a.log_lines, a.log_hosts)
    best: dict[str, float] = {}

    def keep(name: str, value: float) -> None:
        best[name] = max(best.get(name, 0.0), value)

    build = float("inf")
    for _ in range(a.runs):
        keep("calibration", rate({}.get, queries))
        doc = MailertableDocument.from_text(source)
        t0 = time.perf_counter()
        doc.resolve("warm@up.example")
        build = min(build, time.perf_counter() - t0)
        keep("cold", rate(doc.resolve, queries))
        keep("warm", rate(doc.resolve, workload))
        route = fresh(source).resolve
        keep("cold + route", rate(lambda q, resolve=route: resolve(q).route, queries))
        keep("log scan", rate(fresh(source).resolve, log))
    access_source, recipients, clients = access_map(a.entries)
    for _ in range(a.runs):
        access = fresh_access(access_source)
        to, connect = access.check_to, partial(access.check_connect, None)
        keep("access check_to", rate(to, recipients))
        keep("access check_connect", rate(connect, clients))
        keep("access check_from", rate(access.check_from, recipients))
        keep("access check_to, keys read", rate(to, recipients))
        keep("access check_connect, keys read", rate(connect, clients))
        model = AccessDocument.from_text(access_source)
        keep("access model: rules.check_to", rate(partial(rules.check_to, model), recipients))
        keep(
            "access model: rules.check_connect",
            rate(partial(rules.check_connect, model, None), clients),
        )
    last = fresh(source)
    hits = sum(last.resolve(q).reason == "mailertable" for q in queries[:3000])
    print(
        f"python {platform.python_version()}, {a.entries:,} entries, {len(queries):,} distinct "
        f"queries ({hits / 30:.0f}% routed by an entry), warm workload {len(workload):,}, "
        f"log scan {len(log):,} lines / {len(set(log)):,} distinct addresses; best of {a.runs}"
    )
    print(f"{'index build (first resolve)':<36}{build:>14.3f} s")
    calibration = best["calibration"]
    for name, value in best.items():
        print(f"{name:<36}{value:>14,.0f} /s  {value / calibration:7.4f}x dict.get")
    return 0


if __name__ == "__main__":
    sys.exit(main())
