import pytest

from tests.lint.helpers import one

TABLE = [
    ("Connect:192.0.2 REJECT\nfrom:a@b OK\nTO:example.com RELAY\n", []),
    ("to.example.com RELAY\nfrom.example.org OK\n", []),
    ("TLS_Srv:mx.example VERIFY:128+CITag:MyCA\nMyCA:/C=US/O=Ex OK\n", []),
    ("Conect:192.0.2 REJECT\n", [(1, 1)]),
    ("Connect.bad.example REJECT\n", [(1, 8)]),
    ("Frm:spam@example.com REJECT\n", [(1, 1)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_ac004(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("AC004", text, "access") == expected
