import pytest

from tests.lint.helpers import one

TABLE = [
    ("a.example smtp:[mx.example.net]\n", []),
    ("a.example esmtp:mx1.example.net:mx2.example.net\n", []),
    ("a.example local:\nb.example local:bob\n", []),
    ("a.example error:5.1.1:550 User unknown\nb.example error:nouser No such user\n", []),
    ("a.example smtp:fred@relay.example\n", []),
    ("a.example smtp:[mx]\r\n", []),
    ("a.example relay.example.net\n", [(1, 11)]),
    ("a.example [10.0.0.1]\n", [(1, 11)]),
    ("a.example smtp:\n", [(1, 11)]),
    ("a.example error:\n", [(1, 11)]),
    ("a.example smtp:mx1 mx2\n", [(1, 16)]),
]


@pytest.mark.parametrize(("text", "expected"), TABLE)
def test_mt002(text: str, expected: list[tuple[int, int]]) -> None:
    assert one("MT002", text, "mailertable") == expected


def test_mt002_error_status_and_code_disagree() -> None:
    from sendmailcfg.lint import LintConfig, lint_text

    found = lint_text(
        "a.example error:5.1.1:450 try later\n", "mailertable", config=LintConfig(("MT002",))
    )
    assert [(f.line, f.severity) for f in found] == [(1, "warning")]
    assert one("MT002", "a.example error:4.2.2:450 full\n", "mailertable") == []


def test_mt002_mailer_must_be_one_token() -> None:
    # "relay.example:smtp" tokenizes as relay . example : smtp -- not TOKEN:...
    assert one("MT002", "a.example relay.example:smtp\n", "mailertable") == [(1, 11)]


def test_mt002_trailing_blank_is_no_error() -> None:
    assert one("MT002", "a.example smtp:[mx.example] \n", "mailertable") == []
    assert one("MT002", "a.example smtp:[mx.example]\t \n", "mailertable") == []


@pytest.mark.oracle
def test_mt002_trailing_blank_is_routed_by_sendmail(oracle: object) -> None:
    """Real sendmail routes `smtp:[x] ` (a trailing blank) to [x], as MT002 now says."""
    import shutil

    from tests import oracle as oracle_mod
    from tests.test_mailertable_oracle import Setup

    assert isinstance(oracle, oracle_mod.Oracle)
    root = oracle_mod.workdir()
    try:
        setup = Setup(oracle, root / "plain", "")
        ((triple, _tried),) = setup.ask("a.example smtp:[mx.example] \n", ["u@a.example"])
        assert triple[:2] == ("smtp", "[mx.example]")
    finally:
        shutil.rmtree(root, ignore_errors=True)
