"""Run lint rules over loaded documents and collect :class:`Finding` objects.

Files are linted one by one (file rules) and, grouped by folder, as a set
(set rules such as "a map source without its FEATURE"): a folder laid out
like ``/etc/mail`` is checked as one configuration.

>>> findings = lint_text("example.com\\tsmtp:[mx.example.net]\\nEXAMPLE.com\\tsmtp:[x]\\n",
...                      "mailertable", path="mailertable")
>>> [(f.line, f.rule, f.severity) for f in findings]
[(2, 'MAP004', 'error')]
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, cast

import attrs

from sendmailcfg.lint.config import LintConfig
from sendmailcfg.lint.rules import Rule, load_rules
from sendmailcfg.textdiff import Edit

if TYPE_CHECKING:
    from sendmailcfg.maps.document import MapDocument
    from sendmailcfg.mc.document import McDocument

SEVERITIES = ("error", "warning", "info")
"""Severities, most serious first; ``error`` and ``warning`` make the exit status 1."""

T = TypeVar("T")


Fix = Edit
"""A lint fix is a text :class:`~sendmailcfg.textdiff.Edit`, the type ``.mc`` edits use
(``Fix(start, end, replacement)``; only rules whose metadata says ``FIX = "safe"`` attach one,
see ``lint --fix``)."""


@attrs.frozen
class Finding:
    """One problem: where it is, which rule found it, how serious, what to do.

    ``fix`` is the safe fix ``lint --fix`` may apply (``None``: a hint only).
    """

    path: str
    line: int
    column: int
    rule: str
    severity: str
    message: str
    hint: str = ""
    fix: Fix | None = attrs.field(default=None, repr=False)
    unsafe_fix: Fix | None = attrs.field(default=None, repr=False)
    linted: str = attrs.field(default="", repr=False, eq=False)
    """A digest of the text the finding was made for (set by :func:`lint_files` on findings
    with a fix): ``lint --fix`` applies fixes only to that text, never to a file changed
    since."""
    """A fix that changes what sendmail does (to what the line plainly meant): applied
    only with ``--unsafe-fixes``, as ruff does."""

    def as_dict(self) -> dict[str, object]:
        """The JSON object for this finding (the keys are a stable contract)."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.rule)


@attrs.frozen
class Problem:
    """What a rule reports; the engine adds the rule id, severity and path.

    ``path`` is only needed by set rules (which file the problem is in);
    ``severity`` overrides the rule's default for this one problem (a rule
    whose cases differ in seriousness); configuration overrides both.
    """

    line: int
    column: int
    message: str
    hint: str = ""
    path: str | None = None
    severity: str | None = None
    fix: Fix | None = None
    """A fix the engine keeps as safe when the rule declares ``FIX = "safe"``, and offers
    only with ``--unsafe-fixes`` when it declares ``FIX = "unsafe"``."""


class LintFile:
    """A loaded file: its path, kind, text and document, plus a memo for rules."""

    def __init__(self, path: str, kind: str, text: str, doc: Any) -> None:
        self.path = path
        self.kind = kind
        self.text = text
        self.doc = doc
        self._memo: dict[str, Any] = {}

    @property
    def name(self) -> str:
        """The file name without its folder."""
        return os.path.basename(self.path)

    @property
    def is_map(self) -> bool:
        return self.kind not in ("mc", "cf")

    @property
    def mc(self) -> McDocument:
        """The document of an ``.mc`` file, typed (rules with ``KINDS = ("mc",)`` read it)."""
        if self.kind != "mc":
            raise TypeError(f"{self.path}: a {self.kind} file, not an .mc")
        return cast("McDocument", self.doc)

    @property
    def map(self) -> MapDocument:
        """The document of a map source, typed (its kind's subclass at run time)."""
        if self.kind == "mc":
            raise TypeError(f"{self.path}: an .mc file, not a map")
        return cast("MapDocument", self.doc)

    def memo(self, key: str, factory: Callable[[LintFile], T]) -> T:
        """``factory(self)`` computed once per file and shared by every rule."""
        if key not in self._memo:
            self._memo[key] = factory(self)
        value: T = self._memo[key]
        return value

    def __repr__(self) -> str:
        return f"LintFile({self.path!r}, {self.kind!r})"


def offset(file: LintFile, line: int, column: int) -> int:
    """The character offset in ``file.text`` of 1-based ``line`` and ``column`` (for fixes)."""

    def starts(f: LintFile) -> list[int]:
        out = [0]
        text = f.text
        pos = text.find("\n")
        while pos != -1:
            out.append(pos + 1)
            pos = text.find("\n", pos + 1)
        return out

    return file.memo("line-starts", starts)[line - 1] + column - 1


class FileSet:
    """The files of one folder, linted together (the cross-file context)."""

    def __init__(
        self,
        folder: str,
        files: Sequence[LintFile],
        listing: Sequence[str] = (),
        *,
        on_disk: bool = False,
        config: LintConfig | None = None,
    ) -> None:
        self.folder = folder
        self.config = config or LintConfig()
        """The configuration of the run (rules read ``cf_dir`` from it)."""
        self.files = list(files)
        self.listing = set(listing)
        """Every file name in the folder (also files we do not lint, e.g. ``*.db``)."""
        self.on_disk = on_disk
        """Whether the files were read from a folder (else texts: no ``.db`` or folder checks)."""
        self._memo: dict[str, Any] = {}

    def memo(self, key: str, factory: Callable[[FileSet], T]) -> T:
        """``factory(self)`` computed once per set and shared by every rule."""
        if key not in self._memo:
            self._memo[key] = factory(self)
        value: T = self._memo[key]
        return value

    @property
    def mc_files(self) -> list[LintFile]:
        """Every ``.mc`` of the set (each is linted on its own)."""
        return [f for f in self.files if f.kind == "mc"]

    @property
    def live_mc_files(self) -> list[LintFile]:
        """The ``.mc`` that is the MTA's configuration, found as every command finds it
        (:func:`~sendmailcfg.site.finding.live_mc`: ``$SENDMAIL_MC``, ``HOSTNAME.mc`` with
        ``lint --hostname`` or this machine's name, ``sendmail.mc``, ``freebsd.mc``, the
        only one left). When the rules choose none, every ``.mc`` but the MSP's
        (``*.submit.mc``) and shipped examples. The cross-file rules read these."""

        def choose(s: FileSet) -> list[LintFile]:
            mcs = s.mc_files
            if len(mcs) <= 1:  # the only one left, unless the MSP's or an example
                return [
                    f
                    for f in mcs
                    if f.name != "submit.mc" and not f.name.endswith((".submit.mc", ".sample"))
                ]
            from sendmailcfg.site.finding import is_sample, is_submit_mc, live_mc

            name = live_mc([f.name for f in mcs], hostname=s.config.hostname)
            if name is not None:
                return [f for f in mcs if f.name == name][:1]
            return [f for f in mcs if not is_submit_mc(f.name) and not is_sample(f.name)]

        return self.memo("live-mc-files", choose)

    def maps(self, kind: str | None = None) -> list[LintFile]:
        """The live map files of the set (of one kind when given): a shipped example
        (``access.sample``) is linted on its own but is no map sendmail reads."""
        return [
            f
            for f in self.files
            if f.is_map and (kind is None or f.kind == kind) and not f.path.endswith(".sample")
        ]


RuleFilter = Callable[[Rule], bool]


def lint_files(files: Sequence[LintFile], config: LintConfig | None = None) -> list[Finding]:
    """Lint ``files``: file rules on each, set rules on each folder's group, all sorted."""
    from sendmailcfg.lint.suppress import Suppressions

    config = config or LintConfig()
    rules = [r for r in load_rules({f.kind for f in files}) if config.enabled(r)]
    groups: dict[str, list[LintFile]] = {}
    for f in files:
        groups.setdefault(os.path.dirname(os.path.abspath(f.path)), []).append(f)
    out: list[Finding] = []
    by_path = {f.path: f for f in files}
    suppressions = {f.path: Suppressions.of(f) for f in files}
    for folder, members in groups.items():
        listing = [m.name for m in members]
        on_disk = all(os.path.isfile(m.path) for m in members)
        if on_disk:
            try:
                listing = os.listdir(folder)
            except OSError:
                on_disk = False
        fileset = FileSet(folder, members, listing, on_disk=on_disk, config=config)
        for rule in rules:
            if rule.scope == "set":
                if not any(rule.applies_to(m.kind) for m in members):
                    continue  # a set rule reports on files of its kinds only
                for p in rule.check(fileset):
                    path = p.path or members[0].path
                    if not config.ignored_in(rule, path):
                        out.append(_finding(rule, p, path, config))
                continue
            for f in members:
                if rule.applies_to(f.kind) and not config.ignored_in(rule, f.path):
                    out.extend(_finding(rule, p, f.path, config) for p in rule.check(f, fileset))
    kept = [
        f
        for f in out
        if f.path not in by_path or not suppressions[f.path].suppressed(f.rule, f.line)
    ]
    digests: dict[str, str] = {}
    for i, finding in enumerate(kept):
        if (finding.fix or finding.unsafe_fix) is not None and finding.path in by_path:
            path = finding.path
            if path not in digests:
                digests[path] = text_digest(by_path[path].text)
            kept[i] = attrs.evolve(finding, linted=digests[path])
    return sorted(kept, key=Finding.sort_key)


def text_digest(text: str) -> str:
    """The digest :attr:`Finding.linted` holds for ``text``."""
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()


def _finding(rule: Rule, p: Problem, path: str, config: LintConfig) -> Finding:
    severity = config.severity_of(rule.id, p.severity or rule.severity)
    fix = p.fix if rule.fix == "safe" else None
    unsafe = p.fix if rule.fix == "unsafe" else None
    return Finding(path, p.line, p.column, rule.id, severity, p.message, p.hint, fix, unsafe)


def not_read(
    path: str, reason: str, size: int = 0, config: LintConfig | None = None
) -> list[Finding]:
    """The X006 finding for a file the reader skipped (none when X006 is switched off)."""
    from sendmailcfg.lint.rules import rule_by_id

    config = config or LintConfig()
    rule = rule_by_id("X006")
    if not config.enabled(rule) or config.ignored_in(rule, path):
        return []
    if reason == "too large":
        message = f"not read: {size} bytes, more than max-file-size ({config.max_file_size})"
        hint = "raise max-file-size in [tool.sendmailcfg.lint] to lint it"
        severity = config.severity_of("X006", "warning")
    else:
        message = f"not read: {reason}, not a regular file"
        hint = "sendmail and makemap need a regular file here"
        severity = config.severity_of("X006", "info")
    return [Finding(path, 1, 1, "X006", severity, message, hint)]


def load_file(path: str, kind: str, text: str) -> LintFile:
    """Parse ``text`` as ``kind`` (never fails on content) into a :class:`LintFile`."""
    if kind == "mc":  # what ``loads`` does for an .mc, without the map machinery it imports
        from sendmailcfg.mc import parse_mc

        return LintFile(path, kind, text, parse_mc(text, path=path))
    if kind == "cf":
        from sendmailcfg.cf.document import parse_cf

        return LintFile(path, kind, text, parse_cf(text, path=path))
    from sendmailcfg.api import loads

    return LintFile(path, kind, text, loads(text, kind, path=path))


def lint_text(
    text: str, kind: str, *, path: str = "<string>", config: LintConfig | None = None
) -> list[Finding]:
    """Lint one text as a ``kind`` file (set rules see a folder holding only this file)."""
    return lint_files([load_file(path, kind, text)], config)


def worst(findings: Iterable[Finding]) -> int:
    """The exit status the findings call for: 1 with any error or warning, else 0."""
    return 1 if any(f.severity in ("error", "warning") for f in findings) else 0
