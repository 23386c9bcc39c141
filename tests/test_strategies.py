"""The public strategies: what they generate round-trips, builds with makemap, and parses."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sendmailcfg
from sendmailcfg import strategies as s
from sendmailcfg.expect.schema import address_problem
from sendmailcfg.maps.kinds import MAP_KINDS
from sendmailcfg.mc.document import McDocument
from sendmailcfg.output.database import build, read_pairs
from sendmailcfg.site import Site, route
from tests import oracle as oracle_mod

KINDS = list(MAP_KINDS)


def _expected_pairs(text: str) -> list[tuple[bytes, bytes]]:
    """What makemap stores from a valid generated source: keys folded, values verbatim."""
    out = []
    for line in text.split("\n"):
        if not line or line.startswith("#"):
            continue
        m = re.match(r"([^ \t]+)[ \t]+(.*)", line, re.S)
        assert m is not None, line
        out.append((m.group(1).lower().encode(), m.group(2).encode()))
    return sorted(out)


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
def test_map_documents_round_trip(kind: str, data: st.DataObject) -> None:
    text = data.draw(s.map_documents(kind, crlf=True))
    doc = sendmailcfg.loads(text, kind)
    assert sendmailcfg.dumps(doc) == text


@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
@settings(max_examples=15)
def test_map_documents_build_with_makemap(kind: str, data: st.DataObject) -> None:
    text = data.draw(s.map_documents(kind))
    with tempfile.TemporaryDirectory() as d:
        result = build(text.encode("utf-8"), Path(d) / "m", "hash", backend="pure")
        assert (result.status, result.errors) == (0, [])
        assert sorted(read_pairs(Path(d) / "m.db")) == _expected_pairs(text)


@given(s.rejected_lines("mailertable"), s.map_documents("mailertable", max_entries=3))
@settings(max_examples=15)
def test_rejected_lines_make_makemap_fail(line: str, text: str) -> None:
    if text and not text.endswith("\n"):
        text += "\n"
    with tempfile.TemporaryDirectory() as d:
        result = build((text + line).encode(), Path(d) / "m", "hash", backend="pure")
    assert result.status == 65
    messages = " ".join(m for _, m in result.errors)
    assert any(w in messages for w in ("no RHS for LHS", "leading space", "line too long")), (
        messages
    )


@given(s.mc_files())
def test_mc_files_round_trip_and_say_what_they_set(text: str) -> None:
    doc = McDocument(text)
    assert doc.text == text
    site = Site.from_text(text)
    for line in text.splitlines():
        if line.startswith("define("):
            name, _, value = line[len("define(`") : -len("')dnl")].partition("', `")
            setting = site.define(name)
            assert setting is not None and setting.value == value.strip()
        elif line.startswith("FEATURE("):
            name = line[len("FEATURE(`") :].split("'", 1)[0]
            assert site.has_feature(name)


@given(s.mc_define_lines())
def test_define_lines_are_what_set_define_writes(generated: tuple[str, str, str]) -> None:
    line, name, value = generated
    doc = McDocument(line)
    assert doc.text == line
    setting = Site.from_text(line).define(name)
    assert setting is not None and setting.value == value.strip()


@given(s.addresses())
def test_addresses_are_what_route_and_test_accept(address: str) -> None:
    assert address_problem(address) is None
    site = Site.from_text("MAILER(`local')dnl\nMAILER(`smtp')dnl\n", hostname="h.example")
    assert route(site, address).mailer in ("local", "esmtp")


@given(s.host_names(), s.bracketed_hosts(), s.ipv4_addresses())
def test_names(host: str, bracketed: str, ip: str) -> None:
    assert all(0 < len(label) <= 12 and not label.startswith("-") for label in host.split("."))
    assert bracketed.startswith("[") and bracketed.endswith("]")
    assert all(0 <= int(o) <= 255 for o in ip.split("."))


def test_unknown_kind() -> None:
    with pytest.raises(ValueError, match="kind 'aliases'"):
        s.map_keys("aliases")


# -- against the real makemap and m4 ----------------------------------------------------


@pytest.mark.oracle
@pytest.mark.parametrize("kind", KINDS)
@given(data=st.data())
@settings(max_examples=10)
def test_real_makemap_builds_map_documents(
    oracle: oracle_mod.Oracle, kind: str, data: st.DataObject
) -> None:
    text = data.draw(s.map_documents(kind))
    with tempfile.TemporaryDirectory() as d:
        status, messages = oracle.makemap([], "hash", Path(d) / "m", text.encode())
        assert (status, messages) == (0, "")
        dumped = oracle.dump("hash", Path(d) / "m")
    got = sorted(tuple(row.split(b"\t", 1)) for row in dumped.splitlines())
    assert got == _expected_pairs(text)


@pytest.mark.oracle
@given(s.rejected_lines())
@settings(max_examples=10)
def test_real_makemap_rejects_rejected_lines(oracle: oracle_mod.Oracle, line: str) -> None:
    with tempfile.TemporaryDirectory() as d:
        status, messages = oracle.makemap([], "hash", Path(d) / "m", line.encode())
    assert status == 65, messages


@pytest.mark.oracle
def test_sendmail_tokenises_addresses_as_the_strategy_says(oracle: oracle_mod.Oracle) -> None:
    from sendmailcfg.maps.routing import tokens
    from tests.oracle.site import SiteOracle

    samples: list[tuple[str, list[str]]] = []

    @given(s.tokenised_addresses())
    @settings(max_examples=20, database=None)
    def collect(pair: tuple[str, list[str]]) -> None:
        samples.append(pair)

    collect()
    samples.append(("Ken.Ito+list@mail-2.takaq.jp", tokens("Ken.Ito+list@mail-2.takaq.jp")))
    d = oracle_mod.workdir()
    try:
        so = SiteOracle(oracle, d, "")
        outs = oracle.run_bt_each(so.cf, [f"3 {a}" for a, _ in samples])
    finally:
        shutil.rmtree(d, ignore_errors=True)
    for (address, toks), out in zip(samples, outs, strict=True):
        m = re.search(r"canonify\s+input: (.*)", out)
        assert m is not None, out
        assert m.group(1).split(" ") == toks, (address, out)


@pytest.mark.oracle
@given(s.mc_files())
@settings(max_examples=5)
def test_m4_renders_mc_files(oracle: oracle_mod.Oracle, text: str) -> None:
    _cf, err, status = oracle.mc2cf(text)
    assert status == 0, err
    assert "ERROR" not in err, err
