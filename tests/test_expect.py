"""``python -m sendmailcfg test``: expectation files, their positions, outcomes and reports."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg import strategies
from sendmailcfg.expect import Configuration, parse_text, run
from sendmailcfg.expect.record import read_addresses, record
from sendmailcfg.expect.tomlpos import scan
from sendmailcfg.site import Site

TOP = Path(__file__).resolve().parents[1]
STORY = TOP / "examples" / "story"

WWW_MC = (
    "define(`confDOMAIN_NAME', `www.takaq.jp')dnl\n"
    "define(`SMART_HOST', `[mmr.plala.or.jp]')dnl\n"
    "MAILER(`local')dnl\nMAILER(`smtp')dnl\n"
)


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(TOP))
    return subprocess.run(
        [sys.executable, "-m", "sendmailcfg", "test", *args],
        capture_output=True,
        text=True,
        cwd=cwd or TOP,
        env=env,
        timeout=120,
    )


@pytest.fixture
def www(tmp_path: Path) -> Path:
    """A folder holding the web server's configuration (the story's bug: LAN mail to the ISP)."""
    (tmp_path / "www").mkdir()
    (tmp_path / "www" / "sendmail.mc").write_text(WWW_MC)
    return tmp_path


# -- positions --------------------------------------------------------------------------


def test_positions_of_keys_values_tables_and_array_items() -> None:
    text = (
        "# a comment with \"quotes\" and 'more' = [x]\n"
        'config = "gw"  # trailing\n'
        "[site.gw.route]\n"
        '"ken@takaq.jp" = { mailer = \'local\', user = """ken""" }\n'
        '\'a@b\' = "x\\"y"\n'
        "[[many]]\n"
        "k = 1\n"
        "[[many]]\n"
        'k = [\n  1, # one\n  "]",\n]\n'
        "dotted.key = 2026-12-08 01:00:00\n"
    )
    p = scan(text)
    assert p.key(("config",)) == (2, 1)
    assert p.value(("config",)) == (2, 10)
    assert p.key(("site", "gw", "route")) == (3, 1)
    assert p.key(("site", "gw", "route", "ken@takaq.jp")) == (4, 1)
    assert p.key(("site", "gw", "route", "ken@takaq.jp", "user")) == (4, 38)
    assert p.value(("site", "gw", "route", "ken@takaq.jp", "user")) == (4, 45)
    assert p.key(("site", "gw", "route", "a@b")) == (5, 1)
    assert p.key(("many", 0, "k")) == (7, 1)
    assert p.key(("many", 1, "k")) == (9, 1)
    assert p.value(("many", 1, "k", 1)) == (11, 3)
    assert p.key(("many", 1, "dotted", "key")) == (13, 1)
    assert p.key(("nothing", "here")) == (1, 1)  # unknown: the top of the file


_bare = st.from_regex(r"[a-z][a-z0-9_-]{0,6}", fullmatch=True)
_quoted = st.text(st.sampled_from("ab@.#=[]{}'\\\" \u00e9"), min_size=1, max_size=8)


@given(
    st.dictionaries(
        _bare,
        st.dictionaries(_quoted, st.sampled_from(['"x"', "'y'", "1", "[1, 2]", "{ a = 1 }"])),
        max_size=4,
    )
)
def test_every_key_is_found_where_it_is_written(doc: dict[str, dict[str, str]]) -> None:
    lines = []
    for table, body in doc.items():
        lines.append(f"[{table}]  # [not.a.table]")
        lines.extend(f"{json.dumps(k)} = {v}" for k, v in body.items())
    text = "\n".join(lines) + "\n"
    p = scan(text)
    rows = text.splitlines()
    for table, body in doc.items():
        line, col = p.key((table,))
        assert rows[line - 1].startswith(f"[{table}]")
        for key in body:
            line, col = p.key((table, key))
            assert rows[line - 1][col - 1 :].startswith(json.dumps(key))


# -- the file format ------------------------------------------------------------------


def test_short_and_table_forms() -> None:
    found, problems = parse_text(
        'config = "www"\nhostname = "www.takaq.jp"\n'
        "[route]\n"
        '"ken@takaq.jp" = "local"\n'
        '"a@b.example" = { mailer = "esmtp", host = "b.example.", port = 587, no-such-user = true }\n'
        "[sender]\n"
        '"apache" = { header = "apache@takaq.jp", mailer = "relay" }\n'
        "[access]\n"
        '"to:u@partner.example" = "relay"\n'
        '"from:a@b" = "no decision"\n'
        "[virtusertable]\n"
        '"nobody@takaq.jp" = "no entry"\n'
        "[lint]\n"
        'allow = ["mt005"]\n',
        "dir/t.sendmail-test.toml",
    )
    assert problems == []
    got = [(e.line, e.kind, e.query, e.expected, e.options) for e in found]
    assert got == [
        (4, "route", "ken@takaq.jp", {"mailer": "local"}, {}),
        (
            5,
            "route",
            "a@b.example",
            {"mailer": "esmtp", "host": "b.example.", "port": "587"},
            {"no-such-user": True},
        ),
        (7, "sender", "apache", {"header": "apache@takaq.jp"}, {"mailer": "relay"}),
        (9, "access", "to:u@partner.example", {"action": "RELAY"}, {}),
        (10, "access", "from:a@b", {"action": ""}, {}),
        (12, "virtusertable", "nobody@takaq.jp", {"result": "", "error": ""}, {}),
        (13, "lint", "fail-on", {"fail-on": "error"}, {"allow": "MT005"}),
    ]
    assert found[0].site.config == os.path.join("dir", "www")
    assert found[0].site.hostname == "www.takaq.jp"


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ('colour = "x"\n', "1:1", "unknown key 'colour'; expected one of config"),
        ("[route]\n'a@b' = 3\n", "2:9", "wrong type: an integer; expected a string such as"),
        ("[route]\n'a b' = 'local'\n", "2:1", "malformed address 'a b'"),
        ("[route]\n'<a>, b' = 'local'\n", "2:1", "malformed address '<a>, b'"),
        ("[route]\n'a' = { mailr = 'x' }\n", "2:9", "unknown key 'mailr'; expected one of mailer"),
        ("[route]\n'a' = { }\n", "2:1", "nothing expected"),
        ("[route]\n'a' = { no-such-user = 'yes', mailer = 'x' }\n", "2:24", "true or false"),
        ("[access]\n'conn:x' = 'OK'\n", "2:1", "malformed query 'conn:x'"),
        ("[access]\n'connect:x:300.1.1.1' = 'OK'\n", "2:1", "is not an IP address"),
        ("[access]\n'to:a' = { action = 'OK', client = 'x' }\n", "2:36", "malformed client"),
        ("[access]\n'to:a' = 'PERHAPS'\n", "2:10", "unknown access action 'PERHAPS'"),
        ("[sender]\n'a' = { envelope = 'x', mailer = 'uucp' }\n", "2:34", "unknown mailer"),
        ("[lint]\nexpect = [\n  'X004',\n  'NOPE1',\n]\n", "4:3", "unknown rule id 'NOPE1'"),
        ("[lint]\nfail-on = 'warn'\n", "2:11", "unknown severity 'warn'"),
        ("[lint]\nwhatever = 1\n", "2:1", "unknown key 'whatever' in [lint]"),
        ("route = 'x'\n", "1:9", "wrong type: a string; expected a [route] table"),
        ("[site.a]\n[site.a.route]\nx = 'local'\n", "1:1", "[site.a] has no config"),
        ("[site.a]\nconfig = 1\n", "2:10", "wrong type: an integer; expected a string"),
        ("[route]\n'a' = 'local\n", "2:13", "not TOML: "),
        ("[route]\n'a' = 'local", "2:13", "not TOML: "),
    ],
)
def test_bad_input_is_reported_at_its_place(text: str, where: str, message: str) -> None:
    found, problems = parse_text(text, "t.sendmail-test.toml")
    assert problems, found
    first = problems[0]
    assert f"{first.line}:{first.column}" == where, str(first)
    assert message in first.message, str(first)
    assert str(first).startswith(f"t.sendmail-test.toml:{where}: ")


# -- outcomes -------------------------------------------------------------------------


def _outcomes(text: str, site: Site) -> list[tuple[bool, str]]:
    found, problems = parse_text(text, "t.sendmail-test.toml")
    assert problems == []
    conf = Configuration(site)
    from sendmailcfg.expect import check

    return [(o.passed, o.got) for o in (check(e, conf) for e in found)]


def test_route_outcomes_compare_only_what_is_written() -> None:
    site = Site.from_text(WWW_MC)
    text = (
        "[route]\n"
        '"ken@gmail.com" = "relay"\n'
        '"ken@gateway.takaq.jp" = "relay [mmr.plala.or.jp]"\n'
        '"ken@takaq.jp" = "smtp [gateway.takaq.jp]"\n'
        '"root" = { mailer = "local", user = "root", host = "" }\n'
        '"x@" = "error 5.1.3"\n'
        '"ken@takaq.jp " = { decided-by = "default" }\n'
    )
    assert _outcomes(text, site) == [
        (True, "relay"),
        (True, "relay [mmr.plala.or.jp]"),
        (False, "relay [mmr.plala.or.jp]"),
        (True, '{ mailer = "local", user = "root", host = "" }'),
        (True, "*error* 5.1.3"),
        (False, '{ decided-by = "smart-host" }'),
    ]


def test_luser_relay_with_no_such_user() -> None:
    site = Site.from_text(
        "define(`confDOMAIN_NAME', `gw.takaq.jp')dnl\n"
        "define(`LUSER_RELAY', `[mail2.takaq.jp]')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n"
    )
    text = (
        "[route]\n"
        '"ghost@gw.takaq.jp" = { mailer = "relay", host = "[mail2.takaq.jp]", no-such-user = true }\n'
        '"ken@gw.takaq.jp" = "local"\n'
    )
    assert [p for p, _ in _outcomes(text, site)] == [True, True]


def test_access_maps_and_sender_outcomes() -> None:
    site = Site.from_text(
        "define(`confDOMAIN_NAME', `gw.takaq.jp')dnl\nLOCAL_DOMAIN(`takaq.jp')dnl\n"
        "MASQUERADE_AS(`takaq.jp')dnl\nFEATURE(`access_db')dnl\nFEATURE(`virtusertable')dnl\n"
        "FEATURE(`genericstable')dnl\nGENERICS_DOMAIN(`takaq.jp')dnl\n"
        "FEATURE(`domaintable')dnl\nRELAY_DOMAIN(`partner.example')dnl\n"
        "MAILER(`local')dnl\nMAILER(`smtp')dnl\n",
        maps={
            "access": "Connect:192.0.2\tREJECT\nFrom:spam.example\tERROR:5.7.1:550 go away\n",
            "virtusertable": "info@takaq.jp\tken\n@bad.takaq.jp\terror:nouser 550 No\n",
            "genericstable": "ken\tken.sato@takaq.jp\n",
            "domaintable": "old.example\ttakaq.jp\n",
        },
    )
    text = (
        "[access]\n"
        '"connect:x.example:192.0.2.9" = "REJECT"\n'
        '"from:a@spam.example" = { action = "ERROR", code = "5.7.1" }\n'
        '"to:u@partner.example" = "RELAY"\n'
        '"to:u@elsewhere.example" = { action = "REJECT", reply = "550 Relaying denied" }\n'
        '"from:ken@takaq.jp" = "no decision"\n'
        "[virtusertable]\n"
        '"info@takaq.jp" = "ken"\n'
        '"nobody@takaq.jp" = "no entry"\n'
        "[genericstable]\n"
        '"ken@takaq.jp" = "ken.sato@takaq.jp"\n'
        "[domaintable]\n"
        '"old.example" = "takaq.jp"\n'
        "[sender]\n"
        '"aki" = { header = "aki@takaq.jp" }\n'
        '"ken" = "ken.sato@takaq.jp"\n'
    )
    got = _outcomes(text, site)
    assert got == [
        (True, "REJECT"),
        (True, '{ action = "ERROR", code = "5.7.1" }'),
        (True, "RELAY"),
        (True, '{ action = "REJECT", reply = "550 Relaying denied" }'),
        (True, "no decision"),
        (True, "ken"),
        (True, "no entry"),
        (True, "ken.sato@takaq.jp"),
        (True, "takaq.jp"),
        (True, '{ header = "aki@takaq.jp" }'),
        (
            False,
            "envelope ken@gw.takaq.jp, header ken.sato@takaq.jp",
        ),  # a short form is one address
    ], got


def test_unreadable_configuration_fails_every_expectation(tmp_path: Path) -> None:
    found, _ = parse_text(
        'config = "nowhere"\n[route]\n"a" = "local"\n[lint]\n', str(tmp_path / "t.toml")
    )
    outcomes = run(found)
    assert [o.passed for o in outcomes] == [False, False]
    assert all("the configuration cannot be read" in o.got for o in outcomes)
    assert all("no such file or directory" in o.got for o in outcomes)


def test_record_round_trips() -> None:
    site = Site.from_text(WWW_MC)
    conf = Configuration(site)
    text = record(conf, ["ken@gmail.com", "root", "x@"], config="www")
    found, problems = parse_text(text, "t.toml")
    assert problems == []
    from sendmailcfg.expect import check

    assert [check(e, conf).passed for e in found] == [True, True, True]
    with pytest.raises(ValueError, match="malformed address"):
        record(conf, ["a b"], config="www")
    assert read_addresses("#x\n a \n\nb\n") == ["a", "b"]


# -- the command ----------------------------------------------------------------------


def test_the_bundled_story_passes() -> None:
    p = cli("examples")
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.endswith("passed, 0 failed (engine model)\n")


def test_default_finds_files_under_the_folder_and_skips_hidden(www: Path) -> None:
    (www / "a.sendmail-test.toml").write_text('config = "www"\n[route]\n"root" = "local"\n')
    (www / ".git").mkdir()
    (www / ".git" / "b.sendmail-test.toml").write_text("not toml [")
    (www / "other.toml").write_text("not toml [")
    p = cli(cwd=www)
    assert p.returncode == 0, p.stderr
    assert p.stdout == "1 passed, 0 failed (engine model)\n"


def test_failure_prints_file_line_and_explanation(www: Path) -> None:
    f = www / "lan.sendmail-test.toml"
    f.write_text(
        'config = "www"\n\n[route]\n"ken@gateway.takaq.jp" = "smtp [gateway.takaq.jp]"\n'
        '"ken@gmail.com" = "relay [mmr.plala.or.jp]"\n'
    )
    p = cli(str(f))
    assert p.returncode == 1
    lines = p.stdout.splitlines()
    assert lines[0] == (f"{f}:4: expected smtp [gateway.takaq.jp], got relay [mmr.plala.or.jp]")
    assert lines[1].startswith("  ken@gateway.takaq.jp -> relay to [mmr.plala.or.jp]")
    assert "SMART_HOST [mmr.plala.or.jp] takes mail for every other host" in lines[3]
    assert lines[-1] == "1 passed, 1 failed (engine model)"


def test_bad_file_runs_nothing(www: Path) -> None:
    good = www / "a.sendmail-test.toml"
    good.write_text('config = "www"\n[route]\n"root" = "smtp"\n')
    bad = www / "b.sendmail-test.toml"
    bad.write_text('config = "www"\n[route]\n"root" = { mailer = 1 }\n')
    p = cli(str(good), str(bad))
    assert p.returncode == 2
    assert p.stdout == ""
    assert p.stderr.splitlines()[0] == (
        f"{bad}:3:21: wrong type: an integer; expected a string (mailer)"
    )
    assert cli(str(www / "missing.toml")).returncode == 2
    empty = www / "empty"
    empty.mkdir()
    p = cli(cwd=empty)
    assert p.returncode == 2 and "no expectation files" in p.stderr


def test_json_junit_and_sarif(www: Path) -> None:
    f = www / "lan.sendmail-test.toml"
    f.write_text('config = "www"\n[route]\n"root" = "local"\n"ken@gateway.takaq.jp" = "smtp"\n')
    junit = www / "report.xml"
    p = cli(str(f), "--json", "--junit-xml", str(junit))
    assert p.returncode == 1
    data = json.loads(p.stdout)
    assert (data["passed"], data["failed"], data["engines"]) == (1, 1, ["model"])
    second = data["results"][1]
    assert second["line"] == 4 and second["passed"] is False
    assert second["answer"]["mailer"] == "relay"
    assert second["message"] == "expected smtp, got relay"
    tree = ET.parse(junit).getroot()
    assert (tree.get("tests"), tree.get("failures")) == ("2", "1")
    cases = tree.findall("testsuite/testcase")
    assert [c.get("name") for c in cases] == ["route root", "route ken@gateway.takaq.jp"]
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.get("message") == f"{f}:4: expected smtp, got relay"
    p = cli(str(f), "--format", "sarif")
    sarif = json.loads(p.stdout)
    results = sarif["runs"][0]["results"]
    assert [r["ruleId"] for r in results] == ["expect-route"]
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert region == {"startLine": 4, "startColumn": 1}


def test_record_then_change_then_test(www: Path) -> None:
    snap = www / "before.sendmail-test.toml"
    addresses = www / "addresses"
    addresses.write_text("# the LAN\nken@gateway.takaq.jp\n")
    p = cli(
        "--config", str(www / "www"), "--record", "ken@gmail.com", "root",
        "--record-from", str(addresses), str(snap),
    )  # fmt: skip
    assert p.returncode == 0, p.stderr
    text = snap.read_text()
    assert 'config = "www"\n' in text
    assert cli(str(snap)).returncode == 0
    mc = www / "www" / "sendmail.mc"
    mc.write_text(mc.read_text().replace("[mmr.plala.or.jp]", "[gateway.takaq.jp]"))
    p = cli(str(snap))
    assert p.returncode == 1
    assert p.stdout.count("expected {") == 2  # both remote addresses moved; root did not
    p = cli("--config", str(www / "www"), "--record", "root", str(snap))
    assert p.returncode == 2 and "looks like a FILE" in p.stderr
    p = cli("--config", str(www / "www"), "--record", "a b")
    assert p.returncode == 2 and "malformed address" in p.stderr
    p = cli("--config", str(www / "www"), "--record", "root")
    assert p.returncode == 0 and p.stdout.startswith("# Recorded by")


def test_config_option_answers_with_another_configuration(www: Path) -> None:
    shutil.copytree(STORY / "www", www / "fixed")
    f = www / "lan.sendmail-test.toml"
    f.write_text('config = "www"\n[route]\n"ken@gateway.takaq.jp" = "relay [gateway.takaq.jp]"\n')
    assert cli(str(f)).returncode == 1
    assert cli(str(f), "--config", str(www / "fixed")).returncode == 0


def test_control_characters_are_shown_not_sent(www: Path) -> None:
    f = www / "esc.sendmail-test.toml"
    f.write_text('config = "www"\n[route]\n"root" = "smtp \\u001b[2J"\n"a\\u001b]0;x\\u0007" = 1\n')
    p = cli(str(f))
    assert p.returncode == 2
    assert "\x1b" not in p.stderr
    assert "malformed address 'a\\x1b]0;x\\x07'" in p.stderr
    f.write_text('config = "www"\n[route]\n"root" = "smtp \\u001b[2J"\n')
    p = cli(str(f))
    assert p.returncode == 1
    assert "\x1b" not in p.stdout and "expected smtp \\e[2J, got local" in p.stdout


def test_command_line_overrides_reach_the_top_level_only() -> None:
    text = (
        'config = "a"\nhostname = "a.example"\n[route]\n"root" = "local"\n'
        '[site.b]\nconfig = "b"\n[site.b.route]\n"root" = "local"\n'
    )
    found, _ = parse_text(text, "t.toml", config="c", hostname="c.example", root="/r")
    assert [(e.site.config, e.site.hostname, e.site.root) for e in found] == [
        ("c", "c.example", "/r"),
        ("b", None, None),
    ]


def test_another_engine_plugs_in_and_is_named() -> None:
    import attrs

    from sendmailcfg.expect.run import summary
    from sendmailcfg.site import Delivery, route

    @attrs.frozen
    class CfDelivery(Delivery):
        def as_json(self) -> dict[str, object]:
            return {**Delivery.as_json(self), "engine": "cf"}

    def by_cf(site: Site, address: str, absent: object) -> Delivery:
        d = route(site, address)
        return CfDelivery(**attrs.asdict(d, recurse=False))

    conf = Configuration(Site.from_text(WWW_MC), router=by_cf)
    found, _ = parse_text('[route]\n"root" = "local"\n[sender]\n"a" = "a@www.takaq.jp"\n', "t")
    from sendmailcfg.expect import check

    outcomes = [check(e, conf) for e in found]
    assert [o.engine for o in outcomes] == ["cf", "model"]
    assert conf.engine == "cf"
    assert summary(outcomes) == "2 passed, 0 failed (engine cf, model)"


@given(
    st.lists(
        st.tuples(
            strategies.addresses(),
            st.sampled_from(['"local"', '"relay [mmr.plala.or.jp]"', '{ mailer = "esmtp" }']),
            st.sampled_from(["", "  ", "\n# a comment\n", "\n\n"]),
        ),
        min_size=1,
        max_size=8,
        unique_by=lambda t: t[0],
    )
)
def test_every_expectation_points_at_its_own_line(
    rows: list[tuple[str, str, str]],
) -> None:
    text = "# expectations\n[route]\n" + "".join(
        f"{json.dumps(a)} = {v}{gap}\n" for a, v, gap in rows
    )
    found, problems = parse_text(text, "t.sendmail-test.toml")
    assert problems == []
    lines = text.splitlines()
    assert [e.query for e in found] == [a for a, _, _ in rows]
    for e in found:
        assert lines[e.line - 1].startswith(json.dumps(e.query) + " = ")
        assert e.column == 1
