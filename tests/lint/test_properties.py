"""Lint never raises, whatever the text, for every kind (hypothesis)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sendmailcfg.lint import lint_text
from sendmailcfg.maps.kinds import KINDS

PIECES = st.sampled_from(
    [
        "`",
        "'",
        "(",
        ")",
        ",",
        "#",
        "dnl",
        "dnl ",
        "\n",
        "\r\n",
        " ",
        "\t",
        ":",
        "@",
        ".",
        "FEATURE(",
        "MAILER(",
        "OSTYPE(",
        "define(",
        "LOCAL_CONFIG",
        "LOCAL_RULE_0\n",
        "R$*",
        "divert(-1)",
        "Connect:",
        "IPv6:",
        "To:",
        "From:",
        "2001:db8::1",
        "10.0.0.0/8",
        "smtp:[x]",
        "error:",
        "ERROR:5.7.1:450",
        "SKIP",
        "REJECT",
        "\u201c",
        "&#96;",
        "\x00",
        "esyscmd(",
        "sendmailcfg: disable=",
        "sendmailcfg: disable-file=all",
        "x" * 1100,
        "\udcff",
    ]
)
TEXTS = st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=40).map("".join))


@given(TEXTS, st.sampled_from(KINDS))
def test_lint_never_raises(text: str, kind: str) -> None:
    for f in lint_text(text, kind):
        assert f.line >= 1 and f.column >= 1 and f.severity in ("error", "warning", "info")


@settings(max_examples=25)
@given(TEXTS, TEXTS, TEXTS, TEXTS)
def test_folder_lint_never_raises(mc: str, access: str, mailertable: str, virtuser: str) -> None:
    import shutil
    import tempfile
    from pathlib import Path

    from sendmailcfg import _source
    from sendmailcfg.lint import lint_files, load_file

    folder = Path(tempfile.mkdtemp(prefix="smc-lint-prop-"))
    try:
        files = []
        for name, kind, text in (
            ("sendmail.mc", "mc", mc),
            ("access", "access", access),
            ("mailertable", "mailertable", mailertable),
            ("virtusertable", "virtusertable", virtuser),
        ):
            (folder / name).write_bytes(_source.encode(text))
            files.append(load_file(str(folder / name), kind, text))
        (folder / "access.db").write_bytes(b"")
        for f in lint_files(files):
            assert f.line >= 1 and f.column >= 1
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@given(st.text())
def test_escaped_text_sends_no_control_character(text: str) -> None:
    from sendmailcfg.lint.formats import escape

    out = escape(text)
    assert not any(
        (ord(c) < 0x20 and c != "\t") or 0x7F <= ord(c) <= 0x9F or 0xDC80 <= ord(c) <= 0xDC9F
        for c in out
    )
    assert ("\\" in out) or out == text  # unchanged unless something had to be shown


@given(st.lists(st.sampled_from(["..", ".", "", "etc", "mail", "m4", "cf.m4", "x.m4", "usr"])))
def test_mc013_trusts_only_paths_inside_the_cf_package(parts: list[str]) -> None:
    import posixpath

    from sendmailcfg.lint.rules.mc013_dangerous_builtin import normalise, trusted

    cf = "/usr/share/sendmail/cf"
    for target in ("/".join(parts), "/" + "/".join(parts), cf + "/" + "/".join(parts)):
        path = normalise(target, cf)
        if path is None:
            assert not target.strip() and not trusted(target, cf)  # include(`'): nothing
            continue
        assert posixpath.isabs(path)
        assert "/../" not in path + "/" and "//" not in path and "/./" not in path + "/"
        if trusted(target, cf):
            assert posixpath.dirname(path) == cf + "/m4" or path.startswith("/etc/mail/m4/")
