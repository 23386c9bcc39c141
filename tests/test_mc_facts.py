"""``sendmailcfg.mc.facts``: each answer checked against what real m4 and sendmail do."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.mc import parse_mc
from sendmailcfg.mc.facts import (
    IMPLIED_FEATURES,
    McSetFacts,
    database_file,
    looks_up_mx,
    mc_facts,
    parse_map_spec,
    relay_target,
)
from tests.oracle import Oracle

HEAD = "OSTYPE(`linux')dnl\n"


def test_last_define_wins_and_undefine_removes() -> None:
    f = mc_facts(parse_mc("define(`A', `1')dnl\ndefine(`A', `2')dnl\ndefine(`B', `x')dnl\n"))
    assert (f.defined_value("A"), f.defined_value("B"), f.defined_value("C")) == ("2", "x", None)
    f = mc_facts(parse_mc("define(`A', `1')dnl\nundefine(`A')dnl\n"))
    assert f.defined_value("A") is None


def test_define_before_a_call() -> None:
    text = "define(`DATABASE_MAP_TYPE', `btree')dnl\nFEATURE(`mailertable')dnl\n"
    text += "define(`DATABASE_MAP_TYPE', `dbm')dnl\nFEATURE(`virtusertable')dnl\n"
    f = mc_facts(parse_mc(text))
    assert [m.map_class for m in f.table_maps()] == ["btree", "dbm"]
    assert f.value("DATABASE_MAP_TYPE") == "dbm"


def test_commented_out_calls_are_not_facts() -> None:
    f = mc_facts(parse_mc("dnl FEATURE(`mailertable')\nFEATURE(`access_db')dnl\n"))
    assert [c.first for c in f.features()] == ["access_db"]


def test_implied_features_say_where_they_come_from() -> None:
    f = mc_facts(parse_mc("OSTYPE(`linux')dnl\nDOMAIN(`generic')dnl\n"))
    got = [(c.first, c.implied_by) for c in f.features()]
    assert got == [
        ("local_procmail", "OSTYPE(linux)"),
        ("redirect", "DOMAIN(generic)"),
        ("use_cw_file", "DOMAIN(generic)"),
    ]
    assert not f.opaque
    assert mc_facts(parse_mc("DOMAIN(`mysite')dnl\n")).opaque


def test_map_spec_parts() -> None:
    s = parse_map_spec("access_db", "hash -T<TMPF> -o /etc/mail/access.db")
    assert (s.map_class, s.flags, s.path, s.database, s.source, s.optional) == (
        "hash",
        ("-T<TMPF>", "-o"),
        "/etc/mail/access.db",
        "/etc/mail/access.db",
        "access",
        True,
    )
    assert parse_map_spec("mailertable", "ldap -1 -v x").path is None
    assert parse_map_spec("mailertable", "LDAP").database is None
    assert parse_map_spec("uucpdomain", "").source == "uudomain"


def test_relay_targets() -> None:
    assert relay_target("esmtp:[a.example]") == ("esmtp", "[a.example]")
    assert relay_target("a.example") == ("relay", "a.example")
    assert looks_up_mx(*relay_target("a.example"))
    assert not looks_up_mx(*relay_target("uucp:gw"))
    assert not looks_up_mx(*relay_target("[a.example]"))


def test_own_names_and_mailers() -> None:
    text = "define(`confDOMAIN_NAME', `Mail.Example.COM.')dnl\nLOCAL_DOMAIN(`a.example b.example')dnl\n"
    text += "FEATURE(`use_cw_file')dnl\nMAILER(`smtp')dnl\nMAILER(`procmail')dnl\n"
    text += "LOCAL_CONFIG\nCw c.example\n"
    f = mc_facts(parse_mc(text))
    assert {"mail.example.com", "a.example", "b.example", "c.example", "localhost"} <= f.own_names()
    assert f.cw_file() == "/etc/mail/local-host-names"
    freebsd = (
        "FEATURE(`use_cw_file')dnl\ndefine(`confCW_FILE', `-o /etc/mail/local-host-names')dnl\n"
    )
    assert mc_facts(parse_mc(freebsd)).cw_file() == "/etc/mail/local-host-names"
    assert {"esmtp", "relay", "procmail", "local", "error"} <= f.declared_mailers()
    assert "uucp-dom" not in f.declared_mailers()


def test_set_facts() -> None:
    a = mc_facts(parse_mc("FEATURE(`access_db', `', `skip')dnl\n"), "a.mc")
    b = mc_facts(parse_mc("define(`X', `1')dnl\n"), "b.mc")
    s = McSetFacts.of([a, b])
    assert s.present and s.has_feature("access_db") and not s.has_feature("mailertable")
    assert s.feature_has_option("access_db", "skip") and not s.feature_has_option("access_db", "x")
    assert s.defines_value("X") == "1" and not McSetFacts(()).present


@given(
    st.sampled_from(["hash", "btree"]),
    st.from_regex(r"/[a-z]{1,8}(/[a-z.]{1,8}){0,3}", fullmatch=True),
)
def test_database_file_adds_db_once(cls: str, path: str) -> None:
    db = database_file(cls, path)
    assert db.endswith(".db") and database_file(cls, db) == db
    assert db in (path, path + ".db")


# -- against the real tools ----------------------------------------------------------------

SPECS = [
    "FEATURE(`mailertable')dnl\n",
    "FEATURE(`mailertable', `hash -o /etc/mail/mailertable.db')dnl\n",
    "define(`DATABASE_MAP_TYPE', `btree')dnl\nFEATURE(`virtusertable')dnl\n",
    "FEATURE(`virtusertable')dnl\ndefine(`DATABASE_MAP_TYPE', `btree')dnl\n",
    "define(`MAIL_SETTINGS_DIR', `/srv/mail/')dnl\nFEATURE(`access_db')dnl\n",
    "FEATURE(`access_db', `hash -T<TMPF> -o /etc/mail/access')dnl\n",
    "FEATURE(`genericstable', `btree /etc/mail/gt')dnl\nFEATURE(`domaintable')dnl\n",
    "FEATURE(`uucpdomain')dnl\nFEATURE(`authinfo')dnl\n",
]
K_NAMES = {
    "access_db": "access",
    "virtusertable": "virtuser",
    "uucpdomain": "uudomain",
    "authinfo": "authinfo",
    "mailertable": "mailertable",
    "genericstable": "generics",
    "domaintable": "domaintable",
}


@pytest.mark.oracle
@pytest.mark.parametrize("body", SPECS)
def test_map_specs_are_the_k_lines_m4_writes(oracle: Oracle, body: str) -> None:
    mc = HEAD + body + "MAILER(`smtp')dnl\n"
    cf, err, status = oracle.mc2cf(mc)
    assert status == 0, err
    for spec in mc_facts(parse_mc(mc)).table_maps():
        m = re.search(rf"(?m)^K{K_NAMES[spec.feature]} (.*)$", cf)
        assert m is not None, spec
        assert m.group(1) == spec.spec


@pytest.mark.oracle
@pytest.mark.parametrize(("ostype", "features"), sorted(IMPLIED_FEATURES.items()))
def test_implied_features_are_in_the_shipped_files(
    oracle: Oracle, ostype: tuple[str, str], features: tuple[str, ...]
) -> None:
    macro, name = ostype
    text = (oracle.cf_dir / macro.lower() / f"{name}.m4").read_text(encoding="latin-1")
    found = re.findall(r"(?m)^FEATURE\(`?([a-z_]+)", text)
    assert sorted(found) == sorted(features)


@pytest.mark.oracle
def test_sendmail_opens_the_database_file_the_facts_name(oracle: Oracle, oracle_dir: Path) -> None:
    """``hash -o x.db`` and ``hash x`` open the same file: sendmail adds .db only once."""
    status, msg = oracle.makemap([], "hash", oracle_dir / "mt.db", b"example.com\tsmtp:[x]\n")
    assert status == 0, msg
    assert (oracle_dir / "mt.db").exists() and not (oracle_dir / "mt.db.db").exists()
    for spec in (f"hash -o {oracle_dir}/mt.db", f"hash {oracle_dir}/mt"):
        body = f"FEATURE(`mailertable', `{spec}')dnl\n"
        mc = oracle.offline_mc(oracle_dir, body)
        (facts,) = mc_facts(parse_mc(mc)).table_maps()
        assert facts.database == str(oracle_dir / "mt.db")
        cf, err, status = oracle.mc2cf(mc)
        assert status == 0, err
        (oracle_dir / "t.cf").write_text(cf, encoding="latin-1")
        out = oracle.run_bt(oracle_dir / "t.cf", ["/map mailertable example.com"])
        assert "smtp:[x]" in out, out


def test_docstring_examples() -> None:
    import doctest

    import sendmailcfg.mc.facts as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
