"""The syntax tree agrees with real GNU m4 on how it reads .mc text.

With comments off (as after sendmail's cfhead.m4) and one macro ``A`` that
expands to ``[<number of arguments>]``, the output m4 gives for a text is
predicted from our tree alone: quoted strings lose one level of quotes, ``dnl``
deletes through the newline, ``A(...)`` becomes ``[n]``, everything else
(including ``#`` lines and calls of names that are not macros) is copied.
Hypothesis generates the texts; m4 is the judge.
"""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sendmailcfg.syntax.mc_nodes import (
    McArg,
    McCall,
    McDnl,
    McHashComment,
    McItem,
    McParen,
    McQuoted,
    McToken,
    McTree,
    walk,
)
from sendmailcfg.syntax.mc_parser import parse_mc_tree
from tests.oracle import Oracle

PRELUDE = "changecom()dnl\ndefine(`A', `[$#]')dnl\n"
PIECES = [
    "`", "'", "(", ")", ",", "#", "\n", " ", "\t", "dnl", "dnl ", "A", "A(", "x", "x(",
    "_y1", "1", "$", "\r",
]  # fmt: skip
texts = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


def predict(items: tuple[McItem, ...] | tuple[McArg, ...]) -> str:
    out = []
    for item in items:
        if isinstance(item, McQuoted):
            out.append(item.inner)
        elif isinstance(item, McDnl):
            continue
        elif isinstance(item, McCall):
            if item.name == "A":
                out.append(f"[{len(item.args)}]")
            else:
                out.append(item.name + "(" + ",".join(predict(a.items) for a in item.args) + ")")
        elif isinstance(item, (McParen, McHashComment, McArg)):
            out.append(predict(item.items))
        elif isinstance(item, McToken) and item.kind == "WORD" and item.text == "A":
            out.append("[0]")
        else:
            out.append(item.text)
    return "".join(out)


def complete(tree: McTree) -> bool:
    for _, node in walk(tree):
        if isinstance(node, (McQuoted, McCall, McParen)) and not node.closed:
            return False
    return True


def run_m4(text: str) -> str:
    p = subprocess.run(["m4", "-"], input=(PRELUDE + text).encode(), capture_output=True)
    assert p.returncode == 0, p.stderr
    return p.stdout.decode()


@pytest.mark.oracle
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts)
def test_tree_predicts_m4_output(oracle: Oracle, text: str) -> None:
    tree = parse_mc_tree(text)
    if not complete(tree):
        return  # m4 stops with an error on these; the tree still round-trips
    assert run_m4(text) == predict(tree.items)


@pytest.mark.oracle
@pytest.mark.parametrize(
    "text",
    [
        "# A(x, y) in a hash line\n",
        "A(dnl\n  x  ,dnl\n y)\n",
        "dnl(a,\nb) rest\nA\n",
        "123dnl hello\nA\n",
        "x(`a', (b, A(c)), 'd)\n",
        "# don't `open\nclosed' A(1,2)\n",
    ],
)
def test_known_cases(oracle: Oracle, text: str) -> None:
    assert run_m4(text) == predict(parse_mc_tree(text).items)
