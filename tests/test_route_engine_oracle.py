"""``route`` on sendmail's own rules (the ``.cf`` engine) agrees with real sendmail.

The real ``.mc`` files of tests/corpus are rendered with real m4, and every address
of ``tests.oracle.corpus.addresses`` is asked of ``sendmail -bt`` (``/parse``, then
ruleset 5 for local results) and of :func:`sendmailcfg.site.cfengine.route_cf` on the
same ``.cf`` with the same host name and hosts file: the answers are equal, with no
tolerance (the model is allowed a canonical trailing dot; the engine is not).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sendmailcfg.site.cfengine import EngineUnavailable, choose_engine, find_cf
from tests.oracle import Oracle
from tests.oracle.corpus import CORPUS, measure

# One file per family in the default run; every file under -m slow.
QUICK = ["freebsd/freebsd.mc", "openbsd/elbereth.mc", "slackware/sendmail-slackware.mc"]
ALL = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*.mc"))


def _check(oracle: Oracle, name: str) -> None:
    got = measure(oracle, CORPUS / name, engine=True)
    if isinstance(got, str):
        pytest.skip(f"{name}: {got}")
    agree, asked, wrong = got
    assert agree == asked, "\n".join(wrong)


@pytest.mark.oracle
@pytest.mark.parametrize("name", QUICK)
def test_engine_routes_as_sendmail(oracle: Oracle, name: str) -> None:
    _check(oracle, name)


@pytest.mark.oracle
@pytest.mark.slow
@pytest.mark.parametrize("name", [n for n in ALL if n not in QUICK])
def test_engine_routes_as_sendmail_everywhere(oracle: Oracle, name: str) -> None:
    _check(oracle, name)


def test_the_cf_beside_the_mc_is_chosen_when_current(tmp_path: Path) -> None:
    mc = tmp_path / "www.takaq.jp.mc"
    mc.write_text("MAILER(`smtp')dnl\n")
    assert find_cf(str(mc)) is None
    choice = choose_engine(str(mc))
    assert choice.engine == "model" and "no .cf beside" in choice.reason
    cf = tmp_path / "sendmail.cf"
    cf.write_text("V10\n")
    os.utime(mc, (2_000_000_000, 2_000_000_000))
    os.utime(cf, (1_000_000_000, 1_000_000_000))
    choice = choose_engine(str(mc))
    assert choice.engine == "model" and "is older than" in choice.reason
    with pytest.raises(EngineUnavailable, match="--engine cf"):
        choose_engine(str(mc), "cf")
    own = tmp_path / "www.takaq.jp.cf"
    own.write_text("V10\n")
    os.utime(own, (2_000_000_000, 2_000_000_000))
    assert find_cf(str(mc)) == str(own)
    assert choose_engine(str(mc)).engine == "cf"
    assert choose_engine(str(mc), "model").engine == "model"


def test_a_failed_render_falls_back_to_the_model_with_the_reason(tmp_path: Path) -> None:
    mc = tmp_path / "sendmail.mc"
    mc.write_text("MAILER(`smtp')dnl\n")

    def render() -> str:
        raise ValueError("m4 is not installed")

    choice = choose_engine(str(mc), render=render)
    assert choice.engine == "model" and "m4 is not installed" in choice.reason
    choice = choose_engine(str(mc), render=lambda: "V10\n")
    assert choice.engine == "cf" and choice.cf_text == "V10\n"


@pytest.mark.oracle
def test_expectations_run_on_the_engine_route_would_use(
    oracle: Oracle, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``test`` answers route expectations as ``route`` does: with the cf package there,
    the story's .mc files are rendered and sendmail's own rules answer (and still pass)."""
    import json

    from sendmailcfg.cli import main

    story = Path(__file__).resolve().parents[1] / "examples" / "story.sendmail-test.toml"
    monkeypatch.setenv("SENDMAIL_CF_DIR", str(oracle.cf_dir))
    assert main(["test", str(story), "--json"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    engines = {r["engine"] for r in results if r["kind"] == "route"}
    assert engines == {"cf"}
    assert main(["test", str(story), "--json", "--engine", "model"]) == 0
    results = json.loads(capsys.readouterr().out)["results"]
    assert {r["engine"] for r in results if r["kind"] == "route"} == {"model"}
