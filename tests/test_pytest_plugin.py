"""The opt-in pytest plugin: expectation files as test items, and the sendmail_site fixture."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.ci_only  # pytest runs in a child process

TOP = Path(__file__).resolve().parents[1]

HAND_WRITTEN = """
import pytest

def test_lan(sendmail_site):
    assert sendmail_site.route("ken@takaq.jp").mailer == "local"
    assert sendmail_site.virtusertable("info@takaq.jp").result == "ken"

@pytest.mark.sendmail_config("story/www")
def test_www(sendmail_site):
    assert sendmail_site.route("ken@gateway.takaq.jp").host == "[gateway.takaq.jp]"
    assert sendmail_site.sender("apache").header == "apache@takaq.jp"
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A configuration repository: the story's two hosts and an expectation file."""
    shutil.copytree(TOP / "examples" / "story", tmp_path / "story")
    (tmp_path / "lan.sendmail-test.toml").write_text(
        "[site.gateway]\n"
        'config = "story/gateway"\n'
        "[site.gateway.route]\n"
        '"ken@takaq.jp" = "local"\n'
        '"ken@gmail.com" = "relay [smtp.isp.example]"\n'
        "[site.www]\n"
        'config = "story/www"\n'
        "[site.www.route]\n"
        '"root" = "local"\n'
    )
    (tmp_path / "test_hand.py").write_text(HAND_WRITTEN)
    return tmp_path


def pytest_run(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(TOP))
    env.pop("PYTEST_ADDOPTS", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_off_unless_asked_for(project: Path) -> None:
    p = pytest_run(project, "lan.sendmail-test.toml")
    assert "no tests ran" in p.stdout or p.returncode in (4, 5), p.stdout
    assert "route ken@takaq.jp" not in p.stdout


def test_items_one_per_expectation_with_readable_failures(project: Path) -> None:
    p = pytest_run(
        project, "-p", "sendmailcfg.pytest_plugin", "--sendmail-config", "story/gateway", "-vv"
    )
    assert p.returncode == 1, p.stdout + p.stderr
    out = p.stdout
    assert "lan.sendmail-test.toml::gateway: route ken@takaq.jp PASSED" in out
    assert "lan.sendmail-test.toml::www: route root PASSED" in out
    assert "test_hand.py::test_lan PASSED" in out
    assert "test_hand.py::test_www PASSED" in out
    lan = project / "lan.sendmail-test.toml"
    assert f"{lan}:5: expected relay [smtp.isp.example], got relay [mmr.plala.or.jp]" in out
    assert "  ken@gmail.com -> relay to [mmr.plala.or.jp], user ken@gmail.com" in out
    assert "Traceback" not in out and "def runtest" not in out
    assert "1 failed, 4 passed" in out


def test_conftest_line_and_ini_options(project: Path) -> None:
    (project / "conftest.py").write_text('pytest_plugins = ["sendmailcfg.pytest_plugin"]\n')
    (project / "pytest.ini").write_text(
        "[pytest]\nsendmailcfg_config = story/gateway\nsendmailcfg_collect = false\n"
    )
    p = pytest_run(project, "-vv")
    assert p.returncode == 0, p.stdout + p.stderr
    assert "2 passed" in p.stdout
    assert "sendmail-test.toml" not in p.stdout


def test_bad_file_is_a_collection_error(project: Path) -> None:
    (project / "bad.sendmail-test.toml").write_text('[route]\n"root" = { mailer = 1 }\n')
    p = pytest_run(project, "-p", "sendmailcfg.pytest_plugin", "bad.sendmail-test.toml")
    assert p.returncode == 2
    bad = project / "bad.sendmail-test.toml"
    assert f"{bad}:2:21: wrong type: an integer; expected a string (mailer)" in p.stdout
    assert "Traceback" not in p.stdout


def test_unreadable_configuration_fails_the_fixture_not_with_a_traceback(project: Path) -> None:
    p = pytest_run(
        project, "-p", "sendmailcfg.pytest_plugin", "--sendmail-config", "nowhere", "test_hand.py"
    )
    assert p.returncode == 1
    assert "sendmail_site: the configuration cannot be read:" in p.stdout
    assert "no such file or directory" in p.stdout
