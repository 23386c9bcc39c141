import pytest

from tests.lint.helpers import one

TABLE = [
    ("FEATURE(`access_db')dnl\nFEATURE(`mailertable')dnl\n", []),
    ("FEATURE(`redirect')dnl\nFEATURE(`use_cw_file')dnl\n", []),
    ("FEATURE(`msp', `[127.0.0.1]')dnl\nFEATURE(`nullclient', `hub.example')dnl\n", []),
    ("FEATURE(`ldap_routing')dnl\n", [(1, 1)]),
    ("FEATURE(`bestmx_is_local')dnl\n", [(1, 1)]),
    ("dnl\nFEATURE(`no_such_feature')dnl\n", [(2, 1)]),
    ("MAILER(`smtp')dnl\nLOCAL_RULE_0\nR$+\t$@ $1\n", [(2, 1)]),
    ("LOCAL_RULESETS\nSLocal_check_rcpt\n", [(1, 1)]),
    ("include(`/etc/mail/m4/provider.m4')dnl\n", [(1, 1)]),
    ("include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n", []),
    ("ifelse(SITE, `a', `define(`SMART_HOST', `x')')dnl\n", [(1, 1)]),
    ("DOMAIN(`generic')dnl\nDOMAIN(`our-site')dnl\n", [(2, 1)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc017(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC017", text, "mc") == expected


def test_mc017_uucp() -> None:
    """The model routes UUCP addresses (MAILER(uucp), UUCP_RELAY, nouucp); the UUCP
    neighbours a SITECONFIG names (classes U..Z) it does not."""
    assert one("MC017", "MAILER(`smtp')dnl\nMAILER(`uucp')dnl\n", "mc") == []
    assert one("MC017", "FEATURE(`nouucp', `reject')dnl\n", "mc") == []
    assert one("MC017", "MAILER(`uucp')dnl\nSITECONFIG(`uucp.ucbvax', `ucbvax', `U')\n", "mc") == [
        (2, 1)
    ]
