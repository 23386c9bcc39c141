"""Differential tests: ``python -m sendmailcfg bt`` against real ``sendmail -bt``, line for line.

Every stock ``cf/cf/*.mc`` of the cf package is rendered with real m4; generated
configurations (mailertable, virtusertable, access with delay_checks, SMART_HOST,
MAIL_HUB, msp, redirect, nullclient, masquerading, genericstable) are built with
real makemap. One batch of ``-bt`` commands goes to one sendmail process and to
one ``bt`` process per configuration; the two outputs must be equal line for line
(``$=X`` compares as a set: sendmail prints class members in hash order).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import attrs
import pytest

from sendmailcfg.cf.config import read_config
from tests.cf_bt_diff import (
    ADDRESSES,
    commands,
    first_difference,
    oracle_options,
    run_ours,
    run_real,
)
from tests.oracle import ORACLE_HOST, Oracle, workdir
from tests.oracle.site import SiteOracle, map_feature

STOCK = (
    "chez.cs.mc", "clientproto.mc", "cs-hpux10.mc", "cs-hpux9.mc", "cs-osf1.mc",
    "cs-solaris2.mc", "cs-sunos4.1.mc", "cs-ultrix4.mc", "cyrusproto.mc", "generic-bsd4.4.mc",
    "generic-hpux10.mc", "generic-hpux9.mc", "generic-linux.mc", "generic-mpeix.mc",
    "generic-nextstep3.3.mc", "generic-osf1.mc", "generic-solaris.mc", "generic-sunos4.1.mc",
    "generic-ultrix4.mc", "huginn.cs.mc", "knecht.mc", "mail.cs.mc", "mail.eecs.mc",
    "mailspool.cs.mc", "python.cs.mc", "s2k-osf1.mc", "s2k-ultrix4.mc", "submit.mc",
    "tcpproto.mc", "ucbarpa.mc", "ucbvax.mc", "uucpproto.mc", "vangogh.cs.mc",
)  # fmt: skip
"""The stock configurations of sendmail 8.17's cf package (cf/cf/*.mc)."""


def _mailers(cf_text: str) -> list[str]:
    wanted: tuple[str, ...] = ("esmtp", "relay", "local", "smtp", "uucp")
    names = [m.name for m in read_config(cf_text).mailers]
    return [m for m in wanted if m in names][:2]


def _compare(oracle: Oracle, cf: Path, cmds: list[str], options: list[str]) -> None:
    real = run_real(oracle, cf, cmds, options)
    ours = run_ours(oracle, cf, cmds, options)
    diff = first_difference(real, ours)
    assert diff is None, f"{cf.name}: bt differs from sendmail -bt at {diff}"
    assert len(real.splitlines()) > len(cmds)


def test_stock_files_are_all_here(oracle: Oracle) -> None:
    assert sorted(p.name for p in (oracle.cf_dir / "cf").glob("*.mc")) == sorted(STOCK)


@pytest.mark.parametrize("name", STOCK)
def test_stock_configuration(oracle: Oracle, oracle_dir: Path, name: str) -> None:
    mc = (oracle.cf_dir / "cf" / name).read_text(encoding="latin-1")
    cf_text, err, status = oracle.mc2cf(mc)
    assert status == 0, err
    cf = oracle_dir / (name[:-3] + ".cf")
    cf.write_text(cf_text, encoding="latin-1")
    _compare(oracle, cf, commands(mailers=_mailers(cf_text)), oracle_options(oracle))


# -- generated configurations -----------------------------------------------------------------


@attrs.frozen
class Generated:
    """An .mc body (``DIR`` stands for its folder) and the map sources it uses."""

    name: str
    body: str
    maps: dict[str, str] = attrs.field(factory=dict)
    extra: tuple[str, ...] = ()


D = Path("DIR")
# fmt: off
GENERATED = (
    Generated(
        "mailertable",
        map_feature("mailertable", D),
        {
            "mailertable": "example.net\tsmtp:[mx.example.net]\n"
            ".example.org\trelay:relay.example.org\nlocal.example\tlocal:bob\n"
            "err.example\terror:5.7.1:550 go away\n.\tsmtp:[fallback.example]\n"
        },
        ("u@example.net", "u@a.example.org", "u@example.org", "u@local.example", "u@err.example"),
    ),
    Generated(
        "virtusertable",
        "VIRTUSER_DOMAIN(`virt.example')dnl\n" + map_feature("virtusertable", D),
        {
            "virtusertable": "info@virt.example\tbob\n@virt.example\tcatch%1\n"
            "sales@virt.example\tsales@elsewhere.example\n"
            "full@virt.example\terror:4.2.2:452 Mailbox full\n"
            "gone@virt.example\terror:nouser User unknown\n"
        },
        ("info@virt.example", "x@virt.example", "sales@virt.example", "full@virt.example",
         "gone@virt.example", "a+b@virt.example"),
    ),
    Generated(
        "access-delay-checks",
        "FEATURE(`access_db', `hash -o -T<TMPF> DIR/access')dnl\n"
        "FEATURE(`delay_checks')dnl\n",
        {
            "access": "spam.example\tREJECT\nConnect:192.0.2\tRELAY\nFrom:bad@x.example\t"
            "DISCARD\nTo:friend.example\tRELAY\nok.example\tOK\n"
            "Spam:abuse@oracle.invalid\tFRIEND\nerr.example\tERROR:\"550 no thanks\"\n"
        },
        ("u@spam.example", "bad@x.example", "u@friend.example", "u@ok.example",
         "u@err.example"),
    ),
    Generated("smart-host", "define(`SMART_HOST', `[smart.example]')dnl\n"),
    Generated("mail-hub", "define(`MAIL_HUB', `hub.example.')dnl\n"),
    Generated("local-relay", "define(`LOCAL_RELAY', `lr.example')dnl\nLOCAL_USER(`root')dnl\n"),
    Generated(
        "masquerade",
        "MASQUERADE_AS(`masq.example')dnl\nMASQUERADE_DOMAIN(`sub.example')dnl\n"
        "FEATURE(`masquerade_envelope')dnl\nFEATURE(`allmasquerade')dnl\n"
        "EXPOSED_USER(`root')dnl\n",
        extra=("u@sub.example", "u@x.sub.example"),
    ),
    Generated(
        "genericstable",
        "FEATURE(`genericstable', `hash -o DIR/genericstable')dnl\n"
        "GENERICS_DOMAIN(`oracle.invalid')dnl\n",
        {"genericstable": "ken\tken.ito@generic.example\nroot@oracle.invalid\tadmin@generic.example\n"},
        ("ken", "root"),
    ),
    Generated("redirect", "FEATURE(`redirect')dnl\n", extra=("bob@x.example.REDIRECT",)),
    Generated("relay-based", "FEATURE(`relay_entire_domain')dnl\nFEATURE(`relay_hosts_only')dnl\n"),
    Generated("promiscuous", "FEATURE(`promiscuous_relay')dnl\nFEATURE(`accept_unresolvable_domains')dnl\n"),
)
# fmt: on


def _generated_commands(cfg: Generated, cf_text: str) -> list[str]:
    addrs = list(ADDRESSES[:30]) + list(cfg.extra)
    cmds = commands(addrs, mailers=_mailers(cf_text))
    conf = read_config(cf_text)
    rulesets = {r.name for r in conf.rulesets}
    for m in conf.maps:
        for key in (
            "x",
            "localhost",
            *[k.split("\t")[0] for t in cfg.maps.values() for k in t.splitlines()],
        ):
            cmds.append(f"/map {m.name} {key}")
    client = [".D{client_addr}192.0.2.9", ".D{client_name}client.example", ".D{client_resolve}OK"]
    cmds += client
    for a in addrs[:12]:
        for rs in ("check_mail", "check_rcpt"):
            if rs in rulesets:
                cmds.append(f"{rs} <{a}>")
    if "check_relay" in rulesets:
        cmds += ["check_relay client.example $| 192.0.2.9", "check_relay spam.example $| 10.0.0.1"]
    cmds += [".D{client_addr}127.0.0.1", ".D{client_name}localhost"]
    for a in addrs[:12]:
        if "check_rcpt" in rulesets:
            cmds.append(f"check_rcpt <{a}>")
    return cmds


def _check_generated(oracle: Oracle, cfg: Generated) -> None:
    folder = workdir()
    try:
        body = cfg.body.replace("DIR", str(folder))
        so = SiteOracle(oracle, folder, body, cfg.maps, hostname=ORACLE_HOST)
        cf_text = so.cf.read_text(encoding="latin-1")
        _compare(oracle, so.cf, _generated_commands(cfg, cf_text), [])
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.parametrize("cfg", GENERATED, ids=lambda c: c.name)
def test_generated_configuration(oracle: Oracle, cfg: Generated) -> None:
    _check_generated(oracle, cfg)


def test_class_members_in_any_order(oracle: Oracle, oracle_dir: Path) -> None:
    mc = (oracle.cf_dir / "cf" / "generic-linux.mc").read_text(encoding="latin-1")
    cf_text, _, _ = oracle.mc2cf(mc)
    cf = oracle_dir / "g.cf"
    cf.write_text(cf_text, encoding="latin-1")
    cmds = ["$=w", "$=k", "$=m", "$=P", "$=O", ".Cw extra.example Other.Example", "$=w"]
    real = run_real(oracle, cf, cmds, oracle_options(oracle))
    ours = run_ours(oracle, cf, cmds, oracle_options(oracle))
    split = [[sorted(chunk.splitlines()) for chunk in out.split("> ")] for out in (real, ours)]
    assert split[0] == split[1]


BAD_CF = """V10/Berkeley
Dj$w.example
Zbogus line
Ofoo
S0
R$+\t$: $1 loop
R$+ loop\t$: $1
Sloop
R$*\t$@ $>loop $1
S3
R$* @ $*\t$1 < @ $2 >
Sbad=
Sbad2=500
S200
R$*
R$1\t$@ x
R$*\t$9
R$*\t$( foo $1
S4
R$*\t$>nosuch $1
S5
R$* x\t$1 y
R$* y\t$1 x
Mlocal, P=/bin/true, F=l, A=true
Msmtp, P=[IPC], F=mDFMuX
Mnoequals P
Kfoo nosuchclass x
Kbar hash
Fw-o /nonexistent/file
Fy /nonexistent/file2
"""
"""A .cf sendmail complains about, with rules that loop and recurse without end."""


def test_bad_configuration_loops_and_recursion(oracle: Oracle, oracle_dir: Path) -> None:
    cf = oracle_dir / "bad.cf"
    cf.write_text(BAD_CF, encoding="latin-1")
    cmds = ["0 a", "loop x", "5 a x", "4 a", "3 a@b", "=S0", "=Sbad", "/parse a@b", "/map bar x"]
    _compare(oracle, cf, cmds, [])


def test_a_cf_without_a_local_mailer(oracle: Oracle, oracle_dir: Path) -> None:
    """Run by root (as the oracle is), sendmail -bt -C says "No local mailer defined"
    before the banner, and then routes through the mailers it has."""
    cf = oracle_dir / "nolocal.cf"
    cf.write_text("V10/Berkeley\nMfoo, P=[IPC], F=m, A=TCP $h\nS0\nR$*\t$#foo $@ h $: $1\n")
    _compare(oracle, cf, ["0 a@b", "/parse a@b", "/try foo a@b"], [])


@pytest.mark.parametrize("name", ["generic-linux.mc", "submit.mc"])
def test_the_rewriting_trace_of_d21(oracle: Oracle, oracle_dir: Path, name: str) -> None:
    """``-d21.N`` typed in test mode: every rule tried, failed and matched, the results
    and the ``$&x`` reads, line for line as sendmail prints them; ``-d21.0`` ends it."""
    mc = (oracle.cf_dir / "cf" / name).read_text(encoding="latin-1")
    cf_text, err, status = oracle.mc2cf(mc)
    assert status == 0, err
    cf = oracle_dir / (name[:-3] + ".cf")
    cf.write_text(cf_text, encoding="latin-1")
    cmds = ["-d21.12", "3,0 ken@example.com", "/parse <root@[192.0.2.1]>", "-d21.4"]
    cmds += ["/parse ken", "/try esmtp a@b.example", "-d21.2", "/parse x@localhost"]
    cmds += ["-d21.10", "0 a!b", "-d21.0", "/parse ken@example.com"]
    _compare(oracle, cf, cmds, oracle_options(oracle))


def test_bt_renders_an_mc_with_real_m4_first(oracle: Oracle, oracle_dir: Path) -> None:
    import subprocess
    import sys

    mc = oracle_dir / "site.mc"
    mc.write_text(oracle.offline_mc(oracle_dir, "define(`SMART_HOST', `[smart.example]')dnl\n"))
    cf_text, _, status = oracle.mc2cf(mc.read_text())
    assert status == 0
    cf = oracle_dir / "real.cf"
    cf.write_text(cf_text, encoding="latin-1")
    cmds = ["/parse joe@elsewhere.example", "/parse root", "$S"]
    real = run_real(oracle, cf, cmds, [])
    args = [sys.executable, "-m", "sendmailcfg", "bt", "--mc", str(mc), "--cf-dir"]
    args += [str(oracle.cf_dir), "--hostname", ORACLE_HOST, "--hosts", oracle._hosts_file()]
    p = subprocess.run(
        args, input="".join(c + "\n" for c in cmds), capture_output=True, text=True, timeout=120
    )
    assert p.returncode == 0, p.stderr
    assert first_difference(real, p.stdout) is None
    assert "mailer relay, host [smart.example]" in p.stdout


CORPUS = sorted(Path(__file__).parent.joinpath("corpus").glob("*/*.mc"))


@pytest.mark.slow
@pytest.mark.parametrize("mc", CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_corpus_configuration(oracle: Oracle, oracle_dir: Path, mc: Path) -> None:
    """The corpus's real .mc files (the cf.m4 include line dropped: the oracle adds its own)."""
    lines = mc.read_text(encoding="latin-1").splitlines(keepends=True)
    cf_text, err, status = oracle.mc2cf("".join(x for x in lines if "cf.m4" not in x))
    if status != 0 or "cannot open" in err:
        pytest.skip(f"m4 cannot render it here: {err.strip()[:120]}")
    cf = oracle_dir / "corpus.cf"
    cf.write_text(cf_text, encoding="latin-1")
    _compare(oracle, cf, commands(mailers=_mailers(cf_text)), oracle_options(oracle))
