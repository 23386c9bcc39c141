"""Inline suppression: same line, next line, whole file; .mc dnl and map # comments."""

from __future__ import annotations

import pytest

from sendmailcfg.lint import lint_text

MC_BAD = "MAILER(`smtp')dnl\nFEATURE(`mailertable')dnl\n"


def rules(text: str, kind: str) -> list[tuple[int, str]]:
    return [
        (f.line, f.rule) for f in lint_text(text, kind) if f.rule in ("MC003", "MC004", "MT001")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (MC_BAD, [(1, "MC004"), (2, "MC003")]),
        (
            "MAILER(`smtp')dnl\nFEATURE(`mailertable')dnl sendmailcfg: disable=MC003\n",
            [(1, "MC004")],
        ),
        (
            "MAILER(`smtp')dnl\ndnl sendmailcfg: disable=MC003\nFEATURE(`mailertable')dnl\n",
            [(1, "MC004")],
        ),
        ("dnl sendmailcfg: disable-file=MC003,MC004\n" + MC_BAD, []),
        (MC_BAD + "dnl sendmailcfg: disable-file=all\n", []),
        (MC_BAD + "dnl sendmailcfg: disable-file=mc-order\n", [(2, "MC003")]),
        ("MAILER(`smtp')dnl\nFEATURE(`mailertable')dnl sendmailcfg: disable=MC\n", [(1, "MC004")]),
        (
            "MAILER(`smtp')dnl\nFEATURE(`x')dnl sendmailcfg: disable=MC001\n",
            [(1, "MC004"), (2, "MC003")],
        ),
    ],
)
def test_mc_suppression(text: str, expected: list[tuple[int, str]]) -> None:
    assert rules(text, "mc") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (".a smtp:[x]\n.b smtp:[y]\n", [(1, "MT001"), (2, "MT001")]),
        ("# sendmailcfg: disable=MT001\n.a smtp:[x]\n.b smtp:[y]\n", [(3, "MT001")]),
        (".a smtp:[x]\n# sendmailcfg: disable-file=MT001\n.b smtp:[y]\n", []),
        ("#sendmailcfg: disable=mt-dot-without-bare\n.a smtp:[x]\n", []),
        (".a smtp:[x] # sendmailcfg: disable=MT001\n", [(1, "MT001")]),  # part of the value
    ],
)
def test_map_suppression(text: str, expected: list[tuple[int, str]]) -> None:
    assert rules(text, "mailertable") == expected


def test_a_reason_after_the_ids_is_not_an_id() -> None:
    text = "MAILER(`smtp')dnl\nFEATURE(`x')dnl sendmailcfg: disable=MC003 for all hosts\n"
    assert rules(text, "mc") == [(1, "MC004")]
    text = MC_BAD + "dnl sendmailcfg: disable-file=MC003, MC002 as all of it is fine\n"
    assert rules(text, "mc") == [(1, "MC004")]
