"""Shared fixtures: the sendmail oracle, hypothesis profiles, corpus paths."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from tests import oracle as oracle_mod

settings.register_profile(
    "ci", max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
# the default run (a user's `python -m pytest`, about 45 s on a fresh machine for some 3,400
# tests) stays quick: 10 examples per property; CI (`CI=true`) tries 60 per property and
# `HYPOTHESIS_PROFILE=fuzz` digs deep
settings.register_profile("dev", max_examples=10, deadline=None)
settings.register_profile(
    "fuzz", max_examples=20_000, deadline=None, suppress_health_check=list(HealthCheck)
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
CORPUS = Path(__file__).resolve().parent / "corpus"


def _missing(reason: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: differential tests must run; see .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def oracle() -> oracle_mod.Oracle:
    """The real sendmail 8.17 tools; skips (fails under CI=true) when absent."""
    found = oracle_mod.find()
    if found is None:
        _missing(
            "real sendmail/makemap/m4 not installed: run tests/oracle/install "
            "(Debian packages sendmail-bin, sendmail-cf, sendmail-base, m4) "
            "or set SENDMAIL_ORACLE=DIR"
        )
    assert found is not None
    return found


@pytest.fixture
def oracle_dir() -> Iterator[Path]:
    """A temporary folder for oracle builds, removed afterwards."""
    d = oracle_mod.workdir()
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``ci_only`` tests (a wheel built and installed in a new venv, whole pytest runs in a
    child process) run under ``CI=true`` or when selected with ``-m ci_only``; a user's
    ``python -m pytest`` skips them to stay quick."""
    if os.environ.get("CI", "").lower() == "true" or "ci_only" in (config.option.markexpr or ""):
        return
    skip = pytest.mark.skip(
        reason="builds a wheel or runs pytest in a child: runs under CI=true or -m ci_only"
    )
    for item in items:
        if item.get_closest_marker("ci_only") is not None:
            item.add_marker(skip)


def _skip_reason(report: pytest.TestReport) -> str:
    """A skip's reason, on one short line (never a hypothesis example kilobytes long)."""
    longrepr = report.longrepr
    reason = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    reason = reason.removeprefix("Skipped: ").splitlines()[0] if reason else "no reason"
    return reason if len(reason) <= 160 else reason[:157] + "..."


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line per skip reason ("N tests skipped: real sendmail ... not installed")."""
    skipped = terminalreporter.stats.get("skipped", [])
    if not skipped:
        return
    reasons: dict[str, int] = {}
    for report in skipped:
        reason = _skip_reason(report)
        reasons[reason] = reasons.get(reason, 0) + 1
    terminalreporter.section("skipped", sep="-")
    for reason, count in sorted(reasons.items(), key=lambda kv: -kv[1]):
        terminalreporter.write_line(f"{count} skipped: {reason}")
