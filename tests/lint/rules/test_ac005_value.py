import pytest

from sendmailcfg.lint import lint_text
from sendmailcfg.lint.config import LintConfig
from tests.lint.helpers import one

GOOD = [
    "Connect:192.0.2 REJECT\n",
    "Connect:192.0.2 reject\n",
    "From:a@b OK\nTo:example.com RELAY\nFrom:x DISCARD\n",
    'From:x ERROR:5.7.1:550 Go away\nFrom:y ERROR:"553 bad sender"\n',
    "From:q QUARANTINE:held for review\n",
    "Spam:example.com FRIEND\n",
    "GreetPause:localhost 5000\nClientRate:192.0.2 10\n",
    "TLS_Srv:mx.example VERIFY:128\n",
    'AuthInfo:relay.example "U:me" "P:secret" "M:PLAIN"\n',
    "QGRP:example.com slowq\n",
    "Connect:x REJECT\r\n",
    'To:x ERROR:450 later\nFrom:y ERROR:"421 come back"\n',  # sendmail adds 4.0.0
]

BAD = [
    ("Connect:192.0.2 RELAYY\n", [(1, 17)]),
    ("From:x ERROR:go away\n", [(1, 8)]),
    ("To:x ERROR:5.7.1:450 later\n", [(1, 6)]),
    ("x 550 no\n", [(1, 3)]),
    ("From:q QUARANTINE:\n", [(1, 8)]),
    ("Spam:example.com FRIENDLY\n", [(1, 18)]),
    ("GreetPause:localhost five\n", [(1, 22)]),
    ("TLS_Srv:mx.example YES\n", [(1, 20)]),
    ("AuthInfo:relay.example `U:me' `P:x'\n", [(1, 24)]),
]


@pytest.mark.parametrize("text", GOOD)
def test_ac005_good(text: str) -> None:
    assert one("AC005", text, "access") == []


@pytest.mark.parametrize(("text", "expected"), BAD)
def test_ac005_bad(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("AC005", text, "access") == expected


def test_ac005_did_you_mean_and_warning_severity() -> None:
    cfg = LintConfig(("AC005",))
    (f,) = lint_text("Connect:192.0.2 RELAYY\n", "access", config=cfg)
    assert f.hint == "did you mean RELAY?" and f.severity == "error"
    (g,) = lint_text("x 550 no\n", "access", config=cfg)
    assert g.severity == "warning" and g.hint == "write `ERROR:550 no`"
