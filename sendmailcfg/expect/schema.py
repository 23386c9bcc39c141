r"""Expectation files: what an admin expects of a configuration, in TOML, each with its line.

A file names the configuration (``config``, relative to the file; default: the
file's own folder) and holds one table per kind of question. In each table a key
is the question and its value the expected answer: a short string, or an inline
table of fields (plus options). The format is specified in
``docs/testing-a-mail-configuration.md``.

>>> text = '''config = "gateway"
... [route]
... "ken@takaq.jp" = "local"
... "ken@gmail.com" = "relay [mmr.plala.or.jp]"
... [access]
... "connect:spam.example:192.0.2.1" = { action = "REJECT" }
... '''
>>> found, problems = parse_text(text, "lan.sendmail-test.toml")
>>> [(e.line, e.kind, e.query, e.expected) for e in found]  # doctest: +NORMALIZE_WHITESPACE
[(3, 'route', 'ken@takaq.jp', {'mailer': 'local'}),
 (4, 'route', 'ken@gmail.com', {'mailer': 'relay', 'host': '[mmr.plala.or.jp]'}),
 (6, 'access', 'connect:spam.example:192.0.2.1', {'action': 'REJECT'})]
>>> found[0].site.config
'gateway'
>>> _, problems = parse_text('[route]\n"ken@x y" = 3\n', "t.toml")
>>> for p in problems: print(p)  # doctest: +ELLIPSIS
t.toml:2:1: malformed address 'ken@x y': ' ' is address syntax sendmail's ruleset 0 would ...
t.toml:2:13: wrong type: an integer; expected a string such as "local" or ...
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

import attrs

from sendmailcfg.expect.tomlpos import Positions, TomlPath, scan
from sendmailcfg.maps.access.rules import name_addr

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - Python 3.10
    import tomli as tomllib  # type: ignore[import-not-found, unused-ignore]

SUFFIX = ".sendmail-test.toml"
"""The name ending that marks an expectation file (found by ``test`` with no FILE)."""

KINDS = ("route", "sender", "access", "virtusertable", "genericstable", "domaintable", "lint")
"""The tables an expectation file may hold, one per kind of question."""

SITE_KEYS = ("config", "hostname", "root")
"""The keys that say which configuration answers (top level, or in a ``[site.NAME]``)."""

FIELDS: Mapping[str, tuple[str, ...]] = {
    "route": ("mailer", "host", "user", "decided-by", "port", "auth"),
    "sender": ("envelope", "header"),
    "access": ("action", "code", "reply", "key"),
    "virtusertable": ("result", "error", "key"),
    "genericstable": ("result", "key"),
    "domaintable": ("result", "key"),
}
"""The answer's fields an inline table may state (only those given are compared)."""

OPTIONS: Mapping[str, Mapping[str, type]] = {
    "route": {"no-such-user": bool},
    "sender": {"mailer": str},
    "access": {"client": str, "resolve": str, "sender": str},
    "virtusertable": {},
    "genericstable": {},
    "domaintable": {},
}
"""Options of the question an inline table may add (``no-such-user``: LUSER_RELAY applies)."""

ACCESS_ACTIONS = ("OK", "RELAY", "REJECT", "DISCARD", "ERROR", "QUARANTINE")
SEVERITIES = ("error", "warning", "info")
LINT_KEYS = ("fail-on", "allow", "expect")

_SHORT = {
    "route": '"local" or "relay [mmr.plala.or.jp]"',
    "sender": 'the address it becomes, such as "www@takaq.jp"',
    "access": '"REJECT", "OK", "RELAY", "DISCARD", "ERROR", "QUARANTINE" or "no decision"',
    "virtusertable": 'the result, such as "yamada", or "no entry"',
    "genericstable": 'the result, such as "ken@takaq.jp", or "no entry"',
    "domaintable": 'the result, such as "takaq.jp", or "no entry"',
}
_SPLITS_ADDRESS = frozenset(' \t\r\n()<>,;:"\\!')


@attrs.frozen
class SiteSpec:
    """Which configuration answers: ``config`` (a .mc or a folder holding one), ``hostname``
    (this host's name, when the .mc does not set it), ``root``; ``name`` of its
    ``[site.NAME]`` table (None: the file's top level)."""

    config: str
    hostname: str | None = None
    root: str | None = None
    name: str | None = None


@attrs.frozen
class Expectation:
    """One expected answer: where it is written, the question, the fields expected.

    ``expected`` maps field names to the text expected ("" means none: no host, no
    entry, no decision); for ``lint``, ``query`` is ``fail-on`` or a rule id to expect.
    ``short``: written as a short string (failures show the answer the same way).
    """

    file: str
    line: int
    column: int
    kind: str
    query: str
    expected: dict[str, str]
    site: SiteSpec
    options: dict[str, Any] = attrs.field(factory=dict)
    short: bool = True

    @property
    def name(self) -> str:
        """``KIND QUESTION`` (a test's name: ``route ken@takaq.jp``)."""
        return f"{self.kind} {self.query}"

    @property
    def where(self) -> str:
        """``FILE:LINE``."""
        return f"{self.file}:{self.line}"


@attrs.frozen
class Problem:
    """What is wrong in an expectation file, and where."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


def load(
    path: str,
    *,
    config: str | None = None,
    hostname: str | None = None,
    root: str | None = None,
) -> tuple[list[Expectation], list[Problem]]:
    """The expectations of the file at ``path`` and the problems found in it.

    ``config``, ``hostname`` and ``root`` replace the top-level keys of the same names
    (paths as given, not relative to the file). A file with problems must not be run.
    """
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        return [], [Problem(path, 1, 1, f"cannot read: {exc.strerror or exc}")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        return [], [Problem(path, line, 1, "not UTF-8; expected a TOML file (UTF-8)")]
    return parse_text(text, path, config=config, hostname=hostname, root=root)


def parse_text(
    text: str,
    path: str,
    *,
    config: str | None = None,
    hostname: str | None = None,
    root: str | None = None,
) -> tuple[list[Expectation], list[Problem]]:
    """The expectations of ``text`` (the file ``path``) and the problems found in it
    (``config``, ``hostname``, ``root``: as :func:`load`)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        return [], [_toml_problem(path, str(exc), text)]
    reader = _Reader(path, scan(text))
    top = reader.document(doc, config)
    if hostname is not None or root is not None:
        top = [
            attrs.evolve(
                e,
                site=attrs.evolve(
                    e.site,
                    hostname=e.site.hostname if hostname is None else hostname,
                    root=e.site.root if root is None else root,
                ),
            )
            if e.site.name is None
            else e
            for e in top
        ]
    found = sorted(top, key=lambda e: (e.line, e.column))
    return found, sorted(reader.problems, key=lambda p: (p.line, p.column))


def _toml_problem(path: str, message: str, text: str) -> Problem:
    import re

    m = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if m is None:
        end = re.search(r"\s*\(at end of document\)$", message)
        if end is None:
            return Problem(path, 1, 1, f"not TOML: {message}")
        lines = text.split("\n")
        if len(lines) > 1 and not lines[-1]:
            lines.pop()
        line = len(lines)
        return Problem(path, line, len(lines[-1]) + 1, f"not TOML: {message[: end.start()]}")
    what = message[: m.start()]
    return Problem(path, int(m.group(1)), int(m.group(2)), f"not TOML: {what}")


def _type_name(value: object) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return "a date or time"


def address_problem(address: str) -> str | None:
    """Why ``address`` is no address a route or sender question can take, or None.

    >>> address_problem("ken@takaq.jp") is None, address_problem("<ken@takaq.jp>") is None
    (True, True)
    >>> address_problem("a, b")
    "malformed address 'a, b': ' ,' is address syntax sendmail's ruleset 0 would split; \
expected user@host or a local user name"
    """
    text = address.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    if not text:
        return "malformed address: empty; expected user@host or a local user name"
    bad = _SPLITS_ADDRESS.intersection(text)
    if bad:
        return (
            f"malformed address {address!r}: {''.join(sorted(bad))!r} is address syntax "
            "sendmail's ruleset 0 would split; expected user@host or a local user name"
        )
    return None


def access_problem(query: str) -> str | None:
    """Why ``query`` is no access question (``connect:NAME:ADDR``, ``from:ADDRESS``,
    ``to:ADDRESS``), or None."""
    kind, sep, arg = query.partition(":")
    if not sep or kind not in ("connect", "from", "to"):
        return f"malformed query {query!r}: expected connect:NAME:ADDR, from:ADDRESS or to:ADDRESS"
    if kind == "connect":
        try:
            name_addr(arg, "connect:")
        except ValueError as exc:
            return f"malformed query: {exc}"
        return None
    if not arg.strip() or any(c in arg for c in " \t\r\n"):
        return f"malformed address in {query!r}: expected {kind}:user@host"
    return None


class _Reader:
    def __init__(self, path: str, positions: Positions) -> None:
        self.path = path
        self.pos = positions
        self.problems: list[Problem] = []

    def problem(self, where: TomlPath, message: str, *, value: bool = False) -> None:
        line, col = self.pos.value(where) if value else self.pos.key(where)
        self.problems.append(Problem(self.path, line, col, message))

    def document(self, doc: dict[str, Any], config: str | None) -> list[Expectation]:
        base = os.path.dirname(self.path) or "."
        out: list[Expectation] = []
        known = (*SITE_KEYS, "site", *KINDS)
        for key in doc:
            if key not in known:
                self.problem((key,), f"unknown key {key!r}; expected one of {', '.join(known)}")
        site = self.site(doc, (), base, None, config)
        if site is not None:
            out.extend(self.tables(doc, (), site))
        sites = doc.get("site", {})
        if not isinstance(sites, dict):
            self.problem(("site",), self.wrong(sites, "a table of [site.NAME] tables"), value=True)
            return out
        for name, table in sites.items():
            where: TomlPath = ("site", name)
            if not isinstance(table, dict):
                self.problem(where, self.wrong(table, "a [site.NAME] table"), value=True)
                continue
            for key in table:
                if key not in (*SITE_KEYS, *KINDS):
                    self.problem(
                        (*where, key),
                        f"unknown key {key!r} in [site.{name}]; expected one of "
                        f"{', '.join((*SITE_KEYS, *KINDS))}",
                    )
            if "config" not in table:
                self.problem(where, f'[site.{name}] has no config; expected config = "PATH"')
                continue
            named = self.site(table, where, base, name, None)
            if named is not None:
                out.extend(self.tables(table, where, named))
        return out

    def wrong(self, value: object, expected: str) -> str:
        return f"wrong type: {_type_name(value)}; expected {expected}"

    def site(
        self,
        table: dict[str, Any],
        where: TomlPath,
        base: str,
        name: str | None,
        config: str | None,
    ) -> SiteSpec | None:
        values: dict[str, str | None] = {}
        ok = True
        for key in SITE_KEYS:
            v = table.get(key)
            if v is not None and not isinstance(v, str):
                self.problem(
                    (*where, key), self.wrong(v, "a string (a path or a name)"), value=True
                )
                ok = False
            values[key] = v
        if not ok:
            return None
        if config is not None:
            path = config
        else:
            path = os.path.normpath(os.path.join(base, values["config"] or "."))
        root = values["root"]
        if root is not None:
            root = os.path.normpath(os.path.join(base, root))
        return SiteSpec(path, values["hostname"], root, name)

    def tables(self, table: dict[str, Any], where: TomlPath, site: SiteSpec) -> list[Expectation]:
        out: list[Expectation] = []
        for kind in KINDS:
            if kind not in table:
                continue
            body = table[kind]
            at = (*where, kind)
            if not isinstance(body, dict):
                self.problem(at, self.wrong(body, f"a [{kind}] table"), value=True)
                continue
            if kind == "lint":
                out.extend(self.lint(body, at, site))
                continue
            for query, value in body.items():
                exp = self.one(kind, query, value, (*at, query), site)
                if exp is not None:
                    out.append(exp)
        return out

    def question_problem(self, kind: str, query: str) -> str | None:
        if kind in ("route", "sender"):
            return address_problem(query)
        if kind == "access":
            return access_problem(query)
        if not query.strip() or any(c in query for c in " \t\r\n"):
            return f"malformed address {query!r}: expected user@domain (or a host name)"
        return None

    def one(
        self, kind: str, query: str, value: object, where: TomlPath, site: SiteSpec
    ) -> Expectation | None:
        line, col = self.pos.key(where)
        bad = self.question_problem(kind, query)
        if bad is not None:
            self.problem(where, bad)
        fields = FIELDS[kind]
        if isinstance(value, str):
            expected = self.short(kind, value, where)
            if expected is None or bad is not None:
                return None
            return Expectation(self.path, line, col, kind, query, expected, site)
        if not isinstance(value, dict):
            self.problem(
                where,
                self.wrong(
                    value,
                    f"a string such as {_SHORT[kind]}, or an inline table of {', '.join(fields)}",
                ),
                value=True,
            )
            return None
        expected = {}
        options: dict[str, Any] = {}
        ok = bad is None
        for key, v in value.items():
            at = (*where, key)
            if key in fields:
                if isinstance(v, str):
                    expected[key] = v
                elif key == "port" and isinstance(v, int) and not isinstance(v, bool):
                    expected[key] = str(v)
                else:
                    self.problem(at, self.wrong(v, f"a string ({key})"), value=True)
                    ok = False
            elif key in OPTIONS[kind]:
                want = OPTIONS[kind][key]
                if not isinstance(v, want) or (want is not bool and isinstance(v, bool)):
                    shown = "true or false" if want is bool else "a string"
                    self.problem(at, self.wrong(v, f"{shown} ({key})"), value=True)
                    ok = False
                    continue
                problem = self.option_problem(kind, key, v)
                if problem is not None:
                    self.problem(at, problem, value=True)
                    ok = False
                options[key] = v
            else:
                names = (*fields, *OPTIONS[kind])
                self.problem(at, f"unknown key {key!r}; expected one of {', '.join(names)}")
                ok = False
        if ok and not expected:
            self.problem(where, f"nothing expected; give at least one of {', '.join(fields)}")
            ok = False
        if not ok:
            return None
        return Expectation(
            self.path, line, col, kind, query, expected, site, options=options, short=False
        )

    def option_problem(self, kind: str, key: str, value: object) -> str | None:
        if kind == "access" and key == "client":
            try:
                name_addr(str(value), "client")
            except ValueError as exc:
                return f"malformed client: {exc}"
        if (
            kind == "access"
            and key == "resolve"
            and str(value).upper()
            not in (
                "OK",
                "FAIL",
                "FORGED",
                "TEMP",
            )
        ):
            return f"unknown resolve status {value!r}; expected OK, FAIL, FORGED or TEMP"
        if key in ("sender",) and isinstance(value, str):
            bad = address_problem(value)
            if bad is not None:
                return bad
        if kind == "sender" and key == "mailer":
            known = ("esmtp", "smtp", "smtp8", "dsmtp", "relay", "local", "prog")
            if value not in known:
                return f"unknown mailer {value!r}; expected one of {', '.join(known)}"
        return None

    def short(self, kind: str, value: str, where: TomlPath) -> dict[str, str] | None:
        if kind == "route":
            parts = value.split()
            if len(parts) not in (1, 2):
                self.problem(
                    where,
                    f"malformed route {value!r}: expected MAILER or MAILER HOST, such as "
                    f"{_SHORT['route']} (a table for more fields)",
                    value=True,
                )
                return None
            return dict(zip(("mailer", "host"), parts, strict=False))
        if kind == "sender":
            if not value.strip():
                self.problem(where, f"empty sender; expected {_SHORT['sender']}", value=True)
                return None
            return {"envelope": value, "header": value}
        if kind == "access":
            if value.strip().lower() == "no decision":
                return {"action": ""}
            if value.upper() not in ACCESS_ACTIONS:
                self.problem(
                    where,
                    f"unknown access action {value!r}; expected {_SHORT['access']}",
                    value=True,
                )
                return None
            return {"action": value.upper()}
        if value.strip().lower() == "no entry":
            return {"result": "", "error": ""} if kind == "virtusertable" else {"result": ""}
        return {"result": value}

    def lint(self, body: dict[str, Any], where: TomlPath, site: SiteSpec) -> list[Expectation]:
        out: list[Expectation] = []
        for key in body:
            if key not in LINT_KEYS:
                self.problem(
                    (*where, key),
                    f"unknown key {key!r} in [lint]; expected one of {', '.join(LINT_KEYS)}",
                )
        ids: dict[str, list[str]] = {}
        for key in ("allow", "expect"):
            v = body.get(key, [])
            if not isinstance(v, list):
                self.problem((*where, key), self.wrong(v, "an array of rule ids"), value=True)
                continue
            ids[key] = []
            for i, item in enumerate(v):
                if not isinstance(item, str):
                    self.problem((*where, key, i), self.wrong(item, "a rule id"), value=True)
                elif not _is_rule(item):
                    self.problem(
                        (*where, key, i),
                        f"unknown rule id {item!r}; expected a rule id such as MT005 "
                        "(docs/lint-rules.md)",
                        value=True,
                    )
                else:
                    ids[key].append(item.upper())
        allow = ",".join(ids.get("allow", []))
        fail_on = body.get("fail-on")
        if fail_on is None and not body.get("expect"):
            fail_on = "error"  # a bare [lint] table: no error may be reported
        if fail_on is not None:
            at = (*where, "fail-on")
            if not isinstance(fail_on, str) or fail_on not in SEVERITIES:
                shown = (
                    self.wrong(fail_on, "a string")
                    if not isinstance(fail_on, str)
                    else f"unknown severity {fail_on!r}"
                )
                self.problem(at, f"{shown}; expected error, warning or info", value=True)
            else:
                line, col = self.pos.key(at)
                out.append(
                    Expectation(
                        self.path,
                        line,
                        col,
                        "lint",
                        "fail-on",
                        {"fail-on": fail_on},
                        site,
                        options={"allow": allow},
                        short=False,
                    )
                )
        for i, rule in enumerate(ids.get("expect", [])):
            line, col = self.pos.value((*where, "expect", i))
            out.append(
                Expectation(
                    self.path, line, col, "lint", rule, {"reports": rule}, site, short=False
                )
            )
        return out


def _is_rule(text: str) -> bool:
    from sendmailcfg.lint.rules import load_rules

    return text.upper() in {r.id for r in load_rules()}
