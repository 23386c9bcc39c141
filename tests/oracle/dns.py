"""``sendmail -bt`` with a DNS server of our own: what FEATURE(`dnsbl') really asks.

sendmail's ``dns`` map class (``dnsbl``, ``enhdnsbl``) asks DNS through the resolver
library and ignores the hosts file. :func:`run_bt_each_with_dns` runs sendmail in its
own network namespace (loopback only) where ``/etc/resolv.conf`` names 127.0.0.1 and
:func:`serve` (this module run as a script) answers A queries from a zone given as
``NAME ADDRESS`` lines (NXDOMAIN for every other name): a DNSBL listing is a line
``7.2.0.192.bl.example 127.0.0.2``. Needs root (or user namespaces), like the
harness's own namespace (:meth:`tests.oracle.Oracle.wrap`).
"""

from __future__ import annotations

import re
import socket
import struct
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from tests.oracle import ORACLE_HOST, SEPARATOR_MAP, Oracle

_SCRIPT = r"""
ip link set lo up || exit 97
mount --bind "$1" /etc/hosts || exit 97
mount --bind "$2" /etc/resolv.conf || exit 97
hostname "$3"
"$4" "$5" "$6" "$7" </dev/null &
server=$!
while [ ! -s "$7" ]; do sleep 0.02; done
shift 7
"$@"
status=$?
kill $server
exit $status
"""


def can_run() -> bool:
    """True when a network + mount + UTS namespace can be made here."""
    try:
        p = subprocess.run(
            ["unshare", "-n", "-m", "-u", "sh", "-c", "ip link set lo up"],
            capture_output=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return p.returncode == 0


def run_bt_each_with_dns(
    oracle: Oracle, cf: Path, commands: Sequence[str], zone: Mapping[str, str]
) -> list[str]:
    """Like :meth:`Oracle.run_bt_each`, with DNS answering from ``zone`` (name → IPv4)."""
    seq: list[str] = []
    for c in commands:
        seq += [c, f"/map {SEPARATOR_MAP} x"]
    with tempfile.TemporaryDirectory(prefix="smoracle-dns.") as tmp:
        folder = Path(tmp)
        (folder / "hosts").write_text(f"127.0.0.1\tlocalhost {ORACLE_HOST}\n")
        (folder / "resolv.conf").write_text("nameserver 127.0.0.1\noptions attempts:1\n")
        (folder / "zone").write_text("".join(f"{k.rstrip('.')} {v}\n" for k, v in zone.items()))
        cmd = [
            "unshare", "-n", "-m", "-u", "sh", "-c", _SCRIPT, "sh",
            str(folder / "hosts"), str(folder / "resolv.conf"), ORACLE_HOST,
            sys.executable, __file__, str(folder / "zone"), str(folder / "ready"),
            str(oracle.sendmail), "-C", str(cf), "-bt",
        ]  # fmt: skip
        p = subprocess.run(
            cmd,
            input="".join(c + "\n" for c in seq).encode("latin-1"),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=300,
        )
    out = p.stdout.decode("latin-1")
    out = re.sub(r"(?m)^WARNING: World writable directory [^\n]*\n", "", out)
    _, _, rest = out.partition("Enter <ruleset> <address>\n")
    parts = re.split(f'Map named "{SEPARATOR_MAP}" not found\n', rest)
    res = []
    for part in parts[: len(commands)]:
        while part.startswith("> "):
            part = part[2:]
        res.append(part)
    if len(res) != len(commands):
        raise RuntimeError(f"sendmail -bt with DNS failed ({p.returncode}): {out[-500:]}")
    return res


def _name(packet: bytes, i: int) -> tuple[str, int]:
    labels = []
    while packet[i]:
        n = packet[i]
        labels.append(packet[i + 1 : i + 1 + n].decode("latin-1"))
        i += 1 + n
    return ".".join(labels), i + 1


def answer(packet: bytes, zone: Mapping[str, str]) -> bytes:
    """The reply to one query: the A record of ``zone`` (lower-case names), NXDOMAIN for
    a name it does not hold, no answer for other types of a name it holds."""
    qid, _flags = struct.unpack("!HH", packet[:4])
    name, end = _name(packet, 12)
    qtype, _qclass = struct.unpack("!HH", packet[end : end + 4])
    question = packet[12 : end + 4]
    addr = zone.get(name.lower().rstrip("."))
    if addr is None:
        return struct.pack("!HHHHHH", qid, 0x8183, 1, 0, 0, 0) + question
    if qtype != 1:
        return struct.pack("!HHHHHH", qid, 0x8180, 1, 0, 0, 0) + question
    rr = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(addr)
    return struct.pack("!HHHHHH", qid, 0x8180, 1, 1, 0, 0) + question + rr


def serve(zone_file: str, ready: str) -> None:
    """Answer DNS queries on 127.0.0.1:53 (UDP) until killed."""
    zone = {}
    for line in Path(zone_file).read_text().splitlines():
        if line.strip():
            k, v = line.split()
            zone[k.lower()] = v
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 53))
    Path(ready).write_text("ready\n")
    while True:
        packet, peer = sock.recvfrom(4096)
        try:
            sock.sendto(answer(packet, zone), peer)
        except (struct.error, IndexError, UnicodeDecodeError):
            continue


if __name__ == "__main__":
    serve(sys.argv[1], sys.argv[2])
