from pathlib import Path

import pytest

from tests.lint.helpers import folder, where

ETC = {"aliases": ""}  # makes the folder look like /etc/mail

TABLE = [
    ("FEATURE(`mailertable')dnl\n", {"mailertable": "a smtp:[b]\n"}, []),
    ("FEATURE(`mailertable')dnl\n", {"mailertable.db": b""}, []),
    ("FEATURE(`mailertable', `hash -o /etc/mail/mt')dnl\n", {"mt": "a smtp:[b]\n"}, []),
    ("FEATURE(`mailertable', `LDAP')dnl\n", {}, []),
    ("FEATURE(`access_db', `ldap -1 -T<TMPF> -v x')dnl\n", {}, []),
    ("FEATURE(`mailertable')dnl\n", ETC, [("sendmail.mc", 1, 1)]),
    ("FEATURE(`mailertable')dnl\n", {}, []),  # a lone .mc (a repository, a build context)
    ("FEATURE(`mailertable', `hash -o /etc/mail/mailertable.db')dnl\n", ETC, []),  # RHEL
    (
        "FEATURE(`mailertable', `hash /etc/mail/mt.db')dnl\n",
        {"mailertable": "a smtp:[b]\n"},
        [("sendmail.mc", 1, 1)],
    ),
    ("FEATURE(`access_db', , `skip')dnl\n", ETC, [("sendmail.mc", 1, 1)]),
]


@pytest.mark.parametrize(("mc", "others", "expected"), TABLE)
def test_x002(
    tmp_path: Path,
    mc: str,
    others: dict[str, str | bytes],
    expected: list[tuple[str, int, int]],
) -> None:
    assert where(folder("X002", tmp_path, {"sendmail.mc": mc, **others})) == expected
