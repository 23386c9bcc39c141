"""Differential tests: which authinfo entry sendmail 8.17's ``authinfo`` ruleset returns.

Two .cf files are built with real m4: one with FEATURE(`authinfo') (exact lookups
in the authinfo map), one with FEATURE(`access_db') only (the access map's own
key walk). Random maps (seeded, so a failure repeats) are built with the real
makemap; each connection (``${server_name}``, ``${server_addr}``) is asked in one
``sendmail -bt`` process, and the value sendmail returns must be the value of the
entry :meth:`AuthinfoDocument.lookup` / :func:`lookup_in_access` picked (each
value names its entry, so equal values mean the same entry).
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from sendmailcfg.maps.access import AccessDocument
from sendmailcfg.maps.access.tokens import tokenize
from sendmailcfg.maps.authinfo import AuthinfoDocument, AuthinfoResolution, lookup_in_access
from tests import oracle as oracle_mod

pytestmark = pytest.mark.oracle

HOSTS = [
    "smtp.example.net",
    "mail.smtp.example.net",
    "example.net",
    "SMTP.Example.Net",
    "smtp.example.net.",
    "relay.provider.test",
    "provider.test",
    "other.test",
]
ADDRS = ["192.0.2.10", "192.0.2.11", "198.51.100.7", "127.0.0.1"]
KEY_BODIES = [
    *HOSTS[:3],
    "relay.provider.test",
    "provider.test",
    "smtp.example.net:587",
    "192.0.2.10",
    "192.0.2",
    "198.51.100.7",
    "",
]


class _Cf:
    def __init__(self, oracle: oracle_mod.Oracle, folder: Path, feature: str) -> None:
        self.oracle = oracle
        self.folder = folder
        self.map = folder / ("authinfo" if feature == "authinfo" else "access")
        spec = "authinfo" if feature == "authinfo" else "access_db"
        mc = oracle.offline_mc(folder, f"FEATURE(`{spec}', `hash {self.map}')dnl\n")
        cf, err, rc = oracle.mc2cf(mc)
        assert rc == 0, err
        self.cf = folder / "t.cf"
        self.cf.write_text(cf)

    def ask(self, source: str, queries: list[tuple[str, str]]) -> list[str]:
        rc, msg = self.oracle.makemap([], "hash", self.map, source.encode())
        assert rc == 0, msg
        cmds = []
        for name, addr in queries:
            cmds += [f".D{{server_name}}{name}", f".D{{server_addr}}{addr}", "authinfo x"]
        out = self.oracle.run_bt(self.cf, cmds)
        got = re.findall(r"(?m)^authinfo +returns: (.*)$", out)
        assert len(got) == len(queries), out
        return got


@pytest.fixture(scope="module")
def cfs(oracle: oracle_mod.Oracle) -> Iterator[dict[str, _Cf]]:
    dirs = [oracle_mod.workdir() for _ in range(2)]
    try:
        yield {f: _Cf(oracle, d, f) for f, d in zip(("authinfo", "access"), dirs, strict=True)}
    finally:
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)


def _source(rng: random.Random) -> str:
    bodies = rng.sample(KEY_BODIES, rng.randint(1, len(KEY_BODIES)))
    lines = []
    for n, body in enumerate(bodies):
        user = f"user{n}"
        lines.append(f'AuthInfo:{body}\t"U:{user}" "P:pw{n}" "M:PLAIN"\n')
    return "".join(lines)


def _expected(r: AuthinfoResolution) -> str:
    if r.entry is None:
        return "no"
    return "$# " + " ".join(tokenize(r.entry.value))


@pytest.mark.parametrize("feature", ["authinfo", "access"])
def test_authinfo_ruleset_agrees_with_sendmail(cfs: dict[str, _Cf], feature: str) -> None:
    rng = random.Random(21)
    cf = cfs[feature]
    for _ in range(6):
        source = _source(rng)
        # ${server_addr} is always set on a connection (an empty one only exists under -bt)
        addrs = [*ADDRS, ""] if feature == "authinfo" else ADDRS
        queries = [(rng.choice(HOSTS), rng.choice(addrs)) for _ in range(12)]
        got = cf.ask(source, queries)
        for (name, addr), answer in zip(queries, got, strict=True):
            if feature == "authinfo":
                r = AuthinfoDocument.from_text(source).lookup(name, addr or None)
            else:
                r = lookup_in_access(AccessDocument.from_text(source), name, addr or None)
            assert _expected(r) == answer, (source, name, addr, r.tried)


def test_port_in_key_is_never_found(cfs: dict[str, _Cf]) -> None:
    source = 'AuthInfo:smtp.example.net:587\t"U:joe" "P:x"\n'
    got = cfs["authinfo"].ask(source, [("smtp.example.net", "192.0.2.10")])
    r = AuthinfoDocument.from_text(source).lookup("smtp.example.net", "192.0.2.10")
    assert got == ["no"] and r.key is None and not r.authenticates
    assert "holds a port" in r.explain()


def test_unquoted_items_come_back_as_tokens(cfs: dict[str, _Cf]) -> None:
    """sendmail returns unquoted text as separate tokens, which getauth stops at."""
    source = 'AuthInfo:a.test\t"U:joe" P:x "R:r"\n'
    got = cfs["authinfo"].ask(source, [("a.test", "")])
    assert got == ['$# "U:joe" P : x "R:r"']
    r = AuthinfoDocument.from_text(source).lookup("a.test")
    assert r.key == "AuthInfo:a.test" and r.credentials is None
    assert [p.code for p in r.problems] == ["authinfo-unquoted", "authinfo-no-password"]
