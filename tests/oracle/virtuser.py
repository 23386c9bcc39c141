"""Ask real sendmail 8.17 what virtusertable, genericstable and domaintable do.

One .cf per feature combination (:class:`TablesOracle`) has all three
FEATUREs, ``VIRTUSER_DOMAIN``, ``GENERICS_DOMAIN`` and ``LOCAL_DOMAIN`` lines;
each case rebuilds the maps (same paths, real makemap) and asks all its
queries in one ``sendmail -bt -d60.1`` process. ``-d60.1`` prints every map
lookup (``map_lookup(virtuser, key) => value``), so a test sees each key
tried and what it found, not only the end result:

* virtusertable: ``3,0 address``; the lookups of the first Parse1, then its
  ``Recurse input:`` (the new address) or its ``$#error``;
* genericstable: ``3,MasqSMTP,MasqHdr address`` (MasqSMTP qualifies a bare
  user as ``*LOCAL*``, as the mailer's sender rulesets do);
* domaintable: ``3 address``; the one lookup of Canonify2 and the result.

Error replies are what an SMTP client sees: :meth:`TablesOracle.rcpt_replies`
talks to ``sendmail -bs``.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from tests.oracle import SEPARATOR_MAP, Oracle

HOST_NAME = "oracle.invalid"
CLASS_W = ("oracle.invalid", "localhost", "[127.0.0.1]")
"""Class ``w`` of the oracle's .cf before LOCAL_DOMAIN (printed by ``$=w``)."""
TABLES = ("virtusertable", "genericstable", "domaintable")
_LOOKUP = re.compile(r"^map_lookup\((\w+), (.*)\) => (.*) \(\d+\), ad=\d+$")
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|\S+')


@attrs.frozen
class Lookup:
    """One ``map_lookup`` line: the map, the key, the value found (None: not found)."""

    map: str
    key: str
    value: str | None


@attrs.frozen
class Answer:
    """What one query did: the lookups of the map asked about, and the outcome tokens."""

    lookups: tuple[Lookup, ...]
    result: tuple[str, ...] | None
    """Virtusertable: the Recurse input; genericstable: MasqHdr's return;
    domaintable: canonify's return."""
    error: tuple[str, tuple[str, ...]] | None = None
    """Virtusertable: ``($@ text, $: tokens)`` of an ``$#error``."""


def bt_tokens(text: str) -> tuple[str, ...]:
    """The tokens of a ``-bt`` line (printed with blanks between them)."""
    return tuple(_TOKEN.findall(text))


class TablesOracle:
    """The real rulesets for one feature combination."""

    def __init__(
        self,
        oracle: Oracle,
        workdir: Path,
        *,
        virtuser_domains: Iterable[str] = (),
        generics_domains: Iterable[str] = (),
        local_domains: Iterable[str] = (),
        features: Iterable[str] = (),
        masquerade_as: str | None = None,
    ) -> None:
        self.oracle = oracle
        self.masquerade_as = masquerade_as
        self.dir = workdir
        self.features = frozenset(features)
        self.local_domains = tuple(local_domains)
        body = ""
        for t in TABLES:
            body += f"FEATURE(`{t}', `hash -o {workdir / t}')dnl\n"
        for f in sorted(self.features):
            body += f"FEATURE(`{f}')dnl\n"
        for d in virtuser_domains:
            body += f"VIRTUSER_DOMAIN(`{d}')dnl\n"
        for d in generics_domains:
            body += f"GENERICS_DOMAIN(`{d}')dnl\n"
        for d in self.local_domains:
            body += f"LOCAL_DOMAIN(`{d}')dnl\n"
        if masquerade_as:
            body += f"MASQUERADE_AS(`{masquerade_as}')dnl\n"
        cf, err, status = oracle.mc2cf(oracle.offline_mc(workdir, body))
        if status != 0:
            raise RuntimeError(f"m4 failed: {err}")
        self.cf = workdir / "oracle.cf"
        self.cf.write_text(cf, encoding="latin-1")
        for t in TABLES:
            self.load(t, b"")

    @property
    def class_w(self) -> tuple[str, ...]:
        return CLASS_W + self.local_domains

    def load(self, table: str, source: bytes) -> None:
        """Build ``table`` from ``source`` (makemap hash) at the path the .cf names."""
        db = self.dir / f"{table}.db"
        if db.exists():
            db.unlink()
        status, msg = self.oracle.makemap([], "hash", self.dir / table, source)
        if status != 0:
            raise RuntimeError(f"makemap failed: {msg}")

    def _run(self, commands: Sequence[str]) -> list[str]:
        seq: list[str] = []
        for c in commands:
            seq += [c, f"/map {SEPARATOR_MAP} x"]
        cmd = self.oracle.wrap([str(self.oracle.sendmail), "-C", str(self.cf), "-bt", "-d60.1"])
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
        return [p.removeprefix("> ") for p in parts[: len(commands)]]

    @staticmethod
    def _lookups(chunk: str, name: str) -> tuple[Lookup, ...]:
        found = []
        for line in chunk.splitlines():
            m = _LOOKUP.match(line)
            if m and m.group(1) == name:
                value = None if m.group(3) == "NOT FOUND" else m.group(3)
                found.append(Lookup(name, m.group(2), value))
        return tuple(found)

    def virtuser(self, addresses: Sequence[str]) -> list[Answer]:
        """``3,0 address`` for each: the first Parse1's lookups and outcome."""
        answers = []
        for chunk in self._run([f"3,0 {a}" for a in addresses]):
            first, sep, _ = chunk.partition("\nRecurse            input: ")
            recurse = None
            if sep:
                recurse = bt_tokens(chunk[len(first) + len(sep) :].split("\n", 1)[0])
            error = None
            if not sep:
                m = re.search(r"(?m)^Parse1 +returns: \$# error \$@ (.*?) \$: (.*)$", first)
                if m:
                    error = ("".join(bt_tokens(m.group(1))), bt_tokens(m.group(2)))
            answers.append(Answer(self._lookups(first, "virtuser"), recurse, error))
        return answers

    def generics(self, addresses: Sequence[str]) -> list[Answer]:
        """``3,MasqSMTP,MasqHdr address`` for each: the generics lookups and the result."""
        answers = []
        for chunk in self._run([f"3,MasqSMTP,MasqHdr {a}" for a in addresses]):
            m = re.findall(r"(?m)^MasqHdr +returns: (.*)$", chunk)
            answers.append(Answer(self._lookups(chunk, "generics"), bt_tokens(m[-1])))
        return answers

    def domaintable(self, addresses: Sequence[str]) -> list[Answer]:
        """``3 address`` for each: the domaintable lookup and canonify's result."""
        answers = []
        for chunk in self._run([f"3 {a}" for a in addresses]):
            m = re.findall(r"(?m)^canonify +returns: (.*)$", chunk)
            answers.append(Answer(self._lookups(chunk, "domaintable"), bt_tokens(m[-1])))
        return answers

    def rcpt_replies(self, addresses: Sequence[str]) -> list[str]:
        """The reply to ``RCPT TO:<address>`` for each, from ``sendmail -bs``."""
        queue = self.dir / "mqueue"
        queue.mkdir(exist_ok=True)
        cmd = [str(self.oracle.sendmail), "-C", str(self.cf), "-bs", f"-OQueueDirectory={queue}"]
        p = subprocess.Popen(self.oracle.wrap(cmd), stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        assert p.stdin is not None and p.stdout is not None

        def reply() -> str:
            while True:
                line = p.stdout.readline().decode("latin-1").rstrip("\r\n")  # type: ignore[union-attr]
                if line[3:4] != "-":
                    return line

        lines = ["HELO client.invalid", f"MAIL FROM:<postmaster@{HOST_NAME}>"]
        lines += [f"RCPT TO:<{a}>" for a in addresses]
        out = [reply()]
        try:
            for line in [*lines, "QUIT"]:
                p.stdin.write(line.encode("latin-1") + b"\r\n")
                p.stdin.flush()
                out.append(reply())
        finally:
            p.stdin.close()
            p.wait(timeout=30)
        return out[3 : 3 + len(addresses)]
