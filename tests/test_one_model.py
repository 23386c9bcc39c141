"""The answers agree: lint, edits, ``make`` and ``route`` ask one model (issue 22).

Each test puts the same question to two rooms that used to answer it from their
own tables (class w, which define a FEATURE reads, a define's value, which map
type a FEATURE opens, which ``.mc`` a folder holds) and asserts they agree.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.cli.make import MAKEMAP_TYPES, table_maps
from sendmailcfg.cli.make import find_mc as make_find_mc
from sendmailcfg.lint import LintConfig, lint_text
from sendmailcfg.mc import parse_mc
from sendmailcfg.mc.catalogue import FEATURE_READS
from sendmailcfg.mc.quoting import carriable
from sendmailcfg.site import Site, find_mc, load_site, route
from sendmailcfg.site.model import KIND_OF_FEATURE
from tests.lint.helpers import folder
from tests.oracle import Oracle

HOSTS = ("mx.example.org", "relay.example.net")


# -- 1. class w -------------------------------------------------------------------------------


@given(use_cw=st.booleans(), listed=st.booleans(), host=st.sampled_from(HOSTS))
def test_class_w_lint_and_route_agree(use_cw: bool, listed: bool, host: str) -> None:
    """MC012 says "mail loops back" exactly when route's model has the relay in class w."""
    mc = ("FEATURE(`use_cw_file')dnl\n" if use_cw else "") + (
        f"define(`SMART_HOST', `[{host}]')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n"
    )
    names = f"{host}\n" if listed else "other.example\n"
    with tempfile.TemporaryDirectory() as d:
        found = folder("MC012", Path(d), {"sendmail.mc": mc, "local-host-names": names})
        loops = any(f.severity == "error" for f in found)
        site = load_site(d, hostname="h.example.com")
    assert loops == (site.local_name(host) is not None) == (use_cw and listed)
    if not loops:
        assert route(site, "ken@elsewhere.example").decided_by == "smart-host"


# -- 2. which define a FEATURE reads ----------------------------------------------------------

READERS = sorted({f for fs in FEATURE_READS.values() for f in fs} - {"bcc", "drac"})


@given(
    features=st.lists(st.sampled_from(READERS), unique=True, max_size=4),
    names=st.lists(
        st.sampled_from([*sorted(FEATURE_READS), "confMAX_HOP", "SMART_HOST"]),
        unique=True,
        min_size=1,
        max_size=3,
    ),
)
def test_no_set_define_result_triggers_mc004(features: list[str], names: list[str]) -> None:
    """set_define places a define before every FEATURE that reads it: MC004 has nothing to say."""
    text = "OSTYPE(`linux')dnl\n" + "".join(f"FEATURE(`{f}')dnl\n" for f in features)
    doc = parse_mc(text + "MAILER(`local')dnl\nMAILER(`smtp')dnl\n")
    cfg = LintConfig(select=("MC004",))
    assert lint_text(doc.text, "mc", config=cfg) == []
    for name in names:
        doc.set_define(name, "x.example")
    assert lint_text(doc.text, "mc", config=cfg) == [], doc.text


def test_mail_settings_dir_and_dnsbl_map_go_before_their_features() -> None:
    doc = parse_mc("FEATURE(`mailertable')dnl\nFEATURE(`dnsbl', `bl.example')dnl\n")
    doc.set_define("MAIL_SETTINGS_DIR", "/usr/local/etc/mail/")
    doc.set_define("DNSBL_MAP", "dns -R A")
    lines = doc.text.splitlines()
    assert lines.index("define(`MAIL_SETTINGS_DIR', `/usr/local/etc/mail/')dnl") < lines.index(
        "FEATURE(`mailertable')dnl"
    )
    assert lines.index("define(`DNSBL_MAP', `dns -R A')dnl") < lines.index(
        "FEATURE(`dnsbl', `bl.example')dnl"
    )


# -- 3. a define's value ----------------------------------------------------------------------

VALUES = st.text(alphabet="abz.[]$:@`',()#- dnl", min_size=1, max_size=20).filter(
    lambda v: carriable(v) and v == v.strip()
)


@given(name=st.sampled_from(["SMART_HOST", "MAIL_HUB", "confDOMAIN_NAME", "confX"]), value=VALUES)
def test_site_define_is_doc_defines(name: str, value: str) -> None:
    """``Site(doc).define(n)`` is ``doc.defines[n]``: the value as m4 hands it to the .cf."""
    doc = parse_mc("OSTYPE(`linux')dnl\nMAILER(`smtp')dnl\n")
    doc.set_define(name, value)
    setting = Site(doc).define(name)
    assert setting is not None
    assert setting.value == doc.defines[name] == value


def test_a_protected_smart_host_routes_without_quotes() -> None:
    doc = parse_mc("MAILER(`local')dnl\nMAILER(`smtp')dnl\n")
    doc.set_define("SMART_HOST", "[mail.dnl.example.net]")
    assert "``[mail.dnl.example.net]''" in doc.text
    d = route(Site(doc, hostname="h.example.com"), "ken@elsewhere.example")
    assert d.host == "[mail.dnl.example.net]"


# -- 4. which map type a FEATURE opens --------------------------------------------------------

TABLES = sorted(KIND_OF_FEATURE)


@given(
    features=st.lists(st.sampled_from(TABLES), unique=True, min_size=1, max_size=4),
    at=st.integers(min_value=0, max_value=4),
    maptype=st.sampled_from(["hash", "btree"]),
    settings=st.booleans(),
)
def test_make_targets_are_the_site_maps(
    features: list[str], at: int, maptype: str, settings: bool
) -> None:
    """make builds the maps the site reads, of the type m4 writes where each FEATURE is."""
    lines = [f"FEATURE(`{f}')dnl\n" for f in features]
    lines.insert(min(at, len(lines)), f"define(`DATABASE_MAP_TYPE', `{maptype}')dnl\n")
    if settings:
        lines.insert(0, "define(`MAIL_SETTINGS_DIR', `/usr/local/etc/mail/')dnl\n")
    doc = parse_mc("".join(lines))
    made = {(t.feature, t.source.name, t.maptype) for t in table_maps(doc, Path("/x"))}
    site = Site(doc)
    expected = {
        (m.feature, os.path.basename(m.written or ""), MAKEMAP_TYPES.get(c, c))
        for m in site.maps.values()
        if (c := m.spec.split()[0])
    }
    assert made == expected
    for m in site.maps.values():
        before = lines.index(f"FEATURE(`{m.feature}')dnl\n") > min(at, len(features))
        assert m.spec.split()[0] == (maptype if before else "hash")


@pytest.mark.oracle
def test_the_map_type_is_read_where_the_feature_is(oracle: Oracle) -> None:
    """Real m4: a DATABASE_MAP_TYPE after FEATURE(`mailertable') does not change its K line."""
    body = (
        "OSTYPE(`linux')dnl\nFEATURE(`mailertable')dnl\n"
        "define(`DATABASE_MAP_TYPE', `btree')dnl\nFEATURE(`virtusertable')dnl\n"
        "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
    )
    cf, err, status = oracle.mc2cf(body)
    assert status == 0, err
    k_lines = {
        line.split()[0][1:]: line.split()[1] for line in cf.splitlines() if line.startswith("K")
    }
    site = Site(parse_mc(body))
    for kind, k in (("mailertable", "mailertable"), ("virtusertable", "virtuser")):
        assert site.maps[kind].spec.split()[0] == k_lines[k]
    made = {t.feature: t.maptype for t in table_maps(parse_mc(body), Path("/x"))}
    assert made == {"mailertable": "hash", "virtusertable": "btree"}


# -- 5. which .mc ---------------------------------------------------------------------------

MC_NAMES = (
    "sendmail.mc",
    "freebsd.mc",
    "freebsd.submit.mc",
    "submit.mc",
    "mx.mc",
    "other.mc",
    "freebsd.mc.sample",
)


@given(names=st.sets(st.sampled_from(MC_NAMES)), env=st.sampled_from([None, "other.mc"]))
def test_every_command_finds_the_same_mc(names: set[str], env: str | None) -> None:
    """make and the model (route, sender, query --config, lint's site) pick the same .mc."""
    with tempfile.TemporaryDirectory() as d:
        for name in names:
            Path(d, name).write_text("MAILER(`smtp')dnl\n")
        environ = {"SENDMAIL_MC": env} if env else {}
        try:
            chosen: str | None = find_mc(d, environ=environ, hostname="mx.example.org")
        except (FileNotFoundError, ValueError):
            chosen = None
        old = os.environ.get("SENDMAIL_MC")
        os.environ.pop("SENDMAIL_MC", None)
        if env:
            os.environ["SENDMAIL_MC"] = env
        try:
            by_make = make_find_mc(Path(d), None)
            by_make_ok = by_make is not None and by_make.is_file()
        finally:
            os.environ.pop("SENDMAIL_MC", None)
            if old is not None:
                os.environ["SENDMAIL_MC"] = old
        if chosen is None:
            assert not by_make_ok or by_make is None or "mx.mc" in names
        else:
            assert chosen.endswith((".mc",)) and not chosen.endswith("submit.mc")
            if "mx.mc" not in names:  # make asks the machine's own name
                assert by_make == Path(chosen)


def test_freebsd_folder_is_found() -> None:
    with tempfile.TemporaryDirectory() as d:
        for name in ("freebsd.mc", "freebsd.submit.mc", "access.sample"):
            Path(d, name).write_text("MAILER(`smtp')dnl\n")
        assert find_mc(d, environ={}, hostname="h.example") == os.path.join(d, "freebsd.mc")
        Path(d, "h.mc").write_text("")
        assert find_mc(d, environ={}, hostname="h.example") == os.path.join(d, "h.mc")
        assert find_mc(d, environ={"SENDMAIL_MC": "freebsd.mc"}) == os.path.join(d, "freebsd.mc")
        with pytest.raises(FileNotFoundError, match="SENDMAIL_MC"):
            find_mc(d, environ={"SENDMAIL_MC": "nope.mc"})


def test_samples_are_not_live_maps(tmp_path: Path) -> None:
    """FreeBSD ships access.sample, virtusertable.sample...: no FEATURE needs a .db of them."""
    files = {
        "freebsd.mc": "OSTYPE(`freebsd6')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n",
        "access.sample": "localhost RELAY\n",
        "virtusertable.sample": "@example.com error:nouser No such user\n",
    }
    for rule in ("X001", "X004", "X005"):
        assert folder(rule, tmp_path, files) == [], rule
