r"""Print findings: ``text``, ``json``, ``sarif`` (2.1.0) or ``github`` annotations.

>>> from sendmailcfg.lint.engine import Finding
>>> f = Finding("access", 3, 1, "AC003", "error", "CIDR key 10.0.0.0/8", "use 10")
>>> print(render([f], "text"))
access:3:1: error AC003 CIDR key 10.0.0.0/8 (use 10)
>>> print(render([f], "github"))
::error file=access,line=3,col=1,title=AC003::CIDR key 10.0.0.0/8 (use 10)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from sendmailcfg.lint.engine import Finding
from sendmailcfg.terminal import escape as escape

FORMATS = ("text", "json", "sarif", "github")

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _with_hint(f: Finding) -> str:
    return f"{f.message} ({f.hint})" if f.hint else f.message


def render_text(findings: Sequence[Finding], *, color: bool = False) -> str:
    """One ``path:line:col: severity RULE-ID message (hint)`` line per finding (control
    characters from the input escaped, see :func:`escape`); ``color``: ANSI colours (a
    terminal's), path bold and the severity and rule coloured as ruff does.

    >>> f = Finding("access", 3, 1, "AC003", "error", "CIDR key")
    >>> render_text([f], color=True).split("\x1b[0m")
    ['\\x1b[1maccess', ':3:1: \\x1b[1;31merror AC003', ' CIDR key']
    """
    if not color:
        return "\n".join(
            f"{escape(f.path)}:{f.line}:{f.column}: {f.severity} {f.rule} {escape(_with_hint(f))}"
            for f in findings
        )
    return "\n".join(
        f"{BOLD}{escape(f.path)}{RESET}:{f.line}:{f.column}: "
        f"{_COLORS[f.severity]}{f.severity} {f.rule}{RESET} {escape(_with_hint(f))}"
        for f in findings
    )


BOLD = "\x1b[1m"
RESET = "\x1b[0m"
_COLORS = {"error": "\x1b[1;31m", "warning": "\x1b[1;33m", "info": "\x1b[1;36m"}


def use_color(stream: object, environ: Mapping[str, str] | None = None) -> bool:
    """Whether to colour text output on ``stream``: never when ``NO_COLOR`` is set (and not
    empty, https://no-color.org), always when ``FORCE_COLOR`` is, else on a terminal that is
    not ``TERM=dumb``.

    >>> import io
    >>> use_color(io.StringIO(), {"FORCE_COLOR": "1"}), use_color(io.StringIO(), {})
    (True, False)
    >>> use_color(io.StringIO(), {"FORCE_COLOR": "1", "NO_COLOR": "1"})
    False
    """
    import os

    env = os.environ if environ is None else environ
    if env.get("NO_COLOR"):
        return False
    if env.get("FORCE_COLOR"):
        return True
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and env.get("TERM") != "dumb"


def summary(findings: Sequence[Finding], *, unsafe_fixes: bool = False) -> str:
    """ruff's closing line: ``Found 3 problems (2 fixable).`` or ``All checks passed!``.

    >>> from sendmailcfg.lint.engine import Fix
    >>> fix = Fix(0, 1, "x")
    >>> summary([])
    'All checks passed!'
    >>> print(summary([Finding("a", 1, 1, "MC007", "warning", "m", fix=fix),
    ...                Finding("a", 2, 1, "AC001", "error", "m", unsafe_fix=fix)]))
    Found 2 problems (1 fixable with --fix).
    1 more fix is available with --unsafe-fixes.
    """
    if not findings:
        return "All checks passed!"
    n = len(findings)
    safe = sum(1 for f in findings if f.fix is not None)
    unsafe = sum(1 for f in findings if f.fix is None and f.unsafe_fix is not None)
    fixable = safe + (unsafe if unsafe_fixes else 0)
    flag = "--fix --unsafe-fixes" if unsafe_fixes and unsafe else "--fix"
    line = f"Found {n} problem{'s' if n != 1 else ''}"
    line += f" ({fixable} fixable with {flag})." if fixable else "."
    if unsafe and not unsafe_fixes:
        fixes = "fix is" if unsafe == 1 else "fixes are"
        line += f"\n{unsafe} more {fixes} available with --unsafe-fixes."
    return line


def statistics(findings: Sequence[Finding], fmt: str = "text") -> str:
    """``--statistics``: how many findings each rule has, most first (``[*]``: fixable).

    >>> print(statistics([Finding("a", 1, 1, "MC006", "warning", "m")] * 2))
        2  MC006      mc-unknown-conf
    """
    from sendmailcfg.lint.rules import rule_by_id

    counts: dict[str, list[Finding]] = {}
    for f in findings:
        counts.setdefault(f.rule, []).append(f)
    rows = sorted(counts.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    if fmt == "json":
        import json

        return json.dumps(
            [
                {
                    "code": rule,
                    "name": rule_by_id(rule).name,
                    "count": len(fs),
                    "fixable": any(f.fix is not None for f in fs),
                }
                for rule, fs in rows
            ],
            indent=2,
        )
    return "\n".join(
        f"{len(fs):5d}  {rule:<6} {'[*]' if any(f.fix for f in fs) else '   '} "
        f"{rule_by_id(rule).name}"
        for rule, fs in rows
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
                        "artifactLocation": {"uri": sarif_uri(f.path)},
                        "region": {"startLine": max(f.line, 1), "startColumn": max(f.column, 1)},
                    }
                }
            ],
        }
        for f in findings
    ]
    return sarif_log("sendmailcfg", descriptors, results)


def sarif_log(tool: str, rules: Sequence[object], results: Sequence[object]) -> str:
    """A SARIF 2.1.0 log of one run of ``tool`` (its rule descriptors and results), as JSON:
    the envelope lint and ``test`` share."""
    import json

    from sendmailcfg._version import __version__

    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": {"name": tool, "version": __version__, "rules": rules}},
                "results": results,
            }
        ],
    }
    return json.dumps(log, indent=2, ensure_ascii=False)


def sarif_uri(path: str) -> str:
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


def render(findings: Sequence[Finding], fmt: str, *, color: bool = False) -> str:
    """The findings in format ``fmt`` (one of :data:`FORMATS`); ``color`` for text only."""
    if fmt == "text":
        return render_text(findings, color=color)
    return RENDERERS[fmt](findings)
