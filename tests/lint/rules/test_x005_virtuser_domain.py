from pathlib import Path

import pytest

from tests.lint.helpers import folder, where

FEAT = "FEATURE(`virtusertable')dnl\n"
TABLE = [
    (FEAT + "VIRTUSER_DOMAIN(`example.com')dnl\n", {}, "info@example.com bob\n", []),
    (FEAT + "LOCAL_DOMAIN(`example.com')dnl\n", {}, "@example.com bob\n", []),
    (
        FEAT + "FEATURE(`use_cw_file')dnl\n",
        {"local-host-names": "# ours\nexample.com\n"},
        "info@example.com bob\n",
        [],
    ),
    (
        FEAT + "VIRTUSER_DOMAIN(`example.com')dnl\nFEATURE(`virtuser_entire_domain')dnl\n",
        {},
        "info@sub.example.com bob\n",
        [],
    ),
    (FEAT + "FEATURE(`use_cw_file')dnl\n", {}, "info@example.org bob\n", []),  # unknown {w}
    (
        FEAT + "VIRTUSER_DOMAIN(`example.com')dnl\n",
        {},
        "info@example.com bob\ninfo@example.org bob\n",
        [("virtusertable", 2, 6)],
    ),
    (
        FEAT + "VIRTUSER_DOMAIN_FILE(`/etc/mail/virtuser-domains')dnl\n",
        {"virtuser-domains": "example.com\n"},
        "@example.net x\n",
        [("virtusertable", 1, 2)],
    ),
]


@pytest.mark.parametrize(("mc", "others", "table", "expected"), TABLE)
def test_x005(
    tmp_path: Path,
    mc: str,
    others: dict[str, str],
    table: str,
    expected: list[tuple[str, int, int]],
) -> None:
    files: dict[str, str | bytes] = {"sendmail.mc": mc, "virtusertable": table, **others}
    assert where(folder("X005", tmp_path, files)) == expected
