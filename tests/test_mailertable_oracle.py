"""Differential tests: every route ``resolve`` gives equals real sendmail 8.17's ``/parse``.

One .cf per FEATURE(`mailertable') flag combination (the .cf depends only on
the map's path and flags); per generated map, makemap rebuilds the .db and
ONE ``sendmail -bt`` process answers every address, with ``-d60.5`` so the
keys it looked up can be compared too.
"""

from __future__ import annotations

import random
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendmailcfg.maps.mailertable import MailertableDocument
from sendmailcfg.maps.routing import STANDARD_MAILERS
from tests import oracle as oracle_mod

pytestmark = pytest.mark.oracle

LINE = re.compile(r"^mailer (\S+)(?:, host (.*?))?, user (.*)$", re.M)
LOOKUP = re.compile(r"^map_lookup\(mailertable, (.*?), %0=", re.M)
ORACLE_NAMES = ("oracle.invalid",)  # class w of the offline .cf (and localhost)


class Setup:
    """A built .cf for one flag combination; ``ask`` answers addresses for a map."""

    def __init__(self, o: oracle_mod.Oracle, folder: Path, kflags: str, extra: str = "") -> None:
        self.o = o
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.map = folder / "mailertable"
        mc = o.offline_mc(
            folder, extra + f"FEATURE(`mailertable', `hash {kflags}-o {self.map}')dnl\n"
        )
        cf, err, status = o.mc2cf(mc)
        assert status == 0, err
        self.cf = folder / "oracle.cf"
        self.cf.write_text(cf)

    def ask(
        self, source: str, addresses: list[str], makemap_flags: tuple[str, ...] = ()
    ) -> list[tuple[tuple[str, str, str], list[str]]]:
        status, msg = self.o.makemap(list(makemap_flags), "hash", self.map, source.encode())
        assert status in (0, 65), msg  # 65: duplicate keys reported, map still built
        outs = self.o.run_bt_each(self.cf, ["-d60.5", *("/parse " + a for a in addresses)])[1:]
        answers = []
        for out in outs:
            found = list(LINE.finditer(out))
            if found:
                m = found[-1]
                triple = (m.group(1), "-" if m.group(2) is None else m.group(2), m.group(3))
            else:
                raise AssertionError(out)
            answers.append((triple, LOOKUP.findall(out)))
        return answers


@pytest.fixture(scope="module")
def setups(oracle: oracle_mod.Oracle) -> Iterator[dict[str, Setup]]:
    root = oracle_mod.workdir()
    try:
        yield {
            "plain": Setup(oracle, root / "plain", ""),
            "f": Setup(oracle, root / "f", "-f "),
            "smart": Setup(
                oracle, root / "smart", "", "define(`SMART_HOST', `relay.example.net')dnl\n"
            ),
            "smart-mailer": Setup(
                oracle, root / "smartm", "", "define(`SMART_HOST', `esmtp:[smart.example]')dnl\n"
            ),
            "literals-local": Setup(oracle, root / "literals", "", LITERALS_LOCAL_MC),
        }
    finally:
        shutil.rmtree(root, ignore_errors=True)


def ours(
    doc: MailertableDocument,
    address: str,
    smart_host: str | None = None,
    local_names: tuple[str, ...] = ORACLE_NAMES,
) -> tuple[tuple[str, str, str], list[str]]:
    r = doc.resolve(
        address, local_names=local_names, smart_host=smart_host, mailers=STANDARD_MAILERS
    )
    route = r.route
    triple = (route.mailer, "-" if route.host is None else route.host, route.user or "")
    return triple, [p.key for p in r.tried]


def compare(
    setup: Setup,
    source: str,
    addresses: list[str],
    *,
    fold: bool = True,
    smart_host: str | None = None,
    makemap_flags: tuple[str, ...] = (),
    local_names: tuple[str, ...] = ORACLE_NAMES,
) -> None:
    doc = MailertableDocument.from_text(source, fold_keys=fold)
    theirs = setup.ask(source, addresses, makemap_flags)
    problems = []
    for address, (their_triple, their_keys) in zip(addresses, theirs, strict=True):
        our_triple, our_keys = ours(doc, address, smart_host, local_names)
        if our_triple != their_triple or our_keys != their_keys:
            problems.append(
                f"{address}: sendmail {their_triple} tried {their_keys}\n"
                f"{' ' * len(address)}  ours     {our_triple} tried {our_keys}"
            )
    assert not problems, "map:\n" + source + "\n" + "\n".join(problems)


# -- the maps of observed-semantics.md §2 ---------------------------------------------------

MT1 = """\
a.b.example.com	smtp:exact.relay
.b.example.com	smtp:b-dot.relay
.example.com	esmtp:ex-dot.relay
example.org	smtp:org-nodot
nomailer.example	plainrelay
err.example	error:nouser:No such user
err2.example	error:550 Go away
err3.example	error:5.1.1:550 User unknown
"""
MT1_ADDRESSES = [
    "u@a.b.example.com",
    "u@x.b.example.com",
    "u@b.example.com",
    "u@y.example.com",
    "u@example.com",
    "u@example.org",
    "u@sub.example.org",
    "u@nomailer.example",
    "u@err.example",
    "u@err2.example",
    "u@err3.example",
    "u@[192.0.2.1]",
    "bad@@x",
    "u@A.B.EXAMPLE.COM",
]
MT2 = """\
pct.example.com	smtp:k%0-a%1-b%2.relay
.pct.example.com	smtp:k%0-a%1-b%2.relay
.	smtp:dot-%0-%1.relay
loc.example	local:bob
loc2.example	local:
lit.example	esmtp:[10.0.0.1]
uh.example	smtp:fred@relay.example
port.example	esmtp:[relay.example]:2525
UPPER.example	smtp:upper
[192.0.2.1]	smtp:iplit
"""
MT2_ADDRESSES = [
    "u@pct.example.com",
    "u@x.y.pct.example.com",
    "u@foo.bar",
    "u@single",
    "u@loc.example",
    "u@loc2.example",
    "u@lit.example",
    "u@uh.example",
    "u@port.example",
    "u@upper.EXAMPLE",
    "u@[192.0.2.1]",
    "u@oracle.invalid",
    "u@localhost",
]


def test_observed_maps_mt1_mt2(setups: dict[str, Setup]) -> None:
    compare(setups["plain"], MT1, MT1_ADDRESSES)
    compare(setups["plain"], MT2, MT2_ADDRESSES)


def test_observed_smart_host(setups: dict[str, Setup]) -> None:
    source = ".example.com smtp:mt.relay\n"
    addresses = ["u@a.example.com", "u@other.org", "u@[192.0.2.1]", "u@localhost", "u@single"]
    compare(setups["smart"], source, addresses, smart_host="relay.example.net")
    compare(setups["smart-mailer"], source, addresses, smart_host="esmtp:[smart.example]")


# -- IP literals: sendmail routes them to the address, never through the mailertable -----

LITERALS_LOCAL = ("[192.0.2.5]", "[IPv6:2001:db8::5]")
LITERALS_LOCAL_MC = "".join(f"LOCAL_DOMAIN(`{name}')dnl\n" for name in LITERALS_LOCAL)
LITERAL_MAP = ".\tsmtp:dot\n[IPv6:2001:db8::1]\tsmtp:v6key\n[192.0.2.9]\tsmtp:v4key\n"
LITERAL_ADDRESSES = [
    "u@[IPv6:2001:db8::1]",
    "u@[IPv6:2001:DB8::2]",
    "u@[ipv6:2001:db8::1]",  # the recipient is rewritten with the tag IPv6
    "U.Ser+d@[IPv6:::1]",
    "u@[IPv6:::ffff:192.0.2.1]",
    "u@[IPv6:zz]",  # not checked as an address
    "u@[IPv6:2001:db8::1].",
    "u@[IPv6:1::2]x",
    "u@[192.0.2.1]",
    "u@[192.0.2.9]",
    "u@[192.0.2.1].",
    "u@[300.1.1.1]",
    "u@[foo.example]",
]


def test_ip_literals_are_routed_to_the_address(setups: dict[str, Setup]) -> None:
    compare(setups["plain"], LITERAL_MAP, LITERAL_ADDRESSES)
    compare(setups["smart"], LITERAL_MAP, LITERAL_ADDRESSES, smart_host="relay.example.net")


def test_ip_literals_of_this_host_are_delivered_locally(setups: dict[str, Setup]) -> None:
    addresses = [
        "u@[192.0.2.5]",
        "u@[IPv6:2001:db8::5]",
        "u@[IPv6:2001:DB8::5]",
        "u@[ipv6:2001:db8::5]",
        "U.Ser@[192.0.2.5]",
        "u@[192.0.2.1]",
    ]
    compare(
        setups["literals-local"],
        LITERAL_MAP,
        addresses,
        local_names=(*ORACLE_NAMES, *LITERALS_LOCAL),
    )


def test_case_sensitive_map_built_with_f(setups: dict[str, Setup]) -> None:
    source = "A.example smtp:upper\n.B.example smtp:dot-upper\n.b.example smtp:dot-lower\n"
    addresses = ["u@A.example", "u@a.example", "u@x.B.example", "u@x.b.example", "u@X.b.EXAMPLE"]
    compare(setups["f"], source, addresses, fold=False, makemap_flags=("-f",))


def test_unknown_mailer(setups: dict[str, Setup]) -> None:
    # sendmail -bt stops reading commands at random after "buildaddr: unknown mailer"
    # (exit 70), so the address that meets one goes last, and generated maps avoid them.
    source = "unk.example nosuch:relay.example\n.pct.example %1:relay.example\n"
    compare(setups["plain"], source, ["u@a.example", "u@unk.example"])
    compare(setups["plain"], source, ["u@smtp.pct.example", "u@MX.pct.example"][:1])
    compare(setups["plain"], source, ["u@mx.pct.example"])


# -- generated maps ------------------------------------------------------------------------

LABELS = ["a", "b", "ex", "Mx", "q-1", "jp", "takaq", "B", "mail2", "x+y"]
VALUES = [
    "smtp:relay.example",
    "esmtp:[10.0.0.1]",
    "smtp:[mail2.takaq.jp]",
    "relay:a.example:b.example",
    "smtp:a.example,b.example",
    "smtp:fred@relay.example",
    "smtp:fred@relay.example.",
    "local:bob",
    "local:Bob",
    "local:",
    "local:bob@elsewhere.example",
    "LOCAL:bob",
    "error:5.1.1:550 User unknown",
    "error:nouser:No such user",
    "error:550 Go away",
    'error:"quoted":text',
    "error:5.1:text",
    "error::text",
    "ERROR:4.2.2:try later",
    "error:",
    "esmtp:",
    "smtp:k%0-a%1-b%2.relay",
    "error:5.1.1:k%0-a%1-b%2",
    "local:%2",
    "smtp:p%%c%9",
    "smtp:%1",
    "smtp:%2.%1.relay",
    "plainrelay",
    "host.like.value",
    "relay.example.com.",
    ".b.jp",
    "[smtp]:relay",
    "[relay.example]",
    "prog:foo",
    "SMTP:upper.example",
    "dsmtp:d.example",
    "smtp8:e.example",
    "smtp:x y",
    "smtp:relay.example.",
    "smtp:oracle.invalid",
    "esmtp:[relay.example]:2525",
]


SEPARATORS = ["\t", " ", "  "]


PIECES = ["relay", "x", ".", "[", "]", ":", "@", "%1", "%2", "%0", "%%", " ", "5", "1", ",", "-"]
MAILERS = ["smtp", "esmtp", "relay", "local", "error", "ERROR", "Local", "prog"]


def fuzzed_value(rng: random.Random) -> str:
    """``mailer:`` plus random pieces: exercises ruleset 95 beyond the usual forms."""
    rest = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6))).rstrip(" ")
    head = rng.choice(MAILERS) + ":" if rng.random() < 0.85 else ""
    value = (head + rest).lstrip(" ")
    if not head:
        # no "%0" in values that do not route: they can feed back into themselves
        # (sendmail's recursion limit is tested on its own)
        value = value.replace("%0", "").rstrip(" ")
    return value or "x"


def _host(rng: random.Random, n: int) -> str:
    return ".".join(rng.choice(LABELS) for _ in range(n))


def generated_map(rng: random.Random, fuzz: float = 0.0) -> tuple[str, list[str]]:
    """A map of exact, dot and ``.`` keys, and addresses around its domains."""
    domains = [_host(rng, rng.randint(1, 3)) for _ in range(rng.randint(2, 7))]
    lines = []
    for d in domains:
        for key in rng.sample([d, "." + d, d.upper(), "." + d.swapcase()], rng.randint(1, 2)):
            value = fuzzed_value(rng) if rng.random() < fuzz else rng.choice(VALUES)
            lines.append(key + rng.choice(SEPARATORS) + value)
    if rng.random() < 0.4:
        lines.append(f".\t{rng.choice(VALUES)}")
    rng.shuffle(lines)
    addresses = []
    for _ in range(30):
        base = rng.choice([*domains, _host(rng, 2)])
        host = ".".join([*(rng.choice(LABELS) for _ in range(rng.randint(0, 2))), base])
        host = rng.choice([host, host, host.upper(), host + "."])
        addresses.append(rng.choice(["u", "U", "u+d", "first.last"]) + "@" + host)
    addresses += ["u@[192.0.2.7]", "u@localhost", "u@Oracle.Invalid", "u@single"]
    addresses += ["u@[IPv6:2001:db8::7]", "U@[ipv6:2001:DB8::7]"]
    newline = "\r\n" if rng.random() < 0.2 else "\n"
    return "".join(line + newline for line in lines), addresses


@pytest.mark.parametrize("seed", range(12))
def test_generated_maps_agree_with_sendmail(setups: dict[str, Setup], seed: int) -> None:
    rng = random.Random(seed)
    source, addresses = generated_map(rng)
    compare(setups["plain"], source, addresses)


@pytest.mark.parametrize("seed", range(3))
def test_generated_maps_with_f(setups: dict[str, Setup], seed: int) -> None:
    source, addresses = generated_map(random.Random(1000 + seed))
    compare(setups["f"], source, addresses, fold=False, makemap_flags=("-f",))


@pytest.mark.parametrize("seed", range(3))
def test_generated_maps_with_smart_host(setups: dict[str, Setup], seed: int) -> None:
    source, addresses = generated_map(random.Random(2000 + seed))
    compare(setups["smart"], source, addresses, smart_host="relay.example.net")


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(seed=st.integers(min_value=0, max_value=2**32))
def test_hypothesis_generated_maps(setups: dict[str, Setup], seed: int) -> None:
    source, addresses = generated_map(random.Random(seed))
    compare(setups["plain"], source, addresses)


@pytest.mark.parametrize("seed", range(10))
def test_fuzzed_values_agree_with_sendmail(setups: dict[str, Setup], seed: int) -> None:
    source, addresses = generated_map(random.Random(3000 + seed), fuzz=0.7)
    compare(setups["plain"], source, addresses)
