"""Which rules run and how serious they are: defaults, ``pyproject.toml``, command line.

Rules are chosen by id (``MC003``), by id prefix (``MC``, ``MAP00``), by name
(``mc-feature-after-mailer``) or ``ALL``. ``select`` keeps only the chosen
rules (default: all), ``ignore`` then removes some, ``severity`` changes a
rule's level. In ``pyproject.toml``::

    [tool.sendmailcfg.lint]
    select = ["ALL"]
    ignore = ["MT004"]
    severity = { MC006 = "error", X004 = "warning" }
    cf-dir = "/usr/share/sendmail/cf"      # the cf package MC013 trusts
    max-file-size = 67108864               # bytes; larger files are reported, not read
    render = false                         # X007: also render each .mc with m4 and compare

    [tool.sendmailcfg.lint.per-file-ignores]
    "lab/*.mc" = ["MC011"]

>>> cfg = LintConfig.from_mapping({"ignore": ["MAP"], "severity": {"MC006": "error"}})
>>> cfg.severity_of("MC006", "warning"), cfg.ignore
('error', ('MAP',))
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from pathlib import Path

    from sendmailcfg.lint.rules import Rule

SEVERITY_NAMES = ("error", "warning", "info")

DEFAULT_MAX_FILE_SIZE = 64 * 1024 * 1024
"""Files larger than this many bytes are reported (X006-like info), never read."""

KEYS = (
    "select",
    "ignore",
    "severity",
    "per-file-ignores",
    "cf-dir",
    "max-file-size",
    "render",
)


class ConfigError(ValueError):
    """A configuration that names unknown rules or severities (a usage error)."""


def _matches(selector: str, rule_id: str, name: str) -> bool:
    s = selector.strip()
    return s.upper() == "ALL" or rule_id.upper().startswith(s.upper()) or name == s.lower()


def _selector_matches(selector: str, rule: Rule) -> bool:
    return _matches(selector, rule.id, rule.name)


def check_selectors(selectors: Iterable[str], what: str) -> None:
    """Raise :class:`ConfigError` for a selector that matches no rule."""
    from sendmailcfg.lint.rules import registry

    rules = registry()
    for s in selectors:
        if not any(_matches(s, rid, name) for rid, name, _ in rules):
            raise ConfigError(f"{what}: {s!r} matches no rule (see docs/lint-rules.md)")


@attrs.frozen
class LintConfig:
    """Rule choice and severity overrides (validated by :meth:`from_mapping`)."""

    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, str] = attrs.field(factory=dict, hash=False)
    source: str = attrs.field(default="", eq=False)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """``(glob, selectors)`` pairs: those rules are skipped in files the glob matches."""
    cf_dir: str | None = None
    """The sendmail cf package folder MC013 trusts (``None``: the usual install places)."""
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    """Files larger than this (bytes) are reported, not read."""
    render: bool = False
    """Whether X007 may run m4 to compare a .cf with what its .mc renders to."""
    root: str = attrs.field(default="", eq=False)
    """The folder of the configuration file (per-file-ignores globs are relative to it)."""
    hostname: str | None = None
    """This host's name (``lint --hostname``), for a ``.mc`` that sets no ``$j`` (X020)."""

    def enabled(self, rule: Rule) -> bool:
        """Whether ``rule`` runs."""
        if not any(_selector_matches(s, rule) for s in self.select):
            return False
        return not any(_selector_matches(s, rule) for s in self.ignore)

    def ignored_in(self, rule: Rule, path: str) -> bool:
        """Whether ``per-file-ignores`` switches ``rule`` off in the file at ``path``.

        A glob matches the path as given, the path relative to the configuration's
        folder, or the file name alone (as ruff does).
        """
        if not self.per_file_ignores:
            return False
        import fnmatch

        candidates = {path.replace(os.sep, "/"), os.path.basename(path)}
        if self.root:
            try:
                rel = os.path.relpath(os.path.abspath(path), self.root)
            except ValueError:  # pragma: no cover - another drive on Windows
                rel = path
            candidates.add(rel.replace(os.sep, "/"))
        for pattern, selectors in self.per_file_ignores:
            if any(fnmatch.fnmatchcase(c, pattern) for c in candidates) and any(
                _selector_matches(s, rule) for s in selectors
            ):
                return True
        return False

    def severity_of(self, rule_id: str, default: str) -> str:
        """The configured severity of a rule, else ``default``."""
        return self.severity.get(rule_id, default)

    def with_options(
        self, select: Iterable[str] | None = None, ignore: Iterable[str] | None = None
    ) -> LintConfig:
        """Command-line choices on top: ``--select`` replaces, ``--ignore`` adds."""
        new_select = tuple(select) if select is not None else self.select
        new_ignore = self.ignore + tuple(ignore or ())
        check_selectors(new_select, "--select")
        check_selectors(new_ignore, "--ignore")
        return attrs.evolve(self, select=new_select, ignore=new_ignore)

    @classmethod
    def from_mapping(cls, table: Mapping[str, Any], source: str = "") -> LintConfig:
        """Build from a ``[tool.sendmailcfg.lint]`` table, rejecting unknown keys and values."""
        where = source or "[tool.sendmailcfg.lint]"
        unknown = set(table) - set(KEYS)
        if unknown:
            raise ConfigError(f"{where}: unknown key(s) {', '.join(sorted(unknown))}")
        select = _strings(table.get("select", ["ALL"]), f"{where}: select")
        ignore = _strings(table.get("ignore", []), f"{where}: ignore")
        check_selectors(select, f"{where}: select")
        check_selectors(ignore, f"{where}: ignore")
        raw = table.get("severity", {})
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where}: severity must be a table of RULE-ID = level")
        severity: dict[str, str] = {}
        from sendmailcfg.lint.rules import registry

        ids = {rid for rid, _, _ in registry()}
        for key, level in raw.items():
            if key.upper() not in ids:
                raise ConfigError(f"{where}: severity: unknown rule {key!r}")
            if level not in SEVERITY_NAMES:
                raise ConfigError(
                    f"{where}: severity of {key}: {level!r} is not one of "
                    + ", ".join(SEVERITY_NAMES)
                )
            severity[key.upper()] = level
        per_file: list[tuple[str, tuple[str, ...]]] = []
        raw_pfi = table.get("per-file-ignores", {})
        if not isinstance(raw_pfi, Mapping):
            raise ConfigError(f'{where}: per-file-ignores must be a table of "glob" = [rules]')
        for pattern, rules in raw_pfi.items():
            chosen = _strings(rules, f"{where}: per-file-ignores: {pattern!r}")
            check_selectors(chosen, f"{where}: per-file-ignores: {pattern!r}")
            per_file.append((str(pattern), chosen))
        cf_dir = table.get("cf-dir")
        if cf_dir is not None and not isinstance(cf_dir, str):
            raise ConfigError(f"{where}: cf-dir must be a folder name (a string)")
        render = table.get("render", False)
        if not isinstance(render, bool):
            raise ConfigError(f"{where}: render must be true or false")
        size = table.get("max-file-size", DEFAULT_MAX_FILE_SIZE)
        if not isinstance(size, int) or isinstance(size, bool) or size <= 0:
            raise ConfigError(f"{where}: max-file-size must be a positive number of bytes")
        return cls(
            select,
            ignore,
            severity,
            source,
            per_file_ignores=tuple(per_file),
            cf_dir=cf_dir,
            max_file_size=size,
            render=render,
        )

    @classmethod
    def discover(cls, start: str | os.PathLike[str] | None = None) -> LintConfig:
        """The configuration in the nearest ``pyproject.toml`` from ``start`` (cwd) upward."""
        path = _nearest_pyproject(start)
        if path is None:
            return cls()
        return cls.from_pyproject(path)

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> LintConfig:
        """Read a configuration named by ``--config``: a ``pyproject.toml`` (its
        ``[tool.sendmailcfg.lint]`` table) or another TOML file whose top level (or
        ``[lint]`` table) holds the same keys.
        """
        if os.path.basename(os.fspath(path)) == "pyproject.toml":
            return cls.from_pyproject(path)
        toml = _toml_module()
        try:
            with open(path, "rb") as f:
                doc = toml.loads(f.read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        table = doc.get("tool", {}).get("sendmailcfg", {}).get("lint")
        if table is None:
            table = doc.get("lint", doc)
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: the lint settings must be a table")
        config = cls.from_mapping(table, str(path))
        return attrs.evolve(config, root=_folder_of(path))

    @classmethod
    def from_pyproject(cls, path: str | os.PathLike[str]) -> LintConfig:
        """Read ``[tool.sendmailcfg.lint]`` from one ``pyproject.toml`` (defaults if absent)."""
        with open(path, "rb") as f:
            data = f.read()
        if b"sendmailcfg.lint" not in data and b"tool.sendmailcfg" not in data:
            return cls()  # no [tool.sendmailcfg.lint] table: skip the TOML parser entirely
        toml = _toml_module()
        try:
            doc = toml.loads(data.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{path}: {exc}") from exc
        table = doc.get("tool", {}).get("sendmailcfg", {}).get("lint")
        if table is None:
            return cls()
        if not isinstance(table, Mapping):
            raise ConfigError(f"{path}: [tool.sendmailcfg.lint] must be a table")
        config = cls.from_mapping(table, f"{path}: [tool.sendmailcfg.lint]")
        return attrs.evolve(config, root=_folder_of(path))


def find_pyproject(start: str | os.PathLike[str] | None = None) -> Path | None:
    """The nearest ``pyproject.toml`` in ``start`` (default: the cwd) or a parent folder."""
    from pathlib import Path

    found = _nearest_pyproject(start)
    return None if found is None else Path(found)


def _nearest_pyproject(start: str | os.PathLike[str] | None = None) -> str | None:
    """:func:`find_pyproject` as a string, with ``os.path`` (no ``pathlib`` at start-up)."""
    folder = os.path.realpath(start or os.getcwd())
    while True:
        candidate = os.path.join(folder, "pyproject.toml")
        if os.path.isfile(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def _folder_of(path: str | os.PathLike[str]) -> str:
    """The absolute folder of a file, symbolic links resolved (``Path.resolve().parent``)."""
    return os.path.dirname(os.path.realpath(path))


def _strings(value: object, what: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{what} must be a list of rule ids or names")
    return tuple(value)


def _toml_module() -> Any:
    if sys.version_info >= (3, 11):
        import tomllib

        return tomllib
    try:  # pragma: no cover - Python 3.10 only
        import tomli  # type: ignore[import-not-found, unused-ignore]
    except ImportError as exc:  # pragma: no cover
        raise ConfigError(
            "reading [tool.sendmailcfg.lint] on Python 3.10 needs the 'tomli' package"
        ) from exc
    return tomli  # pragma: no cover
