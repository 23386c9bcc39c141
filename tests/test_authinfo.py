"""The authinfo map kind: items, lookups, the query command; passwords never shown."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sendmailcfg
from sendmailcfg.maps import AuthinfoDocument, infer_kind
from sendmailcfg.maps.authinfo import credentials_of, encode_value, parse_value, port_in_name

SOURCE = (
    "# the provider\n"
    'AuthInfo:smtp.example.net\t"U:joe" "P:s3cret" "M:PLAIN LOGIN"\n'
    'AuthInfo:192.0.2.7\t"U:addr" "P=czNjcmV0"\n'
    'AuthInfo:\t"I:fallback" "P:x" "R:example.net"\n'
)


def _run(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sendmailcfg", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=60,
    )


def test_kind_from_name_and_round_trip() -> None:
    assert infer_kind("/etc/mail/authinfo") == "authinfo"
    doc = sendmailcfg.loads(SOURCE, "authinfo")
    assert isinstance(doc, AuthinfoDocument)
    assert doc.text == SOURCE and doc.diagnostics == []


def test_lookup_order_name_then_address_then_default() -> None:
    doc = AuthinfoDocument.from_text(SOURCE)
    r = doc.lookup("smtp.example.net", "192.0.2.7")
    assert (r.key, r.line) == ("AuthInfo:smtp.example.net", 2)
    r = doc.lookup("other.example.net", "192.0.2.7")
    assert r.key == "AuthInfo:192.0.2.7" and r.credentials is not None
    assert r.credentials.password == "s3cret" and r.credentials.user == "addr"
    r = doc.lookup("other.example.net", "198.51.100.1")
    assert r.key == "AuthInfo:" and r.credentials is not None
    assert (r.credentials.user, r.credentials.authid, r.credentials.realm) == (
        "fallback",
        "fallback",
        "example.net",
    )
    assert r.tried == ("AuthInfo:other.example.net", "AuthInfo:198.51.100.1", "AuthInfo:")
    # exact keys only: no parent domain, keys compared folded
    assert doc.lookup("SMTP.Example.NET").key == "AuthInfo:smtp.example.net"
    assert doc.lookup("x.smtp.example.net").key == "AuthInfo:"


@pytest.mark.parametrize(
    ("value", "codes", "usable"),
    [
        ('"U:joe" "P:x"', [], True),
        ('"u:joe" "p:x"', [], True),
        ('"I:joe" "P:x"', [], True),
        ('"U:joe"', ["authinfo-no-password"], False),
        ('"P:x"', ["authinfo-no-user"], False),
        ("U:joe P:x", ["authinfo-unquoted", "authinfo-no-user", "authinfo-no-password"], False),
        ('"U:joe" "P:x" M:PLAIN', ["authinfo-unquoted"], True),
        ('"U:joe" "X:y" "P:x"', ["authinfo-unknown-item"], False),
        ('"U:joe" "P" ', ["authinfo-item-syntax"], False),
        ('"U:joe" "P;x"', ["authinfo-delimiter"], False),
        ('"U:joe" "P=%%%"', ["authinfo-base64"], False),
        ('"U:joe" "P:x" "M:PLAIN FOO"', ["authinfo-mechanism"], True),
        ('"U:joe" "P:a\\"b"', ["authinfo-escape"], True),
    ],
)
def test_items_as_getauth_reads_them(value: str, codes: list[str], usable: bool) -> None:
    items, problems = parse_value(value)
    assert [p.code for p in problems] == codes
    fatal = any(p.fatal for p in problems)
    assert (credentials_of(items) is not None and not fatal) == usable


def test_problems_never_show_the_password() -> None:
    doc = AuthinfoDocument.from_text('AuthInfo:a\t"U:joe" "P;hunter2"\nAuthInfo:b\tP:hunter2\n')
    text = "\n".join(d.format("authinfo") for d in doc.diagnostics)
    assert "hunter2" not in text
    assert "authinfo:1:22:" in text and "authinfo:2:12:" in text


@given(
    user=st.text(
        st.characters(min_codepoint=33, max_codepoint=126, exclude_characters='"\\'), min_size=1
    ),
    password=st.text(st.characters(min_codepoint=32, max_codepoint=255), min_size=1),
    mechs=st.lists(st.sampled_from(["PLAIN", "LOGIN", "CRAM-MD5"]), max_size=3),
)
def test_encode_value_reads_back(user: str, password: str, mechs: list[str]) -> None:
    value = encode_value(user, password, mechanisms=mechs)
    items, problems = parse_value(value)
    assert [p for p in problems if p.fatal or p.code == "authinfo-unquoted"] == []
    c = credentials_of(items)
    assert c is not None
    assert (c.user, c.password, c.mechanisms) == (user, password, tuple(mechs))


def test_port_in_name() -> None:
    assert port_in_name("smtp.gmail.com:587")
    assert port_in_name("[smtp.gmail.com]:587")
    assert not port_in_name("smtp.gmail.com")
    assert not port_in_name("IPv6:2001:db8::1")


def test_check_command_names_file_line_col(tmp_path: Path) -> None:
    f = tmp_path / "authinfo"
    f.write_text('AuthInfo:a.example\t"U:joe" P:hunter2\n')
    p = _run("check", str(f))
    assert p.returncode == 1
    assert f"{f}:1:28:" in p.stdout and "[authinfo-unquoted]" in p.stdout
    assert "hunter2" not in p.stdout + p.stderr


def test_query_masks_the_password(tmp_path: Path) -> None:
    f = tmp_path / "authinfo"
    f.write_text(SOURCE)
    p = _run("query", "authinfo", str(f), "smtp.example.net", "--addr", "192.0.2.1", "--json")
    assert p.returncode == 0, p.stderr
    got = json.loads(p.stdout)
    assert got["key"] == "AuthInfo:smtp.example.net"
    assert got["auth"] == {
        "user": "joe",
        "authid": "joe",
        "password": "***",
        "realm": None,
        "mechanisms": ["PLAIN", "LOGIN"],
    }
    assert got["tried"] == ["AuthInfo:smtp.example.net"]
    p = _run("query", "authinfo", str(f), "[smtp.example.net]")
    assert p.returncode == 0 and "AUTH as joe" in p.stdout and "s3cret" not in p.stdout


def test_query_reads_the_database(tmp_path: Path) -> None:
    from sendmailcfg.output import build

    f = tmp_path / "authinfo"
    f.write_text(SOURCE)
    build(str(f))
    f.write_text("")  # the .db answers, not the source
    p = _run("query", "authinfo", str(tmp_path / "authinfo.db"), "x.example", "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["key"] == "authinfo:"  # makemap stored it folded


def test_query_through_the_access_map(tmp_path: Path) -> None:
    f = tmp_path / "access"
    f.write_text('AuthInfo:example.net\t"U:joe" "P:x"\nConnect:127.0.0.1\tRELAY\n')
    p = _run("query", "authinfo", str(f), "smtp.example.net", "--addr", "192.0.2.1")
    assert p.returncode == 0, p.stderr
    assert "AUTH as joe (line 1: AuthInfo:example.net)" in p.stdout
