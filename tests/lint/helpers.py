"""Run one rule on texts (one file, or a whole folder for cross-file rules)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from sendmailcfg.lint.config import LintConfig
from sendmailcfg.lint.engine import Finding, lint_files, lint_text, load_file
from sendmailcfg.maps import infer_kind


def one(rule: str, text: str, kind: str) -> list[tuple[int, int]]:
    """``(line, column)`` of each finding of ``rule`` in ``text`` linted alone."""
    config = LintConfig(select=(rule,))
    return [(f.line, f.column) for f in lint_text(text, kind, path=kind, config=config)]


def folder(rule: str, tmp: Path, files: Mapping[str, str | bytes]) -> list[Finding]:
    """Write ``files`` into ``tmp``, lint them as one folder, keep the findings of ``rule``."""
    loaded = []
    for name, content in files.items():
        p = tmp / name
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content, encoding="utf-8")
        kind = infer_kind(name)
        if kind is not None and not name.endswith(".db"):
            loaded.append(load_file(str(p), kind, p.read_text(encoding="utf-8")))
    return lint_files(loaded, LintConfig(select=(rule,)))


def where(findings: list[Finding]) -> list[tuple[str, int, int]]:
    """``(file name, line, column)`` of each finding."""
    return [(Path(f.path).name, f.line, f.column) for f in findings]
