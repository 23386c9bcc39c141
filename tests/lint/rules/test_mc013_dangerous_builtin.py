import pytest

from tests.lint.helpers import one

TABLE = [
    ("include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n", []),
    ("include(`/etc/mail/m4/dialup.m4')dnl\n", []),
    ("divert(-1)\nundivert(1)\n", []),
    ("esyscmd(`id')dnl\n", [(1, 1)]),
    ("define(`X', syscmd(`id'))dnl\n", [(1, 13)]),
    ("include(`/home/user/extra.m4')dnl\n", [(1, 1)]),
    ("changequote([,])dnl\n", [(1, 1)]),
    # issue 26: what the locked m4 run refuses, lint reports
    ("define(`Q', defn(`esyscmd'))Q(`id')\n", [(1, 13)]),
    ("pushdef(`Q', defn(`include'))dnl\n", [(1, 14)]),
    ("define(`Q', defn(`confFOO'))dnl\n", []),
    ("FEATURE(`../../../tmp/x')dnl\n", [(1, 1)]),
    ("OSTYPE(`/tmp/x')dnl\n", [(1, 1)]),
    ("DOMAIN(`../x')dnl\nHACK(`a/b')dnl\nMAILER(`./x')dnl\n", [(1, 1), (2, 1), (3, 1)]),
    ("SITECONFIG(`../x', `a', `U')dnl\n", [(1, 1)]),
    ("OSTYPE(`linux')dnl\nFEATURE(`access_db')dnl\nMAILER(`smtp')dnl\n", []),
    ("dnl FEATURE(`../x')\n", []),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc013(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC013", text, "mc") == expected


@pytest.mark.parametrize(
    "target",
    [
        "/etc/mail/../shadow",
        "./etc/mail/x.m4",
        "/tmp/evil.m4",
        "/usr/share/sendmail/cf/m4/../../../../etc/shadow",
        "/etc/mail/m4/../../shadow",
        "/usr/share/sendmail/cf/feature/../../../../tmp/x.m4",
        "@@PATH@@/m4/cf.m4",
        "/usr/share/sendmail/cf/m4/sub/x.m4",
    ],
)
def test_mc013_untrusted_includes_are_errors(target: str) -> None:
    from sendmailcfg.lint import LintConfig, lint_text

    for macro in ("include", "sinclude"):
        text = f"{macro}(`{target}')dnl\n"
        found = lint_text(text, "mc", config=LintConfig(("MC013",)))
        assert [(f.rule, f.severity) for f in found] == [("MC013", "error")], text


@pytest.mark.parametrize(
    "target",
    [
        "/usr/share/sendmail/cf/m4/cf.m4",
        "/usr/share/sendmail-cf/m4/cf.m4",
        "/usr/share/sendmail/cf//m4/./cf.m4",
        "../m4/cf.m4",
        "/etc/mail/m4/dialup.m4",
        "/etc/mail/m4/provider.m4",
    ],
)
def test_mc013_the_cf_package_is_trusted(target: str) -> None:
    assert one("MC013", f"include(`{target}')dnl\n", "mc") == []


def test_mc013_configured_cf_dir(tmp_path: object) -> None:
    from sendmailcfg.lint import LintConfig, lint_text

    text = "include(`/opt/sm/cf/m4/cf.m4')dnl\n"
    assert lint_text(text, "mc", config=LintConfig(("MC013",), cf_dir="/opt/sm/cf")) == []
    assert len(lint_text(text, "mc", config=LintConfig(("MC013",)))) == 1
    other = "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n"  # not the configured one
    assert len(lint_text(other, "mc", config=LintConfig(("MC013",), cf_dir="/opt/sm/cf"))) == 1


def test_mc013_redefining_a_builtin() -> None:
    assert one("MC013", "undefine(`dnl')\n", "mc") == [(1, 1)]
    assert one("MC013", "define(`include', `x')dnl\n", "mc") == [(1, 1)]
