"""The quick getopt of the makemap command against the standard library's ``gnu_getopt``."""

from __future__ import annotations

import getopt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.cli._getopt import GetoptError, gnu_getopt

SHORT = "C:D:Nc:defi:Llorst:uvxh"
LONG = ["backend=", "help"]

WORDS = st.sampled_from(
    ["-", "--", "-r", "-rv", "-t:", "-t", ":", "-C", "/dev/null", "-Dx", "-q", "hash", "map",
     "--backend", "--backend=pure", "--back=pure", "--b", "--help", "--help=x", "--he", "--nope",
     "-cc", "-N", "x", "-Nf", "--", "-ti", "-z", "--backend="]
)  # fmt: skip


def _stdlib(args: list[str], short: str) -> object:
    try:
        return getopt.gnu_getopt(args, short, LONG)
    except getopt.GetoptError as exc:
        return ("error", exc.msg, exc.opt)


def _ours(args: list[str], short: str) -> object:
    try:
        return gnu_getopt(args, short, LONG)
    except GetoptError as exc:
        return ("error", exc.msg, exc.opt)


@given(st.lists(WORDS | st.text(max_size=6), max_size=8), st.sampled_from([SHORT, "+" + SHORT]))
def test_same_as_the_standard_library(args: list[str], short: str) -> None:
    assert _ours(args, short) == _stdlib(args, short)


@pytest.mark.parametrize("posix", ["", "1"])
def test_posixly_correct(monkeypatch: pytest.MonkeyPatch, posix: str) -> None:
    monkeypatch.setenv("POSIXLY_CORRECT", posix)
    args = ["hash", "-r", "m"]
    assert _ours(args, SHORT) == _stdlib(args, SHORT)
    assert gnu_getopt(args, SHORT)[1] == (["hash", "-r", "m"] if posix else ["hash", "m"])


def test_error_words() -> None:
    with pytest.raises(GetoptError) as exc:
        gnu_getopt(["-t"], SHORT)
    assert (exc.value.msg, exc.value.opt, str(exc.value)) == (
        "option -t requires argument",
        "t",
        "option -t requires argument",
    )
