from pathlib import Path

import pytest

from tests.lint.helpers import folder, where

TABLE = [
    ("LOCAL_DOMAIN(`example.com')dnl\n", {}, "example.org esmtp:[mx]\n", []),
    ("LOCAL_DOMAIN(`example.com')dnl\n", {}, "Example.COM esmtp:[mx]\n", [("mailertable", 1, 1)]),
    (
        "FEATURE(`use_cw_file')dnl\n",
        {"local-host-names": "example.com\n"},
        "example.com esmtp:[mx]\n.example.com esmtp:[mx]\n",
        [("mailertable", 1, 1)],
    ),
    ("FEATURE(`use_cw_file')dnl\n", {}, "example.com esmtp:[mx]\n", []),  # {w} unknown
    ("LOCAL_CONFIG\nCwexample.com\n", {}, "example.com esmtp:[mx]\n", [("mailertable", 1, 1)]),
]


@pytest.mark.parametrize(("mc", "others", "table", "expected"), TABLE)
def test_mt006(
    tmp_path: Path,
    mc: str,
    others: dict[str, str],
    table: str,
    expected: list[tuple[str, int, int]],
) -> None:
    files: dict[str, str | bytes] = {"sendmail.mc": mc, "mailertable": table, **others}
    assert where(folder("MT006", tmp_path, files)) == expected
