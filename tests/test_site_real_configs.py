"""What real configurations use, against real sendmail 8.17 (issue 22 item 4).

Each case is a piece of the long tail found in real ``.mc`` files; the model
either follows it (a differential test here, as in ``tests/test_site_oracle.py``)
or lists it in :attr:`Site.unmodelled <sendmailcfg.site.Site.unmodelled>`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sendmailcfg.cli import main
from sendmailcfg.mc import parse_mc
from sendmailcfg.site import Site, route, sender
from tests.oracle import Oracle
from tests.test_site_oracle import Config, check_routes, check_senders

REDIRECT = Config(
    "redirect",
    "FEATURE(`redirect')dnl\n",
    hosts=(
        "new.example.REDIRECT",
        "a.redirect",
        "x.y.Redirect",
        "REDIRECT",
        "oracle.invalid.REDIRECT",
    ),
)


@pytest.mark.oracle
def test_redirect_is_a_551_naming_the_new_address(oracle: Oracle) -> None:
    assert check_routes(oracle, REDIRECT) > 0


def test_redirect_without_sendmail() -> None:
    site = Site.from_text(
        "FEATURE(`redirect')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n", hostname="h.example"
    )
    d = route(site, "ken@new.example.REDIRECT")
    assert (d.mailer, d.host, d.user) == (
        "*error*",
        "5.1.1",
        '"551 User has moved; please try "<ken@new.example>',
    )
    assert site.unmodelled == ()


@pytest.mark.parametrize(
    ("mc", "listed"),
    [
        ("FEATURE(`ldap_routing')dnl\n", "FEATURE(`ldap_routing')"),
        ("FEATURE(`nosuchfeature')dnl\n", "FEATURE(`nosuchfeature')"),
        ("LOCAL_RULE_0\nR$* < @ x . > $*\t$#local $: $1\n", "LOCAL_RULE_0"),
        ("LOCAL_RULESETS\nSLocal_check_rcpt\n", "LOCAL_RULESETS"),
        ("ifelse(X, `1', `define(`SMART_HOST', `a')')dnl\n", "ifelse(...)"),
        ("include(`/etc/mail/m4/provider.m4')dnl\n", "include(`/etc/mail/m4/provider.m4')"),
        ("DOMAIN(`our-own')dnl\n", "DOMAIN(`our-own')"),
    ],
)
def test_what_the_model_does_not_follow_is_listed(mc: str, listed: str) -> None:
    site = Site(parse_mc("OSTYPE(`linux')dnl\n" + mc))
    assert [u.value for u in site.unmodelled] == [listed]
    assert site.unmodelled[0].line == 2


def test_modelled_and_neutral_features_are_not_listed() -> None:
    mc = "".join(
        f"FEATURE(`{f}')dnl\n"
        for f in ("access_db", "mailertable", "virtusertable", "use_cw_file", "redirect")
    )
    assert Site(parse_mc(mc)).unmodelled == ()


def test_route_lists_what_it_does_not_model(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sendmail.mc").write_text(
        "OSTYPE(`linux')dnl\nFEATURE(`ldap_routing')dnl\n", encoding="utf-8"
    )
    args = ["--config", str(tmp_path), "--hostname", "h.example", "ken@x.example"]
    assert main(["route", "--json", *args]) == 0
    out, err = capsys.readouterr()
    (answer,) = json.loads(out)
    assert answer["unmodelled"] == [
        {
            "what": "FEATURE(`ldap_routing')",
            "why": "the model does not run its rules",
            "path": str(tmp_path / "sendmail.mc"),
            "line": 2,
        }
    ]
    assert "warning: " in err and "FEATURE(`ldap_routing') is not modelled" in err
    assert main(["sender", *args]) == 0
    assert "FEATURE(`ldap_routing') is not modelled" in capsys.readouterr().err


def test_route_json_has_no_unmodelled_key_when_all_is_modelled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "sendmail.mc").write_text("OSTYPE(`linux')dnl\n", encoding="utf-8")
    args = ["--config", str(tmp_path), "--hostname", "h.example", "ken@x.example"]
    assert main(["route", "--json", *args]) == 0
    out, err = capsys.readouterr()
    assert "unmodelled" not in json.loads(out)[0] and "warning" not in err


# -- msp, nullclient, macros in values: the real .mc files that use them -----------------------

CORPUS_FILES = [
    "freebsd/freebsd.submit.mc",  # FEATURE(`msp', `[127.0.0.1]')
    "openbsd/openbsd-submit.mc",
    "openbsd/saruman.mc",  # FEATURE(`nullclient', `gandalf.$m')
    "dragonfly/freefall.mc",
    "freebsd/freebsd.mc",  # FEATURE(`redirect')
]


@pytest.mark.oracle
@pytest.mark.parametrize("name", CORPUS_FILES)
def test_real_configurations_route_as_sendmail(oracle: Oracle, name: str) -> None:
    from tests.oracle.corpus import CORPUS, measure

    got = measure(oracle, CORPUS / name)
    assert not isinstance(got, str), got
    agree, asked, wrong = got
    assert wrong == [] and agree == asked


def test_msp_sends_every_local_recipient_to_the_mta() -> None:
    site = Site.from_text(
        "define(`confDOMAIN_NAME', `mx.example.org')dnl\nFEATURE(`msp', `[127.0.0.1]')dnl\n",
        hostname="mx.example.org",
    )
    d = route(site, "ken@localhost")
    assert (d.mailer, d.host, d.user, d.decided_by) == (
        "relay",
        "[127.0.0.1]",
        "ken@mx.example.org",
        "msp",
    )
    assert route(Site.from_text("FEATURE(`msp')dnl\n", hostname="h.example"), "ken").host == (
        "[localhost]"
    )


def test_nullclient_relays_everything_to_its_hub_with_macros_expanded() -> None:
    site = Site.from_text("FEATURE(`nullclient', `hub.$m')dnl\n", hostname="me.example.org")
    assert site.smart_host is not None and site.smart_host.value == "hub.example.org"
    assert site.masquerade_as is not None and site.masquerade_as.value == "hub.$m"
    assert site.has_feature("masquerade_envelope")  # implied by nullclient
    d = route(site, "ken@elsewhere.example")
    assert (d.mailer, d.host) == ("relay", "hub.example.org")
    assert route(site, "ken").host == "hub.example.org"


def test_a_domain_name_of_macros_is_the_machines_name() -> None:
    site = Site.from_text("define(`confDOMAIN_NAME', `$w.$m')dnl\n", hostname="mx.example.org")
    assert site.j is not None and site.j.value == "mx.example.org"
    assert site.define("confDOMAIN_NAME") is not None
    assert site.define("confDOMAIN_NAME").value == "$w.$m"  # type: ignore[union-attr]


# -- the long tail: what real .mc files write, against sendmail -----------------------------

TAIL = [
    Config("hub-with-dot", "define(`MAIL_HUB', `hub.example.')dnl\n"),
    Config("smart-host-with-dot", "define(`SMART_HOST', `relay.example.')dnl\n"),
    Config("smart-host-of-macros", "define(`SMART_HOST', `relay.$m')dnl\n"),
    Config(
        "cw-after-divert-0",
        "divert(0)dnl\nCwcw.example other.example\ndnl\n",
        hosts=("cw.example", "other.example"),
    ),
    Config(
        "cw-and-fw-in-local-config",
        "LOCAL_CONFIG\nCwcw.example\nFw-o DIR/lhn\n",
        files={"lhn": "fw.example\n"},
        hosts=("cw.example", "fw.example"),
    ),
]


@pytest.mark.oracle
@pytest.mark.parametrize("cfg", TAIL, ids=[c.name for c in TAIL])
def test_the_long_tail_routes_as_sendmail(oracle: Oracle, cfg: Config) -> None:
    assert check_routes(oracle, cfg) > 0


@pytest.mark.oracle
def test_domain_generic_exposes_root(oracle: Oracle) -> None:
    """DOMAIN(`generic') says EXPOSED_USER(`root'): root is never masqueraded."""
    cfg = Config("generic-masq", "DOMAIN(`generic')dnl\nMASQUERADE_AS(`masq.example')dnl\n")
    check_senders(oracle, cfg, ("esmtp", "local"))


def test_domain_generic_exposes_root_without_sendmail() -> None:
    site = Site.from_text(
        "DOMAIN(`generic')dnl\nMASQUERADE_AS(`masq.example')dnl\nMAILER(`smtp')dnl\n",
        hostname="h.example",
    )
    assert "root" in site.class_words("E")
    assert sender(site, "root").header == "root@h.example"
    assert sender(site, "ken").header == "ken@masq.example"


NO_SMTP = [
    "u@elsewhere.example",
    "u@[192.0.2.7]",
    "u@elsewhere.example.",
    "u@single",
    "u@localhost",
]


@pytest.mark.oracle
def test_without_mailer_smtp_other_hosts_are_unrecognized(oracle: Oracle) -> None:
    """No MAILER(`smtp'): ruleset 0 ends in 553 Unrecognized host name for every other host."""
    import shutil

    from tests.oracle import ORACLE_HOST, workdir
    from tests.oracle.site import offline_head, parse_triple

    folder = workdir()
    try:
        mc = offline_head(folder, ORACLE_HOST) + "MAILER(`local')dnl\n"
        cf, err, status = oracle.mc2cf(mc)
        assert status == 0, err
        (folder / "sendmail.cf").write_text(cf, encoding="latin-1")
        outs = oracle.run_bt_each(folder / "sendmail.cf", [f"/parse {a}" for a in NO_SMTP])
        site = Site(parse_mc(mc), hostname=ORACLE_HOST)
        for address, out in zip(NO_SMTP, outs, strict=True):
            t = parse_triple(out)
            d = route(site, address)
            assert (d.mailer, d.host, d.user) == (t.mailer, t.host, t.user), address
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.oracle
@pytest.mark.parametrize("probe", [True, False])
def test_interface_probing_puts_this_machines_addresses_in_class_w(
    oracle: Oracle, probe: bool
) -> None:
    """Without confDONT_PROBE_INTERFACES sendmail adds [ADDR] of every interface to class w;
    the model does for the addresses it is given (here: those sendmail found)."""
    import re
    import shutil

    from tests.oracle import ORACLE_HOST, workdir
    from tests.oracle.site import offline_head, parse_triple

    folder = workdir()
    try:
        head = offline_head(folder, ORACLE_HOST)
        if probe:
            head = head.replace("define(`confDONT_PROBE_INTERFACES', `True')dnl\n", "")
        mc = head + "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
        cf, err, status = oracle.mc2cf(mc)
        assert status == 0, err
        (folder / "sendmail.cf").write_text(cf, encoding="latin-1")
        (w,) = oracle.run_bt_each(folder / "sendmail.cf", ["$=w"])
        found = re.findall(r"(?m)^\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]$", w)
        probed = [a for a in found if a != "127.0.0.1"]
        assert not probed or probe
        asked = ["192.0.2.254", *probed]  # not an interface, and the machine's own
        given = probed if probe else ["192.0.2.254"]  # without probing they do not count
        site = Site(parse_mc(mc), hostname=ORACLE_HOST, interfaces=given)
        addresses = [f"u@[{a}]" if ":" not in a else f"u@[IPv6:{a}]" for a in asked]
        outs = oracle.run_bt_each(folder / "sendmail.cf", [f"/parse {a}" for a in addresses])
        for address, out in zip(addresses, outs, strict=True):
            t = parse_triple(out)
            d = route(site, address)
            assert (d.parse.mailer, d.parse.host) == (t.mailer, t.host), (address, w)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
