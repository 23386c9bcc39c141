"""Lint speed: a 100-line .mc through the CLI, and a 1,000,000-line access map.

Usage: python benchmarks/lint.py [--runs N] [--lines N] [--hosts N] [--only a|b|c]

(a) Wall time of ``python -m sendmailcfg lint FILE.mc`` on a generated 100-line .mc,
    interpreter start included, in fresh processes (best and median of N runs, after
    one warm-up run that writes the byte-code cache), next to ``python -c pass``.
    Byte code is cached under a temporary ``PYTHONPYCACHEPREFIX`` (as an installed
    package would have it), even when ``PYTHONDONTWRITEBYTECODE`` is set.
(b) A generated N-line access map (``benchmarks/load_maps.py``'s generator): time of
    ``sendmailcfg.load`` alone vs read + load + every lint rule + JSON rendering, each
    in a fresh child (best of N).
(c) A generated configuration repository: N host folders (default 1,000), each with a
    ``sendmail.mc``, a ``mailertable`` and an ``access`` file; wall time and files/s of
    ``python -m sendmailcfg lint ROOT`` with ``--jobs 1`` (one core) and with the default
    (a process pool, one worker per core), best of ``--repo-runs``.
Every child runs under ``cleanvenv.clean_python()`` (a venv with only this checkout and
its dependencies, as ``pip install .`` gives) unless ``--no-clean-venv``.
Targets (docs/performance.md): (a) <= 150 ms; (b) lint <= 3x the plain load; (c) both cores
used, faster than one.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
sys.path.insert(0, HERE)

PYTHON = sys.executable
"""The interpreter of the children: a clean venv's (``cleanvenv.clean_python()``) unless
``--no-clean-venv``."""

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
    p = subprocess.run([PYTHON, "-c", CHILD, mode, path], env=env, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit(p.stderr)
    result: float = json.loads(p.stdout)["seconds"]
    return result


def make_repo(root: str, hosts: int) -> int:
    """``hosts`` folders like /etc/mail (a .mc and two maps each); returns the file count."""
    for i in range(hosts):
        d = os.path.join(root, f"host{i:04d}")
        os.makedirs(d)
        with open(os.path.join(d, "sendmail.mc"), "w", encoding="utf-8") as f:
            f.write(
                "divert(-1)dnl\ndivert(0)dnl\nOSTYPE(`linux')dnl\n"
                f"define(`confDOMAIN_NAME', `mx{i}.example.com')dnl\n"
                "define(`SMART_HOST', `[relay.example.net]')dnl\n"
                "FEATURE(`access_db', `hash -T<TMPF> /etc/mail/access')dnl\n"
                "FEATURE(`mailertable')dnl\n"
                + "".join(f"define(`confTO_CONNECT', `{j}m')dnl\n" for j in range(20))
                + "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
            )
        with open(os.path.join(d, "mailertable"), "w", encoding="utf-8") as f:
            for j in range(50):
                f.write(f"d{j}.example{i}.org\tesmtp:[mx{j}.example.net]\n")
        with open(os.path.join(d, "access"), "w", encoding="utf-8") as f:
            for j in range(50):
                f.write(f"Connect:192.0.{j % 250}.{i % 250}\tREJECT\n")
    return hosts * 3


def repo(args: argparse.Namespace, env: dict[str, str], tmp: str) -> None:
    root = os.path.join(tmp, "repo")
    files = make_repo(root, args.hosts)
    import resource

    results = {}
    cpu = {}
    for label, extra in (("one core (--jobs 1)", ["--jobs", "1"]), ("default (pool)", [])):
        cmd = [PYTHON, "-m", "sendmailcfg", "lint", "--exit-zero", *extra, root]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        times = wall(cmd, env, args.repo_runs)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
        results[label] = min(times)
        cpu[label] = used / (sum(times) + times[0])  # the warm-up run is in the rusage too
    import subprocess as _sp

    load = _sp.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(
        f"(c) lint of a repository: {args.hosts:,} hosts, {files:,} files, best of "
        f"{args.repo_runs} (os.cpu_count() = {os.cpu_count()})"
    )
    one = results["one core (--jobs 1)"]
    for label, seconds in results.items():
        print(
            f"    {label:20} {seconds:6.2f} s  {files / seconds:8,.0f} files/s  "
            f"({one / seconds:.2f}x one core; {cpu[label]:.2f} cores busy on average)"
        )
    print(f"    machine: {load}")


def main() -> None:
    """Run the benchmarks in a temporary folder, removed afterwards."""
    tmp = tempfile.mkdtemp(prefix="smc-lint-bench-")
    try:
        run(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def run(tmp: str) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--lines", type=int, default=1_000_000)
    ap.add_argument("--map-runs", type=int, default=3)
    ap.add_argument("--hosts", type=int, default=1000)
    ap.add_argument("--repo-runs", type=int, default=3)
    ap.add_argument("--only", choices=("a", "b", "c"))
    ap.add_argument(
        "--no-clean-venv",
        action="store_true",
        help="run the children under this interpreter instead of a clean venv",
    )
    args = ap.parse_args()
    env = dict(os.environ, PYTHONPATH=TOP, PYTHONPYCACHEPREFIX=os.path.join(tmp, "pyc"))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    global PYTHON
    if not args.no_clean_venv:
        from cleanvenv import clean_env, clean_python

        PYTHON = clean_python()  # the checkout, attrs and lark, byte-code compiled
        env = clean_env()

    if args.only in (None, "c"):
        repo(args, env, tmp)
    if args.only == "c":
        return
    mc = os.path.join(tmp, "sendmail.mc")
    make_mc(mc)
    lint = wall([PYTHON, "-m", "sendmailcfg", "lint", mc], env, args.runs)
    bare = wall([PYTHON, "-c", "pass"], env, args.runs)
    print(f"(a) python -m sendmailcfg lint <100-line .mc>, {args.runs} runs")
    print(
        f"    lint:           best {min(lint) * 1000:.0f} ms, median {statistics.median(lint) * 1000:.0f} ms"
    )
    print(
        f"    python -c pass: best {min(bare) * 1000:.0f} ms, median {statistics.median(bare) * 1000:.0f} ms"
    )

    if args.only == "a":
        return
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
