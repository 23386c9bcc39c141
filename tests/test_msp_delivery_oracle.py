"""Where a mail submission program's recipients go: ``sendmail -bv`` is the judge.

``FEATURE(`msp')`` gives the SMTP mailers F=5 (``MODIFY_MAILER_FLAGS(`ESMTP', `+k5')``),
so at delivery recipient() runs ruleset 5 on a remote recipient too, and msp's
``Local_localaddr`` sends it to the MTA with the relay mailer. ``-bv`` runs recipient()
as delivery does (``/parse`` in ``-bt`` stops before it), so the model and the engine
are compared with what ``-bv`` says is "deliverable".
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from sendmailcfg.cf.environment import HostsResolver
from sendmailcfg.mc import parse_mc
from sendmailcfg.site import Site, route
from sendmailcfg.site.cfengine import EngineChoice, build_engine, environment, route_cf
from tests.oracle import ORACLE_HOST, Oracle
from tests.oracle.corpus import offline_tail

ADDRESSES = [
    "ken@elsewhere.example",
    "ken",
    f"root@{ORACLE_HOST}",
    "u@[192.0.2.7]",
    "ken@new.example.REDIRECT",
    "a%b@elsewhere.example",
]
_DELIVERABLE = re.compile(r"^(.*)\.\.\. deliverable: mailer (\S+), host (\S+), user (.*)$", re.M)


def _bv(oracle: Oracle, cf: Path, queue: Path) -> tuple[dict[str, tuple[str, str, str]], str]:
    cmd = oracle.wrap(
        [
            str(oracle.sendmail),
            "-C",
            str(cf),
            # no smmsp user here; -bv reads the configuration as delivery would
            "-ORunAsUser=nobody",
            "-OTrustedUser=root",
            f"-OQueueDirectory={queue}",
            "-bv",
            *ADDRESSES,
        ]
    )
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    out = p.stdout + p.stderr
    return {a: (m, h, u) for a, m, h, u in _DELIVERABLE.findall(out)}, out


@pytest.mark.oracle
@pytest.mark.parametrize("arg", ["", "[127.0.0.1]", "mta.example.net"])
def test_msp_recipients_go_to_the_mta(oracle: Oracle, oracle_dir: Path, arg: str) -> None:
    feature = f"FEATURE(`msp', `{arg}')dnl\n" if arg else "FEATURE(`msp')dnl\n"
    mc = f"define(`confDOMAIN_NAME', `{ORACLE_HOST}')dnl\n{feature}"
    cf, err, status = oracle.mc2cf(mc + offline_tail(oracle_dir))
    assert status == 0, err
    path = oracle_dir / "submit.cf"
    path.write_text(cf, encoding="latin-1")
    queue = Path(tempfile.mkdtemp(prefix="smqueue."))
    try:
        queue.chmod(0o755)  # sendmail -bv runs as RunAsUser and changes into it
        real, out = _bv(oracle, path, queue)
    finally:
        shutil.rmtree(queue, ignore_errors=True)
    assert set(real) == set(ADDRESSES), out  # every one is deliverable, through the MTA
    site = Site(parse_mc(mc), hostname=ORACLE_HOST)
    env = environment(ORACLE_HOST, resolver=HostsResolver.from_file(str(oracle_dir / "hosts")))
    engine = build_engine(EngineChoice("cf", "rendered", None, cf), env, folder=str(oracle_dir))
    for a in ADDRESSES:
        m = route(site, a)
        e = route_cf(engine, a)
        assert (m.mailer, m.host, m.user) == real[a], (a, m.steps)
        assert (e.mailer, e.host, e.user) == real[a], a
        assert m.decided_by == "msp"
