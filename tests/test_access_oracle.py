"""Differential tests: our access decisions against real sendmail 8.17's rulesets.

For every combination of the features (lookupdotdomain, relay_hosts_only,
skip, blocklist_recipients, delay_checks) one .cf is built; random access maps
(seeded, so failures repeat) are compiled with the real makemap and many
connect / from / to queries are asked in one ``sendmail -bt`` process each.
Action class, enhanced status and reply text must agree exactly.
"""

from __future__ import annotations

import itertools
import random
import re
import shutil
from collections.abc import Iterator

import pytest

from sendmailcfg.maps.access import AccessDocument
from sendmailcfg.maps.access.rules import FEATURES, AccessDecision, Client
from sendmailcfg.maps.access.tokens import reply_text
from tests import oracle as oracle_mod
from tests.oracle.access import HOST_NAME, AccessOracle, Query, classify, smtp_session
from tests.oracle.access_resolve import ResolvedQuery, ResolvingAccessOracle

LOCAL_NAMES = ("oracle.invalid", "localhost")
DOMAINS = [
    "a.test",
    "b.a.test",
    "c.b.a.test",
    "x.test",
    "Sub.X.test",
    "other.example",
    "oracle.invalid",
    "[10.1.2.3]",
    "[IPv6:2001:db8:0:0:0:0:0:1]",
    "a.test.",
]
USERS = ["alice", "bob", "bob+tag", "bob+", "carol.d", "Alice"]
IPS = [
    "10.1.2.3",
    "10.1.2.30",
    "10.1.9.9",
    "198.51.100.7",
    "IPv6:2001:db8:0:0:0:0:0:1",
    "IPv6:2001:db8:1:0:0:0:0:5",
    "IPv6:2001:db8:0:0:0:0:0:2",
]
IP_KEYS = [
    "10.1.2.3",
    "10.1.2",
    "10.1",
    "10",
    "198.51.100",
    "IPv6:2001:db8:0:0:0:0:0:1",
    "IPv6:2001:db8:1",
    "IPv6:2001:db8",
    "IPv6",
    "IPv6:2001:db8::1",
]
NAMES = ["h.a.test", "a.test", "mx.x.test", "[10.9.8.7]", "[IPv6:2001:db8:0:0:0:0:0:9]", ""]
NAME_KEYS = [
    "h.a.test",
    "a.test",
    "test",
    "x.test",
    ".a.test",
    ".x.test",
    "[10.1.2.3]",
    "[10.1.2]",
    "[IPv6:2001:db8]",
    "[10.9.8.7]",
    "[10.9]",
    "[IPv6:2001:db8:0:0:0:0:0:9]",
]
VALUES = [
    "OK",
    "RELAY",
    "REJECT",
    "DISCARD",
    "SKIP",
    "ok",
    "relay",
    "Reject",
    "ERROR:5.7.1:550 Go away",
    'ERROR:"553 bad sender"',
    "ERROR:550 No,  thanks",
    "ERROR:4.2.2:450 try later",
    "QUARANTINE:held for review",
    "foo bar",
    "550 old style",
    "error:5.1.1:550 lower case",
    "OKR",
    "TEMP",
    "PERM",
    'ERROR:550 "quoted part" x',
    "ERROR:5.7.1:550 a, b: c/d@e",
    'QUARANTINE:"quoted  reason"',
    "ERROR:x.y.z:550 odd status",
    "?",
    "QUARANTINE:",
    "ERROR:",
    "ERROR:5.7.1:",
]
TLS_VALUES = [
    "VERIFY",
    "verify:112",
    "ENCR:128",
    "ENCR:0",
    "TEMP+VERIFY",
    "PERM+ENCR:64",
    "VERIFY+CN:x.test",
    "NO",
]
CLIENTS = [
    ("client.invalid", "192.0.2.254"),
    ("h.a.test", "10.1.2.3"),
    ("", ""),
    ("mx.x.test", "IPv6:2001:db8:1:0:0:0:0:5"),
    ("[10.9.8.7]", "10.9.8.7"),
    ("[IPv6:2001:db8:0:0:0:0:0:9]", "IPv6:2001:db8:0:0:0:0:0:9"),
]


def _doc(text: str) -> AccessDocument:
    doc = AccessDocument.from_text(text)
    assert isinstance(doc, AccessDocument)
    return doc


RESOLVE = [None, None, None, "OK", "FAIL", "FORGED", "TEMP"]


def _map(rng: random.Random) -> str:
    lines = []
    seen = set()
    for _ in range(rng.randint(10, 30)):
        tag = rng.choice(["Connect:", "From:", "To:", "", "connect:", "FROM:"])
        form = rng.randrange(6)
        dom = rng.choice(DOMAINS)
        user = rng.choice(USERS)
        if form == 0:
            body = rng.choice([dom, "." + dom])
        elif form == 1:
            body = f"{user}@{dom}" if rng.random() < 0.7 else f"{user.split('+')[0]}+*@{dom}"
        elif form == 2:
            body = f"{user}@" if rng.random() < 0.7 else f"{user.split('+')[0]}+*@"
        elif form == 3:
            body = rng.choice(IP_KEYS)
        else:
            body = rng.choice(NAME_KEYS)
        value = rng.choice(VALUES)
        if rng.random() < 0.12:
            tag, value = "TLS_Clt:", rng.choice(TLS_VALUES)
            body = rng.choice(["", *IP_KEYS[:5], *NAME_KEYS[:4]])
        if (tag + body).lower() not in seen:
            seen.add((tag + body).lower())
            lines.append(f"{tag}{body}\t{value}\n")
    return "".join(lines)


def _queries(rng: random.Random) -> list[Query]:
    out = []
    for _ in range(30):
        out.append(Query("connect", f"{rng.choice(NAMES)}:{rng.choice(IPS)}"))
        user = rng.choice(USERS)
        sender = rng.choice([f"{user}@{rng.choice(DOMAINS)}", user, "", f"{user}@localhost"])
        out.append(ResolvedQuery("from", sender, rng.choice(CLIENTS), resolve=rng.choice(RESOLVE)))
        rcpt = rng.choice([f"{rng.choice(USERS)}@{rng.choice(DOMAINS)}", rng.choice(USERS)])
        out.append(
            ResolvedQuery(
                "to",
                rcpt,
                rng.choice(CLIENTS),
                rng.choice([sender, "", "<>"]),
                resolve=rng.choice(RESOLVE),
            )
        )
    return out


def _ours(
    doc: AccessDocument,
    q: Query,
    features: frozenset[str],
    relay: tuple[str, ...] = (),
    local_names: tuple[str, ...] = LOCAL_NAMES,
) -> AccessDecision:
    client = Client(*q.client, resolve=getattr(q, "resolve", None))
    if q.kind == "connect":
        name, _, addr = q.arg.partition(":")
        return doc.check_connect(name, addr, features=features)
    if q.kind == "from":
        return doc.check_from(
            q.arg, client=client, features=features, local_names=local_names, host_name=HOST_NAME
        )
    return doc.check_to(
        q.arg,
        client=client,
        sender=q.sender,
        features=features,
        local_names=local_names,
        relay_domains=relay,
        host_name=HOST_NAME,
    )


def _class(d: AccessDecision, features: frozenset[str]) -> tuple[str, str | None, str | None]:
    if d.action in ("REJECT", "ERROR"):
        return "ERROR", d.code, d.reply
    if d.action == "QUARANTINE":
        return "QUARANTINE", None, d.reply
    if d.action == "DISCARD":
        return "DISCARD", None, None
    if d.check == "from" and d.action in ("OK", "RELAY"):
        return d.action, None, None
    if d.action == "RELAY" and "delay_checks" not in features:
        return "RELAY", None, None
    return "ACCEPT", None, None


def _theirs(result: str) -> tuple[str, str | None, str | None]:
    kind, code, text = classify(result)
    return kind, code, None if text is None else reply_text(text)


COMBOS = [
    frozenset(c) for n in range(len(FEATURES) + 1) for c in itertools.combinations(FEATURES, n)
]


@pytest.fixture(scope="module")
def access_oracles(oracle: oracle_mod.Oracle) -> Iterator[dict[frozenset[str], AccessOracle]]:
    dirs = []
    built: dict[frozenset[str], AccessOracle] = {}
    try:
        for combo in COMBOS:
            d = oracle_mod.workdir()
            dirs.append(d)
            built[combo] = ResolvingAccessOracle(oracle, d, combo)
        yield built
    finally:
        for d in dirs:
            shutil.rmtree(d, ignore_errors=True)


def _compare(
    ao: AccessOracle,
    combo: frozenset[str],
    seed: str,
    cases: int,
    local_names: tuple[str, ...] = LOCAL_NAMES,
) -> None:
    rng = random.Random(seed + ",".join(sorted(combo)))
    mismatches: list[str] = []
    for case in range(cases):
        source = _map(rng)
        queries = _queries(rng)
        if "delay_checks" in combo:
            # check_relay and check_mail do not exist then (see test_delay_checks_rulesets);
            # everything happens in check_rcpt
            queries = [q for q in queries if q.kind == "to"]
        ao.load(source.encode())
        doc = _doc(source)
        for q, result in zip(queries, ao.ask(queries), strict=True):
            ours = _class(_ours(doc, q, combo, ao.relay_domains, local_names), combo)
            theirs = _theirs(result)
            if ours != theirs:
                mismatches.append(f"case {case} {q}: ours {ours} sendmail {theirs} ({result})")
        if mismatches:
            mismatches.insert(0, "map:\n" + source)
            break
    assert not mismatches, "\n".join(mismatches[:12])


@pytest.mark.oracle
@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "+".join(sorted(c)) or "plain")
def test_decisions_match_sendmail(
    access_oracles: dict[frozenset[str], AccessOracle], combo: frozenset[str]
) -> None:
    _compare(access_oracles[combo], combo, "access:", 1)


@pytest.mark.oracle
@pytest.mark.slow
@pytest.mark.parametrize("combo", COMBOS, ids=lambda c: "+".join(sorted(c)) or "plain")
def test_decisions_match_sendmail_long(
    access_oracles: dict[frozenset[str], AccessOracle], combo: frozenset[str]
) -> None:
    _compare(access_oracles[combo], combo, "access-long:", 8)


SMTP_MAP = """\
From:err.test\tERROR:5.7.1:550 No,  thanks see https://example.org/x
From:q.test\tERROR:"550 No,  thanks"
From:r.test\tERROR:550 "quoted part" x
From:t.test\tfoo bar
From:u.test\tREJECT
From:v.test\tERROR:4.2.2:450 try later
From:w.test\tQUARANTINE:held
To:gone@oracle.invalid\tERROR:5.1.1:550 User gone
To:bad@\tREJECT
"""


@pytest.mark.oracle
def test_smtp_replies(oracle: oracle_mod.Oracle) -> None:
    """The reply texts really sent in an SMTP session (sendmail -bs) equal smtp_reply()."""
    d = oracle_mod.workdir()
    try:
        ao = AccessOracle(oracle, d, {"blocklist_recipients"})
        ao.load(SMTP_MAP.encode())
        doc = _doc(SMTP_MAP)
        senders = [f"a@{t}.test" for t in "qrtuvwx"] + ["a@err.test"]
        rcpts = ["gone@oracle.invalid", "bad@localhost", "ok@localhost"]
        lines = ["EHLO client.example"]
        for s in senders:
            lines += [f"MAIL FROM:<{s}>", "RSET"]
        lines += ["MAIL FROM:<a@x.test>", *(f"RCPT TO:<{r}>" for r in rcpts), "QUIT"]
        replies = smtp_session(ao, lines)
        assert len(replies) == len(lines) + 1 and replies[0].startswith("220 ")
        local = Client("localhost", "")
        feats = ["blocklist_recipients"]
        for i, s in enumerate(senders):
            got = replies[2 + 2 * i]
            want = doc.check_from(s, client=local, host_name=HOST_NAME).smtp_reply(s)
            if want is None:
                assert got.startswith("250 "), (s, got)
            else:
                assert got == want, (s, got, want)
        base = 2 + 2 * len(senders) + 1
        for j, r in enumerate(rcpts):
            got = replies[base + j]
            want = doc.check_to(
                r, client=local, features=feats, local_names=LOCAL_NAMES, host_name=HOST_NAME
            ).smtp_reply(r)
            if want is None:
                assert got.startswith("250 "), (r, got)
            else:
                assert got == want, (r, got, want)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.oracle
def test_delay_checks_rulesets(access_oracles: dict[frozenset[str], AccessOracle]) -> None:
    """Under delay_checks nothing is decided at connection or MAIL time: the rulesets
    check_relay and check_mail are renamed and called from check_rcpt."""
    cf = access_oracles[frozenset({"delay_checks"})].cf.read_text(encoding="latin-1")
    names = set(re.findall(r"(?m)^S([A-Za-z_]+)", cf))
    assert {"checkrelay", "checkmail", "checkrcpt", "check_rcpt"} <= names
    assert not names & {"check_relay", "check_mail"}
    doc = _doc("Connect:192.0.2\tREJECT\nFrom:a@b.test\tREJECT\n")
    assert doc.check_connect("", "192.0.2.1", features=["delay_checks"]).action is None
    assert doc.check_from("a@b.test", features=["delay_checks"]).action is None


@pytest.mark.oracle
@pytest.mark.parametrize("features", [(), ("relay_hosts_only",), ("lookupdotdomain", "skip")])
def test_relay_domains_match_sendmail(oracle: oracle_mod.Oracle, features: tuple[str, ...]) -> None:
    """RELAY_DOMAIN (class R): recipients under it, and clients whose address starts with it."""
    d = oracle_mod.workdir()
    try:
        ao = ResolvingAccessOracle(oracle, d, features, relay_domains=("x.test", "10.1", "a.test"))
        _compare(ao, frozenset(features), "access-relay:", 1)
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.oracle
@pytest.mark.parametrize(
    "features", [("blocklist_recipients",), ("blocklist_recipients", "delay_checks")]
)
def test_blocklist_for_own_names_matches_sendmail(
    oracle: oracle_mod.Oracle, features: tuple[str, ...]
) -> None:
    """blocklist_recipients with more names in class w (LOCAL_DOMAIN / --local)."""
    d = oracle_mod.workdir()
    try:
        ao = ResolvingAccessOracle(oracle, d, features, local_domains=("a.test", "x.test"))
        _compare(ao, frozenset(features), "access-local:", 2, (*LOCAL_NAMES, "a.test", "x.test"))
    finally:
        shutil.rmtree(d, ignore_errors=True)


RESOLVE_MAP = "Connect:[192.0.2.7]\tRELAY\nConnect:[IPv6:2001:db8:0:0:0:0:0:7]\tRELAY\n"


@pytest.mark.oracle
@pytest.mark.parametrize("status", [None, "OK", "FAIL", "FORGED", "TEMP"])
def test_client_resolve_is_checked_before_connect_names(
    oracle: oracle_mod.Oracle, status: str | None
) -> None:
    """Relay_ok tests ${client_resolve} before any Connect:NAME key: a client without
    reverse DNS (named [ip] by daemon.c, resolve FAIL) is not relayed by Connect:[ip]."""
    d = oracle_mod.workdir()
    try:
        ao = ResolvingAccessOracle(oracle, d, ())
        ao.load(RESOLVE_MAP.encode())
        doc = _doc(RESOLVE_MAP)
        clients = [
            ("[192.0.2.7]", "192.0.2.7"),
            ("[IPv6:2001:db8:0:0:0:0:0:7]", "IPv6:2001:db8:0:0:0:0:0:7"),
            ("h.example", "192.0.2.8"),
        ]
        queries = [ResolvedQuery("to", "u@z.example", c, resolve=status) for c in clients]
        for q, result in zip(queries, ao.ask(queries), strict=True):
            ours = _ours(doc, q, frozenset())
            assert _class(ours, frozenset()) == _theirs(result), (q, result)
        first = _ours(doc, queries[0], frozenset())
        if status in (None, "FAIL"):
            assert first.smtp_reply() == (
                "550 5.7.1 Relaying denied. IP name lookup failed [192.0.2.7]"
            )
    finally:
        shutil.rmtree(d, ignore_errors=True)


@pytest.mark.oracle
def test_null_sender_under_delay_checks(oracle: oracle_mod.Oracle) -> None:
    """MAIL FROM:<> leaves $f empty (setsender), so delay_checks' sender check passes
    in a real session; only the client's and the recipient's checks remain."""
    d = oracle_mod.workdir()
    try:
        feats = {"delay_checks", "blocklist_recipients"}
        ao = ResolvingAccessOracle(oracle, d, feats)
        source = "To:x@oracle.invalid\tREJECT\n"
        ao.load(source.encode())
        replies = smtp_session(
            ao,
            [
                "HELO c.example",
                "MAIL FROM:<>",
                "RCPT TO:<y@oracle.invalid>",
                "RCPT TO:<x@oracle.invalid>",
                "QUIT",
            ],
        )
        assert replies[3].startswith("250 ") and replies[4].startswith("550 5.2.1 ")
        doc = _doc(source)
        local = Client("localhost", "")
        for rcpt, reply in (("y@oracle.invalid", replies[3]), ("x@oracle.invalid", replies[4])):
            d_ = doc.check_to(
                rcpt,
                client=local,
                sender="<>",
                features=feats,
                local_names=LOCAL_NAMES,
                host_name=HOST_NAME,
            )
            want = d_.smtp_reply(rcpt)
            assert (want is None and reply.startswith("250 ")) or reply == want, (rcpt, reply)
    finally:
        shutil.rmtree(d, ignore_errors=True)
