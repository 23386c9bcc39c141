"""Access map decisions: one test per rule of sendmail 8.17's rulesets, plus properties.

The expected answers are the ones measured with the real sendmail
(``observed-semantics.md`` §3, re-checked by ``test_access_oracle.py``).
"""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from sendmailcfg.maps.access import AccessDocument
from sendmailcfg.maps.access.rules import AccessDecision, AccessQueryError, Client

ACCESS_1 = """\
Connect:192.0.2\tREJECT
Connect:bad.example\tREJECT
Connect:good.example.net\tOK
From:spammer@example.com\tREJECT
From:example.org\tDISCARD
To:victim@example.net\tERROR:5.7.1:550 No thanks
example.com\tRELAY
198.51.100.7\tREJECT
"""
ACCESS_4 = """\
From:a@ex.test\tOK
From:a@\tREJECT
From:ex.test\tDISCARD
From:skip.test\tSKIP
skip.test\tREJECT
From:err.test\tERROR:5.7.1:550 Go away
From:err2.test\tERROR:"553 bad sender"
From:q.test\tQUARANTINE:held for review
untag@x.test\tREJECT
Connect:IPv6:2001:db8::1\tREJECT
Connect:IPv6:2001:db8:1\tREJECT
Connect:[10.1.2.3]\tREJECT
Connect:Mixed.Case.Test\tREJECT
From:tmp.test\tfoo bar
"""
REMOTE = Client("client.invalid", "192.0.2.254")


def doc(text: str) -> AccessDocument:
    d = AccessDocument.from_text(text)
    assert isinstance(d, AccessDocument)
    return d


def triple(d: AccessDecision) -> tuple[str | None, str | None, str | None]:
    return d.action, d.code, d.reply


DENIED = ("REJECT", "5.7.1", "550 Access denied")
RELAY_DENIED = ("REJECT", "5.7.1", "550 Relaying denied")


# -- connections (check_relay) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "addr", "want", "key"),
    [
        ("x.bad.example", "203.0.113.9", DENIED, "Connect:bad.example"),  # subdomain
        ("foo", "192.0.2.55", DENIED, "Connect:192.0.2"),  # octet prefix
        ("foo", "198.51.100.7", DENIED, "198.51.100.7"),  # untagged applies
        ("foo", "198.51.100.70", (None, None, None), None),  # whole octets only
        ("good.example.net", "192.0.2.1", ("OK", None, None), "Connect:good.example.net"),
        ("", "192.0.2.1", DENIED, "Connect:192.0.2"),  # empty name: address only
    ],
)
def test_connect_access_1(
    name: str, addr: str, want: tuple[str | None, ...], key: str | None
) -> None:
    d = doc(ACCESS_1).check_connect(name, addr)
    assert triple(d) == want
    assert d.key == key
    assert d.check == "connect"


def test_connect_name_is_tried_before_address() -> None:
    d = doc(ACCESS_1).check_connect("good.example.net", "192.0.2.1")
    assert d.tried == ("Connect:good.example.net",)
    assert d.line == 3


def test_connect_tried_order() -> None:
    d = doc(ACCESS_1).check_connect("x.y", "203.0.113.9")
    assert d.tried == (
        "Connect:x.y",
        "x.y",
        "Connect:y",
        "y",
        "Connect:203.0.113.9",
        "203.0.113.9",
        "Connect:203.0.113",
        "203.0.113",
        "Connect:203.0",
        "203.0",
        "Connect:203",
        "203",
    )
    assert d.action is None


@pytest.mark.parametrize(
    ("name", "addr", "rejected"),
    [
        ("h", "IPv6:2001:db8::1", True),  # the key as written
        ("h", "IPv6:2001:db8:1::5", True),  # group prefix
        ("h", "10.1.2.3", False),  # [10.1.2.3] is a host name, not an address
        ("[10.1.2.3]", "10.1.2.3", True),
        ("MIXED.case.test", "203.0.113.1", True),  # keys are case-insensitive
        ("h", "2001:db8::1", False),  # no IPv6: prefix, no match
    ],
)
def test_connect_access_4(name: str, addr: str, rejected: bool) -> None:
    assert (doc(ACCESS_4).check_connect(name, addr).action == "REJECT") is rejected


def test_connect_ipv6_group_walk() -> None:
    d = doc("Connect:IPv6:2001:db8\tRELAY\n").check_connect("", "IPv6:2001:db8:0:0:0:0:0:1")
    assert d.action == "RELAY"
    assert d.tried[-1] == "Connect:IPv6:2001:db8"
    assert len(d.tried) == 13


def test_connect_bare_ipv6_tag_matches_every_ipv6_client() -> None:
    d = doc("Connect:IPv6\tREJECT\n").check_connect("", "IPv6:2001:db8:0:0:0:0:0:1")
    assert d.action == "REJECT"


def test_connect_bracket_name_walk() -> None:
    d = doc("Connect:[10.1]\tREJECT\n").check_connect("[10.1.2.3]", "10.1.2.3")
    assert d.key == "Connect:[10.1]"


def test_connect_without_address_decides_nothing() -> None:
    assert doc("Connect:h.test\tREJECT\n").check_connect("h.test", "").action is None


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("REJECT", DENIED),
        ("reject", DENIED),
        ("DISCARD", ("DISCARD", None, None)),
        ("RELAY", ("RELAY", None, None)),
        ("ok", ("OK", None, None)),
        ("ERROR:5.7.1:550 Go away", ("ERROR", "5.7.1", "550 Go away")),
        ('ERROR:"553 bad  sender"', ("ERROR", None, "553 bad  sender")),
        ("ERROR:550 No,  thanks", ("ERROR", None, "550 No,thanks")),
        ("QUARANTINE:held  for review", ("QUARANTINE", None, "held for review")),
        ("SKIP", ("ERROR", None, "SKIP")),  # without the skip argument
        ("foo bar", ("ERROR", None, "foo bar")),
        ("550 old style", ("ERROR", None, "550 old style")),
    ],
)
def test_values(value: str, want: tuple[str | None, ...]) -> None:
    d = doc(f"Connect:h.test\t{value}\n").check_connect("h.test", "192.0.2.1")
    assert triple(d) == want


def test_quarantine_reason() -> None:
    d = doc(ACCESS_4).check_from("x@q.test")
    assert d.reason == "held for review"
    assert d.rejects


def test_skip_stops_the_walk_only_with_the_feature() -> None:
    m = doc("Connect:192.0.2.7\tSKIP\nConnect:192.0.2\tREJECT\n")
    assert m.check_connect("", "192.0.2.7", features=["skip"]).action is None
    assert triple(m.check_connect("", "192.0.2.7")) == ("ERROR", None, "SKIP")
    assert m.check_connect("", "192.0.2.8", features=["skip"]).action == "REJECT"


def test_skip_for_the_name_falls_back_to_the_address() -> None:
    m = doc("Connect:h.test\tSKIP\nConnect:192.0.2\tREJECT\n")
    assert m.check_connect("h.test", "192.0.2.7", features=["skip"]).action == "REJECT"


def test_lookupdotdomain_connect() -> None:
    m = doc("Connect:.example.com\tREJECT\n")
    assert m.check_connect("a.example.com", "192.0.2.1").action is None
    ldd = ["lookupdotdomain"]
    assert m.check_connect("a.example.com", "192.0.2.1", features=ldd).action == "REJECT"
    assert m.check_connect("example.com", "192.0.2.1", features=ldd).action is None


def test_delay_checks_connect_and_from_decide_nothing() -> None:
    m = doc("Connect:192.0.2\tREJECT\nFrom:a@b.test\tREJECT\n")
    assert m.check_connect("", "192.0.2.1", features=["delay_checks"]).action is None
    assert m.check_from("a@b.test", features=["delay_checks"]).action is None


def test_unknown_feature() -> None:
    with pytest.raises(ValueError, match="unknown feature"):
        doc("").check_connect("", "1.2.3.4", features=["nope"])


# -- senders (check_mail) --------------------------------------------------------------


@pytest.mark.parametrize(
    ("sender", "want", "key"),
    [
        ("a@ex.test", ("OK", None, None), "From:a@ex.test"),  # full address beats user@
        ("a@other.test", DENIED, "From:a@"),  # user@ beats the domain
        ("b@ex.test", ("DISCARD", None, None), "From:ex.test"),
        ("b@sub.ex.test", ("DISCARD", None, None), "From:ex.test"),
        ("x@skip.test", ("ERROR", None, "SKIP"), "From:skip.test"),
        ("x@err.test", ("ERROR", "5.7.1", "550 Go away"), "From:err.test"),
        ("x@err2.test", ("ERROR", None, "553 bad sender"), "From:err2.test"),
        ("x@q.test", ("QUARANTINE", None, "held for review"), "From:q.test"),
        ("untag@x.test", DENIED, "untag@x.test"),
        ("x@tmp.test", ("ERROR", None, "foo bar"), "From:tmp.test"),
        ("<x@nothing.test>", (None, None, None), None),
        ("<>", (None, None, None), None),
    ],
)
def test_from_access_4(sender: str, want: tuple[str | None, ...], key: str | None) -> None:
    d = doc(ACCESS_4).check_from(sender, client=REMOTE)
    assert triple(d) == want
    assert d.key == key


def test_from_search_order() -> None:
    d = doc("").check_from("u+d@a.b")
    assert d.tried == (
        "TLS_Clt:",  # tls_client runs first (here: no client name or address)
        "From:u+d@a.b",
        "u+d@a.b",
        "From:u+*@a.b",
        "u+*@a.b",
        "From:u@a.b",
        "u@a.b",
        "From:u+d@",
        "u+d@",
        "From:u+*@",
        "u+*@",
        "From:u@",
        "u@",
        "From:a.b",
        "a.b",
        "From:b",
        "b",
    )


def test_from_skip_stops_domain_walk_with_feature() -> None:
    m = doc("From:sub.ex.test\tSKIP\nex.test\tREJECT\n")
    assert m.check_from("x@sub.ex.test", features=["skip"]).action is None
    assert m.check_from("x@ex.test", features=["skip"]).action == "REJECT"


def test_from_unqualified_sender() -> None:
    m = doc("")
    d = m.check_from("bob", client=REMOTE)
    assert triple(d) == ("ERROR", "5.5.4", "553 Domain name required for sender address bob")
    assert m.check_from("bob", client=Client("", "")).action is None  # local submission
    assert doc("From:bob@\tOK\n").check_from("bob", client=REMOTE).action == "OK"


def test_from_localhost_needs_local_client() -> None:
    m = doc("")
    d = m.check_from("bob@localhost", client=REMOTE)
    assert triple(d) == ("ERROR", "5.5.4", "553 Real domain name required for sender address")
    assert m.check_from("bob@localhost", client=Client("localhost", "127.0.0.1")).action is None


def test_from_special_values() -> None:
    m = doc("From:t.test\tTEMP\nFrom:p.test\tPERM\nFrom:o.test\tOKR\n")
    assert triple(m.check_from("x@t.test")) == (
        "ERROR",
        "4.1.8",
        "451 Domain of sender address x@t.test does not resolve",
    )
    assert m.check_from("x@p.test").code == "5.1.8"
    assert m.check_from("x@o.test").action is None


def test_from_rejects_forms_we_do_not_model() -> None:
    with pytest.raises(AccessQueryError):
        doc("").check_from("a%b@c.test")
    with pytest.raises(AccessQueryError):
        doc("").check_from("a@b@c.test")


def test_smtp_reply_texts() -> None:
    # measured with sendmail -bs (see test_access_oracle.py::test_smtp_replies)
    m = doc('From:e.test\tERROR:550 "quoted part" x\nFrom:r.test\tREJECT\n')
    assert m.check_from("a@e.test").smtp_reply("a@e.test") == (
        "553 5.3.0 <a@e.test>... 550quoted partx"
    )
    assert m.check_from("a@r.test").smtp_reply("a@r.test") == (
        "550 5.7.1 <a@r.test>... Access denied"
    )
    assert m.check_from("a@x.test").smtp_reply() is None


# -- recipients (check_rcpt) -----------------------------------------------------------


def test_to_access_1() -> None:
    m = doc(ACCESS_1)
    assert triple(m.check_to("victim@example.net", client=REMOTE)) == RELAY_DENIED
    assert m.check_to("u@example.com", client=REMOTE).action == "RELAY"
    assert m.check_to("u@sub.example.com", client=REMOTE).key == "example.com"
    assert triple(m.check_to("u@other.example", client=REMOTE)) == RELAY_DENIED


@pytest.mark.parametrize(
    ("text", "features", "domain_relays", "sub_relays"),
    [
        ("example.com\tRELAY\n", [], True, True),
        ("example.com\tRELAY\n", ["relay_hosts_only"], True, False),
        ("example.com\tRELAY\n", ["lookupdotdomain"], True, True),
        (".example.com\tRELAY\n", [], False, False),
        (".example.com\tRELAY\n", ["lookupdotdomain"], False, True),
        (".example.com\tRELAY\n", ["relay_hosts_only"], False, False),
    ],
)
def test_to_relay_features(
    text: str, features: list[str], domain_relays: bool, sub_relays: bool
) -> None:
    m = doc(text)
    assert (m.check_to("u@example.com", features=features).action == "RELAY") is domain_relays
    assert (m.check_to("u@sub.example.com", features=features).action == "RELAY") is sub_relays


def test_to_local_names_and_relay_domains() -> None:
    m = doc("")
    assert m.check_to("u@localhost").action == "RELAY"
    assert m.check_to("u@mail.test", local_names=["mail.test"]).action == "RELAY"
    assert m.check_to("u@a.mail.test", local_names=["mail.test"]).action == "REJECT"
    assert m.check_to("u@a.mail.test", relay_domains=["mail.test"]).action == "RELAY"
    rho = ["relay_hosts_only"]
    assert m.check_to("u@a.mail.test", relay_domains=["mail.test"], features=rho).action == (
        "REJECT"
    )
    assert m.check_to("u").action == "RELAY"  # unqualified: local user


def test_to_non_relay_values_stop_the_walk() -> None:
    m = doc("To:sub.example.com\tOK\nexample.com\tRELAY\n")
    assert m.check_to("u@sub.example.com").action == "REJECT"


def test_to_client_may_relay() -> None:
    m = doc("Connect:10.1\tRELAY\nConnect:trusted.test\tRELAY\n")
    assert m.check_to("u@far.test", client=Client("x.test", "10.1.2.3")).key == "Connect:10.1"
    assert m.check_to("u@far.test", client=Client("a.trusted.test", "192.0.2.1")).action == (
        "RELAY"
    )
    assert m.check_to("u@far.test", client=Client("", "")).action == "RELAY"  # local
    assert m.check_to("u@far.test", client=Client("h", "127.0.0.1")).action == "RELAY"
    assert m.check_to("u@far.test", client=REMOTE).action == "REJECT"


def test_blocklist_recipients() -> None:
    m = doc("To:victim@example.net\tREJECT\nTo:bad.test\tERROR:5.1.1:550 gone\nbob@\tREJECT\n")
    blr = ["blocklist_recipients"]
    d = m.check_to("victim@example.net", features=blr)
    assert triple(d) == ("REJECT", "5.2.1", "550 Mailbox disabled for this recipient")
    assert m.check_to("x@a.bad.test", features=blr).code == "5.1.1"
    # user@ keys only for local domains
    assert m.check_to("bob@localhost", features=blr).action == "REJECT"
    assert m.check_to("bob@localhost").action == "RELAY"
    assert m.check_to("victim@example.net").reply == "550 Relaying denied"


def test_delay_checks_to_runs_sender_and_client_checks() -> None:
    m = doc("From:bad@x.test\tREJECT\nConnect:192.0.2\tREJECT\nFrom:good@x.test\tOK\n")
    dc = ["delay_checks"]
    kw: dict[str, Any] = {"features": dc, "local_names": ["mx.test"]}
    assert m.check_to("u@mx.test", sender="bad@x.test", **kw).check == "from"
    assert m.check_to(
        "u@mx.test", sender="a@x.test", client=Client("h", "192.0.2.1"), **kw
    ).key == ("Connect:192.0.2")
    # an OK sender skips the client check
    d = m.check_to("u@mx.test", sender="good@x.test", client=Client("h", "192.0.2.1"), **kw)
    assert d.action == "OK"
    # relaying is denied before the sender is looked at
    assert m.check_to("u@far.test", sender="bad@x.test", **kw).reply == "550 Relaying denied"


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("VERIFY", ("ERROR", "4.7.0", "454 authentication required")),
        ("verify:112+CN:foo", ("ERROR", "4.7.0", "454 authentication required")),
        ("VERIFY++CN", ("ERROR", "4.7.0", "454 authentication required")),
        ("TEMP+VERIFY", ("ERROR", "4.7.0", "403 authentication required")),
        ("ENCR:128", ("ERROR", "4.7.0", "454 encryption too weak 0 less than 128")),
        ("PERM+ENCR:64", ("ERROR", "5.7.0", "503 encryption too weak 0 less than 64")),
        ("ENCR:0", (None, None, None)),
        ("JUNK", (None, None, None)),
    ],
)
def test_tls_clt_refuses_clients_without_starttls(value: str, want: tuple[str | None, ...]) -> None:
    m = doc(f"TLS_Clt:h.test\t{value}\n")
    d = m.check_from("<>", client=Client("mx.h.test", "192.0.2.1"))
    assert triple(d) == want
    assert m.check_from("a@b.test", client=Client("other.test", "192.0.2.1")).action is None


def test_tls_clt_default_and_address() -> None:
    m = doc("TLS_Clt:\tVERIFY\nTLS_Clt:10.1\tENCR:0\n")
    assert m.check_from("a@b.test").key == "TLS_Clt:"
    assert m.check_from("a@b.test", client=Client("", "10.1.2.3")).action is None


def test_empty_recipient() -> None:
    assert doc("").check_to("<>").reply == "553 User address required"


# -- properties ------------------------------------------------------------------------

labels = st.text("abcdefghij0123456789-", min_size=1, max_size=6).filter(
    lambda s: not s.startswith("-")
)
domains = st.lists(labels, min_size=1, max_size=4).map(".".join)


@given(domains, st.lists(labels, max_size=3))
def test_domain_key_matches_every_subdomain(domain: str, extra: list[str]) -> None:
    host = ".".join([*extra, domain])
    m = doc(f"To:{domain}\tRELAY\n")
    assert m.check_to(f"u@{host}").action == "RELAY"
    exact = m.check_to(f"u@{host}", features=["relay_hosts_only"]).action == "RELAY"
    assert exact is (host == domain)


octets = st.lists(st.integers(0, 255), min_size=4, max_size=4)


@given(octets, st.integers(1, 4), octets)
def test_ipv4_keys_match_whole_octet_prefixes(key: list[int], n: int, addr: list[int]) -> None:
    prefix = ".".join(map(str, key[:n]))
    m = doc(f"Connect:{prefix}\tREJECT\n")
    hit = m.check_connect("", ".".join(map(str, addr))).action == "REJECT"
    assert hit is (addr[:n] == key[:n])


@given(st.integers(0, 2**128 - 1), st.integers(1, 8))
def test_ipv6_keys_match_group_prefixes(value: int, n: int) -> None:
    from sendmailcfg.maps.access.keys import client_addr_text, ipv6_text

    ip = ipaddress.IPv6Address(value)
    assume(ip.ipv4_mapped is None)  # those are dotted IPv4 to sendmail (below)
    text = ipv6_text(str(ip))
    groups = text.split(":")
    assert len(groups) == 8
    assert all(g == f"{int(g, 16):x}" for g in groups)
    assert ipaddress.IPv6Address(text) == ip
    key = "IPv6:" + ":".join(groups[:n])
    d = doc(f"Connect:{key}\tREJECT\n").check_connect("", client_addr_text(str(ip)))
    assert d.action == "REJECT"
    assert d.key == f"Connect:{key}"


@given(octets, st.integers(1, 4))
def test_ipv4_mapped_clients_are_looked_up_dotted(addr: list[int], n: int) -> None:
    from sendmailcfg.maps.access.keys import client_addr_text

    dotted = ".".join(map(str, addr))
    assert client_addr_text(f"::ffff:{dotted}") == dotted
    key = ".".join(map(str, addr[:n]))
    d = doc(f"Connect:{key}\tREJECT\n").check_connect("", client_addr_text(f"::ffff:{dotted}"))
    assert (d.action, d.key) == ("REJECT", f"Connect:{key}")


@given(st.lists(st.sampled_from(["a@", "b.test", "From:a@b.test", "From:b.test", "c"]), max_size=5))
def test_decision_names_the_last_key_tried(keys: list[str]) -> None:
    m = doc("".join(f"{k}\tREJECT\n" for k in keys))
    d = m.check_from("a@b.test")
    if d.key is None:
        assert d.action is None
    else:
        assert m.fold(d.key) == m.fold(d.tried[-1])
        assert d.line is not None and m.entries[d.line - 1].key == d.key


def test_client_resolve_defaults_and_validation() -> None:
    assert Client("[192.0.2.7]", "192.0.2.7").resolve_status == "FAIL"
    assert Client("h.test", "192.0.2.7").resolve_status == "OK"
    assert Client("h.test", "192.0.2.7", resolve="temp").resolve_status == "TEMP"
    with pytest.raises(ValueError, match="OK, FAIL, FORGED, TEMP"):
        Client("h.test", "192.0.2.7", resolve="MAYBE")
    m = doc("Connect:[192.0.2.7]\tRELAY\n")
    refused = m.check_to("u@far.test", client=Client("[192.0.2.7]", "192.0.2.7"))
    assert refused.reply == "550 Relaying denied. IP name lookup failed [192.0.2.7]"
    assert "Connect:[192.0.2.7]" not in refused.tried  # the name is never looked up
    relayed = m.check_to("u@far.test", client=Client("[192.0.2.7]", "192.0.2.7", resolve="OK"))
    assert (relayed.action, relayed.key) == ("RELAY", "Connect:[192.0.2.7]")


def test_empty_quarantine_and_error_values_run_into_the_address() -> None:
    m = doc("From:q@x.test\tQUARANTINE:\nFrom:e@x.test\tERROR:\nConnect:192.0.2.1\tQUARANTINE:\n")
    q = m.check_from("q@x.test")
    assert (q.action, q.reply) == ("QUARANTINE", ">q<@x.test")
    e = m.check_from("e@x.test")
    assert (e.action, e.code, e.reply) == ("ERROR", None, ">e<@x.test")
    c = m.check_connect("", "192.0.2.1")
    assert (c.action, c.reply) == ("ERROR", "QUARANTINE:")
