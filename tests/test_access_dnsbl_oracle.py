"""FEATURE(`dnsbl') and FEATURE(`enhdnsbl') on the ``.cf`` engine answer as real sendmail
does when DNS lists a client: sendmail runs with a DNS server of our own
(:mod:`tests.oracle.dns`), the engine with a resolver holding the same records, and
the check rulesets return the same tokens (at connection time, and at ``RCPT TO`` under
``delay_checks``)."""

from __future__ import annotations

import re
import shutil

import pytest

from sendmailcfg.cf.environment import HostsResolver
from sendmailcfg.output.bdb import read as read_db
from sendmailcfg.site.cfengine import EngineChoice, access_cf, build_engine, environment
from tests import oracle as oracle_mod
from tests.oracle.access import HELPER, HOST_NAME
from tests.oracle.dns import can_run, run_bt_each_with_dns

ZONE = {
    "7.2.0.192.bl.example": "127.0.0.2",
    "8.2.0.192.ebl.example": "127.0.0.2",
    "9.2.0.192.ebl.example": "127.0.0.3",
    "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.bl.example": "127.0.0.2",
}
ACCESS = "Connect:192.0.2.10\tOK\nConnect:192.0.2.11\tREJECT\n"
CLIENTS = [
    ("h.example", "192.0.2.7"),
    ("h.example", "192.0.2.8"),
    ("h.example", "192.0.2.9"),
    ("h.example", "192.0.2.10"),
    ("h.example", "192.0.2.11"),
    ("h.example", "192.0.2.12"),
    ("[192.0.2.7]", "192.0.2.7"),
    ("h6.example", "IPv6:2001:db8:0:0:0:0:0:1"),
]


@pytest.mark.oracle
@pytest.mark.parametrize("delay", [False, True], ids=["connect", "delay_checks"])
def test_dnsbl_decisions_match_sendmail(oracle: oracle_mod.Oracle, delay: bool) -> None:
    if not can_run():
        pytest.skip("no network namespace here for a DNS server of our own")
    d = oracle_mod.workdir()
    try:
        body = f"FEATURE(`access_db', `hash -T<TMPF> -o {d / 'access'}')dnl\n"
        body += "FEATURE(`accept_unresolvable_domains')dnl\n"
        body += "FEATURE(`dnsbl', `bl.example')dnl\n"
        body += "FEATURE(`enhdnsbl', `ebl.example', `', `t', `127.0.0.2.')dnl\n"
        body += "FEATURE(`delay_checks')dnl\n" if delay else HELPER
        cf_text, err, status = oracle.mc2cf(oracle.offline_mc(d, body))
        assert status == 0, err
        cf = d / "oracle.cf"
        cf.write_text(cf_text, encoding="latin-1")
        status, msg = oracle.makemap([], "hash", d / "access", ACCESS.encode())
        assert status == 0, msg
        (d / "access").write_text(ACCESS)
        cmds = []
        for name, addr in CLIENTS:
            setup = f".D{{client_name}}{name}\n.D{{client_addr}}{addr}\n"
            setup += ".D{client_resolve}" + ("FAIL" if name.startswith("[") else "OK") + "\n"
            if delay:
                cmds.append(f"{setup}.Df\ncheck_rcpt <u@{HOST_NAME}>")
            else:
                cmds.append(f"{setup}OracleConnect x")
        want = "check_rcpt" if delay else "OracleConnect"
        outs = run_bt_each_with_dns(oracle, cf, cmds, ZONE)
        theirs = []
        for out in outs:
            found = re.findall(rf"(?m)^{want}\s+returns: ?(.*)$", out)
            theirs.append(found[-1].strip() if found else "?? " + out[-300:])
        hosts = "".join(f"{a}\t{n}\n" for n, a in ZONE.items())
        env = environment(HOST_NAME, resolver=HostsResolver.from_text(hosts))
        engine = build_engine(
            EngineChoice("cf", "test", str(cf), cf_text), env, read_db=read_db, folder=str(d)
        )
        wrong = []
        decisions = []
        for (name, addr), result in zip(CLIENTS, theirs, strict=True):
            if delay:
                ours = access_cf(engine, "to", f"u@{HOST_NAME}", client=(name, addr))
            else:
                ours = access_cf(engine, "connect", f"{name}:{addr}")
            decisions.append(ours)
            if ours.result != result:
                wrong.append(f"{name}:{addr}: engine {ours.result!r}, sendmail {result!r}")
        assert not wrong, "\n".join(wrong)
        listed = decisions[0]
        assert (listed.action, listed.code, listed.reply, listed.key) == (
            "ERROR",
            "5.7.1",
            "550 Rejected: 192.0.2.7 listed at bl.example",
            None,
        )
        assert decisions[1].reply == "550 Rejected: 192.0.2.8 listed at ebl.example"
        assert decisions[2].action is (None if not delay else "RELAY")  # 127.0.0.3: not ours
        assert decisions[4].key == "Connect:192.0.2.11"
    finally:
        shutil.rmtree(d, ignore_errors=True)
