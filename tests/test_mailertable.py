"""mailertable semantics: one named test per surprise of observed-semantics.md §2 (and the
ones the differential tests found), properties, edits, and the ``query mailertable`` CLI.

Every expected triple below was printed by sendmail 8.17.1.9 (``/parse``);
``tests/test_mailertable_oracle.py`` re-checks them against the real binary.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sendmailcfg
from sendmailcfg.maps.mailertable import MailertableDocument, substitute
from sendmailcfg.maps.routing import STANDARD_MAILERS, Route, tokens

TOP = Path(__file__).resolve().parents[1]

MT1 = MailertableDocument.from_text(
    "a.b.example.com\tsmtp:exact.relay\n"
    ".b.example.com\tsmtp:b-dot.relay\n"
    ".example.com\tesmtp:ex-dot.relay\n"
    "example.org\tsmtp:org-nodot\n"
    "nomailer.example\tplainrelay\n"
    "err.example\terror:nouser:No such user\n"
    "err2.example\terror:550 Go away\n"
    "err3.example\terror:5.1.1:550 User unknown\n"
)


def triple(
    doc: MailertableDocument, address: str, **kw: object
) -> tuple[str, str | None, str | None]:
    r = doc.resolve(address, **kw)  # type: ignore[arg-type]
    return (r.mailer, r.host, r.user)


def mt(text: str, **kw: object) -> MailertableDocument:
    return MailertableDocument.from_text(text, **kw)  # type: ignore[arg-type]


# -- lookup order ---------------------------------------------------------------------------


def test_exact_key_is_tried_first() -> None:
    assert triple(MT1, "u@a.b.example.com") == ("smtp", "exact.relay", "u@a.b.example.com")


def test_dot_key_matches_strict_subdomains_only() -> None:
    assert triple(MT1, "u@x.b.example.com")[:2] == ("smtp", "b-dot.relay")
    # b.example.com itself falls through to .example.com
    r = MT1.resolve("u@b.example.com")
    assert (r.key, r.host) == (".example.com", "ex-dot.relay")
    # .example.com never matches example.com: default route
    assert triple(MT1, "u@example.com") == ("esmtp", "example.com.", "u@example.com")


def test_bare_key_never_matches_a_subdomain() -> None:
    assert triple(MT1, "u@example.org")[:2] == ("smtp", "org-nodot")
    assert triple(MT1, "u@sub.example.org") == ("esmtp", "sub.example.org.", "u@sub.example.org")


def test_parents_longest_first_then_dot_and_no_intermediate_exact_names() -> None:
    r = mt("b.example.com smtp:never\n").resolve("u@x.b.example.com")
    assert [p.key for p in r.tried] == [
        "x.b.example.com",
        ".b.example.com",
        ".example.com",
        ".com",
        ".",
    ]
    assert r.reason == "default"


def test_trailing_dot_is_stripped_before_lookup_and_kept_in_default_host() -> None:
    doc = mt("host.example smtp:r\n")
    assert doc.resolve("u@host.example.").key == "host.example"
    assert triple(mt(""), "u@x.example.com.") == ("esmtp", "x.example.com.", "u@x.example.com")
    # an unqualified host gets no dot, unless it was written with one
    assert triple(mt(""), "u@single") == ("esmtp", "single", "u@single")
    assert triple(mt(""), "u@host.") == ("esmtp", "host.", "u@host")


def test_lookup_is_case_insensitive_and_the_address_keeps_its_case() -> None:
    assert triple(MT1, "u@A.B.EXAMPLE.COM") == ("smtp", "exact.relay", "u@A.B.EXAMPLE.COM")
    doc = mt("UPPER.example smtp:upper\n")
    assert triple(doc, "u@upper.EXAMPLE") == ("smtp", "upper", "u@upper.EXAMPLE")


def test_delivery_host_is_lower_cased_except_for_local_and_error() -> None:
    assert triple(mt(""), "u@X.Y.Nomatch") == ("esmtp", "x.y.nomatch.", "u@X.Y.Nomatch")
    doc = mt("b.example smtp:Upper.Example\na.example error:NoUser:Text\n")
    assert triple(doc, "u@b.example") == ("smtp", "upper.example", "u@b.example")
    assert triple(doc, "u@a.example") == ("*error*", "NoUser", "Text")


def test_case_sensitive_when_built_with_makemap_f() -> None:
    doc = mt("A.example smtp:upper\n", fold_keys=False)
    assert doc.resolve("u@A.example").key == "A.example"
    assert doc.resolve("u@a.example").key is None


def test_value_without_mailer_is_looked_up_as_a_host() -> None:
    assert triple(MT1, "u@nomailer.example") == (
        "esmtp",
        "nomailer.example.",
        "u@nomailer.example",
    )
    with_dot = mt("nomailer.example plainrelay\n. smtp:dot-%1\n")
    r = with_dot.resolve("u@nomailer.example")
    assert (r.key, r.host) == (".", "dot-plainrelay")
    # a host-like value is searched like a host: its parents, then "."
    chain = mt("nr.example b.c.d\n.c.d smtp:cd-%0-%1-%2\n")
    r = chain.resolve("u@nr.example")
    assert [p.key for p in r.tried] == ["nr.example", ".c.d"]
    assert r.host == "cd-.c.d-b-b"


def test_forgotten_mailer_with_a_trailing_dot_looks_up_nonsense_keys() -> None:
    # "relay.example.com." is walked as a host; at its last label sendmail's `$+`
    # swallows the rest of the workspace and looks up ".>u<@a.example."
    doc = mt("a.example relay.example.com.\n. smtp:dot-%1\n")
    r = doc.resolve("u@a.example")
    assert [p.key for p in r.tried] == [
        "a.example",
        ".example.com.",
        ".com.",
        ".>u<@a.example.",
        ".",
    ]
    assert r.route == Route("smtp", "dot-relay.example.com.", "u@a.example")


def test_non_route_dot_match_is_glued_to_the_stripped_labels() -> None:
    doc = mt(". smtp:dot-%0-%1\n.nr2.example foo\n")
    assert doc.resolve("u@q.nr2.example").host == "dot-.-q.foo"


def test_a_label_with_an_operator_character_stops_the_parent_search() -> None:
    doc = mt(".b.example.com smtp:b-dot.relay\n")
    r = doc.resolve("u@x.a+b.b.example.com")
    assert [p.key for p in r.tried] == ["x.a+b.b.example.com", ".a+b.b.example.com", "."]
    assert r.mailer == "esmtp"


def test_value_feeding_back_into_itself_stops_after_50_nested_calls() -> None:
    # sendmail: 50 lookups, then "excessive recursion"; the junk lands in the recipient
    r = mt(".b .a.b\n").resolve("u@q.b")
    assert len(r.tried) == 50
    assert r.route == Route("esmtp", "q.b.", "q" + ".a" * 49 + ".b.u@q.b")


def test_a_missing_key_that_reads_as_mailer_colon_routes() -> None:
    # q-1.q-1.ex -> "q-1.q-1.ex.:-" (not a route) ... then the missing key ".:-"
    # stays in the workspace and reads as mailer "." (unknown: an error)
    doc = mt("q-1.q-1.ex %0.:%1-\n. error:\n")
    r = doc.resolve("u@q-1.q-1.ex", mailers=STANDARD_MAILERS)
    assert [p.key for p in r.tried] == ["q-1.q-1.ex", ".q-1.ex.:-", ".ex.:-", ".:-"]
    assert r.route == Route("*error*", None, "")


def test_bracket_first_token_is_not_a_mailer() -> None:
    doc = mt("br.example [smtp]:relay\nbr2.example [relay.example]\n")
    assert triple(doc, "u@br.example")[0] == "esmtp"
    assert triple(doc, "u@br2.example")[0] == "esmtp"


# -- % substitutions ------------------------------------------------------------------------

PCT = mt(
    "pct.example.com\tsmtp:k%0-a%1-b%2.relay\n"
    ".pct.example.com\tsmtp:k%0-a%1-b%2.relay\n"
    ".\tsmtp:dot-%0-%1.relay\n"
)


def test_percent_on_exact_match_has_empty_args() -> None:
    assert PCT.resolve("u@pct.example.com").host == "kpct.example.com-a-b.relay"


def test_percent_on_dot_match_strips_labels() -> None:
    assert PCT.resolve("u@x.y.pct.example.com").host == "k.pct.example.com-ax.y-by.relay"


def test_percent_on_catch_all_gets_the_whole_host() -> None:
    assert PCT.resolve("u@foo.bar").host == "dot-.-foo.bar.relay"
    assert PCT.resolve("u@single").host == "dot-.-single.relay"


def test_percent_percent_and_unknown_escapes() -> None:
    assert substitute("a%%b%9%x", "k", ()) == "a%b%x"
    assert mt("p.example smtp:a%%1b%9c\n").resolve("u@p.example").host == "a%1bc"


# -- delivery triples (ruleset 95) ----------------------------------------------------------

FORMS = mt(
    "loc.example\tlocal:bob\n"
    "loc2.example\tlocal:\n"
    "loc3.example\tlocal:bob@elsewhere.example\n"
    "lit.example\tesmtp:[10.0.0.1]\n"
    "uh.example\tsmtp:fred@relay.example\n"
    "port.example\tesmtp:[relay.example]:2525\n"
    "list.example\tsmtp:a.example:b.example\n"
    "list2.example\tsmtp:a.example,b.example\n"
    "prog.example\tprog:foo\n"
    "unk.example\tnosuch:relay.example\n"
    "sp.example\tsmtp:relay two\n"
    'e4.example\terror:"quoted":text\n'
    "e5.example\terror:5.1:text\n"
    "e8.example\terror:\n"
    "em.example\tesmtp:\n"
    "lm.example\tLOCAL:bob\n"
    "prog2.example\tprog:5,@[\n"
    "lat.example\tLocal:@relay\n"
    "lsp.example\tlocal:a.jp1 a.jp%\n"
)


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        ("u@loc.example", ("local", "u@loc.example", "bob")),
        ("u@loc2.example", ("local", "u@loc2.example", "u")),
        ("U@loc2.example", ("local", "U@loc2.example", "u")),
        ("u+d@loc2.example", ("local", "u+d@loc2.example", "u+d")),
        ("u@loc3.example", ("local", "u@loc3.example", "bob")),
        ("u@lm.example", ("local", "u@lm.example", "bob")),
        ("u@lit.example", ("esmtp", "[10.0.0.1]", "u@lit.example")),
        ("u@uh.example", ("smtp", "relay.example", "fred@relay.example")),
        ("u@port.example", ("esmtp", "[relay.example]:2525", "u@port.example")),
        ("u@list.example", ("smtp", "a.example:b.example", "u@list.example")),
        ("u@list2.example", ("smtp", "a.example,b.example", "u@list2.example")),
        ("u@prog.example", ("prog", "foo", "u")),
        ("u@prog2.example", ("prog", "[", "5,")),
        ("u@lat.example", ("local", "u@lat.example", "relay")),
        ("u@lsp.example", ("local", "u@lsp.example", "a.jp1.a.jp%")),
        ("u@sp.example", ("smtp", "relay.two", "u@sp.example")),
        ("u@e4.example", ("*error*", "quoted", "text")),
        ("u@e5.example", ("*error*", None, "5.1:text")),
        ("u@e8.example", ("*error*", None, ">u<@e8.example.")),
        ("u@em.example", ("esmtp", ">u<@em.example.", "")),
    ],
)
def test_delivery_triple_forms(address: str, expected: tuple[str, str | None, str]) -> None:
    assert triple(FORMS, address) == expected


def test_error_forms() -> None:
    assert triple(MT1, "u@err.example") == ("*error*", "nouser", "No such user")
    assert triple(MT1, "u@err2.example") == ("*error*", None, "550 Go away")
    assert triple(MT1, "u@err3.example") == ("*error*", "5.1.1", "550 User unknown")


def test_unknown_mailer_is_an_error_when_mailers_are_given() -> None:
    assert triple(FORMS, "u@unk.example")[0] == "nosuch"
    r = FORMS.resolve("u@unk.example", mailers=STANDARD_MAILERS)
    assert r.route == Route("*error*", None, "")


# -- what never reaches the mailertable -----------------------------------------------------


def test_ip_literals_never_reach_the_mailertable() -> None:
    doc = mt("[192.0.2.1] smtp:iplit\n. smtp:dot\n")
    r = doc.resolve("u@[192.0.2.1]")
    assert (r.route, r.tried, r.reason) == (
        Route("esmtp", "[192.0.2.1]", "u@[192.0.2.1]"),
        (),
        "ip-literal",
    )


def test_ipv6_literals_are_routed_to_the_address() -> None:
    # As sendmail 8.17 -bt /parse answers (tests/test_mailertable_oracle.py checks it).
    doc = mt("[IPv6:2001:db8::1] smtp:v6key\n. smtp:dot\n")
    r = doc.resolve("u@[ipv6:2001:DB8::1]")
    assert (r.route, r.tried, r.reason) == (
        Route("esmtp", "[ipv6:2001:db8::1]", "u@[IPv6:2001:DB8::1]"),
        (),
        "ip-literal",
    )
    assert triple(doc, "u@[IPv6:::1]", smart_host="relay.example.net") == (
        "esmtp",
        "relay.example.net",
        "u@[IPv6:::1]",
    )
    for address in ("u@[IPv6:2001:db8::1].", "u@[IPv6:1::2]x"):
        assert triple(doc, address) == ("*error*", "5.1.2", '"553 Invalid address"')
    with pytest.raises(ValueError, match="address syntax"):
        doc.resolve("a:b@[IPv6:::1]")  # a colon outside the literal is a route address
    with pytest.raises(ValueError, match="address syntax"):
        doc.resolve("u@[x:y]")


def test_ip_literals_of_this_host_are_delivered_locally() -> None:
    doc = mt(". smtp:dot\n")
    names = ["[192.0.2.5]", "[IPv6:2001:db8::5]"]
    for address in ("U@[192.0.2.5]", "u@[IPv6:2001:DB8::5]", "u@[ipv6:2001:db8::5]"):
        r = doc.resolve(address, local_names=names)
        assert (r.route, r.reason) == (Route("local", None, "u"), "local")
    assert doc.resolve("u@[192.0.2.6]", local_names=names).reason == "ip-literal"


def test_local_names_never_reach_the_mailertable() -> None:
    doc = mt(". smtp:dot\n")
    for address in ("u@localhost", "u@LOCALHOST", "u@Oracle.Invalid", "u@oracle.invalid."):
        r = doc.resolve(address, local_names=["oracle.invalid"])
        assert (r.route, r.tried) == (Route("local", None, "u"), ())
    assert doc.resolve("u@oracle.invalid").reason == "mailertable"


def test_smart_host_uses_the_relay_mailer_and_mailertable_overrides_it() -> None:
    doc = mt(".example.com smtp:mt.relay\n")
    sh = "relay.example.net"
    assert triple(doc, "u@a.example.com", smart_host=sh)[:2] == ("smtp", "mt.relay")
    assert triple(doc, "u@other.org", smart_host=sh) == ("relay", sh, "u@other.org")
    assert triple(doc, "u@[192.0.2.1]", smart_host=sh)[:2] == ("esmtp", sh)
    assert triple(doc, "u@other.org", smart_host="esmtp:[smart.example]")[:2] == (
        "esmtp",
        "[smart.example]",
    )


@pytest.mark.parametrize(
    ("address", "host", "text"),
    [
        ("u@", "5.1.3", '"553 Hostname required"'),
        ("@x", "5.1.3", '"553 User address required"'),
        ("bad@@x", "5.1.3", '"553 Invalid route address"'),
        ("u@.x", "5.1.2", '"553 Invalid host name"'),
        ("u@x..y", "5.1.2", '"553 Invalid host name"'),
        ("u@[1.2.3.4]x", "5.1.2", '"553 Invalid address"'),
    ],
)
def test_invalid_addresses_as_sendmail_rejects_them(address: str, host: str, text: str) -> None:
    r = MT1.resolve(address)
    assert (r.reason, r.route) == ("invalid", Route("*error*", host, text))


def test_address_syntax_outside_the_model_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="address syntax"):
        MT1.resolve("a b@c")


def test_bare_host_has_no_user() -> None:
    assert MT1.resolve("x.b.example.com").route == Route("smtp", "b-dot.relay", None)
    assert FORMS.resolve("loc2.example").route == Route("local", None, None)


# -- explain, results, edits ----------------------------------------------------------------


def test_explain_lists_keys_in_order_and_marks_the_match() -> None:
    text = MT1.explain("u@x.b.example.com")
    assert text.splitlines() == [
        "u@x.b.example.com -> smtp to b-dot.relay, user u@x.b.example.com",
        "  x.b.example.com  no entry",
        "  .b.example.com   line 2: smtp:b-dot.relay  <- routes",
    ]
    assert "default esmtp route" in MT1.explain("u@nowhere.example")


def test_result_carries_entry_line_and_substituted_value() -> None:
    r = PCT.resolve("u@x.y.pct.example.com")
    assert (r.key, r.line, r.value) == (
        ".pct.example.com",
        2,
        "smtp:k.pct.example.com-ax.y-by.relay",
    )
    assert r.entry is not None and r.entry.value == "smtp:k%0-a%1-b%2.relay"


def test_add_domain_writes_the_pair_and_reports_changes() -> None:
    doc = mt("# routes\nother.jp smtp:x\n")
    assert doc.add_domain("takaq.jp", "smtp:[mail2.takaq.jp]") is True
    assert doc.add_domain("takaq.jp", "smtp:[mail2.takaq.jp]") is False
    assert doc.text == (
        "# routes\nother.jp smtp:x\ntakaq.jp smtp:[mail2.takaq.jp]\n.takaq.jp smtp:[mail2.takaq.jp]\n"
    )
    assert doc.resolve("u@takaq.jp").key == "takaq.jp"
    assert doc.resolve("u@a.b.takaq.jp").key == ".takaq.jp"
    assert doc.add_domain("takaq.jp", "smtp:takaq.jp") is True
    assert doc.resolve("u@takaq.jp").host == "takaq.jp"  # the cache saw the edit


def test_preview_add_domain_leaves_the_document_alone() -> None:
    doc = mt("takaq.jp smtp:takaq.jp\n")
    diff = doc.preview_add_domain("takaq.jp", "smtp:[mail2.takaq.jp]")
    assert "+.takaq.jp smtp:[mail2.takaq.jp]" in diff
    assert "-takaq.jp smtp:takaq.jp" in diff
    assert doc.text == "takaq.jp smtp:takaq.jp\n"
    assert diff == sendmailcfg.diff(doc, _added(doc), "mailertable")


def _added(doc: MailertableDocument) -> MailertableDocument:
    new = doc.copy()
    new.add_domain("takaq.jp", "smtp:[mail2.takaq.jp]")
    return new


def test_edits_and_copies_do_not_serve_stale_results() -> None:
    doc = mt("a.example smtp:one\n")
    assert doc.resolve("u@a.example").host == "one"
    trial = doc.copy()
    trial.set("a.example", "smtp:two")
    assert (doc.resolve("u@a.example").host, trial.resolve("u@a.example").host) == ("one", "two")
    doc.remove("a.example")
    assert doc.resolve("u@a.example").reason == "default"
    doc.insert(".example", "smtp:three")
    assert doc.resolve("u@a.example").host == "three"


# -- properties -----------------------------------------------------------------------------

LABEL = st.sampled_from(["a", "b", "c", "Ex", "jp", "q-1", "A", "takaq"])
HOSTS = st.lists(LABEL, min_size=1, max_size=4).map(".".join)


def brute_force(entries: list[tuple[str, str]], host: str) -> str | None:
    """The documented lookup order, by scanning: exact, .parents longest first, '.'."""
    labels = host.split(".")
    candidates = [host] + ["." + ".".join(labels[i:]) for i in range(1, len(labels))] + ["."]
    for candidate in candidates:
        for key, value in entries:  # first entry wins, as makemap keeps it
            if key.lower() == candidate.lower():
                return value
    return None


@given(
    keys=st.lists(
        st.one_of(HOSTS, HOSTS.map(lambda h: "." + h), st.just(".")), min_size=0, max_size=8
    ),
    host=HOSTS,
)
def test_resolve_agrees_with_a_brute_force_scan(keys: list[str], host: str) -> None:
    entries = [(k, f"smtp:relay{i}") for i, k in enumerate(keys)]
    doc = mt("".join(f"{k}\t{v}\n" for k, v in entries))
    expected = brute_force(entries, host)
    r = doc.resolve("u@" + host)
    if expected is None:
        assert (r.reason, r.key) == ("default", None)
    else:
        assert r.value == expected
        assert r.host == expected.split(":", 1)[1]
        assert r.tried[-1].entry == r.entry


HOSTISH = st.text(alphabet="abcXYZ019-._[]%!+/^@=#$", max_size=20)


@given(
    source=st.text(alphabet="abc.%012:@[] \t\nerolcsmtp", max_size=120),
    query=HOSTISH,
    local=st.booleans(),
)
def test_resolve_never_raises_on_host_names(source: str, query: str, local: bool) -> None:
    doc = mt(source)
    r = doc.resolve(("u@" if local else "") + query, smart_host="relay.example")
    assert isinstance(r.mailer, str)
    assert r.explain().startswith(r.query)


@given(domain=st.lists(LABEL, min_size=1, max_size=3).map(".".join), sub=HOSTS)
def test_add_domain_routes_the_domain_and_every_subdomain(domain: str, sub: str) -> None:
    doc = mt("")
    doc.add_domain(domain, "smtp:[backup.example]")
    for host in (domain, f"{sub}.{domain}"):
        assert doc.resolve("u@" + host).host == "[backup.example]"


def test_tokens_of_values() -> None:
    assert tokens('error:"a b":x') == ["error", ":", '"a b"', ":", "x"]
    assert tokens("smtp:x\r") == ["smtp", ":", "x"]


# -- the CLI --------------------------------------------------------------------------------


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sendmailcfg", "query", "mailertable", *args],
        capture_output=True,
        text=True,
        cwd=TOP,
        timeout=60,
    )


def test_cli_text_one_line_per_address() -> None:
    p = run_cli("examples/mailertable", "ken@takaq.jp", "ken@www.takaq.jp", "other.org")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines() == [
        "ken@takaq.jp -> smtp to takaq.jp, user ken@takaq.jp (line 7: takaq.jp)",
        "ken@www.takaq.jp -> smtp to [mail2.takaq.jp], user ken@www.takaq.jp (line 8: .takaq.jp)",
        "other.org -> esmtp to other.org. (no entry: default route)",
    ]


def test_cli_json_keys_and_nulls() -> None:
    p = run_cli(
        "examples/mailertable",
        "ken@www.takaq.jp",
        "u@example.org",
        "u@gw.lan",
        "--json",
        "--local",
        "gw.lan",
    )
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert [list(o)[:5] for o in got] == [["address", "key", "mailer", "host", "user"]] * 3
    assert got[0]["key"] == ".takaq.jp"
    assert (got[0]["mailer"], got[0]["host"], got[0]["user"]) == (
        "smtp",
        "[mail2.takaq.jp]",
        "ken@www.takaq.jp",
    )
    for o in got[1:]:
        assert (o["key"], o["mailer"], o["host"], o["user"]) == (None, None, None, None)
    assert got[1]["route"] == {"mailer": "esmtp", "host": "example.org.", "user": "u@example.org"}
    assert got[2]["reason"] == "local"


def test_cli_host_is_null_when_sendmail_reports_none(tmp_path: Path) -> None:
    path = tmp_path / "mailertable"
    path.write_text("err.example error:550 Go away\n")
    got = json.loads(run_cli(str(path), "u@err.example", "--json").stdout)
    assert (got[0]["mailer"], got[0]["host"], got[0]["user"]) == ("*error*", None, "550 Go away")


def test_cli_options_no_fold_and_smart_host(tmp_path: Path) -> None:
    path = tmp_path / "mt"
    path.write_text("A.example smtp:upper\n")
    assert "line 1" in run_cli(str(path), "u@a.example").stdout
    assert "default route" in run_cli(str(path), "-f", "u@a.example").stdout
    out = run_cli(str(path), "--smart-host", "[isp.example]", "u@b.example").stdout
    assert (
        out.strip()
        == "u@b.example -> relay to [isp.example], user u@b.example (no entry: SMART_HOST)"
    )


def test_cli_usage_errors_exit_2(tmp_path: Path) -> None:
    p = run_cli(str(tmp_path / "missing"), "u@x")
    assert p.returncode == 2 and re.search(r"missing: cannot read", p.stderr)
    p = run_cli("examples/mailertable", "a b@c")
    assert p.returncode == 2 and "address syntax" in p.stderr and not p.stdout
    assert run_cli("examples/mailertable").returncode == 2
