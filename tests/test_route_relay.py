"""route knows the relay: the port from the mailer's A=, and which authinfo entry authenticates."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendmailcfg.site import Site, route
from sendmailcfg.site.relay import relayed, smart_host_connection
from tests import oracle as oracle_mod

HEAD = "define(`confDOMAIN_NAME', `www.example.org')dnl\n"
TAIL = "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
AUTHINFO = 'AuthInfo:smtp.example.net\t"U:joe" "P:x"\n'


def _site(body: str, tail: str = "", **maps: str) -> Site:
    return Site.from_text(HEAD + body + TAIL + tail, maps=maps)


def test_port_and_auth_in_json() -> None:
    site = _site(
        "define(`SMART_HOST', `[smtp.example.net]')dnl\n"
        "define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n"
        "define(`confAUTH_MECHANISMS', `PLAIN LOGIN')dnl\n"
        "FEATURE(`authinfo')dnl\n",
        authinfo=AUTHINFO,
    )
    r = relayed(site, route(site, "u@elsewhere.example"))
    j = r.as_json()
    assert j["port"] == 587 and j["hosts"] == ["[smtp.example.net]"]
    assert j["auth"] == {
        "key": "AuthInfo:smtp.example.net",
        "user": "joe",
        "mechanisms": ["PLAIN", "LOGIN"],
        "line": 1,
    }
    assert j["auth_note"] is None
    assert "x" not in str(j["auth"]).replace("example", "")  # no password
    assert r.explain().splitlines()[0].endswith(", port 587, AUTH as joe")
    local = relayed(site, route(site, "root")).as_json()
    assert (local["port"], local["auth"]) == (None, None)


def test_args_after_mailer_are_not_read() -> None:
    site = _site(
        "define(`SMART_HOST', `[smtp.example.net]')dnl\n",
        "define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n",
    )
    c = smart_host_connection(site)
    assert c is not None and c.port == 25
    assert c.args is not None and c.args.ignored is not None and c.args.ignored.line == 5
    assert (
        "comes after MAILER(smtp): not read"
        in relayed(site, route(site, "u@elsewhere.example")).explain()
    )


def test_key_with_a_port_matches_nothing() -> None:
    site = _site(
        "define(`SMART_HOST', `[smtp.example.net]')dnl\nFEATURE(`authinfo')dnl\n",
        authinfo='AuthInfo:smtp.example.net:587\t"U:joe" "P:x"\n',
    )
    j = relayed(site, route(site, "u@elsewhere.example")).as_json()
    assert j["auth"] is None
    note = j["auth_note"]
    assert isinstance(note, str)
    assert "no authinfo entry matches smtp.example.net" in note and "holds a port" in note


def test_host_with_port_is_a_list_of_two_hosts() -> None:
    site = _site("define(`SMART_HOST', `smtp.example.net:587')dnl\n")
    j = relayed(site, route(site, "u@elsewhere.example")).as_json()
    assert j["hosts"] == ["smtp.example.net", "587"] and j["port"] == 25


def test_access_map_authinfo_without_the_feature() -> None:
    site = _site(
        "define(`SMART_HOST', `[smtp.example.net]')dnl\nFEATURE(`access_db')dnl\n",
        access='AuthInfo:example.net\t"U:acc" "P:x"\n',
    )
    c = smart_host_connection(site)
    assert c is not None and c.auth_map == "access"
    assert c.auth is not None and c.auth.key == "AuthInfo:example.net"


CASES = [
    "",
    "define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\n",
    "define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\ndefine(`RELAY_MAILER_ARGS', `TCP $h 2525')dnl\n",
    "define(`RELAY_MAILER_ARGS', `IPC $h submission')dnl\n",
    "define(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\nundefine(`RELAY_MAILER_ARGS')dnl\n",
]
AFTER = ["", "define(`RELAY_MAILER_ARGS', `TCP $h 465')dnl\n"]


@pytest.mark.oracle
@pytest.mark.parametrize("before", CASES)
@pytest.mark.parametrize("after", AFTER)
def test_port_agrees_with_m4(oracle: oracle_mod.Oracle, before: str, after: str) -> None:
    body = "define(`SMART_HOST', `[smtp.example.net]')dnl\n" + before
    mc = HEAD + body + TAIL + after
    cf, err, rc = oracle.mc2cf(mc)
    assert rc == 0, err
    m = re.search(r"\nMrelay,.*?A=([^\n]*)", cf, re.S)
    assert m is not None
    c = smart_host_connection(Site.from_text(mc))
    assert c is not None and c.args is not None
    assert c.args.value == m.group(1).strip()


def test_relayed_needs_no_site_files(tmp_path: Path) -> None:
    site = _site("")
    assert relayed(site, route(site, "u@elsewhere.example")).connection is not None
