"""Peak memory of ``makemap`` (ours and the real one, side by side in one run), and of
``check`` and ``lint`` on a folder holding the map.

Usage: python benchmarks/makemap_memory.py [--lines 1000000,10000000] [--types hash,btree]
       [--flags ",-N,-f,-e"] [--makemap PATH] [--python PATH] [--no-lint]

For each size it generates the access map source of ``benchmarks/makemap.py`` and runs,
for each type and flag set, ``python -m sendmailcfg makemap [FLAGS] TYPE MAP < SOURCE``
and real ``makemap -C /dev/null [FLAGS] TYPE MAP < SOURCE``, one after the other, printing
wall seconds and peak RSS (``ru_maxrss`` of the child, from ``wait4``). Then, unless
``--no-lint``, ``check`` and ``lint`` of a folder holding the source as ``access``.

Targets (issue 25, docs/performance.md): our makemap at most 128 MiB at 1,000,000 lines and
no higher at 10,000,000; ``check`` and ``lint`` at most 256 MiB at 1,000,000 lines. Exit
status 0 when every target is met, 1 otherwise, 2 without a real makemap.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from cleanvenv import clean_env, clean_python
from makemap import find_real

ROOT = Path(__file__).resolve().parents[1]
MAKEMAP_MIB = 128
LINT_MIB = 256


def measure(argv: list[str], source: Path | None) -> tuple[float, float, int]:
    """(wall seconds, peak RSS in MiB, exit status) of one child."""
    stdin = open(source, "rb") if source is not None else subprocess.DEVNULL  # noqa: SIM115
    try:
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
    finally:
        if source is not None:
            stdin.close()  # type: ignore[union-attr]
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", default="1000000,10000000", help="sizes, comma-separated")
    ap.add_argument("--types", default="hash,btree", help="map types, comma-separated")
    ap.add_argument("--flags", default=",-N,-f,-e", help="flag sets, comma-separated")
    ap.add_argument("--makemap", default=find_real(), help="the real makemap")
    ap.add_argument("--python", help="interpreter of our runs (default: a clean venv)")
    ap.add_argument("--no-lint", action="store_true", help="skip check and lint")
    args = ap.parse_args()
    python = args.python or clean_python()
    print(f"python: {python} (load average {os.getloadavg()[0]:.2f})")
    if not args.makemap:
        print("no real makemap found (set SENDMAILCFG_MAKEMAP or run tests/oracle/install)")
        return 2
    ok = True
    folder = Path(tempfile.mkdtemp(prefix="bench-memory."))
    try:
        print("| lines | source MiB | command | ours s | ours peak MiB | real s | real peak MiB |")
        print("|---|---|---|---|---|---|---|")
        first_peak: dict[str, float] = {}
        for lines in (int(n) for n in args.lines.split(",")):
            source = folder / "access"
            # made by a child: a child's peak RSS counts this process's own peak at the fork
            script = str(Path(__file__).with_name("makemap.py"))
            subprocess.run(
                [sys.executable, script, "--generate", str(lines), str(source)], check=True
            )
            mib = source.stat().st_size / 2**20
            for maptype in args.types.split(","):
                for flags in args.flags.split(","):
                    flag = [flags] if flags else []
                    ours = [python, "-m", "sendmailcfg", "makemap", *flag, maptype]
                    real = [args.makemap, "-C", "/dev/null", *flag, maptype]
                    o_s, o_mib, o_st = measure([*ours, str(folder / "ours")], source)
                    r_s, r_mib, r_st = measure([*real, str(folder / "real")], source)
                    name = f"makemap {' '.join([*flag, maptype])}"
                    print(
                        f"| {lines:,} | {mib:.0f} | `{name}` | {o_s:.2f} | {o_mib:.1f} | "
                        f"{r_s:.2f} | {r_mib:.1f} |"
                    )
                    limit = first_peak.setdefault(name, max(o_mib, MAKEMAP_MIB))
                    if o_st != r_st or o_mib > MAKEMAP_MIB or o_mib > limit * 1.05:
                        print(
                            f"  ^ over target ({MAKEMAP_MIB} MiB, no higher than at the "
                            f"first size) or exit status {o_st} != {r_st}"
                        )
                        ok = False
            if not args.no_lint and lines <= 1_000_000:
                tree = folder / "etc-mail"
                tree.mkdir(exist_ok=True)
                shutil.copyfile(source, tree / "access")
                for command in ("check", "lint"):
                    argv = [python, "-m", "sendmailcfg", command, str(tree)]
                    secs, peak, _status = measure(argv, None)
                    print(
                        f"| {lines:,} | {mib:.0f} | `{command} DIR` | {secs:.2f} | {peak:.1f} | | |"
                    )
                    if peak > LINT_MIB:
                        print(f"  ^ over target ({LINT_MIB} MiB)")
                        ok = False
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
