"""How often ``route`` agrees with real sendmail on the real ``.mc`` files of tests/corpus.

Run ``python -m tests.oracle.corpus`` (needs the oracle): every corpus ``.mc`` is
rendered with real m4 and the cf package (its own ``include(... cf.m4)`` line
dropped, as the oracle loads cf.m4 itself) after offline settings that change no
route are appended (a hosts-file resolver, no DNS search, a log level); the
maps it names are absent (sendmail and the model both read none). Each file's
addresses (users at every name its class w, virtual domains and a few others
hold) are asked of one ``sendmail -bt``: ``/parse`` and, for results of a mailer
with F=5 (as recipient() does at delivery: the local mailer, and the SMTP mailers of
FEATURE(`msp')), ruleset 5 (a host's canonical trailing dot aside: there is no DNS here). A file m4 refuses (an ``include`` of a file that is not here) is
counted apart. Prints one line per file and the total; ``--json`` for the figures.
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from sendmailcfg.mc import parse_mc
from sendmailcfg.site import Site, route
from sendmailcfg.site.delivery import Delivery
from tests import oracle as oracle_mod
from tests.oracle.site import Triple, f5_mailers, parse_triple, ruleset_triple

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
_CF_INCLUDE = re.compile(r"^.*include\([^)]*cf\.m4'?\).*$", re.M)
USERS = ("ken", "root", "nosuchuser1")


def offline_tail(workdir: Path) -> str:
    """Defines that keep sendmail offline without changing where mail goes."""
    (workdir / "service.switch").write_text("hosts\tfiles\naliases\tfiles\n")
    (workdir / "hosts").write_text(f"127.0.0.1\tlocalhost {oracle_mod.ORACLE_HOST}\n")
    return "".join(
        [
            f"define(`confSERVICE_SWITCH_FILE', `{workdir / 'service.switch'}')dnl\n",
            f"define(`confHOSTS_FILE', `{workdir / 'hosts'}')dnl\n",
            "define(`confBIND_OPTS', `-DNSRCH -DEFNAMES')dnl\n",
            "define(`confLOG_LEVEL', `0')dnl\n",
        ]
    )


def addresses(site: Site) -> list[str]:
    hosts = {s.value for s in site.classes["w"] if not s.value.startswith("[")}
    hosts |= {s.value for s in site.classes["VirtHost"]}
    hosts |= {"elsewhere.example", "localhost", "localhost.", "[127.0.0.1]", "single"}
    hosts |= {"new.example.REDIRECT"}
    if site.j is not None:
        hosts.add(site.j.value.rstrip(".") + ".")
    out = [f"{u}@{h}" for h in sorted(hosts) for u in USERS]
    out += [*USERS, "u%elsewhere.example", "u@[192.0.2.7]"]
    return out


def measure(
    oracle: oracle_mod.Oracle, path: Path, *, engine: bool = False
) -> tuple[int, int, list[str]] | str:
    """``(agreeing, asked, differences)`` for one .mc, or why it could not be asked.

    ``engine``: ask the ``.cf`` engine on the same rendered ``.cf`` (with the same
    hosts file) instead of the model; its answers must then equal sendmail's exactly."""
    text = _CF_INCLUDE.sub("dnl", path.read_text(encoding="latin-1"))
    folder = oracle_mod.workdir()
    try:
        mc = text + offline_tail(folder)
        cf, err, status = oracle.mc2cf(mc)
        if status != 0 or "ERROR" in err:
            return f"m4 refuses it here: {err.strip().splitlines()[-1] if err.strip() else status}"
        (folder / "sendmail.cf").write_text(cf, encoding="latin-1")
        site = Site(parse_mc(text, path=str(path)), hostname=oracle_mod.ORACLE_HOST)
        addrs = addresses(site)
        outs = oracle.run_bt_each(folder / "sendmail.cf", [f"/parse {a}" for a in addrs])
        real: list[Triple | None] = []
        for out in outs:
            try:
                real.append(parse_triple(out))
            except AssertionError:
                real.append(None)
        f5 = f5_mailers(cf)
        local = [
            (i, t.user)
            for i, t in enumerate(real)
            if t is not None
            and (t.mailer == site.local_mailer or t.mailer in f5)
            and t.user
            and not t.not_remote
        ]
        fives = oracle.run_bt_each(folder / "sendmail.cf", [f"5 {u}" for _, u in local])
        final: dict[int, Triple | None] = {}
        for (i, _), out in zip(local, fives, strict=True):
            try:
                final[i] = ruleset_triple(out)
            except AssertionError:
                final[i] = None
        agree = 0
        wrong: list[str] = []
        run = _engine_router(folder, cf) if engine else None
        for i, (a, t) in enumerate(zip(addrs, real, strict=True)):
            if run is not None:
                d = run(a)
                got = (
                    None if d.mailer == "*error*" and d.user is None else (d.mailer, d.host, d.user)
                )
            else:
                try:
                    d = route(site, a, no_such_users={"nosuchuser1"})
                except ValueError:
                    got = None
                else:
                    got = (d.mailer, d.host, d.user)
            if t is None:
                want = None
            else:
                five = final.get(i)
                want = (
                    (t.mailer, t.host, t.user)
                    if five is None
                    else (five.mailer, five.host, five.user)
                )
            if (got == want) if engine else _same(got, want):
                agree += 1
            else:
                wrong.append(f"{a}: sendmail {want}, {'engine' if engine else 'model'} {got}")
        return agree, len(addrs), wrong
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _engine_router(folder: Path, cf: str) -> Callable[[str], Delivery]:
    """``route_cf`` on the rendered ``.cf`` with the oracle's host name and hosts file."""
    from sendmailcfg.cf.environment import HostsResolver
    from sendmailcfg.site.cfengine import EngineChoice, build_engine, environment, route_cf

    env = environment(
        oracle_mod.ORACLE_HOST,
        no_such_users={"nosuchuser1"},
        resolver=HostsResolver.from_file(str(folder / "hosts")),
    )
    engine = build_engine(EngineChoice("cf", "rendered", None, cf), env, folder=str(folder))
    return lambda a: route_cf(engine, a)


def _same(a: tuple[str, str | None, str | None] | None, b: object) -> bool:
    """Equal answers, a host's canonical trailing dot aside: offline, sendmail canonifies
    no name (no DNS here), where the model takes a dotted name as canonical."""
    if a is None or not isinstance(b, tuple):
        return a == b
    return bool(_undotted(a) == _undotted(b))


def _undotted(t: tuple[object, ...]) -> tuple[object, ...]:
    host = t[1]
    return (t[0], host.rstrip(".") if isinstance(host, str) else host, *t[2:])


def main(argv: list[str]) -> int:
    oracle = oracle_mod.find()
    if oracle is None:
        print("no oracle (SENDMAIL_ORACLE)", file=sys.stderr)
        return 2
    total = asked = 0
    figures: dict[str, object] = {}
    for path in sorted(CORPUS.glob("*/*.mc")):
        name = str(path.relative_to(CORPUS))
        got = measure(oracle, path, engine="--engine" in argv)
        if isinstance(got, str):
            figures[name] = got
            print(f"{name}: {got}")
            continue
        ok, n, wrong = got
        total += ok
        asked += n
        figures[name] = {"agree": ok, "asked": n}
        print(f"{name}: {ok}/{n}")
        if "-v" in argv:
            for w in wrong[:6]:
                print("    " + w)
    print(f"total: {total}/{asked} ({100 * total / max(asked, 1):.1f}%)")
    if "--json" in argv:
        print(json.dumps(figures, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
