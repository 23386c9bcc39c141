"""Helpers for the differential tests of ``bt`` against ``sendmail -bt`` (not a test module)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from tests.oracle import ORACLE_HOST, Oracle

ADDRESSES = (
    "user",
    "user@example.com",
    f"user@{ORACLE_HOST}",
    "user@localhost",
    "user@localhost.",
    "<user@example.com>",
    "Joe Bloggs <joe@example.com>",
    "joe@example.com (Joe Bloggs)",
    "a!b!c",
    "host!user",
    "user%other@example.com",
    f"user%other@{ORACLE_HOST}",
    "@a.example,@b.example:c@d.example",
    "user@[192.0.2.1]",
    "user@[127.0.0.1]",
    '"quoted user"@example.com',
    "user@host",
    "root",
    "MAILER-DAEMON",
    "<>",
    "user@example.com.",
    "user+detail@example.com",
    "user@sub.example.com",
    "list:;",
    "a@b@c",
    "<@>",
    "user (comment)",
    "user@EXAMPLE.COM",
    "postmaster",
    "|/bin/prog",
    "/var/spool/file",
    ":include:/etc/mail/list",
    "user@host.uucp",
    "user@host.UUCP",
    '"unbalanced',
    "user@ex ample.com",
    "<<user@example.com>>",
    "user@.example.com",
    "user@example..com",
    "foo.bar@example.com",
    "user@192.0.2.1",
    "user@[IPv6:::1]",
    "user@localhost.localdomain",
    "x.REDIRECT@example.com",
    "user@-x.example",
    "a,b",
    "user\\@x@example.com",
    "(comment) user@example.com",
    "user@example.com>",
    "user)@example.com",
    "@example.com",
    "user@",
    ";",
)


def commands(addresses: Sequence[str] = ADDRESSES, mailers: Sequence[str] = ()) -> list[str]:
    """The -bt commands tried on every configuration."""
    out: list[str] = []
    for a in addresses:
        out += [f"3,0 {a}", f"/parse {a}"]
        for m in mailers:
            out.append(f"/try {m} {a}")
    out += ["/tryflags s"]
    for a in addresses[:20]:
        out += [f"/parse {a}"]
        for m in mailers[:1]:
            out.append(f"/try {m} {a}")
    out += ["/tryflags h"]
    for a in addresses[:10]:
        for m in mailers[:1]:
            out.append(f"/try {m} {a}")
    out += ["/tryflags er"]
    out += ["$j", "$m", "$w", "$k", "$v", "$n", "$Z", "$=Z"]
    out += ["=Sfinal", "=S0", "=S99", "=Snone", "=M"]
    out += [".Dxhello $j", "$x", "/canon localhost", "/canon example.com", "/canon nodot"]
    out += ["/map host localhost", "/map nosuchmap x", "/map", "/parse", "/try", "/try nosuch x"]
    out += ["nosuchruleset x", "3", "", "# comment", "/bogus", ".X", "=X", "-X"]
    # the same addresses again, then after a class changed (remembered answers must go)
    out += [f"/parse {a}" for a in addresses[:8]]
    out += [".Cw example.com sub.example.com", ".CO ,"]
    out += [f"/parse {a}" for a in addresses[:8]] + [f"3,0 {a}" for a in addresses[:8]]
    return out


def oracle_options(o: Oracle) -> list[str]:
    """-O options both sides get: hosts file only, no interface probing."""
    folder = Path(o._hosts_file()).parent
    switch = folder / "service.switch"
    if not switch.exists():
        switch.write_text("hosts\tfiles\naliases\tfiles\n")
    return [
        f"ServiceSwitchFile={switch}",
        f"HostsFile={o._hosts_file()}",
        "DontProbeInterfaces=True",
        "ResolverOptions=-DNSRCH -DEFNAMES",
    ]


def run_real(o: Oracle, cf: Path, cmds: Sequence[str], options: Sequence[str]) -> str:
    args = [str(o.sendmail), "-C", str(cf)]
    for opt in options:
        args += ["-O", opt]
    cmd = o.wrap([*args, "-bt"])
    p = subprocess.run(
        cmd,
        input="".join(c + "\n" for c in cmds).encode("latin-1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=600,
    )
    out = p.stdout.decode("latin-1")
    import re

    out = re.sub(r"WARNING: World writable directory [^\n]*\n", "", out)
    return out


def run_ours(o: Oracle, cf: Path, cmds: Sequence[str], options: Sequence[str]) -> str:
    args = [sys.executable, "-m", "sendmailcfg", "bt", "-C", str(cf)]
    for opt in options:
        args += ["-O", opt]
    args += ["--hostname", ORACLE_HOST, "--hosts", o._hosts_file()]
    p = subprocess.run(
        args,
        input="".join(c + "\n" for c in cmds).encode("latin-1"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        timeout=600,
    )
    return p.stdout.decode("latin-1")


def first_difference(a: str, b: str, context: int = 6) -> str | None:
    """None when equal, else the first differing lines with context."""
    al, bl = a.splitlines(), b.splitlines()
    for i in range(max(len(al), len(bl))):
        x = al[i] if i < len(al) else "<end>"
        y = bl[i] if i < len(bl) else "<end>"
        if x != y:
            lo = max(0, i - context)
            before = "\n".join(al[lo:i])
            return f"line {i + 1}:\n{before}\n- sendmail: {x}\n+ bt:       {y}"
    return None
