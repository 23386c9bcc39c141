"""``sendmailcfg.maps.facts``: entries and class files as makemap and sendmail read them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.maps.document import MapDocument
from sendmailcfg.maps.facts import (
    class_file_words,
    custom_tags,
    entries,
    is_localhost_name,
    looks_ipv6,
    matching_entries,
    split_tag,
    value_text,
)
from tests.oracle import Oracle

line = st.one_of(
    st.from_regex(r"[a-z.@]{1,10}[ \t]{1,3}[a-z:\[\]. ]{0,12}\r?", fullmatch=True),
    st.from_regex(r"#[a-z ]{0,10}", fullmatch=True),
    st.just(""),
)


@given(st.lists(line, max_size=12))
def test_matching_entries_is_the_filtered_entries(lines: list[str]) -> None:
    doc = MapDocument.from_text("".join(x + "\n" for x in lines))
    every = entries(doc)
    pattern = re.compile(r"\n[a-m]")
    assert matching_entries(doc, pattern) == [e for e in every if e.key[:1] in "abcdefghijklm"]
    assert matching_entries(doc, re.compile(r"\n(?!#)")) == every


def test_entry_positions() -> None:
    doc = MapDocument.from_text("# c\n\nexample.com \t smtp:[x]\n")
    (e,) = entries(doc)
    assert (e.line, e.key, e.value, e.value_column) == (3, "example.com", "smtp:[x]", 15)


def test_tags() -> None:
    assert split_tag("Conect:1.2.3.4") == ("Conect", "1.2.3.4")
    assert split_tag("2001:db8::") == ("", "2001:db8::")
    assert looks_ipv6("::1") and not looks_ipv6("a:b")
    assert custom_tags("x\tOK\n") == set()


@pytest.mark.parametrize(
    ("name", "local"),
    [
        ("localhost", True),
        ("localhost.", True),
        ("localhost.localdomain", True),
        ("foo.localhost", True),
        ("localhost.example.com", False),
        ("mylocalhost", False),
        ("example.com", False),
    ],
)
def test_localhost_names(name: str, local: bool) -> None:
    assert is_localhost_name(name) is local


def test_class_file_words() -> None:
    text = "a.example b.example\n#c.example\n  d.example.\n  #e.example\n\n"
    assert class_file_words(text) == {"a.example", "d.example", "#e.example"}


# -- against the real tools ----------------------------------------------------------------


@pytest.mark.oracle
def test_entries_are_what_makemap_stores(oracle: Oracle, oracle_dir: Path) -> None:
    source = "# c\nexample.com\tsmtp:[a]\r\n.example.org   esmtp:[b] x\n\nk\tv\t w\n"
    status, msg = oracle.makemap([], "hash", oracle_dir / "m", source.encode())
    assert status == 0, msg
    stored = {}
    for raw in oracle.dump("hash", oracle_dir / "m").decode("latin-1").split("\n")[:-1]:
        key, _, value = raw.partition("\t")
        stored[key] = value
    doc = MapDocument.from_text(source)
    # makemap keeps the CR of a CRLF line in the value (makemap -u shows it)
    assert {e.key: e.value for e in entries(doc)} == stored
    assert value_text(stored["example.com"]) == "smtp:[a]"


@pytest.mark.oracle
def test_class_file_words_are_sendmails_class_w(oracle: Oracle, oracle_dir: Path) -> None:
    cw = oracle_dir / "local-host-names"
    cw.write_text("# comment.example\nA.Example  b.example.\n\t c.example.\n  #d.example\n\n")
    body = f"FEATURE(`use_cw_file')dnl\ndefine(`confCW_FILE', `{cw}')dnl\n"
    unsafe = "MapInUnsafeDirPath,ClassFileInUnsafeDirPath"  # the temp folder is under /tmp
    body += f"define(`confDONT_BLAME_SENDMAIL', `{unsafe}')dnl\n"
    cf, err, status = oracle.mc2cf(oracle.offline_mc(oracle_dir, body))
    assert status == 0, err
    (oracle_dir / "t.cf").write_text(cf, encoding="latin-1")
    out = oracle.run_bt(oracle_dir / "t.cf", ["$=w"])
    _, _, listing = out.partition("Enter <ruleset> <address>\n> ")
    members = {w.lower().rstrip(".") for w in listing.split("\n") if w and w != "> "}
    # sendmail reads the first word of each line only (b.example is not in {w})
    assert class_file_words(cw.read_text()) == members - {
        "oracle.invalid",
        "localhost",
        "[127.0.0.1]",
    }


def test_docstring_examples() -> None:
    import doctest

    import sendmailcfg.maps.facts as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
