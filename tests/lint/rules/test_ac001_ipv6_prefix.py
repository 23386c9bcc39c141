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
