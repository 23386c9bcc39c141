"""Differential tests: what the lint rules claim, checked against real m4 and sendmail 8.17."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

from sendmailcfg.lint import LintConfig, lint_text
from tests.oracle import ORACLE_HOST, Oracle

pytestmark = pytest.mark.oracle

HEAD = "OSTYPE(`linux')dnl\n"


@pytest.mark.parametrize(
    ("rule", "mc", "m4_says"),
    [
        (
            "MC003",
            HEAD + "MAILER(`smtp')dnl\nFEATURE(`mailertable')dnl\n",
            "should be before MAILER",
        ),
        ("MC004", "FEATURE(`mailertable')dnl\nMAILER(`smtp')dnl\n", "No system type defined"),
        ("MC004", HEAD + "FEATURE(`lookupdotdomain')dnl\nMAILER(`smtp')dnl\n", "access_db"),
        ("MC004", HEAD + "MAILER(`uucp')dnl\nMAILER(`smtp')dnl\n", "MAILER(`smtp')"),
        ("MC005", HEAD + "FEATURE(`mailer_table')dnl\nMAILER(`smtp')dnl\n", "mailer_table"),
        ("MC007", HEAD + "FEATURE(`nouucp')dnl\nMAILER(`smtp')dnl\n", "nouucp"),
        (
            "MC007",
            HEAD + "FEATURE(`blacklist_recipients')dnl\nFEATURE(`access_db')dnl\n",
            "WARNING",
        ),
    ],
)
def test_m4_complains_where_the_rule_fires(
    oracle: Oracle, rule: str, mc: str, m4_says: str
) -> None:
    assert [f.rule for f in lint_text(mc, "mc", config=LintConfig((rule,)))] == [rule]
    _cf, err, _status = oracle.mc2cf(mc)
    assert m4_says in err


def test_m4_is_quiet_on_a_clean_mc(oracle: Oracle) -> None:
    mc = HEAD + "FEATURE(`access_db')dnl\nFEATURE(`lookupdotdomain')dnl\nMAILER(`local')dnl\n"
    mc += "MAILER(`smtp')dnl\n"
    assert [f for f in lint_text(mc, "mc") if f.severity != "info"] == []
    _cf, err, status = oracle.mc2cf(mc)
    assert (err, status) == ("", 0)


def _smtp_session(oracle: Oracle, work: Path, access: bytes, senders: list[str]) -> list[str]:
    """The reply to ``MAIL FROM`` for each sender, in one real ``sendmail -bs`` session."""
    (work / "q").mkdir()
    os.chmod(work / "q", 0o700)
    (work / "aliases").write_text("")
    status, msg = oracle.makemap([], "hash", work / "access", access)
    assert status == 0, msg
    body = (
        f"FEATURE(`access_db', `hash -T<TMPF> {work}/access')dnl\n"
        "FEATURE(`accept_unresolvable_domains')dnl\n"
        f"define(`QUEUE_DIR', `{work}/q')dnl\n"
        f"define(`STATUS_FILE', `{work}/st')dnl\n"
        f"define(`ALIAS_FILE', `{work}/aliases')dnl\n"
    )
    cf, _err, _st = oracle.mc2cf(oracle.offline_mc(work, body))
    (work / "t.cf").write_text(cf, encoding="latin-1")
    cmd = [str(oracle.sendmail), "-C", str(work / "t.cf"), "-bs", "-odq"]
    if "." not in socket.gethostname():
        if not oracle._can_unshare():
            pytest.skip("needs a dotted host name or unshare -u (root)")
        cmd = ["unshare", "-u", "sh", "-c", 'hostname "$0" && exec "$@"', ORACLE_HOST, *cmd]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert p.stdin is not None and p.stdout is not None
    stdout = p.stdout

    def reply() -> str:
        line = stdout.readline().decode("latin-1")
        while len(line) > 3 and line[3] == "-":
            line = stdout.readline().decode("latin-1")
        return line.rstrip()

    def say(command: str) -> str:
        assert p.stdin is not None
        p.stdin.write(command.encode() + b"\r\n")
        p.stdin.flush()
        return reply()

    try:
        reply()  # greeting: sendmail refuses input sent before it
        say("HELO client.invalid")
        out = []
        for s in senders:
            out.append(say(f"MAIL FROM:<{s}>"))
            say("RSET")
        say("QUIT")
    finally:
        p.kill()
        p.wait(timeout=30)
    return out


def test_access_error_values_as_sendmail_replies(oracle: Oracle, oracle_dir: Path) -> None:
    access = (
        "From:a.test\tERROR:450 later\n"  # fine: sendmail adds 4.0.0
        "From:b.test\tERROR:5.7.1:450 mixed\n"  # AC005: DSN and code disagree
        "From:c.test\tERROR:go away\n"  # AC005: no code -> 553 5.3.0
        "From:d.test\treject\n"  # fine: action words are case-insensitive
        "From:e.test\tRELAYY\n"  # AC005: unknown word -> used as the error text
    )
    flagged = {f.line for f in lint_text(access, "access", config=LintConfig(("AC005",)))}
    assert flagged == {2, 3, 5}
    replies = _smtp_session(oracle, oracle_dir, access.encode(), [f"u@{d}.test" for d in "abcde"])
    assert replies[0].startswith("450 4.0.0 ")
    assert replies[1].startswith("450 5.7.1 ")
    assert replies[2].startswith("553 5.3.0 ")
    assert replies[3].startswith("550 5.7.1 ")
    assert replies[4].endswith("RELAYY")


def test_localhost_relay_needs_a_forward_confirmed_name(oracle: Oracle, oracle_dir: Path) -> None:
    """AC008 is quiet on RHEL's ``Connect:localhost RELAY``: sendmail relays by client name
    only when ``{client_resolve}`` is OK, and ``*.localhost`` resolves to loopback (RFC 6761)."""
    access = "Connect:localhost\tRELAY\nlocalhost\tRELAY\nConnect:localhost.localdomain\tRELAY\n"
    assert [f for f in lint_text(access, "access") if f.severity != "info"] == []
    status, msg = oracle.makemap([], "hash", oracle_dir / "access", access.encode())
    assert status == 0, msg
    body = f"FEATURE(`access_db', `hash -T<TMPF> {oracle_dir}/access')dnl\n"
    cf, err, status = oracle.mc2cf(oracle.offline_mc(oracle_dir, body))
    assert status == 0, err
    (oracle_dir / "t.cf").write_text(cf, encoding="latin-1")
    commands = []
    for name, resolve in (("evil.localhost", "FORGED"), ("localhost", "FORGED"), ("x.test", "OK")):
        commands += [
            f".D{{client_name}}{name}",
            ".D{client_addr}192.0.2.1",
            f".D{{client_resolve}}{resolve}",
            "check_rcpt <u@elsewhere.example>",
        ]
    replies = oracle.run_bt_each(oracle_dir / "t.cf", commands)[3::4]
    assert "IP name possibly forged" in replies[0]
    assert "IP name possibly forged" in replies[1]
    assert "Relaying denied" in replies[2]  # a confirmed name that is not localhost


def test_raw_cf_lines_in_the_header(oracle: Oracle, oracle_dir: Path) -> None:
    """MC009: a header ``Cw`` line works (info); a header ``R`` line is dropped (warning)."""
    body = "MAILER(`smtp')dnl\nCw okeeffe.example\nR$* < @ foo >\t$#local $: $1\n"
    found = {
        f.line: f.severity for f in lint_text(HEAD + body, "mc", config=LintConfig(("MC009",)))
    }
    assert found == {3: "info", 4: "warning"}
    cf, err, status = oracle.mc2cf(oracle.offline_mc(oracle_dir, body))
    assert status == 0, err
    (oracle_dir / "t.cf").write_text(cf, encoding="latin-1")
    out = oracle.run_bt(oracle_dir / "t.cf", ["$=w"])
    assert "okeeffe.example" in out
    assert "missing valid ruleset" in out
