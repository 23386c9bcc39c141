import pytest

from sendmailcfg.lint import lint_text
from sendmailcfg.lint.config import LintConfig
from tests.lint.helpers import one

TABLE = [
    ("Connect:192.0.2 REJECT\nConnect:10 REJECT\n", []),
    ("Connect:192.0.2.10 REJECT\n", []),
    ("Connect:10.0.0.0/8 REJECT\n", [(1, 9)]),
    ("192.0.2.0/24 REJECT\n", [(1, 1)]),
    ("Connect:IPv6:2001:db8::/32 REJECT\n", [(1, 9)]),
    ("Connect:192.0.2.0/255.255.255.0 REJECT\n", [(1, 9)]),
    ("Connect:192.0.2.1-192.0.2.9 REJECT\n", [(1, 9)]),
    ("Connect:192.168.001 RELAY\n", [(1, 9)]),
    ("Connect:10.0.0.0 REJECT\n", [(1, 9)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_ac003(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("AC003", text, "access") == expected


def test_ac003_hints_keep_the_tag_and_network_zero_is_a_warning() -> None:
    cfg = LintConfig(("AC003",))
    (f,) = lint_text("Connect:10.0.0.0/8 REJECT\n", "access", config=cfg)
    assert (f.severity, f.hint) == ("error", "write `Connect:10`")
    (g,) = lint_text("Connect:10.1.0.0 REJECT\n", "access", config=cfg)
    assert g.severity == "warning" and "Connect:10.1" in g.hint
