import pytest

from tests.lint.helpers import one

TABLE = [
    ("define(`SMART_HOST', `relay.example.net')dnl\n", []),
    ("dnl “typographic” quotes in a dnl comment are harmless\n", []),
    ("define(`confSMTP_LOGIN_MSG', `$j \"hello\"')dnl\n", []),
    ("define(\u201cSMART_HOST\u201d, `x')dnl\n", [(1, 8), (1, 19)]),
    ('define("SMART_HOST", `x\')dnl\n', [(1, 8)]),
    ("FEATURE(&#96;mailertable&#39;)dnl\n", [(1, 9), (1, 25)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mc002(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MC002", text, "mc") == expected


def test_mc002_apostrophe_inside_quoted_text_is_fine() -> None:
    assert one("MC002", "VERSIONID(`J\u00fcrgen\u2019s config')dnl\n", "mc") == []


def test_mc002_names_text_entities_and_reads_right() -> None:
    from sendmailcfg.lint import LintConfig, lint_text

    text = "FEATURE(`access_db', `hash -T&lt;TMPF&gt; /etc/mail/access')dnl\n"
    found = lint_text(text, "mc", config=LintConfig(("MC002", "MC014")))
    assert [(f.rule, f.column, f.hint) for f in found] == [
        ("MC002", 30, "write < instead of &lt;"),
        ("MC002", 38, "write > instead of &gt;"),
    ]  # not again as "access_db spec without -T<TMPF>" (MC014)
    (f, g) = lint_text("FEATURE(&#96;mailertable&#39;)dnl\n", "mc", config=LintConfig(("MC002",)))
    assert (f.hint, g.hint) == ("write ` instead of &#96;", "write ' instead of &#39;")


@pytest.mark.parametrize(
    "text",
    [
        "define('ALIAS_FILE', '/etc/aliases')dnl\n",
        "define(&#96;confFOO', &#96;x')dnl\n",
        "define(\u2018SMART_HOST\u2019, `x')dnl\n",
    ],
)
def test_one_mistake_one_finding(text: str) -> None:
    """A mis-quoted define is reported by one quote rule, not again as an unknown macro."""
    from sendmailcfg.lint import lint_text

    rules = [f.rule for f in lint_text(text, "mc") if f.severity != "info"]
    assert len(set(rules)) == 1 and rules[0] in ("MC001", "MC002"), rules
    assert "MC006" not in rules
