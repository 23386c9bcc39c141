"""The ``.cf`` engine answers ``route`` and ``sender`` as real sendmail does, on the same
configurations the model is checked on (tests/test_site_oracle.py): the user story's
hosts, hand-written and generated configurations with their maps built by the real
makemap, and the masquerading / genericstable senders.
"""

from __future__ import annotations

import shutil

import pytest

from sendmailcfg.cf.environment import HostsResolver
from sendmailcfg.output.bdb import read as read_db
from sendmailcfg.site.cfengine import (
    EngineChoice,
    build_engine,
    environment,
    route_cf,
    sender_cf,
)
from tests.oracle import ORACLE_HOST, Oracle, workdir
from tests.oracle.site import f5_mailers
from tests.test_site_oracle import (
    GATEWAY,
    HAND,
    SENDERS,
    WEB,
    Config,
    _exists,
    addresses,
    build,
    generated,
)


def _engine(folder_cf: str, folder: str, absent: set[str]) -> object:
    with open(folder_cf, encoding="latin-1") as f:
        text = f.read()
    env = environment(
        ORACLE_HOST,
        no_such_users=absent,
        resolver=HostsResolver.from_file(f"{folder}/hosts"),
    )
    return build_engine(
        EngineChoice("cf", "test", folder_cf, text), env, read_db=read_db, folder=folder
    )


def check_routes(oracle: Oracle, cfg: Config) -> None:
    folder = workdir()
    try:
        so, site = build(oracle, folder, cfg)
        addrs = addresses(cfg, site)
        real = so.parse(addrs)
        f5 = f5_mailers(so.cf.read_text(encoding="latin-1"))
        local = [
            (i, t.user)
            for i, t in enumerate(real)
            if (t.mailer == site.local_mailer or t.mailer in f5)
            and t.user
            and not t.not_remote
            and "+" not in t.user
        ]
        fives = dict(zip((i for i, _ in local), so.localaddr([u for _, u in local]), strict=True))
        absent = {t.user for t in real if t.user and not _exists(t.user)}
        engine = _engine(str(so.cf), str(folder), absent)
        wrong = []
        for i, (a, t) in enumerate(zip(addrs, real, strict=True)):
            d = route_cf(engine, a)  # type: ignore[arg-type]
            if (d.parse.mailer, d.parse.host, d.parse.user) != (t.mailer, t.host, t.user):
                wrong.append(f"/parse {a}: sendmail {t}, engine {d.parse}")
                continue
            five = fives.get(i)
            want = (
                (t.mailer, t.host, t.user) if five is None else (five.mailer, five.host, five.user)
            )
            if (d.mailer, d.host, d.user) != want and "+" not in (t.user or ""):
                wrong.append(f"{a}: sendmail {want}, engine {(d.mailer, d.host, d.user)}")
        assert wrong == [], "\n".join(wrong[:8]) + f"\n({len(wrong)} of {len(addrs)} differ)"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_senders(oracle: Oracle, cfg: Config, mailers: tuple[str, ...]) -> None:
    folder = workdir()
    try:
        so, site = build(oracle, folder, cfg)
        names = [s.value for s in site.classes["w"] if not s.value.startswith("[")]
        names += ["sub." + n for n in names] + ["elsewhere.example", "localhost"]
        addrs = [f"{u}@{h}" for h in sorted(set(names)) for u in ("ken", "root")]
        addrs += ["ken", "root", "joe", "bob+x", "joe@" + cfg.hostname]
        engine = _engine(str(so.cf), str(folder), set())
        wrong = []
        for mailer in mailers:
            for a, (env, hdr) in zip(addrs, so.sender(mailer, addrs), strict=True):
                f = sender_cf(engine, a, mailer=mailer)  # type: ignore[arg-type]
                if (f.envelope, f.header) != (env, hdr):
                    wrong.append(f"/try {mailer} {a}: sendmail ({env}, {hdr}), engine {f}")
        assert wrong == [], "\n".join(wrong[:8]) + f"\n({len(wrong)} differ)"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.oracle
@pytest.mark.parametrize("cfg", [GATEWAY, WEB, *HAND], ids=lambda c: c.name)
def test_engine_routes_match_sendmail(oracle: Oracle, cfg: Config) -> None:
    check_routes(oracle, cfg)


@pytest.mark.oracle
@pytest.mark.parametrize("cfg", SENDERS, ids=lambda c: c.name)
def test_engine_senders_match_sendmail(oracle: Oracle, cfg: Config) -> None:
    check_senders(oracle, cfg, ("esmtp", "relay", "local"))


@pytest.mark.oracle
@pytest.mark.parametrize("seed", range(4))
def test_engine_on_generated_configurations(oracle: Oracle, seed: int) -> None:
    check_routes(oracle, generated(seed))
    check_senders(oracle, generated(seed), ("esmtp",))
