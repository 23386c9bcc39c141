import pytest

from tests.lint.helpers import one

TABLE = [
    ("virtusertable", "info@example.com bob\n@example.com %1@example.net\n", []),
    ("virtusertable", "info@example.com error:nouser 550 No such user\n", []),
    ("virtusertable", "info@example.com error:5.1.1:550 No such user\n", []),
    ("virtusertable", "info@example.com bob smith\n", [(1, 18)]),
    ("virtusertable", "info@example.com error:\n", [(1, 18)]),
    ("virtusertable", "sales alice\n", [(1, 1)]),
    ("genericstable", "bob bob@example.com\nalice@ex.test al@example.com\n", []),
    ("genericstable", "bob error:nouser 550 x\n", [(1, 5)]),
    ("genericstable", "bob bob smith\n", [(1, 5)]),
    ("domaintable", "old.example new.example\n", []),
    ("domaintable", "old.example user@new.example\n", [(1, 13)]),
    ("domaintable", "old.example smtp:new.example\n", [(1, 13)]),
]


@pytest.mark.parametrize(("kind", "text", "expected"), TABLE)
def test_map005(kind: str, text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MAP005", text, kind) == expected


def test_map005_ignores_mailertable_and_access() -> None:
    assert one("MAP005", "example.com bob smith\n", "mailertable") == []
    assert one("MAP005", "example.com bob smith\n", "access") == []
