import pytest

from tests.lint.helpers import one

TABLE = [
    ("Connect:IPv6:2001:db8:1 REJECT\n", []),
    ("IPv6:2001:db8:1 REJECT\n", []),
    ("Connect:192.0.2 REJECT\nexample.com RELAY\n", []),
    ("Connect:2001:db8:1 REJECT\n", [(1, 9)]),
    ("2001:db8::1 REJECT\n", [(1, 1)]),
    ("fe80::1 REJECT\n", [(1, 1)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_ac001(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("AC001", text, "access") == expected


@pytest.mark.parametrize(
    ("key", "fixed"),
    [
        ("Connect:2001:db8::1", "Connect:IPv6:2001:db8:0:0:0:0:0:1"),
        ("fe80::1", "IPv6:fe80:0:0:0:0:0:0:1"),
        ("Connect:2001:0db8:01", "Connect:IPv6:2001:db8:1"),
    ],
)
def test_ac001_hint_writes_a_key_ac002_accepts(key: str, fixed: str) -> None:
    from sendmailcfg.lint.config import LintConfig
    from sendmailcfg.lint.engine import lint_text

    config = LintConfig(select=("AC001", "AC002"))
    (f,) = lint_text(f"{key} REJECT\n", "access", path="access", config=config)
    assert f.rule == "AC001"
    assert f.hint == f"write `{fixed}`"
    assert lint_text(f"{fixed} REJECT\n", "access", path="access", config=config) == []
