"""``include()`` of a file that exists: the model reads it as m4 would.

Its defines, FEATUREs and class macros stand where the include is (recursively,
with a depth limit and a cycle check); a relative name is found from the ``.mc``'s
folder (where m4 runs), an absolute one as written or under ``root``; the cf
package's own files are never read; a missing file stays in ``Site.unmodelled``.
The differential tests at the end render the same folders with real m4 and ask
real sendmail where mail goes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.mc import parse_mc
from sendmailcfg.mc.facts import MAX_INCLUDE_DEPTH, NOT_READ, mc_facts
from sendmailcfg.site import load_site, route
from sendmailcfg.site.finding import include_reader
from sendmailcfg.site.model import Site
from tests.oracle import Oracle
from tests.test_site_oracle import Config, check_routes

DEBIAN_PROVIDER = """\
divert(-1)dnl
#-----------------------------------------------------------------------------
# $Sendmail: provider.m4 (shaped like the file Debian's sendmailconfig writes)
#
# Lines a site adds for its provider: define(`SMART_HOST') in a comment is not one.
#-----------------------------------------------------------------------------
divert(0)dnl
define(`SMART_HOST', `[relay.isp.example]')dnl
"""

DEBIAN_DIALUP = """\
divert(-1)dnl
#-----------------------------------------------------------------------------
# $Sendmail: dialup.m4 (shaped like Debian's: nothing special by default)
#-----------------------------------------------------------------------------
divert(0)dnl
"""


def test_a_define_in_an_included_file_is_the_sites() -> None:
    site = Site.from_text(
        "include(`defs.m4')dnl\nMAILER(`smtp')dnl\n",
        includes={"defs.m4": "dnl the relay\ndefine(`SMART_HOST', `[relay.example]')dnl\n"},
    )
    assert site.smart_host is not None
    assert (site.smart_host.value, site.smart_host.path, site.smart_host.line) == (
        "[relay.example]",
        "defs.m4",
        2,
    )
    assert site.unmodelled == ()
    assert route(site, "u@elsewhere.example").host == "[relay.example]"


def test_an_include_stands_where_it_is_written() -> None:
    defs = {"defs.m4": "define(`SMART_HOST', `[from.include]')dnl\n"}
    before = "define(`SMART_HOST', `[from.mc]')dnl\ninclude(`defs.m4')dnl\n"
    after = "include(`defs.m4')dnl\ndefine(`SMART_HOST', `[from.mc]')dnl\n"
    assert Site.from_text(before, includes=defs).define("SMART_HOST").value == "[from.include]"  # type: ignore[union-attr]
    assert Site.from_text(after, includes=defs).define("SMART_HOST").value == "[from.mc]"  # type: ignore[union-attr]


def test_features_class_macros_and_cw_lines_of_an_included_file_count() -> None:
    text = (
        "FEATURE(`mailertable')dnl\n"
        "LOCAL_DOMAIN(`inc.example')dnl\n"
        "MASQUERADE_AS(`masq.example')dnl\n"
        "LOCAL_CONFIG\nCwraw.example\n"
    )
    site = Site.from_text(
        "include(`site.m4')dnl\nMAILER(`smtp')dnl\n",
        includes={"site.m4": text},
        maps={"mailertable": ".takaq.jp smtp:[mail2.takaq.jp]\n"},
    )
    assert site.has_feature("mailertable")
    assert site.maps["mailertable"].setting.path == "site.m4"
    assert {"inc.example", "raw.example"} <= site.local_names
    assert site.masquerade_as is not None and site.masquerade_as.path == "site.m4"
    assert route(site, "u@x.takaq.jp").host == "[mail2.takaq.jp]"


@pytest.mark.parametrize(
    ("mc", "want"),
    [
        ("MASQUERADE_AS(`mc.example')dnl\ninclude(`m.m4')dnl\n", "inc.example"),
        ("include(`m.m4')dnl\nMASQUERADE_AS(`mc.example')dnl\n", "mc.example"),
    ],
)
def test_the_last_masquerade_as_wins_across_files(mc: str, want: str) -> None:
    site = Site.from_text(mc, includes={"m.m4": "MASQUERADE_AS(`inc.example')dnl\n"})
    assert site.masquerade_as is not None and site.masquerade_as.value == want


def test_what_an_included_file_does_not_model_is_listed_with_its_path() -> None:
    site = Site.from_text(
        "include(`rules.m4')dnl\n", includes={"rules.m4": "dnl\nFEATURE(`ldap_routing')dnl\n"}
    )
    assert [(u.value, u.path, u.line) for u in site.unmodelled] == [
        ("FEATURE(`ldap_routing')", "rules.m4", 2)
    ]


def test_an_included_files_m4_builtins_are_listed() -> None:
    """``changequote`` in an included file changes how m4 reads the rest: no guess."""
    site = Site.from_text(
        "include(`q.m4')dnl\n",
        includes={"q.m4": "dnl\nchangequote([,])dnl\nsyscmd([date])dnl\n"},
    )
    assert [(u.value, u.path, u.line) for u in site.unmodelled] == [
        ("changequote(...)", "q.m4", 2),
        ("syscmd(...)", "q.m4", 3),
    ]


def test_a_missing_include_stays_unmodelled(tmp_path: Path) -> None:
    (tmp_path / "sendmail.mc").write_text("include(`/nonexistent/provider.m4')dnl\n")
    site = load_site(tmp_path, hostname="mx.example")
    assert [(u.value, u.what) for u in site.unmodelled] == [
        ("include(`/nonexistent/provider.m4')", "the included file was not found")
    ]


def test_without_a_folder_includes_are_not_read() -> None:
    site = Site(parse_mc("include(`defs.m4')dnl\n"))
    assert [(u.value, u.what) for u in site.unmodelled] == [("include(`defs.m4')", NOT_READ)]


def test_relative_names_are_found_from_the_mc_folder_also_when_nested(tmp_path: Path) -> None:
    (tmp_path / "m4").mkdir()
    (tmp_path / "m4" / "outer.m4").write_text("include(`m4/inner.m4')dnl\n")
    (tmp_path / "m4" / "inner.m4").write_text("define(`SMART_HOST', `[inner.example]')dnl\n")
    (tmp_path / "sendmail.mc").write_text("include(`m4/outer.m4')dnl\n")
    site = load_site(tmp_path, hostname="mx.example")
    assert site.smart_host is not None
    assert site.smart_host.path == str(tmp_path / "m4" / "inner.m4")
    assert [i.at for i in site.facts.included] == [1, 1]
    assert site.unmodelled == ()


def test_absolute_names_are_found_under_root(tmp_path: Path) -> None:
    """Debian's sendmail.mc includes /etc/mail/m4/dialup.m4 and provider.m4."""
    root = tmp_path / "root"
    (root / "etc/mail/m4").mkdir(parents=True)
    (root / "etc/mail/m4/provider.m4").write_text(DEBIAN_PROVIDER)
    (root / "etc/mail/m4/dialup.m4").write_text(DEBIAN_DIALUP)
    corpus = Path(__file__).parent / "corpus" / "debian" / "sendmail.mc"
    shutil.copy(corpus, tmp_path / "sendmail.mc")
    site = load_site(tmp_path / "sendmail.mc", hostname="mx.example", root=root)
    assert [i.written for i in site.facts.included] == [
        "/etc/mail/m4/dialup.m4",
        "/etc/mail/m4/provider.m4",
    ]
    assert site.smart_host is not None and site.smart_host.value == "[relay.isp.example]"
    assert not [u for u in site.unmodelled if u.value.startswith("include")]
    without = load_site(tmp_path / "sendmail.mc", hostname="mx.example")
    assert without.smart_host is None
    assert [u.value for u in without.unmodelled if u.value.startswith("include")] == [
        "include(`/etc/mail/m4/dialup.m4')",
        "include(`/etc/mail/m4/provider.m4')",
    ]


def test_the_cf_package_files_are_not_read() -> None:
    asked: list[str] = []

    def read(name: str) -> tuple[str, str] | None:
        asked.append(name)
        return None

    mc = (
        "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"
        "include(_CF_DIR_`m4/other.m4')dnl\n"
        "include(`x.m4')dnl\n"
    )
    facts = mc_facts(parse_mc(mc), "s.mc", read_include=read)
    assert asked == ["x.m4"]
    assert [u.what for u in facts.unmodelled] == [
        "include(`_CF_DIR_m4/other.m4')",
        "include(`x.m4')",
    ] or [u.line for u in facts.unmodelled] == [2, 3]


def test_a_cycle_is_stopped_and_listed() -> None:
    files = {
        "a.m4": "define(`A', `1')dnl\ninclude(`b.m4')dnl\n",
        "b.m4": "include(`a.m4')dnl\ndefine(`B', `2')dnl\n",
    }
    facts = mc_facts(
        parse_mc("include(`a.m4')dnl\n"),
        "s.mc",
        read_include=lambda n: (n, files[n]) if n in files else None,
    )
    assert facts.defined_value("A") == "1" and facts.defined_value("B") == "2"
    assert [(u.what, u.path) for u in facts.unmodelled] == [("include(`a.m4')", "b.m4")]
    assert "cycle" in facts.unmodelled[0].why


def test_nesting_stops_at_the_depth_limit() -> None:
    def read(name: str) -> tuple[str, str]:
        n = int(name.split(".")[0][1:])
        return name, f"define(`D{n}', `x')dnl\ninclude(`f{n + 1}.m4')dnl\n"

    facts = mc_facts(parse_mc("include(`f1.m4')dnl\n"), "s.mc", read_include=read)
    assert len(facts.included) == MAX_INCLUDE_DEPTH
    assert facts.defined_value(f"D{MAX_INCLUDE_DEPTH}") == "x"
    assert [u.why for u in facts.unmodelled] == [
        f"includes nested deeper than {MAX_INCLUDE_DEPTH} files"
    ]


def test_include_reader_reads_nothing_but_regular_files(tmp_path: Path) -> None:
    (tmp_path / "folder.m4").mkdir()
    read = include_reader(str(tmp_path))
    assert read("folder.m4") is None
    assert read("missing.m4") is None
    assert include_reader(None)("relative.m4") is None


@given(st.lists(st.sampled_from(["[a.example]", "[b.example]", None]), min_size=1, max_size=5))
def test_the_last_define_wins_across_files(values: list[str | None]) -> None:
    """Each value goes either into the .mc or into an included file; the answer is m4's:
    the last one in reading order."""
    mc_parts: list[str] = []
    includes: dict[str, str] = {}
    for i, v in enumerate(values):
        line = "dnl\n" if v is None else f"define(`SMART_HOST', `{v}')dnl\n"
        if i % 2:
            includes[f"f{i}.m4"] = line
            mc_parts.append(f"include(`f{i}.m4')dnl\n")
        else:
            mc_parts.append(line)
    site = Site.from_text("".join(mc_parts), includes=includes)
    want = next((v for v in reversed(values) if v is not None), None)
    got = site.define("SMART_HOST")
    assert (got.value if got else None) == want


# -- against real sendmail -----------------------------------------------------------------


DEFS = """\
divert(-1)dnl
# a site's own file of settings
divert(0)dnl
define(`SMART_HOST', `[smart.example]')dnl
FEATURE(`mailertable', `hash -o DIR/mailertable')dnl
LOCAL_DOMAIN(`inc.example')dnl
"""


def test_an_included_file_of_defines_routes_as_sendmail(oracle: Oracle) -> None:
    cfg = Config(
        "include-absolute",
        "include(`DIR/defs.m4')dnl\n",
        maps={"mailertable": ".lan.example esmtp:[gw.lan.example]\n"},
        files={"defs.m4": DEFS},
        hosts=("x.lan.example", "inc.example"),
    )
    assert check_routes(oracle, cfg) > 20


def test_relative_and_nested_includes_route_as_sendmail(oracle: Oracle) -> None:
    """m4 runs in the folder: ``m4/site.m4`` and the file it includes are found from it."""
    cfg = Config(
        "include-relative",
        "include(`m4/site.m4')dnl\ndefine(`SMART_HOST', `[after.example]')dnl\n",
        maps={"mailertable": ".lan.example esmtp:[gw.lan.example]\n"},
        files={
            "m4/site.m4": "include(`m4/defs.m4')dnl\nRELAY_DOMAIN(`relayed.example')dnl\n",
            "m4/defs.m4": DEFS,
        },
        hosts=("x.lan.example", "relayed.example"),
    )
    assert check_routes(oracle, cfg) > 20


def test_debian_provider_include_routes_as_sendmail(oracle: Oracle) -> None:
    """Debian's two includes, their files at the same place under the folder."""
    cfg = Config(
        "include-debian-provider",
        "include(`DIR/etc/mail/m4/dialup.m4')dnl\ninclude(`DIR/etc/mail/m4/provider.m4')dnl\n",
        files={
            "etc/mail/m4/dialup.m4": DEBIAN_DIALUP,
            "etc/mail/m4/provider.m4": DEBIAN_PROVIDER,
        },
    )
    assert check_routes(oracle, cfg) > 20


@pytest.mark.parametrize("name", ["defs.m4"])
def test_a_missing_include_is_what_m4_refuses(oracle: Oracle, name: str) -> None:
    """m4 stops on a missing ``include`` (``sinclude`` is silent): the model lists it."""
    _, err, status = oracle.mc2cf(f"include(`/nonexistent/{name}')dnl\n")
    assert status != 0 and "No such file" in err
