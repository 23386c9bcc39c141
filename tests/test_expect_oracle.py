"""Differential: the bundled story's expectations hold under real sendmail 8.17, not only
under the model that ``test`` asks.

Each configuration of ``examples/story.sendmail-test.toml`` is rendered with real m4 and
the cf package (with the oracle's offline head), its maps built with real makemap, and
every route expectation asked of ``sendmail -bt`` (``/parse``, then ``5 USER`` for local
results); every sender expectation with ``/try``. The real answer must meet the expectation
as ``test`` compares it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sendmailcfg.expect import Expectation, load
from sendmailcfg.expect.run import field_matches
from tests.oracle import Oracle
from tests.oracle.site import MAP_FEATURES, SiteOracle, map_feature

TOP = Path(__file__).resolve().parents[1]
STORY = TOP / "examples" / "story.sendmail-test.toml"
_SKIP = re.compile(r"^(divert|VERSIONID|OSTYPE|MAILER)\(|^define\(`confDOMAIN_NAME'")
_FEATURE = re.compile(r"^FEATURE\(`(\w+)'\)dnl$")


def _oracle_site(oracle: Oracle, workdir: Path, folder: Path) -> SiteOracle:
    """The example configuration in ``folder``, rebuilt by the real tools in ``workdir``."""
    mc = (folder / "sendmail.mc").read_text()
    hostname = re.search(r"define\(`confDOMAIN_NAME', `([^']+)'\)", mc)
    assert hostname is not None
    body = []
    maps = {}
    for line in mc.splitlines():
        m = _FEATURE.match(line)
        if m and m.group(1) in MAP_FEATURES:
            body.append(map_feature(m.group(1), workdir))
            maps[MAP_FEATURES[m.group(1)]] = (folder / m.group(1)).read_text()
        elif not _SKIP.match(line):
            body.append(line + "\n")
    return SiteOracle(oracle, workdir, "".join(body), maps, hostname=hostname.group(1))


def _sites() -> dict[str, list[Expectation]]:
    found, problems = load(str(STORY))
    assert problems == []
    sites: dict[str, list[Expectation]] = {}
    for e in found:
        if e.site.name is not None and e.kind in ("route", "sender"):
            sites.setdefault(e.site.config, []).append(e)
    assert len(sites) == 2
    return sites


@pytest.mark.oracle
@pytest.mark.parametrize("config", sorted(_sites()), ids=lambda c: Path(c).name)
def test_story_expectations_hold_under_real_sendmail(
    oracle: Oracle, oracle_dir: Path, config: str
) -> None:
    expectations = _sites()[config]
    so = _oracle_site(oracle, oracle_dir, Path(config))
    routes = [e for e in expectations if e.kind == "route"]
    wrong = []
    for e, t in zip(routes, so.parse([e.query for e in routes]), strict=True):
        final = t
        if t.mailer == "local" and t.user and not t.not_remote:
            [five] = so.localaddr([t.user])
            final = five or t
        got = {"mailer": final.mailer, "host": final.host, "user": final.user}
        for field, want in e.expected.items():
            if field in got and not field_matches(field, want, got[field]):
                wrong.append(f"{e.where}: {e.query}: sendmail says {field} {got[field]!r}")
    senders = [e for e in expectations if e.kind == "sender"]
    for e in senders:
        [(envelope, header)] = so.sender(e.options.get("mailer", "esmtp"), [e.query])
        got = {"envelope": envelope, "header": header}
        for field, want in e.expected.items():
            if got[field] != want:
                wrong.append(f"{e.where}: {e.query}: sendmail says {field} {got[field]!r}")
    assert routes
    assert wrong == []
