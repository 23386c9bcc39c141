"""Output formats: text, JSON, SARIF 2.1.0 structure, GitHub annotations."""

from __future__ import annotations

import json

from sendmailcfg.lint.engine import Finding
from sendmailcfg.lint.formats import render

FINDINGS = [
    Finding("etc/mail/access", 3, 1, "AC003", "error", "CIDR key 10.0.0.0/8", "write `10`"),
    Finding("etc/mail/access", 4, 9, "X004", "info", "no access.db", ""),
    Finding("sendmail.mc", 7, 2, "MC006", "warning", "a, b: 50% done\nnext", ""),
]


def test_text() -> None:
    assert render(FINDINGS[:2], "text").splitlines() == [
        "etc/mail/access:3:1: error AC003 CIDR key 10.0.0.0/8 (write `10`)",
        "etc/mail/access:4:9: info X004 no access.db",
    ]
    assert render([], "text") == ""


def test_json() -> None:
    data = json.loads(render(FINDINGS, "json"))
    assert list(data) == ["findings"]
    assert data["findings"][0] == {
        "path": "etc/mail/access",
        "line": 3,
        "column": 1,
        "rule": "AC003",
        "severity": "error",
        "message": "CIDR key 10.0.0.0/8",
        "hint": "write `10`",
    }
    assert json.loads(render([], "json")) == {"findings": []}


def test_sarif_structure() -> None:
    log = json.loads(render(FINDINGS, "sarif"))
    assert log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert driver["name"] == "sendmailcfg" and driver["version"]
    rules = driver["rules"]
    ids = [r["id"] for r in rules]
    assert len(ids) == len(set(ids)) and "AC003" in ids
    for r in rules:
        assert r["shortDescription"]["text"] and r["defaultConfiguration"]["level"] in (
            "error",
            "warning",
            "note",
        )
    results = run["results"]
    assert [r["level"] for r in results] == ["error", "note", "warning"]
    for res, f in zip(results, FINDINGS, strict=True):
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"] == f.rule
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"]["uri"] == f.path
        assert loc["region"] == {"startLine": f.line, "startColumn": f.column}
        assert res["message"]["text"].startswith(f.message)


def test_github_annotations_escape() -> None:
    lines = render(FINDINGS, "github").splitlines()
    assert lines[0] == (
        "::error file=etc/mail/access,line=3,col=1,title=AC003::CIDR key 10.0.0.0/8 (write `10`)"
    )
    assert lines[1].startswith("::notice ")
    assert (
        lines[2] == "::warning file=sendmail.mc,line=7,col=2,title=MC006::a, b: 50%25 done%0Anext"
    )


def test_sarif_uris() -> None:
    f = Finding("/etc/mail/my access", 1, 1, "X004", "info", "m")
    log = json.loads(render([f], "sarif"))
    loc = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert loc["artifactLocation"]["uri"] == "file:///etc/mail/my%20access"
