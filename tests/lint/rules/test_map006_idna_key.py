import shutil

import pytest

from sendmailcfg.lint.config import LintConfig
from sendmailcfg.lint.engine import lint_text
from sendmailcfg.lint.fixing import fixed_text
from tests import oracle as oracle_mod
from tests.lint.helpers import one

TABLE = [
    ("例え.jp smtp:[mx]\n", "mailertable", [(1, 1)]),
    (".例え.jp smtp:[mx]\n", "mailertable", [(1, 1)]),
    ("xn--r8jz45g.jp smtp:[mx]\n", "mailertable", []),
    ("# 例え.jp smtp:[mx]\nexample.jp smtp:[mx]\n", "mailertable", []),
    ("user@Bücher.example bob\n", "virtusertable", [(1, 6)]),
    ("To:例え.jp RELAY\n", "access", [(1, 4)]),
    ("example.jp 例え\n", "mailertable", []),  # values are not keys
]


@pytest.mark.parametrize(("text", "kind", "expected"), TABLE)
def test_map006(text: str, kind: str, expected: list[tuple[int, int]]) -> None:
    assert one("MAP006", text, kind) == expected


def test_map006_fix_is_unsafe_and_writes_the_a_label() -> None:
    text = "# routes\n.例え.jp\tsmtp:[mx]\n"
    (f,) = lint_text(text, "mailertable", config=LintConfig(select=("MAP006",)))
    assert f.fix is None and f.unsafe_fix is not None
    assert fixed_text(text, "mailertable", [f]) is None
    assert fixed_text(text, "mailertable", [f], unsafe=True) == (
        "# routes\n.xn--r8jz45g.jp\tsmtp:[mx]\n"
    )


@pytest.mark.oracle
def test_map006_sendmail_does_not_convert(oracle: oracle_mod.Oracle) -> None:
    """Real sendmail: an A-label address misses a U-label key and meets the fixed key."""
    from tests.test_mailertable_oracle import Setup

    root = oracle_mod.workdir()
    try:
        setup = Setup(oracle, root / "plain", "")
        text = "例え.jp\tsmtp:[mx.example]\n"
        ((missed, _),) = setup.ask(text, ["u@xn--r8jz45g.jp"])
        assert missed[1] != "[mx.example]"
        (f,) = lint_text(text, "mailertable", config=LintConfig(select=("MAP006",)))
        fixed = fixed_text(text, "mailertable", [f], unsafe=True)
        assert fixed is not None
        ((hit, _),) = setup.ask(fixed, ["u@xn--r8jz45g.jp"])
        assert hit[:2] == ("smtp", "[mx.example]")
    finally:
        shutil.rmtree(root, ignore_errors=True)
