"""Small helpers for the relay rules' confirmations: an offline .cf, asked under ``-bt``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tests.oracle import Oracle

DONT_BLAME = "define(`confDONT_BLAME_SENDMAIL', `MapInUnsafeDirPath')dnl\n"


def bt(
    oracle: Oracle,
    workdir: Path,
    body: str,
    commands: Sequence[str],
    *,
    safe_dirs: bool = False,
    after: str = "",
) -> str:
    """Build an offline .cf from ``body`` (before the MAILERs) and ``after`` with real m4,
    run ``commands`` under ``sendmail -bt``; ``safe_dirs`` keeps sendmail's own map
    folder checks (drops the harness's MapInUnsafeDirPath)."""
    mc = oracle.offline_mc(workdir, body) + after
    if safe_dirs:
        mc = mc.replace(DONT_BLAME, "")
    cf, err, rc = oracle.mc2cf(mc)
    assert rc == 0, err
    path = workdir / "relay-rule.cf"
    path.write_text(cf)
    return oracle.run_bt(path, commands)


def authinfo_answer(
    oracle: Oracle, workdir: Path, source: str, server: str, *, spec: str | None = None
) -> str:
    """What the ``authinfo`` ruleset returns for ``server`` with this authinfo source."""
    rc, msg = oracle.makemap([], "hash", workdir / "authinfo", source.encode())
    assert rc == 0, msg
    feature = f"FEATURE(`authinfo', `{spec or 'hash ' + str(workdir / 'authinfo')}')dnl\n"
    return bt(oracle, workdir, feature, [f".D{{server_name}}{server}", "authinfo x"])
