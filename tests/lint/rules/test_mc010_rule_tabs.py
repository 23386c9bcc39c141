import pytest

from tests.lint.helpers import one

GOOD = "LOCAL_RULE_0\nR$* < @ ex.com . > $*\t$#esmtp $@ [mx] $: $1\n"
TABLE = [
    (GOOD, []),
    ("LOCAL_CONFIG\nRfoo bar\n", []),  # not a rule section
    ("LOCAL_RULE_0\nR$* < @ ex.com . > $*    $#esmtp $@ [mx] $: $1\n", [(2, 22)]),
    ("LOCAL_RULESETS\nSLocal_check_rcpt\nR$*  $: $1\n", [(3, 4)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc010(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC010", text, "mc") == expected


def test_mc010_continuation_lines() -> None:
    # sendmail's knecht.mc: the RHS is on a continuation line that starts with TABs
    text = "LOCAL_RULESETS\nSCheck\nR$* ...... $*\n\t\t\t$#error $: 554 bad\n"
    assert one("MC010", text, "mc") == []
