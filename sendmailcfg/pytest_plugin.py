"""A pytest plugin: expectation files as tests, and a loaded configuration as a fixture.

Off unless asked for: enable it with ``pytest -p sendmailcfg.pytest_plugin``, or the
line ``pytest_plugins = ["sendmailcfg.pytest_plugin"]`` in a top-level ``conftest.py``.
Then

* every ``*.sendmail-test.toml`` pytest collects becomes one test item per expectation
  (named ``FILE::KIND QUESTION``); a failure reports ``FILE:LINE: expected ..., got ...``
  and the answer's explanation, as ``python -m sendmailcfg test`` does; a bad file is a
  collection error with ``FILE:LINE:COL`` messages;
* the fixture ``sendmail_site`` is the configuration named by ``--sendmail-config PATH``,
  the ini option ``sendmailcfg_config`` (relative to the rootdir), or the marker
  ``@pytest.mark.sendmail_config("PATH", hostname=None, root=None)`` (PATH relative to
  the test's file): a
  :class:`sendmailcfg.expect.Configuration`, so a hand-written test reads
  ``assert sendmail_site.route("ken@takaq.jp").mailer == "local"``.

The ini option ``sendmailcfg_collect = false`` keeps the fixture and turns collection off.
pytest is imported here only: it stays an optional dependency of sendmailcfg.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from sendmailcfg.expect import Configuration, Expectation, Outcome, check, load
from sendmailcfg.expect.run import load_configuration, load_error
from sendmailcfg.expect.schema import SUFFIX, SiteSpec

if TYPE_CHECKING:  # pytest's own names for what repr_failure takes and returns
    from _pytest._code.code import TerminalRepr, TracebackStyle

_CACHE = pytest.StashKey[dict[SiteSpec, "Configuration | str"]]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("sendmailcfg", "sendmail configuration tests")
    group.addoption(
        "--sendmail-config",
        metavar="PATH",
        help="the configuration of the sendmail_site fixture (a .mc, or a folder holding one)",
    )
    parser.addini(
        "sendmailcfg_config",
        "the configuration of the sendmail_site fixture, relative to the rootdir",
        default=".",
    )
    parser.addini("sendmailcfg_hostname", "this host's name for sendmail_site", default="")
    parser.addini(
        "sendmailcfg_collect",
        "collect *.sendmail-test.toml files as tests (default true)",
        type="bool",
        default=True,
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "sendmail_config(path, hostname=None, root=None): the configuration sendmail_site loads",
    )
    config.stash[_CACHE] = {}


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    if file_path.name.endswith(SUFFIX) and parent.config.getini("sendmailcfg_collect"):
        found: ExpectationFile = ExpectationFile.from_parent(parent, path=file_path)
        return found
    return None


def _read_db() -> Any:
    from sendmailcfg.cli.test import read_db

    return read_db


def _configuration(config: pytest.Config, spec: SiteSpec) -> Configuration | str:
    cache = config.stash[_CACHE]
    if spec not in cache:
        try:
            cache[spec] = load_configuration(spec, _read_db())
        except (OSError, ValueError) as exc:
            cache[spec] = load_error(exc)
    return cache[spec]


class ExpectationFile(pytest.File):
    """A ``*.sendmail-test.toml``: one :class:`ExpectationItem` per expectation (a file with
    problems is a collection error listing them, ``FILE:LINE:COL: ...``)."""

    def collect(self) -> Iterator[ExpectationItem]:
        found, problems = load(str(self.path))
        if problems:
            raise self.CollectError("\n".join(str(p) for p in problems))
        for e in found:
            name = e.name if e.site.name is None else f"{e.site.name}: {e.name}"
            item: ExpectationItem = ExpectationItem.from_parent(self, name=name, expectation=e)
            yield item


class ExpectationFailed(AssertionError):
    """An expectation the configuration does not meet."""

    def __init__(self, outcome: Outcome) -> None:
        super().__init__(outcome.report())
        self.outcome = outcome


class ExpectationItem(pytest.Item):
    """One expectation, checked against its configuration."""

    def __init__(self, *, expectation: Expectation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.expectation = expectation

    def runtest(self) -> None:
        e = self.expectation
        spec = SiteSpec(e.site.config, e.site.hostname, e.site.root)
        outcome = check(e, _configuration(self.config, spec))
        self.user_properties.append(("engine", outcome.engine))
        if not outcome.passed:
            raise ExpectationFailed(outcome)

    def repr_failure(
        self,
        excinfo: pytest.ExceptionInfo[BaseException],
        style: TracebackStyle | None = None,
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, ExpectationFailed):
            return str(excinfo.value)
        return super().repr_failure(excinfo, style)


@pytest.fixture
def sendmail_site(request: pytest.FixtureRequest) -> Configuration:
    """The configuration under test (``--sendmail-config``, ``sendmailcfg_config``, or the
    ``sendmail_config`` marker), loaded once per session and path."""
    config = request.config
    marker = request.node.get_closest_marker("sendmail_config")
    hostname: str | None = config.getini("sendmailcfg_hostname") or None
    root: str | None = None
    if marker is not None:
        if not marker.args:
            raise pytest.UsageError('sendmail_config needs a path: sendmail_config("PATH")')
        path = os.path.join(str(request.path.parent), str(marker.args[0]))
        hostname = marker.kwargs.get("hostname", hostname)
        root = marker.kwargs.get("root")
    else:
        given = config.getoption("sendmail_config")
        path = given or os.path.join(str(config.rootpath), config.getini("sendmailcfg_config"))
    spec = SiteSpec(os.path.normpath(path), hostname, root)
    loaded = _configuration(config, spec)
    if isinstance(loaded, str):
        pytest.fail(f"sendmail_site: the configuration cannot be read: {loaded}", pytrace=False)
    return loaded
