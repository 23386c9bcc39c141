"""Lint sendmail ``.mc`` files and map sources: ``python -m sendmailcfg lint``.

>>> from sendmailcfg.lint import lint_text
>>> [f.rule for f in lint_text("Connect:10.0.0.0/8\\tREJECT\\n", "access")]
['AC003']

See ``docs/lint.md`` (how to run it) and ``docs/lint-rules.md`` (every rule).
"""

from sendmailcfg.lint.config import ConfigError, LintConfig
from sendmailcfg.lint.engine import Finding, LintFile, lint_files, lint_text, load_file

__all__ = [
    "ConfigError",
    "Finding",
    "LintConfig",
    "LintFile",
    "lint_files",
    "lint_text",
    "load_file",
]
