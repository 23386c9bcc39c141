"""virtusertable, genericstable and domaintable: the library answers and the query CLIs.

The semantics are proven against real sendmail in tests/test_virtusertable_oracle.py;
these tests pin the documented behaviour and the CLI contract without the oracle.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.cli import main
from sendmailcfg.maps import (
    DomaintableDocument,
    GenericstableDocument,
    VirtuserError,
    VirtusertableDocument,
)

VT = (
    "# virtual users\n"
    "info@example.com\tinfo-list\n"
    "sales+*@example.com\tsales-team\n"
    "bad@example.com\terror:5.1.1:550 User unknown\n"
    "gone@example.com\terror:nouser 550 Gone away\n"
    "@example.com\t%1%3@mail.example.net\n"
)


def test_plus_detail_falls_back_to_the_user_then_the_domain() -> None:
    doc = VirtusertableDocument.from_text(VT)
    r = doc.resolve("info+x@example.com", virtuser_domains=["example.com"])
    assert (r.key, r.result, r.line, r.error) == ("info@example.com", "info-list", 2, None)
    assert r.tried == (
        "info+x@example.com",
        "info++@example.com",
        "info+*@example.com",
        "info@example.com",
    )
    r = doc.resolve("sales+@example.com", virtuser_domains=["example.com"])
    assert r.key == "sales+*@example.com"  # an empty detail matches user+*
    r = doc.resolve("sales@example.com", virtuser_domains=["example.com"])
    assert (r.key, r.result) == ("@example.com", "sales@mail.example.net")
    assert r.tried == ("sales@example.com", "@example.com")


def test_errors_give_status_and_reply() -> None:
    doc = VirtusertableDocument.from_text(VT)
    r = doc.resolve("bad@example.com", local_names=["example.com"])
    assert r.result is None and r.line == 4
    assert r.error == VirtuserError(
        "5.1.1", "550 5.1.1 <bad@example.com>... User unknown", "550 User unknown"
    )
    r = doc.resolve("gone@example.com", local_names=["example.com"])
    assert r.error is not None
    assert (r.error.code, r.error.reply) == ("nouser", "550 5.0.0 <gone@example.com>... Gone away")


def test_domains_looked_up() -> None:
    doc = VirtusertableDocument.from_text(VT)
    assert not doc.resolve("info@example.org", virtuser_domains=["example.com"]).looked_up
    sub = doc.resolve("info@sub.example.com", virtuser_domains=["example.com"])
    assert not sub.looked_up and sub.tried == ()
    sub = doc.resolve("x@sub.example.com", virtuser_domains=["example.com"], entire_domain=True)
    assert sub.looked_up and sub.tried == ("x@sub.example.com", "@sub.example.com")
    # class w is never taken as an entire domain
    sub = doc.resolve("x@sub.example.com", local_names=["example.com"], entire_domain=True)
    assert not sub.looked_up
    # localhost is $j, IP literals are not looked up unless they are our own
    r = doc.resolve("info@localhost", local_names=["example.com"], host_name="example.com")
    assert r.key == "info@example.com"
    assert not doc.resolve("info@[192.0.2.1]", local_names=["example.com"]).looked_up


def test_bad_addresses_raise() -> None:
    doc = VirtusertableDocument.from_text(VT)
    for bad in ("a b@example.com", "@example.com", "u@", "a@b@example.com", "u@.x", "u@a..b"):
        with pytest.raises(ValueError):
            doc.resolve(bad, local_names=["example.com"])


_USERS = st.sampled_from(["info", "bob", "Sales", "a.b"])
_DETAILS = st.one_of(st.none(), st.sampled_from(["", "x", "y+z"]))


@given(_USERS, _DETAILS)
def test_catch_all_with_percent_3_keeps_the_detail(user: str, detail: str | None) -> None:
    local = user if detail is None else f"{user}+{detail}"
    doc = VirtusertableDocument.from_text("@example.com\t%1%3@elsewhere.example\n")
    r = doc.resolve(f"{local}@example.com", virtuser_domains=["example.com"])
    assert r.result == f"{user}{'' if detail is None else '+' + detail}@elsewhere.example"
    assert r.tried[0] == f"{local}@example.com" and r.tried[-1] == "@example.com"


@given(st.lists(st.sampled_from(["info", "info+*", "info+x", "++", "+*", ""]), unique=True))
def test_first_key_in_order_wins(present: list[str]) -> None:
    """Whatever subset of keys the map has, the answer is the first of the order present."""
    order = ["info+x", "info++", "info+*", "info", "++", "+*", ""]
    text = "".join(f"{k}@example.com\tto-{k or 'domain'}\n" for k in present)
    r = VirtusertableDocument.from_text(text).resolve(
        "info+x@example.com", virtuser_domains=["example.com"]
    )
    want = next((k for k in order if k in present), None)
    if want is None:
        assert r.key is None and r.result is None and len(r.tried) == len(order)
    else:
        assert r.key == f"{want}@example.com" and r.result == f"to-{want or 'domain'}"
        assert r.tried == tuple(f"{k}@example.com" for k in order[: order.index(want) + 1])


def test_genericstable_keys_and_qualification() -> None:
    doc = GenericstableDocument.from_text(
        "joe\tjoe.smith\nann@host.example\tann@example.com\n@host.example\t%1@old.example\n"
    )
    r = doc.rewrite("joe", host_name="host.example")
    assert r.tried == ("joe@host.example", "joe")
    assert (r.key, r.result, r.value) == ("joe", "joe.smith@host.example", "joe.smith")
    assert doc.rewrite("joe", host_name="h.example", masquerade_as="example.com").result == (
        "joe.smith@example.com"
    )
    r = doc.rewrite("ann@host.example", generics_domains=["host.example"])
    assert (r.key, r.result, r.line) == ("ann@host.example", "ann@example.com", 2)
    r = doc.rewrite("bob+x@host.example", generics_domains=["host.example"])
    assert r.tried == (
        "bob+x@host.example",
        "bob+*@host.example",
        "bob@host.example",
        "@host.example",
    )
    assert r.result == "bob+x@old.example"
    # class w alone does not make sendmail look a sender up
    assert not doc.rewrite("ann@host.example", local_names=["host.example"]).looked_up


def test_domaintable_exact_host_only() -> None:
    doc = DomaintableDocument.from_text("old.example\tnew.example\n")
    assert doc.rewrite("u@OLD.example").result == "u@OLD.example".replace(
        "OLD.example", "new.example"
    )
    assert doc.rewrite("old.example").result == "new.example"
    assert doc.rewrite("a.old.example").tried == ("a.old.example",)
    assert doc.rewrite("a.old.example").result is None
    assert doc.rewrite("u@old.example.").tried == ("old.example.",)
    assert doc.rewrite("u@[192.0.2.1]").tried == ()


# -- CLI -----------------------------------------------------------------------------------


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["query", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_virtusertable_json_contract(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "virtusertable"
    f.write_text(VT)
    status, out, _ = run(
        capsys,
        "virtusertable",
        str(f),
        "info+a@example.com",
        "bad@example.com",
        "x@example.org",
        "--domain",
        "example.com",
        "--json",
    )
    assert status == 0
    data = json.loads(out)
    assert [list(d) for d in data] == [["address", "key", "result", "error", "line"]] * 3
    assert data[0] == {
        "address": "info+a@example.com",
        "key": "info@example.com",
        "result": "info-list",
        "error": None,
        "line": 2,
    }
    assert data[1]["error"] == {
        "code": "5.1.1",
        "reply": "550 5.1.1 <bad@example.com>... User unknown",
    }
    assert data[2] == {
        "address": "x@example.org",
        "key": None,
        "result": None,
        "error": None,
        "line": None,
    }


def test_virtusertable_local_names_and_explain(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    f = tmp_path / "virtusertable"
    f.write_text(VT)
    status, out, _ = run(
        capsys, "virtusertable", str(f), "zed@example.com", "--local", "example.com"
    )
    assert status == 0 and out == "zed@example.com -> zed@mail.example.net (line 6: @example.com)\n"
    status, out, _ = run(
        capsys,
        "virtusertable",
        str(f),
        "zed@sub.example.com",
        "--domain",
        "example.com",
        "--entire-domain",
        "--explain",
    )
    assert status == 0
    assert out.splitlines() == [
        "zed@sub.example.com -> unchanged (no entry)",
        "  zed@sub.example.com  no entry",
        "  @sub.example.com     no entry",
    ]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    f = tmp_path / "virtusertable"
    f.write_text(VT)
    status, _, err = run(capsys, "virtusertable", str(tmp_path / "missing"), "a@example.com")
    assert status == 2 and "cannot read" in err
    status, _, err = run(capsys, "virtusertable", str(f), "a b@example.com")
    assert status == 2 and "address syntax" in err
    status, _, err = run(capsys, "genericstable", str(f), "a@")
    assert status == 2 and "Hostname required" in err
    status, _, err = run(capsys, "domaintable", str(f), "a(b)")
    assert status == 2 and "address syntax" in err


def test_genericstable_and_domaintable_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    g = tmp_path / "genericstable"
    g.write_text("joe\tjoe.smith@example.com\n")
    status, out, _ = run(
        capsys, "genericstable", str(g), "joe@host.example", "--domain", "host.example", "--json"
    )
    assert status == 0
    assert json.loads(out) == [
        {
            "address": "joe@host.example",
            "key": "joe",
            "result": "joe.smith@example.com",
            "error": None,
            "line": 1,
        }
    ]
    d = tmp_path / "domaintable"
    d.write_text("old.example\tnew.example\n")
    status, out, _ = run(capsys, "domaintable", str(d), "old.example", "u@old.example", "--json")
    assert status == 0
    assert [x["result"] for x in json.loads(out)] == ["new.example", "u@new.example"]
    status, out, _ = run(capsys, "domaintable", str(d), "u@old.example")
    assert out == "u@old.example -> u@new.example (line 1: old.example)\n"


@pytest.mark.parametrize(
    "module",
    [
        "sendmailcfg.maps.virtusertable",
        "sendmailcfg.maps.genericstable",
        "sendmailcfg.maps.domaintable",
        "sendmailcfg.maps.access.keys",
        "sendmailcfg.maps.access.rules",
        "sendmailcfg.cli.query_access",
    ],
)
def test_docstring_examples(module: str) -> None:
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
