r"""Print findings: ``text``, ``json``, ``sarif`` (2.1.0) or ``github`` annotations.

>>> from sendmailcfg.lint.engine import Finding
>>> f = Finding("access", 3, 1, "AC003", "error", "CIDR key 10.0.0.0/8", "use 10")
>>> print(render([f], "text"))
access:3:1: error AC003 CIDR key 10.0.0.0/8 (use 10)
>>> print(render([f], "github"))
::error file=access,line=3,col=1,title=AC003::CIDR key 10.0.0.0/8 (use 10)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sendmailcfg.lint.engine import Finding
from sendmailcfg.terminal import escape as escape

FORMATS = ("text", "json", "sarif", "github")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _with_hint(f: Finding) -> str:
    return f"{f.message} ({f.hint})" if f.hint else f.message


def render_text(findings: Sequence[Finding]) -> str:
    """One ``path:line:col: severity RULE-ID message (hint)`` line per finding (control
    characters from the input escaped, see :func:`escape`)."""
    return "\n".join(
        f"{escape(f.path)}:{f.line}:{f.column}: {f.severity} {f.rule} {escape(_with_hint(f))}"
        for f in findings
    )


def render_json(findings: Sequence[Finding]) -> str:
    """``{"findings": [...]}``, one finding object per line (keys: path, line, column,
    rule, severity, message, hint)."""
    import json

    if not findings:
        return '{"findings": []}'
    rows = ",\n".join("  " + json.dumps(f.as_dict(), ensure_ascii=False) for f in findings)
    return '{"findings": [\n' + rows + "\n]}"


_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}


def render_sarif(findings: Sequence[Finding]) -> str:
    """A SARIF 2.1.0 log with one run; rules are described in ``tool.driver.rules``."""
    from sendmailcfg._version import __version__
    from sendmailcfg.lint.rules import load_rules

    rules = load_rules()
    index = {r.id: i for i, r in enumerate(rules)}
    descriptors = [
        {
            "id": r.id,
            "name": r.name,
            "shortDescription": {"text": r.summary},
            "fullDescription": {"text": r.doc},
            "help": {"text": r.doc, "markdown": r.doc},
            "defaultConfiguration": {"level": _SARIF_LEVEL[r.severity]},
        }
        for r in rules
    ]
    results = [
        {
            "ruleId": f.rule,
            "ruleIndex": index[f.rule],
            "level": _SARIF_LEVEL[f.severity],
            "message": {"text": _with_hint(f)},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {"uri": _uri(f.path)},
                        "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
                    }
                }
            ],
        }
        for f in findings
    ]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "sendmailcfg",
                        "version": __version__,
                        "rules": descriptors,
                    }
                },
                "results": results,
            }
        ],
    }
    import json

    return json.dumps(log, indent=2, ensure_ascii=False)


def _uri(path: str) -> str:
    """A relative path stays relative (to the run's folder); an absolute one is a file URI."""
    from urllib.parse import quote

    posix = path.replace("\\", "/")
    if posix.startswith("/"):
        return "file://" + quote(posix)
    return quote(posix)


def _escape_data(text: str) -> str:
    """GitHub's escaping for a workflow command's message (``%``, CR, LF), after every
    other control character is shown, not sent (no ``::`` command can start a line)."""
    text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return escape(text)


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


_GITHUB_COMMAND = {"error": "error", "warning": "warning", "info": "notice"}


def render_github(findings: Sequence[Finding]) -> str:
    """GitHub Actions workflow commands (``::error file=...,line=...::message``)."""
    return "\n".join(
        f"::{_GITHUB_COMMAND[f.severity]} file={_escape_property(f.path)},line={f.line},"
        f"col={f.column},title={_escape_property(f.rule)}::{_escape_data(_with_hint(f))}"
        for f in findings
    )


RENDERERS: dict[str, Callable[[Sequence[Finding]], str]] = {
    "text": render_text,
    "json": render_json,
    "sarif": render_sarif,
    "github": render_github,
}


def render(findings: Sequence[Finding], fmt: str) -> str:
    """The findings in format ``fmt`` (one of :data:`FORMATS`)."""
    return RENDERERS[fmt](findings)
