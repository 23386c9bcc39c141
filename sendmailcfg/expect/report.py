r"""The outcomes of a ``test`` run as text, JSON, JUnit XML (what CI servers read) or SARIF.

>>> from sendmailcfg.expect.schema import Expectation, SiteSpec
>>> e = Expectation("lan.sendmail-test.toml", 3, 1, "route", "ken@takaq.jp",
...                 {"mailer": "local"}, SiteSpec("gateway"))
>>> from sendmailcfg.expect.run import Outcome
>>> bad = Outcome(e, False, "relay [mmr.plala.or.jp]", "ken@takaq.jp -> relay ...", "model")
>>> print(render_text([bad]))
lan.sendmail-test.toml:3: expected local, got relay [mmr.plala.or.jp]
  ken@takaq.jp -> relay ...
0 passed, 1 failed (engine model)
>>> print(junit_xml([bad]).splitlines()[1])
<testsuites tests="1" failures="1" errors="0">
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sendmailcfg.expect.run import Outcome, summary
from sendmailcfg.lint.formats import escape, sarif_log, sarif_uri

FORMATS = ("text", "json", "sarif")


def render_text(outcomes: Sequence[Outcome], *, verbose: bool = False) -> str:
    """Each failure (``FILE:LINE: expected ..., got ...`` and the answer's explanation),
    each pass too with ``verbose``, then the summary line (control characters from the
    input shown, not sent: :func:`sendmailcfg.lint.formats.escape`)."""
    lines: list[str] = []
    for o in outcomes:
        if not o.passed:
            lines.extend(escape(ln) for ln in o.report().split("\n"))
        elif verbose:
            lines.append(escape(f"{o.expectation.where}: ok {o.expectation.name} -> {o.got}"))
    lines.append(summary(outcomes))
    return "\n".join(lines)


def render_json(outcomes: Sequence[Outcome]) -> str:
    """``{"passed": N, "failed": M, "engines": [...], "results": [...]}`` (one object per
    expectation: :meth:`Outcome.as_json`)."""
    failed = sum(1 for o in outcomes if not o.passed)
    data = {
        "passed": len(outcomes) - failed,
        "failed": failed,
        "engines": sorted({o.engine for o in outcomes}),
        "results": [o.as_json() for o in outcomes],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def render_sarif(outcomes: Sequence[Outcome]) -> str:
    """A SARIF 2.1.0 log: one result per failed expectation, at its line; one rule per
    kind of question (``route``, ``sender``, ``access``, ...)."""
    from sendmailcfg.expect.schema import KINDS

    rules = [
        {
            "id": f"expect-{kind}",
            "name": f"expected-{kind}",
            "shortDescription": {"text": f"the {kind} answer differs from the expected one"},
            "defaultConfiguration": {"level": "error"},
        }
        for kind in KINDS
    ]
    results: list[dict[str, Any]] = [
        {
            "ruleId": f"expect-{o.expectation.kind}",
            "ruleIndex": KINDS.index(o.expectation.kind),
            "level": "error",
            "message": {"text": o.message + ("\n" + o.explain if o.explain else "")},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": sarif_uri(o.expectation.file)},
                        "region": {
                            "startLine": o.expectation.line,
                            "startColumn": o.expectation.column,
                        },
                    }
                }
            ],
            "properties": {"engine": o.engine, "query": o.expectation.query},
        }
        for o in outcomes
        if not o.passed
    ]
    return sarif_log("sendmailcfg test", rules, results)


def junit_xml(outcomes: Sequence[Outcome]) -> str:
    """JUnit XML: a ``testsuite`` per expectation file, a ``testcase`` per expectation
    (``classname`` the file, ``name`` the question), a ``failure`` with the message and the
    answer's explanation."""
    import xml.etree.ElementTree as ET

    top = ET.Element("testsuites")
    suites: dict[str, ET.Element] = {}
    total = failures = 0
    for o in outcomes:
        e = o.expectation
        suite = suites.get(e.file)
        if suite is None:
            suite = suites[e.file] = ET.SubElement(
                top, "testsuite", name=e.file, tests="0", failures="0", errors="0"
            )
        suite.set("tests", str(int(suite.get("tests", "0")) + 1))
        total += 1
        name = e.name if e.site.name is None else f"{e.site.name}: {e.name}"
        case = ET.SubElement(
            suite, "testcase", classname=e.file, name=name, file=e.file, line=str(e.line)
        )
        ET.SubElement(case, "properties").append(
            ET.Element("property", name="engine", value=o.engine)
        )
        if not o.passed:
            failures += 1
            suite.set("failures", str(int(suite.get("failures", "0")) + 1))
            fail = ET.SubElement(case, "failure", message=f"{e.where}: {o.message}")
            fail.text = o.report()
    top.set("tests", str(total))
    top.set("failures", str(failures))
    top.set("errors", "0")
    ET.indent(top)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(top, encoding="unicode")


def render(outcomes: Sequence[Outcome], fmt: str, *, verbose: bool = False) -> str:
    """The outcomes in format ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "json":
        return render_json(outcomes)
    if fmt == "sarif":
        return render_sarif(outcomes)
    return render_text(outcomes, verbose=verbose)
