"""UUCP addresses against real sendmail 8.17: the model routes them as the cf rules do.

Without ``FEATURE(`nouucp')`` ruleset 3 reads ``host!user`` as ``user@host.UUCP`` (a
dotted first hop, ``a.b!user``, as ``user@a.b``); ruleset 0 then tries the mailertable,
``UUCP_RELAY`` (``$Y``), ``MAILER(`uucp')`` (``uucp-old``, or ``confUUCP_MAILER``),
SMART_HOST and at last esmtp to ``host.uucp.``; each mailer's recipient rulesets and the
final ruleset write the user back in ``!`` form. With ``nouucp`` a ``!`` path is a local
user and ``.UUCP`` a domain like any other. Each configuration below is rendered by the
real m4 and asked with ``sendmail -bt`` ``/parse`` for every address; the model must give
the same triple.
"""

from __future__ import annotations

import itertools
import shutil

import pytest

from sendmailcfg.site import Site, load_site, route, sender
from tests.oracle import ORACLE_HOST, Oracle, workdir
from tests.oracle.site import SiteOracle, map_feature
from tests.test_site_oracle import Config, check_routes

ADDRESSES = (
    "host!ken",
    "ken@host.UUCP",
    "ken@HOST.UUCP",
    "ken@host.uucp.",
    "a!b!ken",
    "a!b.c!ken",
    "my-host!root",
    "x.y!ken",
    "gw.example.org!u!ken",
    "ken@x.y.UUCP",
    "a!ken@x.y.UUCP",
    "ken%host.UUCP",
    "host.UUCP!ken",
    "oracle!ken",
    "oracle.invalid!ken",
    "ken@localhost.UUCP",
    "host!ken@oracle.invalid",
    "host!ken@localhost",
    "host!ken@elsewhere.example",
    "ken@special.UUCP",
    "!ken",
    "host!",
    "bob+list@host.UUCP",
)

RELAYS = {
    "": "",
    "relay": "define(`UUCP_RELAY', `uurelay.example')dnl\n",
    "relay-mailer": "define(`UUCP_RELAY', `esmtp:[uurelay.example]')dnl\n",
}
MAILERS = {
    "": "",
    "uucp": "MAILER(`uucp')dnl\n",
    "uucp-new": "define(`confUUCP_MAILER', `uucp-new')dnl\nMAILER(`uucp')dnl\n",
}
SMART = {"": "", "smart": "define(`SMART_HOST', `smart.example')dnl\n"}
TABLES = {
    "": None,
    "mailertable": ".UUCP esmtp:[dotuucp.example]\nspecial.UUCP uucp-new:gw\nx.y.UUCP esmtp:x.y\n",
}
CONFIGS = [
    (f"{r}/{m}/{s}/{t}", RELAYS[r] + SMART[s] + MAILERS[m], TABLES[t])
    for r, m, s, t in itertools.product(RELAYS, MAILERS, SMART, TABLES)
]
QUICK = {"//smart/", "relay/uucp//", "/uucp//mailertable", "relay-mailer///"}


def _check(oracle: Oracle, body: str, table: str | None) -> int:
    folder = workdir()
    try:
        maps = {} if table is None else {"mailertable": table}
        if table is not None:
            body = map_feature("mailertable", folder) + body
        so = SiteOracle(oracle, folder, body, maps)
        site = load_site(folder / "sendmail.mc", hostname=ORACLE_HOST)
        wrong = []
        for address, real in zip(ADDRESSES, so.parse(ADDRESSES), strict=True):
            d = route(site, address)
            got = (d.parse.mailer, d.parse.host, d.parse.user)
            if got != (real.mailer, real.host, real.user):
                wrong.append(f"{address}: sendmail {real}, model {got}\n{d.explain()}")
        assert wrong == [], "\n".join(wrong)
        return len(ADDRESSES)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize(("name", "body", "table"), [c for c in CONFIGS if c[0] in QUICK])
def test_uucp_addresses_route_as_sendmail(
    oracle: Oracle, name: str, body: str, table: str | None
) -> None:
    assert _check(oracle, body, table) == len(ADDRESSES)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "body", "table"), CONFIGS)
def test_uucp_addresses_route_as_sendmail_everywhere(
    oracle: Oracle, name: str, body: str, table: str | None
) -> None:
    """Every combination of UUCP_RELAY, MAILER(`uucp'), SMART_HOST and a mailertable."""
    assert _check(oracle, body, table) == len(ADDRESSES)


@pytest.mark.parametrize("option", ["reject", "nospecial"])
def test_with_nouucp_bang_paths_are_local_and_uucp_a_domain(oracle: Oracle, option: str) -> None:
    assert _check(oracle, f"FEATURE(`nouucp', `{option}')dnl\n", None) == len(ADDRESSES)


def test_with_nouucp_uucp_hosts_route_as_sendmail(oracle: Oracle) -> None:
    cfg = Config(
        "nouucp",
        "FEATURE(`nouucp', `reject')dnl\n",
        hosts=("host.UUCP", "gw.uucp"),
    )
    assert check_routes(oracle, cfg) > 20


def test_uucp_hosts_among_the_usual_addresses(oracle: Oracle) -> None:
    """The usual users (plus detail, unknown ones) at .UUCP hosts, ruleset 5 included."""
    cfg = Config("uucp", "MAILER(`uucp')dnl\n", hosts=("host.UUCP", "gw.uucp"))
    assert check_routes(oracle, cfg) > 20


def test_the_steps_say_how_ruleset_3_read_the_path() -> None:
    site = Site.from_text("MAILER(`smtp')dnl\nMAILER(`uucp')dnl\n", hostname="mx.example")
    d = route(site, "a!b!ken")
    assert (d.mailer, d.host, d.user, d.decided_by) == ("uucp-old", "a", "a!b!ken", "uucp")
    assert "a!b!ken is a UUCP path: ruleset 3 reads it as b!ken@a.UUCP" in d.explain()
    relay = Site.from_text(
        "define(`UUCP_RELAY', `uu.example')dnl\nMAILER(`smtp')dnl\n", hostname="mx.example"
    )
    d = route(relay, "ken@host.UUCP")
    assert (d.mailer, d.host, d.user, d.decided_by) == (
        "relay",
        "uu.example",
        "host!ken",
        "uucp-relay",
    )
    assert "UUCP_RELAY uu.example takes mail for .UUCP hosts" in d.explain()


@pytest.mark.parametrize("address", ["!a!ken", "a+b!ken", "ken%h!x"])
def test_paths_no_rule_is_modelled_for_are_refused(address: str) -> None:
    with pytest.raises(ValueError, match=r"UUCP.*route --engine cf"):
        route(Site.from_text("MAILER(`smtp')dnl\n"), address)


SENDER_BODIES = {
    "plain": "",
    "masquerade": "MASQUERADE_AS(`masq.example')dnl\n",
    "masquerade_envelope": (
        "MASQUERADE_AS(`masq.example')dnl\nFEATURE(`masquerade_envelope')dnl\n"
        "FEATURE(`allmasquerade')dnl\n"
    ),
    "relay": "define(`UUCP_RELAY', `uurelay.example')dnl\n",
    "relay-mailer": (
        "define(`UUCP_RELAY', `esmtp:[uurelay.example]')dnl\nMASQUERADE_AS(`masq.example')dnl\n"
    ),
    "uucp": "MAILER(`uucp')dnl\n",
    "nouucp": "FEATURE(`nouucp', `reject')dnl\n",
    "always_add_domain": "FEATURE(`always_add_domain')dnl\n",
}
SENDERS = (
    "host!ken",
    "ken@host.UUCP",
    "a!b!ken",
    "x.y!ken",
    "ken@x.y.UUCP",
    "host!ken@elsewhere.example",
    "ken@localhost.UUCP",
    "oracle.invalid!ken",
    "!ken",
    "host!",
    "root@host.UUCP",
)


@pytest.mark.parametrize("name", list(SENDER_BODIES))
def test_uucp_senders_are_written_as_sendmail_writes_them(oracle: Oracle, name: str) -> None:
    """``/try MAILER ADDRESS`` (envelope and header) for esmtp, relay and local: the SMTP
    mailers' PseudoToReal writes ``u@h.UUCP`` as ``h!u@$j`` (at UUCP_RELAY's host when
    set), masquerading then applies; ruleset 4 writes ``h!u`` for the local mailer."""
    folder = workdir()
    try:
        so = SiteOracle(oracle, folder, SENDER_BODIES[name])
        site = load_site(folder / "sendmail.mc", hostname=ORACLE_HOST)
        wrong = []
        for mailer in ("esmtp", "relay", "local"):
            for address, real in zip(SENDERS, so.sender(mailer, SENDERS), strict=True):
                f = sender(site, address, mailer=mailer)
                if (f.envelope, f.header) != real:
                    wrong.append(f"{mailer} {address}: sendmail {real}, model {f.explain()}")
        assert wrong == [], "\n".join(wrong)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("address", ["!a!ken", "a+b!ken"])
def test_sender_refuses_paths_no_rule_is_modelled_for(address: str) -> None:
    with pytest.raises(ValueError, match=r"UUCP.*sender --engine cf"):
        sender(Site.from_text("MAILER(`smtp')dnl\n"), address)
