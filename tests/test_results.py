"""Every resolution type owns its words and its JSON: ``as_json()``, ``summary()``,
``explain()`` (the CLI only prints them)."""

from __future__ import annotations

import json

from sendmailcfg.maps.access import AccessDocument
from sendmailcfg.maps.access.rules import AccessQueryError, ask
from sendmailcfg.maps.domaintable import DomaintableDocument
from sendmailcfg.maps.genericstable import GenericstableDocument
from sendmailcfg.maps.mailertable import MailertableDocument
from sendmailcfg.maps.virtusertable import VirtusertableDocument
from sendmailcfg.site import Site, route, sender


def _each() -> list[tuple[str, object]]:
    v = VirtusertableDocument.from_text(
        "info@example.com\tken\n@example.com\terror:nouser 550 No\n"
    )
    g = GenericstableDocument.from_text("ken\tken.ito@example.com\n")
    d = DomaintableDocument.from_text("old.example\tnew.example\n")
    m = MailertableDocument.from_text(".example.net\tsmtp:[mx.example.net]\n")
    a = AccessDocument.from_text("Connect:192.0.2.7\tREJECT\n")
    site = Site.from_text("MAILER(`local')dnl\nMAILER(`smtp')dnl\n", hostname="h.example.org")
    return [
        ("u@example.com", v.resolve("u@example.com", virtuser_domains=["example.com"])),
        ("ken@h.example", g.rewrite("ken@h.example", generics_domains=["h.example"])),
        ("u@old.example", d.rewrite("u@old.example")),
        ("u@a.example.net", m.resolve("u@a.example.net")),
        ("connect:x.test:192.0.2.7", ask(a, "connect:x.test:192.0.2.7")),
        ("ken@elsewhere.example", route(site, "ken@elsewhere.example")),
        ("ken", sender(site, "ken")),
    ]


def test_every_result_has_its_words_and_json() -> None:
    for query, r in _each():
        summary = r.summary(query) if _takes_query(r) else r.summary()  # type: ignore[attr-defined]
        data = r.as_json(query) if _takes_query(r) else r.as_json()  # type: ignore[attr-defined]
        explained = r.explain(query) if type(r).__name__ == "AccessDecision" else r.explain()  # type: ignore[attr-defined]
        assert summary.startswith(query) and "\n" not in summary
        assert explained.startswith(query)
        assert json.loads(json.dumps(data)) == data
        assert query in json.dumps(data)


def _takes_query(r: object) -> bool:
    return type(r).__name__ not in ("Delivery", "SenderForms")


def test_the_access_query_grammar_lives_below_the_cli() -> None:
    a = AccessDocument.from_text("From:spam.test\tREJECT\n")
    assert ask(a, "from:x@spam.test").action == "REJECT"
    try:
        ask(a, "helo:x")
    except AccessQueryError as exc:
        assert "expected connect:NAME:ADDR, from:ADDRESS or to:ADDRESS" in str(exc)
    else:
        raise AssertionError("no error")


def test_the_authinfo_and_engine_answers_own_their_words_too() -> None:
    """``AuthinfoResolution`` and the ``.cf`` engine's ``CfAccessDecision`` (the CLI used
    to write the latter's lines itself)."""
    from sendmailcfg.maps.authinfo import AuthinfoDocument
    from sendmailcfg.site.cfengine import CfAccessDecision
    from sendmailcfg.site.delivery import Step

    doc = AuthinfoDocument.from_text('AuthInfo:relay.example "U:ken" "P:secret" "M:PLAIN"\n')
    r = doc.lookup("relay.example")
    assert r.summary() == r.explain().splitlines()[0]
    assert r.summary().startswith("relay.example -> AUTH as ken") and "secret" not in r.summary()
    assert json.loads(json.dumps(r.as_json())) == r.as_json()
    d = CfAccessDecision(
        "to",
        "REJECT",
        "5.7.1",
        "550 no",
        "spam.test",
        3,
        ("To:spam.test",),
        "check_rcpt",
        "$#error",
        (Step("To:spam.test -> REJECT"),),
    )
    assert (
        d.summary("to:x@spam.test") == "to:x@spam.test -> REJECT 5.7.1 550 no (line 3: spam.test)"
    )
    assert d.explain("to:x@spam.test").splitlines()[1] == "  To:spam.test -> REJECT"
    assert d.as_json("to:x@spam.test")["engine"] == "cf"
