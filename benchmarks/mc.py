""".mc speed: load a 5,000-line .mc, build its views, and edit it, next to a naive parse.

Usage: python benchmarks/mc.py [--lines N] [--runs N] [--edits K]

All in one process, best of N runs each:
(a) naive: ``text.splitlines()`` plus one regex scan for ``NAME(`` statements (what a
    script that greps an .mc does; no quoting, no dnl, no positions);
(b) ``McDocument.from_text``: the lossless m4 tree (one parse);
(c) (b) plus the semantic views (``defines``, ``features``, ... built from the tree);
(d) one ``set_define`` of an existing name, one new ``set_define``, one ``add_feature``
    and one ``remove_define`` on a loaded document, each with the views it reads;
(e) K ``set_define`` calls in a row (the cost per edit), of defines near the top of the
    file (every later statement moves) and near its end (few do);
(f) what an edit cost before the tree edits: the text spliced and parsed again, with views.
``--cpu`` times CPU instead of the wall clock (for a shared machine).
No target: the largest real .mc has about 200 lines and loads with its views in a few
milliseconds (docs/performance.md); this shows how the cost grows with a file's size.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections.abc import Callable

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, TOP)

from sendmailcfg.mc import McDocument  # noqa: E402


def make_mc(lines: int) -> str:
    """A realistic large .mc: a comment header, many defines and class macros, dnl'ed
    lines, FEATUREs, MAILERs and a LOCAL_CONFIG section of raw cf lines."""
    out = [
        "divert(-1)",
        "# A generated sendmail.mc for the .mc benchmark",
        "#",
        "divert(0)dnl",
        "VERSIONID(`bench')dnl",
        "OSTYPE(`linux')dnl",
        "DOMAIN(`generic')dnl",
    ]
    body = lines - len(out) - 6
    i = 0
    while i * 5 < body * 0.8:
        out += [
            f"dnl option {i}: see the cf README",
            f"define(`confX_{i}', `value {i}, with a comma')dnl",
            f"dnl define(`confY_{i}', `disabled')",
            f"LOCAL_DOMAIN(`host{i}.example.net')dnl",
            f"FEATURE(`dnsbl', `bl{i}.example.org', `\"550 listed\"')dnl",
        ]
        i += 1
    out += ["MAILER(`local')dnl", "MAILER(`smtp')dnl", "LOCAL_CONFIG"]
    while len(out) < lines:
        out.append(f"Kmap{len(out)} hash -o /etc/mail/map{len(out)}")
    return "\n".join(out[:lines]) + "\n"


_STATEMENT = re.compile(r"^([A-Za-z_]\w*)\((.*)\)", re.M)


def naive(text: str) -> dict[str, list[str]]:
    lines = text.splitlines()
    found: dict[str, list[str]] = {}
    for m in _STATEMENT.finditer(text):
        found.setdefault(m.group(1), []).append(m.group(2))
    found["_lines"] = [str(len(lines))]
    return found


CLOCK = time.perf_counter


def best(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        t0 = CLOCK()
        fn()
        times.append(CLOCK() - t0)
    return min(times)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument(
        "--cpu", action="store_true", help="time CPU (process_time), for a machine under load"
    )
    a = ap.parse_args()
    global CLOCK
    if a.cpu:
        CLOCK = time.process_time
    text = make_mc(a.lines)
    print(f"{text.count(chr(10))} lines, {len(text)} characters")

    def views() -> None:
        doc = McDocument.from_text(text)
        _ = doc.defines, doc.features, doc.mailers

    rows = [
        ("(a) naive splitlines + regex", best(lambda: naive(text), a.runs)),
        ("(b) McDocument.from_text", best(lambda: McDocument.from_text(text), a.runs)),
        ("(c) from_text + views", best(views, a.runs)),
    ]

    def edit(what: Callable[[McDocument], object]) -> float:
        times = []
        for _ in range(a.runs):
            doc = McDocument.from_text(text)
            _ = doc.model.defines
            t0 = CLOCK()
            what(doc)
            _ = doc.model.defines
            times.append(CLOCK() - t0)
        return min(times)

    rows += [
        ("(d) set_define, existing", edit(lambda d: d.set_define("confX_10", "new"))),
        ("(d) set_define, new", edit(lambda d: d.set_define("SMART_HOST", "relay.example"))),
        ("(d) add_feature", edit(lambda d: d.add_feature("mailertable"))),
        ("(d) remove_define", edit(lambda d: d.remove_define("confX_10"))),
    ]
    defined = sum(1 for line in text.splitlines() if line.startswith("define(`confX_"))
    for where, first in (("near the top", 0), ("near the end", max(defined - a.edits, 0))):
        doc = McDocument.from_text(text)
        _ = doc.model.defines
        t0 = CLOCK()
        for k in range(first, first + a.edits):
            doc.set_define(f"confX_{k}", f"edited {k}")
        per_edit = (CLOCK() - t0) / a.edits
        rows.append((f"(e) {a.edits} set_define in a row, {where}, per edit", per_edit))

    def reparse() -> None:  # what an edit cost before: splice the text, parse it again
        doc = McDocument.from_text(text)
        _ = McDocument.from_text(doc.text.replace("value 10,", "new,", 1)).defines

    rows.append(("(f) for comparison: re-parse + views", best(reparse, a.runs)))
    width = max(len(r[0]) for r in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds * 1000:8.2f} ms")


if __name__ == "__main__":
    main()
