"""Snapshot test over the real-world corpus in ``tests/corpus`` (see its ``SOURCES.md``).

Each sub-folder is linted as one configuration folder; the findings must equal
``tests/corpus/expected.json``. Regenerate the snapshot after a deliberate change::

    python -m tests.lint.test_corpus --update

Errors and warnings on a distribution's default files must each be confirmed
(:data:`CONFIRMED` says by which m4 message or sendmail behaviour); anything
else there is a false alarm.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from sendmailcfg.lint import Finding, lint_files, load_file
from sendmailcfg.maps import infer_kind
from tests.conftest import CORPUS

EXPECTED = CORPUS / "expected.json"

DEFAULTS = (
    "debian/",
    "debian-examples/",
    "pld/",
    "freebsd/",
    "dragonfly/dragonfly",
    "midnightbsd/",
    "slackware/sendmail-slackware",
    "openbsd/openbsd-proto.mc",
    "openbsd/openbsd-submit.mc",
    "openbsd/openbsd-localhost.mc",
)
"""Files a distribution ships as its default (prefixes of corpus paths)."""

_BLACKLIST = (
    "m4: WARNING: FEATURE(blacklist_recipients) is deprecated (feature/blacklist_recipients.m4)"
)
_UNRESOLVABLE = (
    "the .cf accepts senders whose domain does not resolve (proto.m4: '... unresolvable OK')"
)
_IPV6 = (
    "sendmail 8.17 looks up IPv6 client addresses uncompressed (IPv6:0:0:0:0:0:0:0:1) unless "
    "UseCompressedIPv6Addresses is set; tests/test_access_oracle.py shows it"
)

CONFIRMED: dict[tuple[str, str, int], str] = {
    ("debian-examples/access", "AC002", 80): _IPV6,
    ("debian-examples/access", "AC002", 81): _IPV6,
    ("debian-examples/access", "AC002", 82): _IPV6,
    ("debian-examples/access", "AC002", 83): _IPV6,
    ("debian-examples/mailertable", "MT001", 44): (
        "sendmail's mailertable lookup tries .baddomain for sub.baddomain only, never for "
        "baddomain itself (tests/test_mailertable_oracle.py)"
    ),
    ("pld/sendmail.mc", "MC001", 20): (
        "define('ALIAS_FILE', ...): m4 defines a macro literally named 'ALIAS_FILE' (quotes "
        "included); the .cf keeps cf.m4's own AliasFile"
    ),
    ("pld/sendmail.mc", "MC007", 37): _BLACKLIST,
    ("pld/sendmail.mc", "MC013", 11): (
        "m4: cannot open `@@PATH@@/m4/cf.m4' (a placeholder PLD's spec fills in at build time; "
        "the file as shipped in the repository does not build)"
    ),
    ("pld/domaintable", "X001", 1): (
        "PLD's sendmail.mc has no FEATURE(`domaintable'): the .cf has no Kdomaintable map, "
        "so sendmail never reads it"
    ),
    ("freebsd/freebsd.mc", "MC007", 52): _BLACKLIST,
    ("dragonfly/dragonfly.mc", "MC007", 53): _BLACKLIST,
    ("slackware/sendmail-slackware.mc", "MC007", 31): _BLACKLIST,
    ("slackware/sendmail-slackware-tls-sasl.mc", "MC007", 37): _BLACKLIST,
    ("openbsd/openbsd-proto.mc", "MC007", 41): _BLACKLIST,
    ("openbsd/openbsd-submit.mc", "MC011", 28): _UNRESOLVABLE,
    ("openbsd/openbsd-localhost.mc", "MC011", 24): _UNRESOLVABLE,
}


def _files() -> list[Path]:
    return sorted(
        p
        for p in CORPUS.rglob("*")
        if p.is_file() and p.name not in ("SOURCES.md", "expected.json")
    )


def _rel(path: str | Path) -> str:
    return Path(path).resolve().relative_to(CORPUS).as_posix()


def corpus_findings() -> dict[str, list[dict[str, object]]]:
    """``{corpus path: [finding, ...]}`` for every corpus file (an empty list when clean)."""
    loaded = []
    for p in _files():
        kind = infer_kind(p.name)
        assert kind is not None, f"{_rel(p)}: name it so that its kind can be inferred"
        loaded.append(load_file(str(p), kind, p.read_bytes().decode("utf-8", "surrogateescape")))
    out: dict[str, list[dict[str, object]]] = {_rel(p): [] for p in _files()}
    findings: list[Finding] = lint_files(loaded)
    for f in findings:
        row = f.as_dict()
        del row["path"]
        out[_rel(f.path)].append(row)
    return out


def test_the_corpus_is_there() -> None:
    assert CORPUS.is_dir(), f"{CORPUS} is missing"
    files = _files()
    assert len(files) >= 40, f"the corpus holds {len(files)} files, fewer than 40"


def test_every_file_has_its_source_and_licence() -> None:
    table = (CORPUS / "SOURCES.md").read_text(encoding="utf-8")
    rows = {
        line.split("|")[1].strip().strip("`")
        for line in table.splitlines()
        if line.startswith("| `")
    }
    assert rows == {_rel(p) for p in _files()}
    for line in table.splitlines():
        if line.startswith("| `"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            assert len(cells) == 3 and all(cells), line


def test_findings_match_the_snapshot() -> None:
    assert EXPECTED.is_file(), "run: python -m tests.lint.test_corpus --update"
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    assert corpus_findings() == expected, (
        "corpus findings changed; review, then run: python -m tests.lint.test_corpus --update"
    )


def _default(path: str) -> bool:
    return path.startswith(DEFAULTS)


def test_distribution_defaults_have_no_unconfirmed_finding() -> None:
    seen = set()
    for path, rows in corpus_findings().items():
        if not _default(path):
            continue
        for row in rows:
            if row["severity"] == "info":
                continue
            key = (path, str(row["rule"]), int(str(row["line"])))
            seen.add(key)
            assert key in CONFIRMED, f"{path}:{row['line']} {row['rule']}: {row['message']}"
    assert set(CONFIRMED) == seen, "a confirmation whose finding is gone is stale"


@pytest.mark.oracle
def test_the_m4_confirmations_hold(oracle: object) -> None:
    """The m4 messages and .cf lines :data:`CONFIRMED` cites are what the real cf package has."""
    from tests.oracle import Oracle

    assert isinstance(oracle, Oracle)
    head = "OSTYPE(`linux')dnl\n"
    _cf, err, _ = oracle.mc2cf(head + "FEATURE(`blacklist_recipients')dnl\nMAILER(`smtp')dnl\n")
    assert "FEATURE(blacklist_recipients) is deprecated" in err
    cf, _err, _ = oracle.mc2cf(
        head + "FEATURE(`accept_unresolvable_domains')dnl\nMAILER(`smtp')dnl\n"
    )
    assert "unresolvable OK" in cf
    cf, _err, _ = oracle.mc2cf(head + "define('ALIAS_FILE','/srv/aliases')dnl\nMAILER(`smtp')dnl\n")
    assert "/srv/aliases" not in cf and "O AliasFile=/etc/mail/aliases" in cf
    _cf, err, _ = oracle.mc2cf("include(`@@PATH@@/m4/cf.m4')dnl\n")
    assert "cannot open" in err and "@@PATH@@/m4/cf.m4" in err
    pld = (CORPUS / "pld" / "sendmail.mc").read_text(encoding="utf-8")
    assert "FEATURE(`domaintable'" not in pld and "FEATURE(domaintable" not in pld


def main(argv: list[str]) -> int:
    """``--update`` rewrites ``expected.json`` from the current findings."""
    if argv != ["--update"]:
        print("usage: python -m tests.lint.test_corpus --update", file=sys.stderr)
        return 2
    data = corpus_findings()
    EXPECTED.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {EXPECTED.relative_to(CORPUS.parent.parent)}: {len(data)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
