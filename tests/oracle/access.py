"""Ask real sendmail 8.17 what its access-db rulesets decide (after oracle/resolve-access).

One .cf per feature combination is built once (:class:`AccessOracle`); each
case only rebuilds the map (same path) and runs all its queries in one
``sendmail -bt`` process. Connections go through a helper ruleset
(``OracleConnect``) that builds ``$&{client_name} $| $&{client_addr}`` from
macros set with ``.D`` (a typed ``$|`` is not the operator token).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from tests.oracle import Oracle

HELPER = """LOCAL_RULESETS
SOracleConnect
R$*\t\t$: $&{client_name} $| $&{client_addr}
R$*\t\t$@ $>check_relay $1
"""
LOCAL_NAMES = ("oracle.invalid", "localhost", "[127.0.0.1]")
HOST_NAME = "oracle.invalid"
_BT_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\S+')


@attrs.frozen
class Query:
    """``kind`` is connect, from or to; ``client`` is (name, addr); ``sender`` for to:."""

    kind: str
    arg: str = ""
    client: tuple[str, str] = ("client.invalid", "192.0.2.254")
    sender: str = ""


class AccessOracle:
    """The real rulesets for one feature combination (a .cf plus a map path)."""

    def __init__(
        self,
        oracle: Oracle,
        workdir: Path,
        features: Iterable[str],
        relay_domains: Iterable[str] = (),
    ) -> None:
        self.oracle = oracle
        self.dir = workdir
        self.features = frozenset(features)
        self.relay_domains = tuple(relay_domains)
        self.map = workdir / "access"
        skip = ", `skip'" if "skip" in self.features else ""
        body = f"FEATURE(`access_db', `hash -T<TMPF> -o {self.map}'{skip})dnl\n"
        body += "FEATURE(`accept_unresolvable_domains')dnl\n"
        for f in sorted(self.features - {"skip"}):
            body += f"FEATURE(`{f}')dnl\n"
        for r in self.relay_domains:
            body += f"RELAY_DOMAIN(`{r}')dnl\n"
        if "delay_checks" not in self.features:
            body += HELPER  # check_relay does not exist under delay_checks
        cf, err, status = oracle.mc2cf(oracle.offline_mc(workdir, body))
        if status != 0:
            raise RuntimeError(f"m4 failed: {err}")
        self.cf = workdir / "oracle.cf"
        self.cf.write_text(cf, encoding="latin-1")

    def load(self, source: bytes) -> None:
        """Build the map from ``source`` (makemap hash) at the path the .cf names."""
        for old in self.dir.glob("access.db"):
            old.unlink()
        status, msg = self.oracle.makemap([], "hash", self.map, source)
        if status != 0:
            raise RuntimeError(f"makemap failed: {msg}")

    def ask(self, queries: Sequence[Query]) -> list[str]:
        """The ruleset's ``returns:`` text for each query, verbatim."""
        cmds, want = [], []
        for q in queries:
            name, addr = q.client
            setup = f".D{{client_name}}{name}\n.D{{client_addr}}{addr}\n"
            if q.kind == "connect":
                name, _, addr = q.arg.partition(":")
                cmds.append(f".D{{client_name}}{name}\n.D{{client_addr}}{addr}\nOracleConnect x")
                want.append("OracleConnect")
            elif q.kind == "from":
                cmds.append(f"{setup}.Df{q.arg}\ncheck_mail <{q.arg}>")
                want.append("check_mail")
            else:
                cmds.append(f"{setup}.Df{q.sender}\ncheck_rcpt <{q.arg}>")
                want.append("check_rcpt")
        outs = self.oracle.run_bt_each(self.cf, cmds)
        results = []
        for w, out in zip(want, outs, strict=True):
            found = re.findall(rf"(?m)^{re.escape(w)}\s+returns: ?(.*)$", out)
            results.append(found[-1].strip() if found else "?? " + out.strip()[-200:])
        return results


def classify(result: str) -> tuple[str, str | None, list[str] | None]:
    """``(class, code, reply tokens)`` of a ``returns:`` text.

    class: ERROR, QUARANTINE, DISCARD, OK / RELAY (``$# OK`` from check_mail or a
    bare ``RELAY``), or ACCEPT (anything else: no error).
    """
    toks = _BT_TOKEN.findall(result)
    if toks[:2] == ["$#", "error"]:
        code: list[str] = []
        text: list[str] = []
        cur = None
        for t in toks[2:]:
            if t in ("$@", "$:"):
                cur = t
            elif cur == "$@":
                code.append(t)
            elif cur == "$:":
                text.append(t)
        if code == ["quarantine"]:
            return "QUARANTINE", None, text
        return "ERROR", "".join(code) or None, text
    if toks[:2] == ["$#", "discard"]:
        return "DISCARD", None, None
    if toks[:1] == ["$#"] and len(toks) == 2:
        return toks[1].upper(), None, None
    if len(toks) == 1 and toks[0].upper() == "RELAY":
        return "RELAY", None, None
    return "ACCEPT", None, None


def smtp_session(ao: AccessOracle, lines: Sequence[str]) -> list[str]:
    """Talk SMTP to ``sendmail -bs`` (a local client), one command at a time.

    Returns the last reply line for the greeting and for each command.
    """
    import subprocess

    queue = ao.dir / "mqueue"
    queue.mkdir(exist_ok=True)
    cmd = [str(ao.oracle.sendmail), "-C", str(ao.cf), "-bs", f"-OQueueDirectory={queue}"]
    cmd = ao.oracle.wrap(cmd)
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert p.stdin is not None and p.stdout is not None
    stdout = p.stdout

    def reply() -> str:
        while True:
            line = stdout.readline().decode("latin-1").rstrip("\r\n")
            if line[3:4] != "-":
                return line

    out = [reply()]
    try:
        for line in lines:
            p.stdin.write(line.encode("latin-1") + b"\r\n")
            p.stdin.flush()
            out.append(reply())
    finally:
        p.stdin.close()
        p.wait(timeout=30)
    return out
