"""``python -m tests.fuzz --minutes N [--target NAME] [--engine hypothesis|atheris]``.

Runs each target (or the one named) for N minutes and prints, per target, how many
inputs ran and what failed. Hypothesis (the default engine) generates structured
inputs with no deadline, in batches, and shrinks a failure to a small example;
atheris (``--engine atheris``, when installed: ``pip install atheris``) mutates bytes
guided by coverage, in a child process per target. Exit 1 when a target failed.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import os
import subprocess
import sys
import time
from typing import Any

from hypothesis import HealthCheck, given, settings

from tests.fuzz.targets import TARGETS, Target


def run_hypothesis(target: Target, seconds: float, batch: int = 200) -> tuple[int, str | None]:
    """Feed ``target`` for ``seconds``: (inputs run, the failure or None)."""
    count = 0

    @settings(
        max_examples=batch,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(target.inputs)
    def one(data: bytes) -> None:
        nonlocal count
        count += 1
        target.check(data)

    end = time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            one()
        except Exception as exc:
            return count, f"{type(exc).__name__}: {exc}"
    return count, None


ATHERIS_CHILD = """
import sys, atheris
with atheris.instrument_imports(include=["sendmailcfg"]):
    from tests.fuzz.targets import TARGETS
target = TARGETS[sys.argv[1]]
def one(data):
    target.check(data)
atheris.Setup([sys.argv[0], *sys.argv[2:]], one)
atheris.Fuzz()
"""


CORPUS = ".fuzz-corpus"
"""Where atheris keeps the inputs that reached new code, per target (``--corpus``)."""


def run_atheris(target: Target, seconds: float, corpus: str = CORPUS) -> tuple[int, str | None]:
    """Run ``target`` under atheris (libFuzzer) for ``seconds`` in a child process."""
    corpus = os.path.join(corpus, target.name)
    os.makedirs(corpus, exist_ok=True)
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            ATHERIS_CHILD,
            target.name,
            f"-max_total_time={max(1, int(seconds))}",
            "-print_final_stats=1",
            corpus,
        ],
        capture_output=True,
        text=True,
        errors="replace",
    )
    runs = 0
    for line in run.stderr.splitlines():
        if line.startswith("stat::number_of_executed_units:"):
            runs = int(line.split(":")[-1])
    if run.returncode != 0:
        tail = "\n".join(run.stderr.strip().splitlines()[-15:])
        return runs, f"atheris exit {run.returncode}:\n{tail}"
    return runs, None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    parser.add_argument("--minutes", type=float, default=1.0, help="per target (default 1)")
    parser.add_argument("--target", action="append", choices=sorted(TARGETS), help="only these")
    parser.add_argument("--engine", choices=("hypothesis", "atheris"), default="hypothesis")
    parser.add_argument("--corpus", default=CORPUS, help="atheris' corpus folder")
    parser.add_argument("--list", action="store_true", help="list the targets and exit")
    args = parser.parse_args(argv)
    if args.list:
        for name, t in TARGETS.items():
            print(f"{name:24} {t.about}")
        return 0
    engine: Any = run_hypothesis
    if args.engine == "atheris":
        try:
            importlib.import_module("atheris")
        except ImportError:
            print("fuzz: atheris is not installed; using hypothesis", file=sys.stderr)
        else:
            engine = functools.partial(run_atheris, corpus=args.corpus)
    failed = False
    print(f"{'target':24} {'inputs':>10} {'per s':>8}  result", flush=True)
    for name in args.target or list(TARGETS):
        seconds = args.minutes * 60
        start = time.monotonic()
        runs, failure = engine(TARGETS[name], seconds)
        took = max(time.monotonic() - start, 1e-9)
        print(f"{name:24} {runs:>10} {runs / took:>8.0f}  {failure or 'ok'}", flush=True)
        failed = failed or failure is not None
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
