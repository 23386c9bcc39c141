"""Map documents against the real makemap 8.17 (differential) and Debian's sample maps."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

import sendmailcfg
from sendmailcfg import _source
from sendmailcfg.api import Duplicates
from sendmailcfg.maps.kinds import infer_kind
from tests.oracle import Oracle

pytestmark = pytest.mark.oracle

SAMPLES = [
    "access",
    "domaintable",
    "genericstable",
    "mailertable",
    "relay-domains",
    "virtusertable",
    "userdb",
    "sendmail.cM",
]


def _dump_pairs(oracle: Oracle, mapname: Path, flags: list[str]) -> list[tuple[str, str]]:
    out = oracle.dump("hash", mapname, [f for f in flags if f in ("-f", "-N")])
    pairs = []
    for line in _source.decode(out).split("\n")[:-1]:
        key, _, value = line.partition("\t")
        pairs.append((key, value))
    return sorted(pairs)


@pytest.mark.parametrize("name", SAMPLES)
def test_debian_sample_maps_round_trip_and_match_makemap(
    oracle: Oracle, oracle_dir: Path, name: str
) -> None:
    path = oracle.examples / "db" / name
    raw = path.read_bytes()
    kind = infer_kind(name) or "map"
    doc = sendmailcfg.load(path, kind=kind)
    assert isinstance(doc, sendmailcfg.MapDocument)
    assert _source.encode(sendmailcfg.dumps(doc)) == raw
    assert doc.kind == kind
    status, _ = oracle.makemap([], "hash", oracle_dir / "m", raw)
    expected_status = 65 if doc.diagnostics else 0
    assert status == expected_status, doc.diagnostics
    assert sorted(doc.stored_pairs()) == _dump_pairs(oracle, oracle_dir / "m", [])


_KEY_PARTS = ["a", "B", "example", "COM", ".", "-", "@", "[10.0.0.1]", "\u00e9", "x1", "%", ":"]
_VALUE_PARTS = [
    "smtp:",
    "[mx]",
    " ",
    "  ",
    "\t",
    "%1",
    "ERROR:5.7.1:550 no",
    "\r",
    "#",
    "\u65e5",
    "v",
]


def _random_source(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(0, 25)):
        shape = rng.random()
        key = "".join(rng.choice(_KEY_PARTS) for _ in range(rng.randint(1, 4)))
        value = "".join(rng.choice(_VALUE_PARTS) for _ in range(rng.randint(0, 4)))
        sep = rng.choice([" ", "\t", "   ", " \t", "\x0b"])
        if shape < 0.7:
            lines.append(f"{key}{sep}{value}")
        elif shape < 0.8:
            lines.append("#" + value)
        elif shape < 0.85:
            lines.append("")
        elif shape < 0.9:
            lines.append(rng.choice([" ", "\t"]) + key + sep + value)
        elif shape < 0.95:
            lines.append(key + rng.choice(["", " ", "\r"]))
        elif shape < 0.98:
            lines.append(key.upper() + sep + value)  # a duplicate after folding, often
        elif shape < 0.99:
            lines.append(key + sep + "x" * rng.randint(1015, 2100) + " " + key)  # over 1022 bytes
        else:
            lines.append(key + "\x00" + sep + value)
    text = "\n".join(lines)
    if lines and rng.random() < 0.8:
        text += rng.choice(["\n", "\r\n"])
    return text


@pytest.mark.parametrize(
    ("flags", "fold_keys", "duplicates"),
    [
        ([], True, "first"),
        (["-f"], False, "first"),
        (["-r"], True, "last"),
        (["-f", "-r"], False, "last"),
    ],
)
def test_document_pairs_are_what_makemap_stores(
    oracle: Oracle, oracle_dir: Path, flags: list[str], fold_keys: bool, duplicates: Duplicates
) -> None:
    rng = random.Random(f"pairs{flags}")
    for case in range(60):
        text = _random_source(rng)
        doc = sendmailcfg.loads(text, "map", fold_keys=fold_keys, duplicates=duplicates)
        mapname = oracle_dir / f"m{case}"
        status, messages = oracle.makemap(flags, "hash", mapname, _source.encode(text))
        assert status == (65 if doc.diagnostics else 0), (text, messages, doc.diagnostics)
        assert sorted(doc.stored_pairs()) == _dump_pairs(oracle, mapname, flags), text
        if not any(d.code in ("too-long", "nul-byte") for d in doc.diagnostics):
            # every makemap complaint is one of our diagnostics, on the same line (an
            # over-long line is several "lines" for makemap, one line for an editor)
            reported = sorted(
                int(m.split("line ")[1].split(":")[0])
                for m in messages.splitlines()
                if "line " in m
            )
            assert reported == sorted(d.line for d in doc.diagnostics), (text, messages)
            # and the document's own lookups agree with makemap
            assert sorted((doc.fold(k), v) for k, v in doc.items()) == sorted(doc.stored_pairs())
