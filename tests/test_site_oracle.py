"""Differential tests: ``route`` and ``sender`` against real sendmail 8.17 for whole configurations.

Each configuration is rendered with real m4 and the cf package, its maps are
built with real makemap, and every generated address is asked of one
``sendmail -bt`` process: ``/parse`` (ruleset 0), ``5 USER`` for local
results (ruleset 5), ``/try MAILER ADDRESS`` as envelope and header sender.
The model must give the same answer for every one. A few hand-written
configurations and a few generated ones run by default; more under ``-m slow``.
"""

from __future__ import annotations

import pwd
import random
import re
import shutil
from pathlib import Path

import attrs
import pytest

from sendmailcfg.site import load_site, route, sender
from sendmailcfg.site.model import Site
from tests.oracle import ORACLE_HOST, Oracle, workdir
from tests.oracle.site import SiteOracle, Triple, f5_mailers, map_feature


@attrs.frozen
class Config:
    """A configuration: .mc body lines (``DIR`` stands for its folder), maps, other files."""

    name: str
    body: str
    maps: dict[str, str] = attrs.field(factory=dict)
    files: dict[str, str] = attrs.field(factory=dict)
    hostname: str = ORACLE_HOST
    users: tuple[str, ...] = ("ken", "root", "Info", "bob+list", "nosuchuser1")
    hosts: tuple[str, ...] = ()


def _exists(user: str) -> bool:
    try:
        pwd.getpwnam(user.lower())
    except KeyError:
        return False
    return True


def addresses(cfg: Config, site: Site) -> list[str]:
    """Recipients worth asking: users at every name the configuration mentions."""
    hosts = set(cfg.hosts)
    hosts |= {s.value for s in site.classes["w"] if not s.value.startswith("[")}
    hosts |= {s.value for s in site.classes["VirtHost"]}
    for doc in (site.document("mailertable"), site.document("virtusertable")):
        if doc is not None:
            for key in doc:
                h = key.rpartition("@")[2]
                if h and h != ".":
                    hosts.add(h.lstrip(".") or h)
                    hosts.add("sub." + h.lstrip("."))
    hosts |= {"elsewhere.example", "localhost", "[192.0.2.7]", "[127.0.0.1]", "single"}
    out: list[str] = []
    for h in sorted(hosts):
        for u in cfg.users[:3]:
            out.append(f"{u}@{h}")
    for h in sorted(hosts)[:6]:
        out.append(f"{cfg.users[3]}@{h}")
        out.append(f"{cfg.users[4]}@{h}")
        out.append(f"{cfg.users[0]}@{h.upper()}")
    out += list(cfg.users)
    out += ["u%elsewhere.example", f"u%elsewhere.example@{cfg.hostname}"]
    out += ["u@", "@elsewhere.example", "a@b@elsewhere.example", "u@.lead.example",
            "u@trail.example.", "u@two..dots.example", "Ken.Ito@elsewhere.example",
            f"KEN@{cfg.hostname}", "u@[10.9.8.7]", "<u@elsewhere.example>", "u%v%w"]  # fmt: skip
    return out


def build(oracle: Oracle, folder: Path, cfg: Config) -> tuple[SiteOracle, Site]:
    body = cfg.body.replace("DIR", str(folder))
    maps = {k: v for k, v in cfg.maps.items()}
    files = {k: v.replace("DIR", str(folder)) for k, v in cfg.files.items()}
    so = SiteOracle(oracle, folder, body, maps, hostname=cfg.hostname, extra_files=files)
    return so, load_site(folder / "sendmail.mc", hostname=ORACLE_HOST)


def check_routes(oracle: Oracle, cfg: Config) -> int:
    folder = workdir()
    try:
        so, site = build(oracle, folder, cfg)
        addrs = addresses(cfg, site)
        real = so.parse(addrs)
        f5 = f5_mailers(so.cf.read_text(encoding="latin-1"))
        wrong: list[str] = []
        local_asks: list[tuple[int, str]] = []
        for i, t in enumerate(real):
            # local, confLOCAL_MAILER's, or any F=5 mailer (msp's SMTP mailers)
            local = t.mailer == site.local_mailer or t.mailer in f5
            if local and t.user and not t.not_remote and "+" not in t.user:
                local_asks.append((i, t.user))
        fives = so.localaddr([u for _, u in local_asks])
        final: dict[int, Triple | None] = {
            i: f for (i, _), f in zip(local_asks, fives, strict=True)
        }
        for i, (a, t) in enumerate(zip(addrs, real, strict=True)):
            absent = {t.user} if t.user and not _exists(t.user) else set()
            d = route(site, a, no_such_users=absent)
            got = (d.parse.mailer, d.parse.host, d.parse.user)
            if got != (t.mailer, t.host, t.user):
                wrong.append(f"{cfg.name}: /parse {a}: sendmail {t}, model {got}\n{d.explain()}")
                continue
            five = final.get(i)
            want = (
                (t.mailer, t.host, t.user) if five is None else (five.mailer, five.host, five.user)
            )
            if (d.mailer, d.host, d.user) != want:
                wrong.append(
                    f"{cfg.name}: {a} after ruleset 5: sendmail {want}, model "
                    f"{(d.mailer, d.host, d.user)}\n{d.explain()}"
                )
        assert wrong == [], "\n".join(wrong[:8]) + f"\n({len(wrong)} of {len(addrs)} differ)"
        return len(addrs)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def check_senders(oracle: Oracle, cfg: Config, mailers: tuple[str, ...]) -> None:
    folder = workdir()
    try:
        so, site = build(oracle, folder, cfg)
        names = [s.value for s in site.classes["w"] if not s.value.startswith("[")]
        names += [s.value for s in site.classes["M"]] + [s.value for s in site.classes["G"]]
        names += ["sub." + n for n in names] + ["elsewhere.example", "localhost"]
        addrs = [f"{u}@{h}" for h in sorted(set(names)) for u in ("ken", "root")]
        addrs += ["ken", "root", "joe", "bob+x", "joe@" + cfg.hostname]
        if site.document("genericstable") is not None:
            keys = list(site.document("genericstable") or ())
            addrs += [k if "@" in k else f"{k}@{cfg.hostname}" for k in keys] + keys
        wrong: list[str] = []
        for mailer in mailers:
            real = so.sender(mailer, addrs)
            for a, (env, hdr) in zip(addrs, real, strict=True):
                f = sender(site, a, mailer=mailer)
                if (f.envelope, f.header) != (env, hdr):
                    wrong.append(
                        f"{cfg.name}: /try {mailer} {a}: sendmail ({env}, {hdr}), "
                        f"model ({f.envelope}, {f.header})\n{f.explain()}"
                    )
        assert wrong == [], "\n".join(wrong[:8]) + f"\n({len(wrong)} differ)"
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# -- the user story --------------------------------------------------------------------------

GATEWAY = Config(
    "gateway",
    "define(`SMART_HOST', `mmr.plala.or.jp')dnl\n"
    "LOCAL_DOMAIN(`takaq.jp')dnl\n" + map_feature("mailertable", Path("DIR")),
    maps={"mailertable": "www.takaq.jp\tsmtp:[mail2.takaq.jp]\n"},
    hostname="gateway.takaq.jp",
    hosts=("www.takaq.jp", "mail2.takaq.jp", "takaq.jp", "gmail.com"),
)
"""The LAN's mail server: the ISP's smart host, a mailertable entry for a LAN host."""

WEB = Config(
    "web",
    "define(`SMART_HOST', `[gateway.takaq.jp]')dnl\n",
    hostname="www.takaq.jp",
    hosts=("gateway.takaq.jp", "takaq.jp", "gmail.com"),
)
"""The web server after the fix: its smart host is the LAN's gateway."""

WEB_BROKEN = Config(
    "web-broken",
    "define(`SMART_HOST', `mmr.plala.or.jp')dnl\n",
    hostname="www.takaq.jp",
    hosts=("gateway.takaq.jp", "takaq.jp", "gmail.com"),
)
"""The web server as it was: the ISP's smart host takes the LAN's own mail."""


def test_user_story_web_server_mail_for_the_gateway_goes_to_the_isp(
    oracle: Oracle, oracle_dir: Path
) -> None:
    so, site = build(oracle, oracle_dir, WEB_BROKEN)
    [real] = so.parse(["ken@gateway.takaq.jp"])
    d = route(site, "ken@gateway.takaq.jp")
    assert (real.mailer, real.host, real.user) == (
        "relay",
        "mmr.plala.or.jp",
        "ken@gateway.takaq.jp",
    )
    assert (d.mailer, d.host, d.user, d.decided_by) == (
        "relay",
        "mmr.plala.or.jp",
        "ken@gateway.takaq.jp",
        "smart-host",
    )
    assert any("SMART_HOST mmr.plala.or.jp" in str(s) for s in d.steps)


@pytest.mark.parametrize("cfg", [GATEWAY, WEB, WEB_BROKEN], ids=lambda c: c.name)
def test_user_story_hosts_route_as_sendmail(oracle: Oracle, cfg: Config) -> None:
    check_routes(oracle, cfg)


def test_user_story_gateway_sends_lan_mail_to_the_backup_exchanger(
    oracle: Oracle, oracle_dir: Path
) -> None:
    so, site = build(oracle, oracle_dir, GATEWAY)
    d = route(site, "ken@www.takaq.jp")
    [real] = so.parse(["ken@www.takaq.jp"])
    assert (real.mailer, real.host) == ("smtp", "[mail2.takaq.jp]")
    assert (d.mailer, d.host, d.decided_by) == ("smtp", "[mail2.takaq.jp]", "mailertable")


# -- hand-written configurations ------------------------------------------------------------

VIRT = (
    "info@virt.example\tken\n"
    "sales@virt.example\tbob@elsewhere.example\n"
    "gone@virt.example\terror:nouser 550 No such user here\n"
    "old@virt.example\terror:5.1.1:550 User unknown\n"
    "@virt.example\t%1@mail.virt.example\n"
    f"postmaster@{ORACLE_HOST}\troot\n"
    "list+*@virt.example\tlists@elsewhere.example\n"
)
MAILERTABLE = (
    ".takaq.jp\tsmtp:[mail2.takaq.jp]\n"
    "takaq.jp\tsmtp:[mail2.takaq.jp]\n"
    "example.org\terror:5.1.2:550 we do not deliver there\n"
    "loc.example\tlocal:bob\n"
    "hub.example.net\tesmtp:[10.0.0.5]\n"
)

HAND = [
    Config(
        "hub-relay",
        "define(`MAIL_HUB', `hub.example.net')dnl\n"
        "define(`LOCAL_RELAY', `lr.example.net')dnl\n"
        "define(`SMART_HOST', `smtp:[sh.example.net]')dnl\n"
        "LOCAL_DOMAIN(`alias.example')dnl\n",
    ),
    Config(
        "sticky-hub",
        "define(`MAIL_HUB', `esmtp:[hub.example.net]')dnl\n"
        "FEATURE(`stickyhost')dnl\nLOCAL_USER(`root')dnl\n",
    ),
    Config(
        "luser",
        "define(`LUSER_RELAY', `lu.example.net')dnl\ndefine(`LOCAL_RELAY', `lr.example.net')dnl\n",
    ),
    Config(
        "luser-local",
        "define(`LUSER_RELAY', `local:postmaster')dnl\ndefine(`SMART_HOST', `[192.0.2.25]')dnl\n",
    ),
    Config(
        "tables",
        map_feature("mailertable", Path("DIR"))
        + map_feature("virtusertable", Path("DIR"))
        + map_feature("domaintable", Path("DIR"))
        + "VIRTUSER_DOMAIN(`virt.example')dnl\n"
        "define(`SMART_HOST', `relay.example.net')dnl\n"
        "FEATURE(`use_cw_file')dnl\ndefine(`confCW_FILE', `DIR/local-host-names')dnl\n"
        "LOCAL_CONFIG\nCwcw.example\n",
        maps={
            "mailertable": MAILERTABLE,
            "virtusertable": VIRT,
            "domaintable": "old.example\tnew.takaq.jp\n",
        },
        files={"local-host-names": "# names\nlhn.example\nmx.lhn.example second.example\n"},
        hosts=("old.example", "mail.virt.example", "cw.example", "second.example"),
    ),
    Config(
        "raw-dj",
        "define(`SMART_HOST', `[sh.example.net]')dnl\n"
        "LOCAL_CONFIG\nDjraw.example\nCwcw1.example cw2.example\n",
        hosts=(
            "raw.example",
            "cw1.example",
            "cw2.example",
            "localhost.example",
            "localhost.invalid",
        ),
    ),
    Config(
        "cyrus",
        "define(`confLOCAL_MAILER', `cyrus')dnl\nFEATURE(`always_add_domain')dnl\n"
        "MAILER(`cyrus')dnl\ndefine(`MAIL_HUB', `hub.example.net')dnl\n",
    ),
    Config(
        "virt-entire",
        map_feature("virtusertable", Path("DIR"))
        + "FEATURE(`virtuser_entire_domain')dnl\nVIRTUSER_DOMAIN(`virt.example')dnl\n"
        "define(`MAIL_HUB', `hub.example.net')dnl\n",
        maps={"virtusertable": VIRT},
        hosts=("a.virt.example",),
    ),
]


@pytest.mark.parametrize("cfg", HAND, ids=lambda c: c.name)
def test_routes_match_sendmail(oracle: Oracle, cfg: Config) -> None:
    assert check_routes(oracle, cfg) > 20


# -- senders -----------------------------------------------------------------------------------

GENERICS = "ken\tken.ito@takaq.jp\nbob@takaq.jp\trobert@takaq.jp\njoe\tjoseph\n"

SENDERS = [
    Config("plain", ""),
    Config(
        "masq",
        "MASQUERADE_AS(`takaq.jp')dnl\nMASQUERADE_DOMAIN(`lan.takaq.jp')dnl\n"
        "EXPOSED_USER(`root')dnl\nLOCAL_DOMAIN(`alias.example')dnl\n",
    ),
    Config(
        "masq-env-entire",
        "MASQUERADE_AS(`takaq.jp')dnl\nMASQUERADE_DOMAIN(`lan.takaq.jp')dnl\n"
        "FEATURE(`masquerade_envelope')dnl\nFEATURE(`masquerade_entire_domain')dnl\n"
        "FEATURE(`limited_masquerade')dnl\nMASQUERADE_EXCEPTION(`keep.lan.takaq.jp')dnl\n",
    ),
    Config(
        "generics",
        map_feature("genericstable", Path("DIR"))
        + "GENERICS_DOMAIN(`takaq.jp')dnl\nGENERICS_DOMAIN(`"
        + ORACLE_HOST
        + "')dnl\nMASQUERADE_AS(`takaq.jp')dnl\nFEATURE(`masquerade_envelope')dnl\n",
        maps={"genericstable": GENERICS},
    ),
    Config(
        "local-no-masq",
        "MASQUERADE_AS(`takaq.jp')dnl\nFEATURE(`local_no_masquerade')dnl\n"
        "FEATURE(`always_add_domain')dnl\n",
    ),
]


@pytest.mark.parametrize("cfg", SENDERS, ids=lambda c: c.name)
def test_senders_match_sendmail(oracle: Oracle, cfg: Config) -> None:
    check_senders(oracle, cfg, ("esmtp", "relay", "local"))


# -- generated configurations ------------------------------------------------------------------


def generated(seed: int) -> Config:
    """A random configuration from the pieces the issue lists."""
    rng = random.Random(seed)
    lines: list[str] = []
    maps: dict[str, str] = {}
    pick = rng.choice
    sh = pick([None, "mmr.plala.or.jp", "[10.0.0.9]", "smtp:relay.example.net",
               "esmtp:[relay.example.net]", ORACLE_HOST])  # fmt: skip
    if sh:
        lines.append(f"define(`SMART_HOST', `{sh}')dnl")
    hub = pick([None, None, "hub.example.net", "smtp:[hub.example.net]"])
    if hub:
        lines.append(f"define(`MAIL_HUB', `{hub}')dnl")
    lr = pick([None, None, "lr.example.net"])
    if lr:
        lines.append(f"define(`LOCAL_RELAY', `{lr}')dnl")
    lu = pick([None, None, "lu.example.net", "local:postmaster", "esmtp:[lu.example.net]",
               "error:nouser No such user", "local:"])  # fmt: skip
    if lu:
        lines.append(f"define(`LUSER_RELAY', `{lu}')dnl")
    if rng.random() < 0.4:
        lines.append("FEATURE(`stickyhost')dnl")
    if rng.random() < 0.5:
        lines.append("LOCAL_DOMAIN(`alias.example')dnl")
    if rng.random() < 0.6:
        lines.append(map_feature("mailertable", Path("DIR")).rstrip("\n"))
        entries = MAILERTABLE.splitlines()
        rng.shuffle(entries)
        chosen = entries[: rng.randint(1, len(entries))]
        if rng.random() < 0.3:
            chosen.append(".\tsmtp:[catchall.example.net]")
        maps["mailertable"] = "\n".join(chosen) + "\n"
    if rng.random() < 0.5:
        lines.append(map_feature("virtusertable", Path("DIR")).rstrip("\n"))
        lines.append("VIRTUSER_DOMAIN(`virt.example')dnl")
        maps["virtusertable"] = VIRT
    if rng.random() < 0.3:
        lines.append(map_feature("domaintable", Path("DIR")).rstrip("\n"))
        maps["domaintable"] = "old.example\tnew.takaq.jp\nancient.example\talias.example\n"
    if rng.random() < 0.5:
        lines.append("MASQUERADE_AS(`takaq.jp')dnl")
        for extra in ("MASQUERADE_DOMAIN(`lan.takaq.jp')dnl", "EXPOSED_USER(`root')dnl",
                      "FEATURE(`masquerade_envelope')dnl", "FEATURE(`limited_masquerade')dnl",
                      "FEATURE(`masquerade_entire_domain')dnl",
                      "MASQUERADE_EXCEPTION(`keep.lan.takaq.jp')dnl"):  # fmt: skip
            if rng.random() < 0.4:
                lines.append(extra)
    if rng.random() < 0.4:
        lines.append(map_feature("genericstable", Path("DIR")).rstrip("\n"))
        lines.append(f"GENERICS_DOMAIN(`{pick(['takaq.jp', ORACLE_HOST, 'lan.takaq.jp'])}')dnl")
        if rng.random() < 0.5:
            lines.append("FEATURE(`generics_entire_domain')dnl")
        maps["genericstable"] = GENERICS
    return Config(
        f"gen{seed}",
        "\n".join(lines) + "\n",
        maps,
        hosts=("old.example", "ancient.example", "x.takaq.jp"),
    )


@pytest.mark.parametrize("seed", range(12))
def test_generated_configurations_route_as_sendmail(oracle: Oracle, seed: int) -> None:
    check_routes(oracle, generated(seed))


@pytest.mark.parametrize("seed", range(12))
def test_generated_configurations_rewrite_senders_as_sendmail(oracle: Oracle, seed: int) -> None:
    check_senders(oracle, generated(seed), ("esmtp", "local"))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(12, 80))
def test_more_generated_configurations_route_as_sendmail(oracle: Oracle, seed: int) -> None:
    check_routes(oracle, generated(seed))


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(12, 80))
def test_more_generated_configurations_rewrite_senders(oracle: Oracle, seed: int) -> None:
    check_senders(oracle, generated(seed), ("esmtp", "relay", "local", "smtp"))


# -- the cf package's own sample configurations -------------------------------------------------

SAMPLES = (
    "cyrusproto", "generic-bsd4.4", "generic-hpux10", "generic-linux", "generic-osf1",
    "generic-solaris", "generic-sunos4.1", "knecht", "tcpproto", "uucpproto",
)  # fmt: skip
"""Sample .mc files of the cf package that build with the offline head (their OSTYPE,
divert, include, VERSIONID and MAILER(local/smtp) lines are replaced by the harness's)."""


@pytest.mark.parametrize("name", SAMPLES)
def test_cf_package_samples_route_as_sendmail(oracle: Oracle, name: str) -> None:
    text = (oracle.cf_dir / "cf" / f"{name}.mc").read_text(encoding="latin-1")
    keep = [
        line
        for line in text.splitlines(keepends=True)
        if not line.startswith("#")
        and not re.match(r"\s*(OSTYPE|divert|include|VERSIONID)\(", line)
        and not re.match(r"\s*MAILER\(`?(local|smtp)'?\)", line)
    ]
    assert check_routes(oracle, Config(name, "".join(keep))) > 40
