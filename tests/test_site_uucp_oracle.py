"""UUCP addresses against real sendmail 8.17: what the model answers, and what it refuses.

The cf package's rules treat ``host!user`` and ``user@host.UUCP`` as UUCP unless
``FEATURE(`nouucp')``: ruleset 3 turns a bang path into ``user<@host.UUCP>``, and
ruleset 0 sends it to UUCP_RELAY, with ``uucp-old`` (``MAILER(uucp)``), or as
``host!user@$j`` through esmtp. The model does not follow that: it refuses these
addresses and points at the ``.cf`` engine. With ``nouucp`` a ``.UUCP`` host is a host
like any other, and the model answers as sendmail does.
"""

from __future__ import annotations

import shutil

import pytest

from sendmailcfg.site import load_site, route
from tests.oracle import ORACLE_HOST, Oracle, workdir
from tests.oracle.site import SiteOracle
from tests.test_site_oracle import Config, check_routes


def test_with_nouucp_uucp_hosts_route_as_sendmail(oracle: Oracle) -> None:
    cfg = Config(
        "nouucp",
        "FEATURE(`nouucp', `reject')dnl\n",
        hosts=("host.UUCP", "gw.uucp"),
    )
    assert check_routes(oracle, cfg) > 20


@pytest.mark.parametrize(
    "body", ["", "MAILER(`uucp')dnl\n", "define(`UUCP_RELAY', `uurelay.example')dnl\n"]
)
def test_without_nouucp_sendmail_rewrites_uucp_hosts_and_the_model_refuses(
    oracle: Oracle, body: str
) -> None:
    folder = workdir()
    try:
        so = SiteOracle(oracle, folder, body)
        site = load_site(folder / "sendmail.mc", hostname=ORACLE_HOST)
        for address, real in zip(
            ["ken@host.UUCP", "host!ken"], so.parse(["ken@host.UUCP", "host!ken"]), strict=True
        ):
            assert real.user is not None and real.user.startswith("host!ken"), real
            with pytest.raises(ValueError, match="route --engine cf"):
                route(site, address)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
