"""The cf package's own sample configurations (``cf/cf/*.mc``) lint without false alarms.

Every error or warning left on them is listed in :data:`CONFIRMED` with the m4
message or the sendmail behaviour (seen in the ``.cf`` real m4 writes) that
confirms it; any other error or warning fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from sendmailcfg.lint import lint_text
from tests.oracle import Oracle, find

pytestmark = pytest.mark.oracle

Check = Callable[[str, str], bool]
"""``(cf text, m4 stderr) -> confirmed``."""


def _mx_relay(macro: str, host: str) -> Check:
    """The .cf routes to ``host`` by the [IPC] relay mailer without brackets: sendmail looks
    up its MX records (cf/README: brackets suppress the MX lookup)."""

    def check(cf: str, _err: str) -> bool:
        letter = {"MAIL_HUB": "H", "LOCAL_RELAY": "R", "SMART_HOST": "S"}[macro]
        return bool(
            re.search(rf"(?m)^D{letter}{re.escape(host)}$", cf)
            and re.search(r"(?m)^Mrelay,\s+P=\[IPC\]", cf)
        )

    return check


def _m4_says(text: str) -> Check:
    return lambda _cf, err: text in err


CONFIRMED: dict[tuple[str, str, int], tuple[str, Check]] = {
    ("chez.cs.mc", "MC012", 30): (
        "DRvangogh.CS.Berkeley.EDU with Mrelay P=[IPC]: an MX lookup",
        _mx_relay("LOCAL_RELAY", "vangogh.CS.Berkeley.EDU"),
    ),
    ("python.cs.mc", "MC012", 30): (
        "DRvangogh.CS.Berkeley.EDU with Mrelay P=[IPC]: an MX lookup",
        _mx_relay("LOCAL_RELAY", "vangogh.CS.Berkeley.EDU"),
    ),
    ("cs-hpux10.mc", "MC012", 29): (
        "DHmailspool.CS.Berkeley.EDU with Mrelay P=[IPC]: an MX lookup",
        _mx_relay("MAIL_HUB", "mailspool.CS.Berkeley.EDU"),
    ),
    ("cs-hpux9.mc", "MC012", 29): (
        "DHmailspool.CS.Berkeley.EDU with Mrelay P=[IPC]: an MX lookup",
        _mx_relay("MAIL_HUB", "mailspool.CS.Berkeley.EDU"),
    ),
    ("cyrusproto.mc", "MC004", 1): (
        "m4: No system type defined (no OSTYPE)",
        _m4_says("No system type defined"),
    ),
    ("uucpproto.mc", "MC011", 31): (
        "promiscuous_relay: the .cf has no 'Relaying denied' rule at all",
        lambda cf, _err: "Relaying denied" not in cf,
    ),
    ("uucpproto.mc", "MC011", 32): (
        "accept_unresolvable_domains: the .cf accepts unresolvable sender domains",
        lambda cf, _err: "unresolvable OK" in cf,
    ),
}


def _stock() -> list[Path]:
    o = find()
    return sorted((o.cf_dir / "cf").glob("*.mc")) if o is not None else []


def test_the_cf_package_has_samples(oracle: Oracle) -> None:
    assert len(list((oracle.cf_dir / "cf").glob("*.mc"))) >= 30


@pytest.mark.parametrize("path", _stock(), ids=lambda p: p.name)
def test_stock_mc_has_no_unconfirmed_finding(oracle: Oracle, path: Path) -> None:
    text = path.read_text(encoding="latin-1")
    findings = [f for f in lint_text(text, "mc", path=path.name) if f.severity != "info"]
    unconfirmed = [f for f in findings if (path.name, f.rule, f.line) not in CONFIRMED]
    assert unconfirmed == []
    if findings:
        cf, err, _status = oracle.mc2cf(text)
        for f in findings:
            why, confirmed = CONFIRMED[(path.name, f.rule, f.line)]
            assert confirmed(cf, err), f"{path.name}:{f.line} {f.rule}: not confirmed: {why}"


def test_every_confirmation_is_still_needed(oracle: Oracle) -> None:
    """A confirmation whose finding is gone is stale (the table must not grow forever)."""
    seen = set()
    for path in (oracle.cf_dir / "cf").glob("*.mc"):
        for f in lint_text(path.read_text(encoding="latin-1"), "mc", path=path.name):
            seen.add((path.name, f.rule, f.line))
    assert set(CONFIRMED) <= seen
