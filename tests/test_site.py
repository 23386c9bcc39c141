"""``Site``/``load_site``: what a configuration folder holds, as sendmail reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from sendmailcfg.maps.document import MapDocument
from sendmailcfg.site import Site, find_mc, load_site, route

ETC = "/nonexistent/sendmailcfg-test/"
"""MAIL_SETTINGS_DIR of the test .mc: no machine has files there (an /etc/mail may)."""
MC = (
    f"define(`MAIL_SETTINGS_DIR', `{ETC}')dnl\n"
    "OSTYPE(`linux')dnl\n"
    "define(`confDOMAIN_NAME', `www.takaq.jp')dnl\n"
    "define(`SMART_HOST', `mmr.plala.or.jp')dnl\n"
    "define(`MAIL_HUB', `hub.takaq.jp')dnl\n"
    "define(`LOCAL_RELAY', `relay.takaq.jp')dnl\n"
    "define(`LUSER_RELAY', `local:postmaster')dnl\n"
    "LOCAL_DOMAIN(`alias.takaq.jp')dnl\n"
    "RELAY_DOMAIN(`lan.takaq.jp')dnl\n"
    "VIRTUSER_DOMAIN(`virt.example')dnl\n"
    "MASQUERADE_AS(`takaq.jp')dnl\n"
    "FEATURE(`use_cw_file')dnl\n"
    "FEATURE(`mailertable')dnl\n"
    f"FEATURE(`virtusertable', `hash -o {ETC}virtusertable')dnl\n"
    "LOCAL_CONFIG\n"
    "Cwraw.takaq.jp other.takaq.jp\n"
    "MAILER(`local')dnl\n"
    "MAILER(`smtp')dnl\n"
)


def write(folder: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return folder


def test_settings_with_their_lines(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, {"sendmail.mc": MC}))
    assert site.path == str(tmp_path / "sendmail.mc")
    assert (
        site.smart_host and site.smart_host.value,
        site.smart_host and site.smart_host.line,
    ) == (
        "mmr.plala.or.jp",
        4,
    )
    assert site.mail_hub is not None and site.mail_hub.value == "hub.takaq.jp"
    assert site.local_relay is not None and site.local_relay.line == 6
    assert site.luser_relay is not None and site.luser_relay.value == "local:postmaster"
    assert site.masquerade_as is not None and site.masquerade_as.value == "takaq.jp"
    assert site.j is not None and (site.j.value, site.j.line) == ("www.takaq.jp", 3)
    assert site.domain == "takaq.jp"
    assert site.has_feature("local_procmail")  # OSTYPE(linux) declares it
    assert {"local", "prog", "esmtp", "relay", "error"} <= site.mailers


def test_class_w_from_every_source(tmp_path: Path) -> None:
    site = load_site(
        write(tmp_path, {"sendmail.mc": MC, "local-host-names": "# c\nlhn.takaq.jp\n"}),
        hostname="box.takaq.jp",
    )
    assert site.local_names == {
        "box.takaq.jp",
        "www.takaq.jp",
        "localhost",
        "[127.0.0.1]",
        "alias.takaq.jp",
        "raw.takaq.jp",
        "other.takaq.jp",
        "lhn.takaq.jp",
    }
    why = site.local_name("LHN.takaq.jp.")
    assert why is not None and (Path(str(why.path)).name, why.line, why.what) == (
        "local-host-names",
        2,
        "use_cw_file",
    )
    assert site.class_words("R") >= {"lan.takaq.jp", "virt.example"}
    assert site.class_words("VirtHost") == {"virt.example"}


def test_relay_domains_file_and_missing_class_file(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, {"sendmail.mc": MC, "relay-domains": "partner.example\n"}))
    assert "partner.example" in site.class_words("R")
    # use_cw_file's local-host-names is missing: recorded, not raised
    assert [(p.value, p.what) for p in site.problems] == [
        (ETC + "local-host-names", "use_cw_file: file not found")
    ]


def test_maps_as_written_then_beside_the_mc_then_under_root(tmp_path: Path) -> None:
    conf = write(tmp_path / "conf", {"sendmail.mc": MC, "mailertable": ".takaq.jp smtp:[gw]\n"})
    write(tmp_path / "root", {ETC.lstrip("/") + "virtusertable": "info@virt.example ken\n"})
    site = load_site(conf, root=tmp_path / "root")
    mt, vt = site.maps["mailertable"], site.maps["virtusertable"]
    assert (mt.written, mt.path, mt.optional) == (
        ETC + "mailertable",
        str(conf / "mailertable"),
        False,
    )
    assert vt.path == str(tmp_path / "root" / ETC.lstrip("/") / "virtusertable") and vt.optional
    assert isinstance(mt.document, MapDocument) and mt.document.get(".takaq.jp") == "smtp:[gw]"
    assert site.document("virtusertable") is vt.document


def test_a_missing_map_is_recorded(tmp_path: Path) -> None:
    site = load_site(write(tmp_path, {"sendmail.mc": MC}))
    mt = site.maps["mailertable"]
    assert (mt.missing, mt.problem, mt.path, mt.setting.line) == (True, "not found", None, 13)
    assert route(site, "ken@elsewhere.example").decided_by == "smart-host"


def test_a_db_without_its_source_goes_to_the_reader(tmp_path: Path) -> None:
    write(tmp_path, {"sendmail.mc": MC, "mailertable.db": "not really a db"})
    site = load_site(tmp_path)
    assert site.maps["mailertable"].problem == "only the .db was found (no reader)"
    asked: list[tuple[str, str, bool]] = []

    def reader(path: str, kind: str, fold_keys: bool) -> MapDocument:
        asked.append((Path(path).name, kind, fold_keys))
        return MapDocument.from_text(".example.org smtp:[x]\n", path=path)

    site = load_site(tmp_path, read_db=reader)
    assert asked == [("mailertable.db", "mailertable", True)]
    mt = site.maps["mailertable"]
    assert mt.db == str(tmp_path / "mailertable.db") and not mt.missing


def test_non_file_maps_are_not_looked_for() -> None:
    site = Site.from_text("FEATURE(`virtusertable', `LDAP')dnl\n")
    assert site.maps["virtusertable"].problem == "LDAP map: not a makemap file"


def test_find_mc(tmp_path: Path) -> None:
    write(tmp_path / "a", {"only.mc": "", "x": ""})
    assert find_mc(tmp_path / "a") == str(tmp_path / "a/only.mc")
    write(tmp_path / "b", {"one.mc": "", "two.mc": ""})
    with pytest.raises(ValueError, match=r"several \.mc files"):
        find_mc(tmp_path / "b")
    write(tmp_path / "b", {"sendmail.mc": ""})
    assert find_mc(tmp_path / "b") == str(tmp_path / "b/sendmail.mc")
    assert find_mc(tmp_path / "b/one.mc") == str(tmp_path / "b/one.mc")
    with pytest.raises(FileNotFoundError):
        find_mc(tmp_path / "nope")
    (tmp_path / "c").mkdir()
    with pytest.raises(FileNotFoundError, match=r"no \.mc file"):
        load_site(tmp_path / "c")


# -- route ------------------------------------------------------------------------------------

STORY = "define(`SMART_HOST', `mmr.plala.or.jp')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n"


def test_decided_by_values() -> None:
    site = Site.from_text(
        "define(`SMART_HOST', `[sh.example.net]')dnl\n"
        "define(`LUSER_RELAY', `lu.example.net')dnl\n"
        "define(`MAIL_HUB', `hub.example.net')dnl\n"
        "FEATURE(`mailertable')dnl\nFEATURE(`virtusertable')dnl\n"
        "MAILER(`local')dnl\nMAILER(`smtp')dnl\n",
        hostname="www.takaq.jp",
        maps={
            "mailertable": ".takaq.jp smtp:[mail2.takaq.jp]\nbad.example error:5.1.2:550 no\n",
            "virtusertable": "info@www.takaq.jp ken\n",
        },
    )
    cases = {
        "ken@gw.takaq.jp": ("mailertable", "smtp", "[mail2.takaq.jp]"),
        "ken@gmail.com": ("smart-host", "relay", "[sh.example.net]"),
        "ken@bad.example": ("error", "*error*", "5.1.2"),
        "info@www.takaq.jp": ("mail-hub", "relay", "hub.example.net"),
        "ken": ("mail-hub", "relay", "hub.example.net"),
    }
    for address, (decided, mailer, host) in cases.items():
        d = route(site, address)
        assert (d.decided_by, d.mailer, d.host) == (decided, mailer, host), address
    d = route(site, "nobody", no_such_users=["nobody"])
    assert (d.decided_by, d.host, d.user) == (
        "luser-relay",
        "lu.example.net",
        "nobody@lu.example.net",
    )
    assert (d.parse.mailer, d.parse.host, d.parse.user) == ("local", None, "nobody")
    d = route(site, "ken")  # not named absent: LUSER_RELAY is a conditional step
    assert any("if ken has no passwd entry, LUSER_RELAY" in str(s) for s in d.steps)
    plain = Site.from_text(
        "FEATURE(`virtusertable')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n",
        hostname="www.takaq.jp",
        maps={"virtusertable": "info@www.takaq.jp ken\n"},
    )
    assert route(plain, "info@www.takaq.jp").decided_by == "virtusertable"
    assert route(plain, "ken@gmail.com").decided_by == "default"
    assert route(plain, "ken@localhost").decided_by == "local"


def test_steps_cite_files_and_lines() -> None:
    site = Site.from_text(
        STORY + "FEATURE(`mailertable')dnl\n",
        hostname="www.takaq.jp",
        maps={"mailertable": "# gw\ntakaq.jp smtp:[gw.takaq.jp]\n"},
    )
    d = route(site, "ken@takaq.jp")
    assert [str(s) for s in d.steps] == [
        "takaq.jp is not one of this host's names (www.takaq.jp, localhost, [127.0.0.1])",
        "mailertable:2: takaq.jp -> smtp:[gw.takaq.jp]",
    ]
    d = route(site, "ken@gateway.takaq.jp")
    assert str(d.steps[-1]) == (
        "sendmail.mc:1: SMART_HOST mmr.plala.or.jp takes mail for every other host"
    )
    assert "mailertable: no entry for gateway.takaq.jp, .takaq.jp, .jp or ." in map(str, d.steps)


def test_json_shape() -> None:
    site = Site.from_text(STORY, hostname="www.takaq.jp")
    assert route(site, "ken@gateway.takaq.jp").as_json() == {
        "address": "ken@gateway.takaq.jp",
        "mailer": "relay",
        "host": "mmr.plala.or.jp",
        "user": "ken@gateway.takaq.jp",
        "parse": {"mailer": "relay", "host": "mmr.plala.or.jp", "user": "ken@gateway.takaq.jp"},
        "decided_by": "smart-host",
        "steps": [
            "gateway.takaq.jp is not one of this host's names (www.takaq.jp, localhost, [127.0.0.1])",
            "sendmail.mc:1: SMART_HOST mmr.plala.or.jp takes mail for every other host",
        ],
        "engine": "model",
    }


@pytest.mark.parametrize("bad", ["", "a b@c", "(x)@y", "a,b", '"q"@x'])
def test_address_syntax_not_covered(bad: str) -> None:
    with pytest.raises(ValueError, match="does not cover"):
        route(Site.from_text(STORY), bad)


@pytest.mark.parametrize(
    ("address", "want"),
    [
        ("host!user", ("esmtp", "host.uucp.", "host!user@www.takaq.jp")),
        ("a!b!c", ("esmtp", "a.uucp.", "a!b!c@www.takaq.jp")),
        ("<gw!u>", ("esmtp", "gw.uucp.", "gw!u@www.takaq.jp")),
        ("h!u@x.example", ("esmtp", "x.example.", "h!u@x.example")),
        ("ken@host.UUCP", ("esmtp", "host.uucp.", "host!ken@www.takaq.jp")),
    ],
)
def test_uucp_addresses_are_routed(address: str, want: tuple[str, str, str]) -> None:
    """Without MAILER(uucp), UUCP_RELAY or SMART_HOST sendmail sends ``ken@host.UUCP``
    with esmtp to ``host.uucp.``, the user written ``host!ken@$j`` (measured; the
    differential tests are in ``tests/test_site_uucp_oracle.py``, for ``sender`` too)."""
    site = Site.from_text("MAILER(`local')dnl\nMAILER(`smtp')dnl\n", hostname="www.takaq.jp")
    d = route(site, address)
    assert (d.parse.mailer, d.parse.host, d.parse.user) == want


def test_with_nouucp_a_uucp_domain_is_a_domain() -> None:
    """FEATURE(`nouucp'): sendmail routes host.UUCP like any other host (measured: esmtp
    to host.uucp., user ken@host.UUCP)."""
    site = Site.from_text(
        "FEATURE(`nouucp', `reject')dnl\nMAILER(`smtp')dnl\n", hostname="oracle.invalid"
    )
    d = route(site, "ken@host.UUCP")
    assert (d.parse.mailer, d.parse.host, d.parse.user) == ("esmtp", "host.uucp.", "ken@host.UUCP")


LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789-", min_size=1, max_size=8)


@given(user=LABEL, labels=st.lists(LABEL, min_size=1, max_size=4), upper=st.booleans())
@example(user="0", labels=["0", "uucp"], upper=False)  # a .UUCP host: routed, in any case
def test_host_case_does_not_change_the_route(user: str, labels: list[str], upper: bool) -> None:
    site = Site.from_text(
        STORY + "LOCAL_DOMAIN(`takaq.jp')dnl\nFEATURE(`mailertable')dnl\n",
        hostname="www.takaq.jp",
        maps={"mailertable": ".jp smtp:[jp.relay]\nexample.org smtp:[org.relay]\n"},
    )
    host = ".".join(labels)
    for h in (host, host + ".takaq.jp", host + ".jp"):
        a = route(site, f"{user}@{h}")
        b = route(site, f"{user}@{h.upper() if upper else h.title()}")
        assert (a.mailer, a.host, a.decided_by) == (b.mailer, b.host, b.decided_by)
        assert a.mailer in {"relay", "smtp", "local", "esmtp", "*error*"}


def test_a_dj_line_wins_over_confdomain_name_and_m_is_the_machines() -> None:
    site = Site.from_text(
        "define(`confDOMAIN_NAME', `www.takaq.jp')dnl\nMAILER(`smtp')dnl\n"
        "LOCAL_CONFIG\nDjraw.takaq.jp\n",
        hostname="box.lan.example",
    )
    assert site.j is not None and (site.j.value, site.j.line, site.j.what) == (
        "raw.takaq.jp",
        4,
        "Dj line",
    )
    assert (site.domain, site.m) == ("takaq.jp", "lan.example")
    assert route(site, "u@localhost.lan.example").decided_by == "local"
    assert route(site, "u@localhost.takaq.jp").decided_by == "default"


@given(
    text=st.text("ab.!@%+-", min_size=1, max_size=12),
    body=st.sampled_from(["", "MAILER(`uucp')dnl\n", "define(`UUCP_RELAY', `uu.example')dnl\n"]),
)
def test_bang_paths_route_or_are_refused(text: str, body: str) -> None:
    """Any mix of ``!``, ``@`` and ``%``: an answer, or a ValueError that says why."""
    site = Site.from_text(body + "MAILER(`smtp')dnl\n", hostname="mx.example")
    try:
        d = route(site, text)
    except ValueError as exc:
        assert str(exc)
    else:
        assert d.mailer and d.decided_by
