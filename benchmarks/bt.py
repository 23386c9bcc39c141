"""``bt`` against ``sendmail -bt`` on the same /parse commands, and routes through the engine.

Usage: python benchmarks/bt.py [--parses N] [--routes N] [--runs N] [--mc NAME]

Renders a stock configuration of sendmail's cf package (``--mc``, default
``generic-linux.mc``) with real m4, then:

* ``/parse``: the same ``--parses`` commands (a fixed mix of local, remote, bracketed
  and malformed addresses) fed to one ``sendmail -bt`` process and to one
  ``python -m sendmailcfg bt`` process, trace printing included; the outputs must be
  equal, and the wall-clock time of each whole run (start-up included) is reported;
* routes: ``--routes`` addresses through :meth:`Engine.parse` in this process,
  without the trace (``test_mode=False``, ``record=False``), as ``route`` would ask.

Needs the oracle (``tests/oracle``; ``SENDMAIL_ORACLE`` or ``.oracle``). Best of
``--runs`` runs, the two programs interleaved.
"""

from __future__ import annotations

import argparse
import gc
import platform
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sendmailcfg.cf.config import read_config  # noqa: E402
from sendmailcfg.cf.engine import Engine  # noqa: E402
from sendmailcfg.cf.environment import HostEnvironment, HostsResolver  # noqa: E402
from tests.cf_bt_diff import oracle_options  # noqa: E402
from tests.oracle import ORACLE_HOST, find  # noqa: E402


def addresses(n: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    users = ["user", "joe.bloggs", "a+b", "root", "MAILER-DAEMON", '"q u"']
    hosts = [
        "example.com",
        ORACLE_HOST,
        "localhost",
        "sub.example.org",
        "[192.0.2.1]",
        "host.uucp",
        "x.REDIRECT",
    ]
    shapes = ["{u}@{h}", "<{u}@{h}>", "Name <{u}@{h}>", "{u}", "{u}%{h}@{h}", "{h}!{u}"]
    # half the users are drawn from a million names, so most addresses differ
    return [
        rng.choice(shapes).format(
            u=rng.choice(users) if rng.random() < 0.5 else f"u{rng.randrange(10**6)}",
            h=rng.choice(hosts),
        )
        for _ in range(n)
    ]


def timed(cmd: list[str], stdin: bytes) -> tuple[float, float, bytes]:
    """(wall seconds, CPU seconds of the child, its output)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, p.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--parses", type=int, default=20_000)
    ap.add_argument("--routes", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--mc", default="generic-linux.mc")
    args = ap.parse_args()
    o = find()
    if o is None:
        print("the oracle is not installed (tests/oracle/install)", file=sys.stderr)
        return 2
    cf_text, err, status = o.mc2cf((o.cf_dir / "cf" / args.mc).read_text(encoding="latin-1"))
    if status != 0:
        print(err, file=sys.stderr)
        return 2
    folder = Path(o._hosts_file()).parent
    cf = folder / "bench.cf"
    cf.write_text(cf_text, encoding="latin-1")
    opts = oracle_options(o)
    stdin = "".join(f"/parse {a}\n" for a in addresses(args.parses)).encode("latin-1")
    real_cmd = [str(o.sendmail), "-C", str(cf)]
    ours_cmd = [sys.executable, "-m", "sendmailcfg", "bt", "-C", str(cf)]
    for opt in opts:
        real_cmd += ["-O", opt]
        ours_cmd += ["-O", opt]
    real_cmd = o.wrap([*real_cmd, "-bt"])
    ours_cmd += ["--hostname", ORACLE_HOST, "--hosts", o._hosts_file()]
    real = [float("inf")] * 2
    ours = [float("inf")] * 2
    same = True
    for _ in range(args.runs):
        wall, cpu, out_real = timed(real_cmd, stdin)
        real = [min(real[0], wall), min(real[1], cpu)]
        wall, cpu, out_ours = timed(ours_cmd, stdin)
        ours = [min(ours[0], wall), min(ours[1], cpu)]
        real_text = re.sub(
            r"WARNING: World writable directory [^\n]*\n", "", out_real.decode("latin-1")
        )
        same = same and real_text == out_ours.decode("latin-1")
    n = args.parses
    print(f"python {platform.python_version()}, {args.mc}, best of {args.runs}")
    print(f"/parse x {n}, one process each, trace printed; outputs equal: {same}")
    print("                 wall s   /parse per wall s   CPU s   /parse per CPU s")
    for name, (w, c) in (("sendmail -bt", real), ("bt", ours)):
        print(f"  {name:<13} {w:7.2f}   {n / w:17,.0f}   {c:5.2f}   {n / c:16,.0f}")

    env = HostEnvironment(hostname=ORACLE_HOST, resolver=HostsResolver.from_file(o._hosts_file()))
    config = read_config(cf_text, str(cf))
    t0 = time.perf_counter()
    engine = Engine(config, env, options=opts, test_mode=False)
    build = time.perf_counter() - t0
    routes = [a for a in addresses(args.routes, seed=11)]
    best = best_cpu = float("inf")
    for _ in range(args.runs):
        gc.collect()
        t0 = time.perf_counter()
        c0 = time.process_time()
        for a in routes:
            engine.parse(a, record=False)
        best = min(best, time.perf_counter() - t0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    print(f"Engine(...) from the read .cf: {build * 1000:.0f} ms")
    print(
        f"routes x {args.routes} through Engine.parse (no trace): {best:.2f} s wall "
        f"({args.routes / best:,.0f} per s), {best_cpu:.2f} s CPU "
        f"({args.routes / best_cpu:,.0f} per s)"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
