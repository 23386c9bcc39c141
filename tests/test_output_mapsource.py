"""``query mailertable|access FILE.db`` answers from the built database, as sendmail does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sendmailcfg.cli import main
from sendmailcfg.cli._mapsource import is_database, load_query_map, pairs_as_source
from sendmailcfg.output import BuildOptions, build
from sendmailcfg.output.bdb import hash as bdb_hash


def query(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    status = main(["query", *argv, "--json"])
    out = capsys.readouterr().out
    return status, json.loads(out) if out else None


MAILERTABLE = "example.com\tsmtp:[mx.example.net]\n.example.org\tesmtp:relay.example.net\n"


def test_mailertable_db_answers_like_its_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "mailertable"
    source.write_text(MAILERTABLE)
    build(source)
    addresses = ["u@example.com", "u@a.example.org", "u@nowhere.example"]
    status, from_source = query(capsys, "mailertable", str(source), *addresses)
    assert status == 0
    status, from_db = query(capsys, "mailertable", str(source) + ".db", *addresses)
    assert status == 0
    drop = ("line",)  # a database has no source lines
    assert [{k: v for k, v in r.items() if k not in drop} for r in from_db] == [
        {k: v for k, v in r.items() if k not in drop} for r in from_source
    ]
    assert from_db[0]["route"] == {
        "mailer": "smtp",
        "host": "[mx.example.net]",
        "user": "u@example.com",
    }


def test_the_db_wins_over_an_edited_source(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "mailertable"
    source.write_text(MAILERTABLE)
    build(source)
    source.write_text("example.com\tsmtp:[new.example.net]\n")  # edited, not rebuilt
    _, (answer,) = query(capsys, "mailertable", str(source) + ".db", "u@example.com")
    assert answer["host"] == "[mx.example.net]"
    _, (answer,) = query(capsys, "mailertable", str(source), "u@example.com")
    assert answer["host"] == "[new.example.net]"


def test_access_db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "access"
    source.write_text("Connect:192.0.2 REJECT\nFrom:spam.example DISCARD\n")
    build(source, options=BuildOptions.from_flags(["-N"]))  # the NULs sendmail's -N adds
    argv = ["connect:client.example:192.0.2.7", "from:x@spam.example"]
    status, from_db = query(capsys, "access", str(source) + ".db", *argv)
    _, from_source = query(capsys, "access", str(source), *argv)
    assert status == 0
    assert [d["action"] for d in from_db] == [d["action"] for d in from_source]
    assert [d["action"] for d in from_db] == ["REJECT", "DISCARD"]


def test_unreadable_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "mailertable.db"
    good = tmp_path / "good.db"
    with good.open("wb") as out:
        bdb_hash.write(out, [(b"example.com", b"smtp:[mx]"), (b"x" * 9000, b"v")])
    f.write_bytes(good.read_bytes()[: 4096 + 100])  # cut short
    assert main(["query", "mailertable", str(f), "u@example.com"]) == 2
    assert "cannot read this Berkeley DB file" in capsys.readouterr().err


def test_pairs_as_source_keeps_odd_keys() -> None:
    pairs = [(b"a key\twith tab", b"v1"), (b"#hash", b"v2"), (b"empty", b""), (b"Upper", b"x")]
    text, syntax = pairs_as_source(pairs)
    assert syntax.delimiter != "\t" and syntax.comment != "#" and syntax.allow_empty
    assert "Upper" not in text  # sendmail lower-cases lookups: the key can never match
    text, _ = pairs_as_source(pairs, fold_keys=False)
    assert "Upper" in text


def test_source_files_still_load(tmp_path: Path) -> None:
    source = tmp_path / "mailertable"
    source.write_text(MAILERTABLE)
    assert not is_database(source.read_bytes())
    doc = load_query_map(source, "mailertable")
    assert doc.text == MAILERTABLE
