"""Lint speed: a 100-line .mc through the CLI, and a 1,000,000-line access map.

Usage: python benchmarks/lint.py [--runs N] [--lines N]

(a) Wall time of ``python -m sendmailcfg lint FILE.mc`` on a generated 100-line .mc,
    interpreter start included, in fresh processes (best and median of N runs, after
    one warm-up run that writes the byte-code cache), next to ``python -c pass``.
    Byte code is cached under a temporary ``PYTHONPYCACHEPREFIX`` (as an installed
    package would have it), even when ``PYTHONDONTWRITEBYTECODE`` is set.
(b) A generated N-line access map (``benchmarks/load_maps.py``'s generator): time of
    ``sendmailcfg.load`` alone vs read + load + every lint rule + JSON rendering, each
    in a fresh child (best of N).
Targets (docs/performance.md): (a) <= 150 ms; (b) lint <= 3x the plain load.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)

CHILD = r"""
import json, sys, time
mode, path = sys.argv[1], sys.argv[2]
t0 = time.perf_counter()
import sendmailcfg
if mode == "load":
    doc = sendmailcfg.load(path, kind="access")
    n = len(doc.lines)
else:
    from sendmailcfg import _source, fileio
    from sendmailcfg.lint.engine import lint_files, load_file
    from sendmailcfg.lint.formats import render
    text = _source.decode(fileio.read_bytes(path))
    findings = lint_files([load_file(path, "access", text)])
    out = render(findings, "json")
    n = len(findings)
print(json.dumps({"seconds": time.perf_counter() - t0, "n": n}))
"""


def make_mc(path: str) -> None:
    """A realistic 100-line .mc: header, options with comments, features, mailers."""
    lines = [
        "divert(-1)dnl",
        "dnl A 100-line sendmail.mc for the lint benchmark",
        "divert(0)dnl",
        "VERSIONID(`bench')dnl",
        "OSTYPE(`linux')dnl",
        "DOMAIN(`generic')dnl",
    ]
    options = ["confTO_CONNECT", "confTO_IDENT", "confMAX_MESSAGE_SIZE", "confPRIVACY_FLAGS"]
    i = 0
    while len(lines) < 80:
        lines.append(f"define(`{options[i % len(options)]}', `{i}')dnl")
        lines.append(f"dnl option {i}: explained here")
        i += 1
    lines += [
        "FEATURE(`access_db')dnl",
        "FEATURE(`mailertable')dnl",
        "FEATURE(`virtusertable')dnl",
        "define(`SMART_HOST', `[relay.example.net]')dnl",
    ]
    while len(lines) < 96:
        lines.append("dnl filler comment")
    lines += ["MAILER(`local')dnl", "MAILER(`smtp')dnl", "LOCAL_CONFIG", "Kfoo hash /etc/mail/foo"]
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")


def wall(cmd: list[str], env: dict[str, str], runs: int) -> list[float]:
    subprocess.run(cmd, env=env, capture_output=True, check=False)  # warm-up, fills the cache
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run(cmd, env=env, capture_output=True, check=False)
        out.append(time.perf_counter() - t0)
    return out


def child(mode: str, path: str, env: dict[str, str]) -> float:
    p = subprocess.run(
        [sys.executable, "-c", CHILD, mode, path], env=env, capture_output=True, text=True
    )
    if p.returncode:
        raise SystemExit(p.stderr)
    result: float = json.loads(p.stdout)["seconds"]
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--map-runs", type=int, default=3)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="smc-lint-bench-")
    env = dict(os.environ, PYTHONPATH=TOP, PYTHONPYCACHEPREFIX=os.path.join(tmp, "pyc"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)

    mc = os.path.join(tmp, "sendmail.mc")
    make_mc(mc)
    lint = wall([sys.executable, "-m", "sendmailcfg", "lint", mc], env, args.runs)
    bare = wall([sys.executable, "-c", "pass"], env, args.runs)
    print(f"(a) python -m sendmailcfg lint <100-line .mc>, {args.runs} runs")
    print(
        f"    lint:           best {min(lint) * 1000:.0f} ms, median {statistics.median(lint) * 1000:.0f} ms"
    )
    print(
        f"    python -c pass: best {min(bare) * 1000:.0f} ms, median {statistics.median(bare) * 1000:.0f} ms"
    )

    from load_maps import generate

    access = os.path.join(tmp, "access")
    generate(access, args.lines)
    load = min(child("load", access, env) for _ in range(args.map_runs))
    linted = min(child("lint", access, env) for _ in range(args.map_runs))
    print(f"(b) {args.lines:,}-line access map, best of {args.map_runs}")
    print(f"    sendmailcfg.load:           {load:.2f} s")
    print(f"    read + load + lint + JSON:  {linted:.2f} s  ({linted / load:.2f}x the load)")


if __name__ == "__main__":
    main()
