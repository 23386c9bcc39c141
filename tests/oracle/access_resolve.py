"""The access oracle with what a real SMTP session sets and ``-bt`` does not by itself.

:class:`ResolvingAccessOracle` is :class:`tests.oracle.access.AccessOracle`
plus, for every from:/to: query:

* ``${client_resolve}``: sendmail's daemon.c (``getrequests``) sets it when it
  names the client: a name that starts with ``[`` (no reverse DNS) gets
  ``FAIL`` (``TEMP`` when the lookup failed with TRY_AGAIN), any other name
  ``OK``; ``FORGED`` comes from the forward check. ``-bt`` cannot show this, so
  the harness sets the status the library assumes (or the one a query names);
* the null sender: ``setsender()`` runs ``<>`` through rulesets 3, 1 and 4,
  which leave it empty, so ``$f`` is empty in SMTP (``.Df<>`` in ``-bt`` is not
  what a session has; ``sendmail -bs`` accepts ``MAIL FROM:<>`` under
  delay_checks, see tests/test_access_oracle.py);
* extra names in class ``w`` (``LOCAL_DOMAIN``), for blocklist_recipients.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path

import attrs

from tests.oracle import Oracle
from tests.oracle.access import HELPER, AccessOracle, Query


@attrs.frozen
class ResolvedQuery(Query):
    """A :class:`Query` with the client's resolve status (None: the daemon.c default)."""

    resolve: str | None = None


def default_resolve(name: str) -> str:
    """``${client_resolve}`` as daemon.c sets it for a client named ``name``."""
    return "FAIL" if name.startswith("[") else "OK"


class ResolvingAccessOracle(AccessOracle):
    """:class:`AccessOracle` that sets ``${client_resolve}`` and an SMTP-like ``$f``."""

    def __init__(
        self,
        oracle: Oracle,
        workdir: Path,
        features: Iterable[str],
        relay_domains: Iterable[str] = (),
        local_domains: Iterable[str] = (),
    ) -> None:
        super().__init__(oracle, workdir, features, relay_domains)
        self.local_domains = tuple(local_domains)
        if self.local_domains:
            skip = ", `skip'" if "skip" in self.features else ""
            body = f"FEATURE(`access_db', `hash -T<TMPF> -o {self.map}'{skip})dnl\n"
            body += "FEATURE(`accept_unresolvable_domains')dnl\n"
            for f in sorted(self.features - {"skip"}):
                body += f"FEATURE(`{f}')dnl\n"
            for r in self.relay_domains:
                body += f"RELAY_DOMAIN(`{r}')dnl\n"
            for d in self.local_domains:
                body += f"LOCAL_DOMAIN(`{d}')dnl\n"
            if "delay_checks" not in self.features:
                body += HELPER
            cf, err, status = oracle.mc2cf(oracle.offline_mc(workdir, body))
            if status != 0:
                raise RuntimeError(f"m4 failed: {err}")
            self.cf.write_text(cf, encoding="latin-1")

    def ask(self, queries: Sequence[Query]) -> list[str]:
        """Like :meth:`AccessOracle.ask`, with ``${client_resolve}`` and ``$f`` set."""
        cmds, want = [], []
        for q in queries:
            name, addr = q.client
            resolve = getattr(q, "resolve", None) or default_resolve(name)
            setup = f".D{{client_name}}{name}\n.D{{client_addr}}{addr}\n"
            setup += f".D{{client_resolve}}{resolve}\n"
            if q.kind == "connect":
                name, _, addr = q.arg.partition(":")
                cmds.append(f".D{{client_name}}{name}\n.D{{client_addr}}{addr}\nOracleConnect x")
                want.append("OracleConnect")
            elif q.kind == "from":
                f = "" if q.arg.strip() in ("", "<>") else q.arg
                cmds.append(f"{setup}.Df{f}\ncheck_mail <{q.arg}>")
                want.append("check_mail")
            else:
                f = "" if q.sender.strip() in ("", "<>") else q.sender
                cmds.append(f"{setup}.Df{f}\ncheck_rcpt <{q.arg}>")
                want.append("check_rcpt")
        outs = self.oracle.run_bt_each(self.cf, cmds)
        results = []
        for w, out in zip(want, outs, strict=True):
            found = re.findall(rf"(?m)^{re.escape(w)}\s+returns: ?(.*)$", out)
            results.append(found[-1].strip() if found else "?? " + out.strip()[-200:])
        return results
