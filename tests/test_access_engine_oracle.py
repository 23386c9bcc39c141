"""``query access`` on sendmail's own rules (the ``.cf`` engine) answers as real sendmail.

For a few feature combinations (every one under ``-m slow``) the harness of
tests/test_access_oracle.py builds a ``.cf`` with real m4 and random access maps
with the real makemap; every connect:/from:/to: query is asked of ``sendmail -bt``
(the check rulesets with the macros an SMTP session sets) and of
:func:`sendmailcfg.site.cfengine.access_cf` on the same ``.cf``: the rulesets'
results are equal token for token, and the decision (action, code, reply, key)
equals the model's (:mod:`sendmailcfg.maps.access.rules`) on the same map.
"""

from __future__ import annotations

import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sendmailcfg.cf.engine import Engine
from sendmailcfg.output.bdb import read as read_db
from sendmailcfg.site.cfengine import (
    CfAccessDecision,
    EngineChoice,
    access_cf,
    build_engine,
    environment,
)
from tests import oracle as oracle_mod
from tests.oracle.access import HOST_NAME, AccessOracle, Query, smtp_session
from tests.oracle.access_resolve import ResolvingAccessOracle
from tests.test_access_oracle import (
    COMBOS,
    LOCAL_NAMES,
    _class,
    _doc,
    _map,
    _ours,
    _queries,
    _theirs,
)

QUICK = [
    frozenset(),
    frozenset({"delay_checks", "blocklist_recipients"}),
    frozenset({"lookupdotdomain", "relay_hosts_only", "skip"}),
]
"""The default run's combinations (every one of COMBOS under -m slow)."""


def engine_for(ao: AccessOracle) -> Engine:
    """A fresh engine on the oracle's ``.cf`` (its access map read anew)."""
    text = ao.cf.read_text(encoding="latin-1")
    env = environment(HOST_NAME)
    return build_engine(
        EngineChoice("cf", "test", str(ao.cf), text), env, read_db=read_db, folder=str(ao.dir)
    )


def ask_engine(engine: Engine, q: Query) -> CfAccessDecision:
    if q.kind == "connect":
        return access_cf(engine, "connect", q.arg)
    return access_cf(
        engine,
        q.kind,
        q.arg,
        client=q.client,
        resolve=getattr(q, "resolve", None),
        sender=q.sender,
    )


def _compare(
    ao: AccessOracle,
    combo: frozenset[str],
    seed: str,
    cases: int,
    local_names: tuple[str, ...] = LOCAL_NAMES,
) -> None:
    rng = random.Random(seed + ",".join(sorted(combo)))
    wrong: list[str] = []
    for case in range(cases):
        source = _map(rng)
        queries = _queries(rng)
        if "delay_checks" in combo:
            queries = [q for q in queries if q.kind == "to"]
        ao.load(source.encode())
        Path(ao.map).write_text(source, encoding="latin-1")  # the source beside the .db
        engine = engine_for(ao)
        doc = _doc(source)
        for q, result in zip(queries, ao.ask(queries), strict=True):
            ours = ask_engine(engine, q)
            if ours.result != result:
                wrong.append(f"case {case} {q}: engine {ours.result!r}, sendmail {result!r}")
                continue
            model = _ours(doc, q, combo, ao.relay_domains, local_names)
            if _class_of(ours, combo) != _theirs(result):
                wrong.append(f"case {case} {q}: engine {ours}, sendmail {result}")
            got = (ours.check, ours.action, ours.code, ours.reply, ours.key)
            want = (model.check, model.action, model.code, model.reply, model.key)
            if got != want:
                wrong.append(f"case {case} {q}: engine {got}, model {want} ({result})")
        if wrong:
            wrong.insert(0, "map:\n" + source)
            break
    assert not wrong, "\n".join(wrong[:12])


def _class_of(d: CfAccessDecision, combo: frozenset[str]) -> tuple[str, str | None, str | None]:
    from sendmailcfg.maps.access.rules import AccessDecision

    return _class(AccessDecision(d.check, d.action, d.code, d.reply), combo)


@pytest.fixture(scope="module")
def oracles(oracle: oracle_mod.Oracle) -> Iterator[dict[frozenset[str], AccessOracle]]:
    dirs: list[Path] = []
    built: dict[frozenset[str], AccessOracle] = {}

    try:

        class Lazy(dict[frozenset[str], AccessOracle]):
            def __missing__(self, combo: frozenset[str]) -> AccessOracle:
                d = oracle_mod.workdir()
                dirs.append(d)
                self[combo] = ResolvingAccessOracle(oracle, d, combo)
                return self[combo]

        yield Lazy(built)
    finally:
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)


@pytest.mark.oracle
@pytest.mark.parametrize("combo", QUICK, ids=lambda c: "+".join(sorted(c)) or "plain")
def test_engine_access_matches_sendmail_and_model(
    oracles: dict[frozenset[str], AccessOracle], combo: frozenset[str]
) -> None:
    _compare(oracles[combo], combo, "access-engine:", 1)


@pytest.mark.oracle
@pytest.mark.slow
@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "+".join(sorted(c)) or "plain")
def test_engine_access_matches_everywhere(
    oracles: dict[frozenset[str], AccessOracle], combo: frozenset[str]
) -> None:
    _compare(oracles[combo], combo, "access-engine-long:", 6)


@pytest.mark.oracle
def test_engine_replies_equal_an_smtp_session(oracle: oracle_mod.Oracle) -> None:
    """The replies ``sendmail -bs`` really sends (a local client: ``${client_addr}``
    empty) equal the engine's decisions written as SMTP replies."""
    from sendmailcfg.maps.access.rules import AccessDecision
    from tests.test_access_oracle import SMTP_MAP

    d = oracle_mod.workdir()
    try:
        ao = AccessOracle(oracle, d, {"blocklist_recipients"})
        ao.load(SMTP_MAP.encode())
        engine = engine_for(ao)
        senders = [f"a@{t}.test" for t in "qrtuvwx"] + ["a@err.test"]
        rcpts = ["gone@oracle.invalid", "bad@localhost", "ok@localhost"]
        lines = ["EHLO client.example"]
        for s in senders:
            lines += [f"MAIL FROM:<{s}>", "RSET"]
        lines += ["MAIL FROM:<a@x.test>", *(f"RCPT TO:<{r}>" for r in rcpts), "QUIT"]
        replies = smtp_session(ao, lines)
        local = ("localhost", "")
        asked = [(s, replies[2 + 2 * i], "from", "") for i, s in enumerate(senders)]
        base = 2 + 2 * len(senders) + 1
        asked += [(r, replies[base + j], "to", "a@x.test") for j, r in enumerate(rcpts)]
        for address, got, kind, sender in asked:
            ours = access_cf(engine, kind, address, client=local, sender=sender)
            want = AccessDecision(ours.check, ours.action, ours.code, ours.reply).smtp_reply(
                address
            )
            if want is None:
                assert got.startswith("250 "), (address, got, ours)
            else:
                assert got == want, (address, got, want)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.oracle
@pytest.mark.parametrize("features", [(), ("relay_hosts_only", "lookupdotdomain")])
def test_engine_with_relay_domains(oracle: oracle_mod.Oracle, features: tuple[str, ...]) -> None:
    """RELAY_DOMAIN (class R) in the .cf: the engine reads it, the model is told."""
    d = oracle_mod.workdir()
    try:
        ao = ResolvingAccessOracle(oracle, d, features, relay_domains=("x.test", "10.1", "a.test"))
        _compare(ao, frozenset(features), "access-engine-relay:", 1)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.oracle
@pytest.mark.parametrize(
    "features", [("blocklist_recipients",), ("blocklist_recipients", "delay_checks")]
)
def test_engine_with_more_local_names(oracle: oracle_mod.Oracle, features: tuple[str, ...]) -> None:
    """LOCAL_DOMAIN (class w) with blocklist_recipients: To:user@ keys for own names."""
    d = oracle_mod.workdir()
    try:
        ao = ResolvingAccessOracle(oracle, d, features, local_domains=("a.test", "x.test"))
        names = (*LOCAL_NAMES, "a.test", "x.test")
        _compare(ao, frozenset(features), "access-engine-local:", 2, names)
    finally:
        shutil.rmtree(d, ignore_errors=True)
