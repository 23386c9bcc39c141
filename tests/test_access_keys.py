"""Access keys and values: tags, kinds, per-tag validation, sendmail's tokens."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.maps.access import AccessDocument
from sendmailcfg.maps.access.keys import (
    TAGS,
    AccessKey,
    client_addr_text,
    ipv6_text,
    parse_access_key,
    validate_key,
)
from sendmailcfg.maps.access.tokens import join_key, reply_text, tokenize
from sendmailcfg.maps.access.values import (
    ActionValue,
    AuthInfoValue,
    FeaturesValue,
    NumberValue,
    TextValue,
    TlsValue,
    parse_value,
    validate_value,
)


@pytest.mark.parametrize(
    ("key", "want"),
    [
        ("Connect:192.0.2", AccessKey("Connect", "192.0.2", "ipv4")),
        ("CONNECT:bad.example", AccessKey("Connect", "bad.example", "domain")),
        ("From:a@", AccessKey("From", "a@", "user")),
        ("From:a+*@ex.test", AccessKey("From", "a+*@ex.test", "address")),
        ("To:.example.com", AccessKey("To", ".example.com", "dotdomain")),
        ("IPv6:2001:db8:0:0:0:0:0:1", AccessKey(None, "IPv6:2001:db8:0:0:0:0:0:1", "ipv6")),
        ("Connect:[10.1.2.3]", AccessKey("Connect", "[10.1.2.3]", "literal")),
        ("ClientRate:", AccessKey("ClientRate", "", "default")),
        ("Compat:a@b<@>c@d", AccessKey("Compat", "a@b<@>c@d", "compat")),
        ("CERTISSUER:/C=US/O=CA", AccessKey("CERTISSUER", "/C=US/O=CA", "dn")),
        ("qgrp:example.com", AccessKey("QGRP", "example.com", "domain")),
        ("MyCA:/C=US", AccessKey("MyCA", "/C=US", "other")),
    ],
)
def test_parse_access_key(key: str, want: AccessKey) -> None:
    assert parse_access_key(key) == want


def test_unknown_tag() -> None:
    assert not parse_access_key("Conect:x.test").known_tag
    assert parse_access_key("x.test").known_tag
    assert validate_key("Conect:x.test") == [
        "unknown tag Conect: (sendmail never looks it up unless used by +CITag)"
    ]


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("Connect:IPv6:2001:db8::1", "is compressed"),
        ("Connect:IPv6:2002:c0a8:02c7", "leading zero"),
        ("Connect:IPv6:2001:db8:zz", "hex numbers"),
        ("Connect:192.168.010", "leading zero"),
        ("Connect:192.168.300", "above 255"),
        ("Connect:192.168.0.0/16", "no CIDR"),
        ("From:", "no default lookup"),
    ],
)
def test_validate_key_problems(key: str, fragment: str) -> None:
    problems = validate_key(key)
    assert len(problems) == 1 and fragment in problems[0]


@pytest.mark.parametrize("key", ["Connect:192.168", "Connect:IPv6:2002:c0a8:2c7", "From:a@b.c"])
def test_validate_key_fine(key: str) -> None:
    assert validate_key(key) == []


@pytest.mark.parametrize(
    ("tag", "value", "want"),
    [
        ("Connect", "reject", ActionValue("REJECT")),
        (None, "ERROR:4.2.2:450 full", ActionValue("ERROR", "4.2.2", "450 full")),
        ("From", 'ERROR:"553 x"', ActionValue("ERROR", None, '"553 x"')),
        ("To", "QUARANTINE:why", ActionValue("QUARANTINE", None, "why")),
        ("To", "foo", ActionValue("TEXT", None, "foo")),
        ("GreetPause", "5000", NumberValue(5000)),
        ("ClientConn", "0", NumberValue(0)),
        ("TLS_Clt", "VERIFY", TlsValue(None, "VERIFY", None)),
        ("TLS_Rcpt", "VERIFY+CN", TlsValue(None, "VERIFY", None, ("CN",))),
        ("TLS_Srv", "TEMP+ENCR:128", TlsValue("TEMP", "ENCR", 128)),
        ("Srv_Features", "V l", FeaturesValue(("V", "l"))),
        (
            "AuthInfo",
            '"U:me" "P:pw" "M:PLAIN"',
            AuthInfoValue((("U", "me"), ("P", "pw"), ("M", "PLAIN"))),
        ),
        ("QGRP", "slow", TextValue("slow")),
        ("bcc", "archive@example.com", TextValue("archive@example.com")),
        ("Compat", "TEMP:451 later", ActionValue("TEMP", None, "451 later")),
        ("Spam", "FRIEND", ActionValue("TEXT", None, "FRIEND")),
    ],
)
def test_parse_value(tag: str | None, value: str, want: object) -> None:
    assert parse_value(tag, value) == want


@pytest.mark.parametrize(
    ("tag", "value", "fragment"),
    [
        ("Connect", "REJECTED", "not an access action"),
        ("Connect", "550 go away", "deprecated untagged error"),
        ("From", "ERROR:go away", "does not start with an SMTP reply code"),
        ("From", "ERROR:4.7.1:550 x", "disagree"),
        ("To", "QUARANTINE:", "needs a reason"),
        ("Spam", "LOVER", "FRIEND or HATER"),
        ("GreetPause", "5s", "milliseconds"),
        ("ClientRate", "-1", "whole number"),
        ("QGRP", "a b", "queue group name"),
        ("TLS_Srv", "ENCRYPT:128", "requirement must be"),
        ("TLS_Srv", "ENCR", "needs a number of bits"),
        ("TLS_Srv", "VERIFY++XX:y", "unknown extension"),
        ("Try_TLS", "YES", "only NO"),
        ("Srv_Features", "V q", "unknown option letter 'q'"),
        ("AuthInfo", "user:pw", "quoted items"),
        ("AuthInfo", '"U:me" "Z:x"', "unknown item Z"),
        ("Compat", "REJECT", "DISCARD, TEMP"),
        ("CERTISSUER", "OK", "RELAY or SUBJECT"),
        ("CERTSUBJECT", "SUBJECT", "must be RELAY"),
        ("Connect", "", "empty value"),
    ],
)
def test_validate_value_problems(tag: str | None, value: str, fragment: str) -> None:
    problems = validate_value(tag, value)
    assert problems and fragment in problems[0], problems


@pytest.mark.parametrize(
    ("tag", "value"),
    [
        ("Connect", "OK"),
        (None, "ERROR:5.7.1:550 no"),
        ("From", 'ERROR:"553 no"'),
        ("Spam", "hater"),
        ("GreetPause", "0"),
        ("TLS_Srv", "VERIFY:112++CN:mx.example.com"),
        ("TLS_Clt", "PERM+VERIFY"),
        ("Try_TLS", "NO"),
        ("Clt_Features", "D M"),
        ("AuthInfo", '"U:smmsp" "P:secret" "M:DIGEST-MD5"'),
        ("Compat", "ERROR:550 no"),
        ("CERTISSUER", "SUBJECT"),
        ("bcc", "x@y"),
    ],
)
def test_validate_value_fine(tag: str | None, value: str) -> None:
    assert validate_value(tag, value) == []


def test_typed_entries() -> None:
    doc = AccessDocument.from_text("# c\nGreetPause:10.1\t5s\nConnect:IPv6:2001:db8::1\tOK\n")
    entries = doc.typed_entries()
    assert [e.entry.line for e in entries] == [2, 3]
    assert entries[0].value == TextValue("5s")
    assert entries[0].problems == ("GreetPause: value must be milliseconds, not 5s",)
    assert "compressed" in entries[1].problems[0]


def test_every_tag_is_recognised() -> None:
    for tag in TAGS:
        assert parse_access_key(f"{tag.upper()}:x.test").tag == tag


def test_ipv6_and_client_addr() -> None:
    assert ipv6_text("::1") == "0:0:0:0:0:0:0:1"
    assert ipv6_text("::ffff:192.0.2.1") == "0:0:0:0:0:ffff:c000:201"
    assert client_addr_text("IPv6:2001:DB8::1") == "IPv6:2001:db8:0:0:0:0:0:1"
    assert client_addr_text("192.0.2.1") == "192.0.2.1"
    with pytest.raises(ValueError):
        client_addr_text("host.example")
    with pytest.raises(ValueError):
        client_addr_text("IPv6:192.0.2.1")


# -- tokens ----------------------------------------------------------------------------


def test_tokenize() -> None:
    assert tokenize('ERROR:"550 a  b" x') == ["ERROR", ":", '"550 a  b"', "x"]
    assert tokenize("a<b>c,d;e(f)") == ["a", "<", "b", ">", "c", ",", "d", ";", "e", "(", "f", ")"]
    assert tokenize(r"a\ b") == [r"a\ b"]
    assert join_key(tokenize("John Smith@ex.test")) == "John.Smith@ex.test"
    assert reply_text(tokenize('550 "quoted part" x')) == "550quoted partx"


plain = st.text(st.characters(blacklist_characters='"\\ \t\r\n', codec="utf-8"), max_size=30)


@given(plain)
def test_tokens_keep_every_character(text: str) -> None:
    assert "".join(tokenize(text)) == text


@given(st.lists(st.text("abc.:@[]+-", min_size=1, max_size=8), max_size=5))
def test_join_key_inverts_tokenize_without_blanks(parts: list[str]) -> None:
    key = "".join(parts)
    assert join_key(tokenize(key)) == key


@given(st.text(st.sampled_from(list('ab :.,"')), max_size=20))
def test_reply_text_never_has_quotes(text: str) -> None:
    if text.count('"') % 2 == 0:
        assert '"' not in reply_text(tokenize(text))


keys = st.one_of(
    st.text(max_size=30),
    st.builds(
        lambda t, b: f"{t}:{b}",
        st.sampled_from([*TAGS, *(t.upper() for t in TAGS), "IPv6", "Foo"]),
        st.text(max_size=20),
    ),
)


@given(keys)
def test_parse_access_key_keeps_the_key(key: str) -> None:
    k = parse_access_key(key)
    if k.tag is None:
        assert k.body == key
    else:
        assert (k.tag + ":" + k.body).lower() == key.lower()
        assert k.tag.lower() != "ipv6"
    assert isinstance(validate_key(key), list)


@given(st.sampled_from([None, *TAGS]), st.text(max_size=40))
def test_values_never_raise(tag: str | None, value: str) -> None:
    parse_value(tag, value)
    assert all(isinstance(p, str) and p for p in validate_value(tag, value))
