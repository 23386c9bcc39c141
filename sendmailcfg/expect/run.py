r"""Hold a configuration to its expectations: one :class:`Outcome` per :class:`Expectation`.

>>> from sendmailcfg.expect.schema import parse_text
>>> from sendmailcfg.site import Site
>>> conf = Configuration(Site.from_text(
...     "define(`SMART_HOST', `[mmr.plala.or.jp]')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n",
...     hostname="www.takaq.jp"))
>>> found, _ = parse_text('[route]\n"ken@gateway.takaq.jp" = "smtp [gateway.takaq.jp]"\n', "t.toml")
>>> outcome = check(found[0], conf)
>>> outcome.passed
False
>>> print(outcome.report())
t.toml:2: expected smtp [gateway.takaq.jp], got relay [mmr.plala.or.jp]
  ken@gateway.takaq.jp -> relay to [mmr.plala.or.jp], user ken@gateway.takaq.jp (smart-host)
    gateway.takaq.jp is not one of this host's names (www.takaq.jp, localhost, [127.0.0.1])
    sendmail.mc:1: SMART_HOST [mmr.plala.or.jp] takes mail for every other host
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import attrs

from sendmailcfg.expect.answers import ENGINE, Configuration, Router, engine_of
from sendmailcfg.expect.schema import Expectation, SiteSpec
from sendmailcfg.maps.routing import ERROR_MAILER
from sendmailcfg.site.model import DbReader


@attrs.frozen
class Outcome:
    """What one expectation met: ``passed``, the answer (``got``, as the expectation
    was written), the answer's ``explain`` text, and the ``engine`` that answered."""

    expectation: Expectation
    passed: bool
    got: str
    explain: str
    engine: str
    answer: dict[str, Any] = attrs.field(factory=dict)
    """The answer's fields (JSON), for ``--json``."""

    @property
    def message(self) -> str:
        """``expected ..., got ...`` (or why there is no answer)."""
        return f"expected {expected_text(self.expectation)}, got {self.got}"

    def report(self) -> str:
        """``FILE:LINE: expected ..., got ...``, then the answer's explanation, indented."""
        head = f"{self.expectation.where}: {self.message}"
        if not self.explain:
            return head
        return head + "\n" + "\n".join("  " + ln for ln in self.explain.splitlines())

    def as_json(self) -> dict[str, Any]:
        """The JSON object ``test --json`` prints for this expectation."""
        e = self.expectation
        return {
            "file": e.file,
            "line": e.line,
            "column": e.column,
            "kind": e.kind,
            "query": e.query,
            "site": e.site.name,
            "config": e.site.config,
            "expected": dict(e.expected),
            "passed": self.passed,
            "got": self.got,
            "message": None if self.passed else self.message,
            "answer": self.answer,
            "explain": self.explain,
            "engine": self.engine,
        }


def expected_text(e: Expectation) -> str:
    """The expected answer as it was written (a short form, or ``{ key = "value" }``)."""
    if e.kind == "lint":
        if e.query == "fail-on":
            allow = e.options.get("allow")
            but = f" (allowed: {allow.replace(',', ', ')})" if allow else ""
            return f"no finding at {_at_or_worse(e.expected['fail-on'])}{but}"
        return f"a finding of {e.query}"
    return _shown(e, e.expected)


def _at_or_worse(severity: str) -> str:
    return {"error": "error", "warning": "warning or error", "info": "any severity"}[severity]


def _shown(e: Expectation, fields: Mapping[str, str | None]) -> str:
    if e.short:
        if e.kind == "route":
            return " ".join(v or "(none)" for k, v in fields.items() if k in e.expected)
        if e.kind == "sender":
            env, hdr = fields.get("envelope"), fields.get("header")
            return env or "" if env == hdr else f"envelope {env}, header {hdr}"
        if e.kind == "access":
            return fields.get("action") or "no decision"
        error = fields.get("error")
        if error:
            return f"error {error}"
        return fields.get("result") or "no entry"
    inner = ", ".join(f"{k} = {json.dumps(fields.get(k) or '')}" for k in e.expected)
    return "{ " + inner + " }"


_Loader = Callable[[SiteSpec], Configuration]


def load_configuration(
    spec: SiteSpec, read_db: DbReader | None = None, router: Router | None = None
) -> Configuration:
    """The configuration a :class:`SiteSpec` names (OSError/ValueError when unreadable)."""
    return Configuration.load(
        spec.config, hostname=spec.hostname, root=spec.root, read_db=read_db, router=router
    )


def run(
    expectations: Iterable[Expectation],
    *,
    read_db: DbReader | None = None,
    router: Router | None = None,
) -> list[Outcome]:
    """Check every expectation; each configuration is read once. One that cannot be read
    fails each of its expectations with the reason. ``read_db`` reads a ``.db`` found
    without its source; ``router`` answers route questions (default: the model)."""
    loaded: dict[SiteSpec, Configuration | str] = {}
    out = []
    for e in expectations:
        key = attrs.evolve(e.site, name=None)
        if key not in loaded:
            try:
                loaded[key] = load_configuration(key, read_db, router)
            except (OSError, ValueError) as exc:
                loaded[key] = load_error(exc)
        out.append(check(e, loaded[key]))
    return out


def load_error(exc: BaseException) -> str:
    """Why a configuration could not be read, in one line."""
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
        if exc.filename:
            text = f"{exc.filename}: {text}"
        return text
    return str(exc)


def check(e: Expectation, conf: Configuration | str) -> Outcome:
    """The outcome of ``e`` on ``conf`` (a string: why the configuration is unreadable)."""
    if isinstance(conf, str):
        return Outcome(e, False, f"no answer: the configuration cannot be read: {conf}", "", ENGINE)
    try:
        if e.kind == "lint":
            return _lint(e, conf)
        answer = _ask(e, conf)
    except (OSError, ValueError) as exc:
        return Outcome(e, False, f"no answer: {load_error(exc)}", "", ENGINE)
    fields = _fields(e.kind, answer)
    passed = all(field_matches(k, v, fields.get(k)) for k, v in e.expected.items())
    explain = _explain(e.kind, e.query, answer)
    if not passed:
        explain = "\n".join([explain, *(f"note: {n}" for n in conf.notes())])
    return Outcome(
        e,
        passed,
        _shown(e, fields),
        explain,
        engine_of(answer) if e.kind == "route" else ENGINE,
        {k.replace("-", "_"): v for k, v in fields.items()},
    )


def field_matches(field: str, want: str, got: str | None) -> bool:
    """Whether an answer's field is the one expected ("" expects none; the mailer
    ``error`` is sendmail's ``*error*``)."""
    if field == "mailer" and want == "error":
        want = ERROR_MAILER
    return (got or "") == want


def _ask(e: Expectation, conf: Configuration) -> Any:
    o = e.options
    if e.kind == "route":
        users = [e.query.partition("@")[0].lower()] if o.get("no-such-user") else []
        return conf.route(e.query, no_such_users=users)
    if e.kind == "sender":
        return conf.sender(e.query, mailer=o.get("mailer", "esmtp"))
    if e.kind == "access":
        return conf.access(
            e.query, client=o.get("client"), resolve=o.get("resolve"), sender=o.get("sender")
        )
    ask: Callable[[str], Any] = getattr(conf, e.kind)
    return ask(e.query)


def _fields(kind: str, a: Any) -> dict[str, str | None]:
    if kind in ("route", "sender"):
        data = a.as_json()
        fields = {
            "route": ("mailer", "host", "user", "decided_by", "port", "auth"),
            "sender": ("envelope", "header"),
        }[kind]
        out: dict[str, str | None] = {}
        for name in fields:
            v = data.get(name)
            out[name.replace("_", "-")] = None if v is None else str(v)
        return out
    if kind == "access":
        return {"action": a.action, "code": a.code, "reply": a.reply, "key": a.key}
    error = getattr(a, "error", None)
    return {
        "result": a.result,
        "key": a.key,
        "error": None if error is None else error.code,
    }


def _explain(kind: str, query: str, a: Any) -> str:
    if kind == "access":
        what = " ".join(x for x in (a.action or "no decision", a.code, a.reply) if x)
        why = f"line {a.line}: {a.key}" if a.key is not None else "no entry"
        return f"{query} -> {what} ({why})\n  tried: " + (", ".join(a.tried) or "(nothing)")
    text: str = a.explain()
    return text


_RANK = {"info": 0, "warning": 1, "error": 2}


def _lint(e: Expectation, conf: Configuration) -> Outcome:
    from sendmailcfg.lint.formats import render_text

    findings = conf.lint()
    if e.query == "fail-on":
        floor = _RANK[e.expected["fail-on"]]
        allowed = set(filter(None, str(e.options.get("allow", "")).split(",")))
        bad = [f for f in findings if _RANK[f.severity] >= floor and f.rule not in allowed]
        got = (
            "none"
            if not bad
            else f"{len(bad)}: " + ", ".join(dict.fromkeys(f"{f.severity} {f.rule}" for f in bad))
        )
        return Outcome(e, not bad, got, render_text(bad), ENGINE, {"findings": len(bad)})
    hits = [f for f in findings if f.rule == e.query]
    got = f"{len(hits)} finding(s) of {e.query}" if hits else "none"
    shown = hits or findings
    return Outcome(e, bool(hits), got, render_text(shown), ENGINE, {"findings": len(hits)})


def summary(outcomes: Sequence[Outcome]) -> str:
    """``N passed, M failed (engine model)``."""
    failed = sum(1 for o in outcomes if not o.passed)
    engines = ", ".join(sorted({o.engine for o in outcomes})) or ENGINE
    return f"{len(outcomes) - failed} passed, {failed} failed (engine {engines})"
