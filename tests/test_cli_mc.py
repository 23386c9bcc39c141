"""``sendmailcfg mc FILE ...``: defines, FEATUREs, MAILERs and the rest, from the shell."""

from __future__ import annotations

import difflib
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sendmailcfg.cli import main
from sendmailcfg.mc import McDocument
from tests.oracle import Oracle

TOP = Path(__file__).resolve().parents[1]
FREEBSD = (TOP / "examples" / "freebsd.mc").read_bytes()


@pytest.fixture
def mc(tmp_path: Path) -> Path:
    p = tmp_path / "freebsd.mc"
    p.write_bytes(FREEBSD)
    return p


def test_set_enables_the_dnl_line(mc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mc", str(mc), "set", "SMART_HOST", "relay.example.net", "--diff"]) == 0
    out = capsys.readouterr().out
    assert "-dnl define(`SMART_HOST', `your.isp.mail.server')\n" in out
    assert "+define(`SMART_HOST', `relay.example.net')\n" in out
    assert out.endswith(f"{mc}: changed\n")
    want = FREEBSD.replace(
        b"dnl define(`SMART_HOST', `your.isp.mail.server')",
        b"define(`SMART_HOST', `relay.example.net')",
    )
    assert mc.read_bytes() == want  # one line changed; Latin-1 comment bytes kept
    assert main(["mc", str(mc), "set", "SMART_HOST", "relay.example.net", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"changed": False, "diff": "", "path": str(mc)}


def test_get_and_show(mc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mc", str(mc), "get", "confCW_FILE"]) == 0
    assert capsys.readouterr().out == "-o /etc/mail/local-host-names\n"
    assert main(["mc", str(mc), "get", "SMART_HOST"]) == 1  # only in a dnl line
    assert capsys.readouterr().out == ""
    assert main(["mc", str(mc), "show"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[:4] == [
        "VERSIONID = $FreeBSD$",
        "OSTYPE = freebsd6",
        "DOMAIN = generic",
        "FEATURE = access_db, hash -o -T<TMPF> /etc/mail/access",
    ]
    assert "confCW_FILE = -o /etc/mail/local-host-names" in lines
    assert "DAEMON_OPTIONS = Name=IPv6, Family=inet6, Modifiers=O" in lines
    assert lines[-2:] == ["MAILER = local", "MAILER = smtp"]
    assert not any("SMART_HOST" in line or "relay_based_on_MX" in line for line in lines)
    assert main(["mc", str(mc), "--json", "show"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data[1] == {"name": "OSTYPE", "value": "freebsd6"}


def test_show_follows_the_last_define(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "a.mc"
    p.write_text("define(`A', `1')\ndefine(`B', `2')\ndefine(`A', `3')\n")
    assert main(["mc", str(p), "show"]) == 0
    assert capsys.readouterr().out == "B = 2\nA = 3\n"


def test_unset(mc: Path) -> None:
    assert main(["mc", str(mc), "unset", "confBIND_OPTS"]) == 0
    assert b"confBIND_OPTS" not in mc.read_bytes()
    assert main(["mc", str(mc), "unset", "confBIND_OPTS", "--check"]) == 0


def test_feature_add_remove(mc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mc", str(mc), "feature", "add", "--check", "always_add_domain"]) == 1
    assert capsys.readouterr().out == f"{mc}: would change\n"
    assert mc.read_bytes() == FREEBSD
    assert main(["mc", str(mc), "feature", "add", "always_add_domain"]) == 0
    text = mc.read_text(encoding="latin-1")
    doc = McDocument.parse(text)
    assert [f.name for f in doc.features][-1] == "always_add_domain"
    assert text.index("always_add_domain") < text.index("MAILER(local)")
    assert main(["mc", str(mc), "feature", "remove", "always_add_domain"]) == 0
    assert mc.read_bytes() == FREEBSD


def test_mailer_add(mc: Path) -> None:
    assert main(["mc", str(mc), "mailer", "add", "procmail"]) == 0
    text = mc.read_text(encoding="latin-1")
    assert text.index("MAILER(smtp)") < text.index("procmail")
    assert main(["mc", str(mc), "mailer", "add", "procmail", "--check"]) == 0


def test_mailer_remove(mc: Path) -> None:
    assert main(["mc", str(mc), "mailer", "remove", "smtp"]) == 0
    assert b"MAILER(smtp)" not in mc.read_bytes()


def test_undefine(mc: Path) -> None:
    assert main(["mc", str(mc), "undefine", "confBIND_OPTS"]) == 0
    assert main(["mc", str(mc), "get", "confBIND_OPTS"]) == 1


def test_class_add_remove(mc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mc", str(mc), "class", "add", "LOCAL_DOMAIN", "a.example", "b.example"]) == 0
    doc = McDocument.parse(mc.read_text(encoding="latin-1"))
    words = [w for c in doc.class_macros if c.macro == "LOCAL_DOMAIN" for w in c.words]
    assert sorted(words) == ["a.example", "b.example"]
    assert main(["mc", str(mc), "class", "remove", "LOCAL_DOMAIN", "a.example", "b.example"]) == 0
    doc = McDocument.parse(mc.read_text(encoding="latin-1"))
    assert not [c for c in doc.class_macros if c.macro == "LOCAL_DOMAIN"]


def test_masquerade_as(mc: Path) -> None:
    assert main(["mc", str(mc), "masquerade-as", "example.com"]) == 0
    doc = McDocument.parse(mc.read_text(encoding="latin-1"))
    assert [c.value for c in doc.class_macros if c.macro == "MASQUERADE_AS"] == ["example.com"]
    assert main(["mc", str(mc), "masquerade-as", ""]) == 0
    assert mc.read_bytes() == FREEBSD


def test_daemon_set_remove(mc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    spec = "Name=IPv4, Family=inet, Addr=127.0.0.1"
    assert main(["mc", str(mc), "daemon", "set", "IPv4", spec]) == 0
    assert main(["mc", str(mc), "show"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"DAEMON_OPTIONS = {spec}" in lines
    assert main(["mc", str(mc), "daemon", "remove", "IPv6"]) == 0
    assert b"Family=inet6" not in mc.read_bytes()


def test_disable_enable(mc: Path) -> None:
    line = FREEBSD.split(b"\n").index(b"FEATURE(local_lmtp)") + 1
    assert main(["mc", str(mc), "disable", str(line)]) == 0
    assert mc.read_bytes().split(b"\n")[line - 1].startswith(b"dnl")
    doc = McDocument.parse(mc.read_text(encoding="latin-1"))
    assert "local_lmtp" not in [f.name for f in doc.features]
    assert main(["mc", str(mc), "enable", str(line)]) == 0
    assert mc.read_bytes() == FREEBSD


def test_unparseable_mc_is_never_rewritten(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    p = tmp_path / "bad.mc"
    bad = b"OSTYPE(`linux')\ndefine(`SMART_HOST', `relay)\nMAILER(smtp)\n"
    p.write_bytes(bad)
    assert main(["mc", str(p), "set", "confFOO", "x"]) == 2
    err = capsys.readouterr().err
    assert re.search(rf"^{re.escape(str(p))}:\d+:\d+: ", err, re.M), err
    assert p.read_bytes() == bad
    assert main(["mc", str(p), "get", "SMART_HOST"]) == 2


def test_bad_name_is_a_usage_error(mc: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mc", str(mc), "set", "not a name", "x"]) == 2
    assert "not an m4 macro name" in capsys.readouterr().err
    assert mc.read_bytes() == FREEBSD


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["mc", str(tmp_path / "none.mc"), "set", "A", "b"]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert not (tmp_path / "none.mc").exists()
    assert main(["mc", str(tmp_path / "none.mc"), "show"]) == 2


def test_symlinked_mc_keeps_the_link(tmp_path: Path, mc: Path) -> None:
    link = tmp_path / "sendmail.mc"
    link.symlink_to(mc.name)
    assert main(["mc", str(link), "set", "SMART_HOST", "relay.example.net"]) == 0
    assert link.is_symlink()
    assert b"define(`SMART_HOST', `relay.example.net')" in mc.read_bytes()


def _ds(cf: str) -> list[str]:
    return [line for line in cf.splitlines() if line.startswith("DS")]


def test_set_smart_host_reaches_sendmail_cf(mc: Path, oracle: Oracle) -> None:
    before, err, status = oracle.mc2cf(mc.read_text(encoding="latin-1"))
    assert status == 0 and "ERROR" not in err
    assert _ds(before) == ["DS"]
    assert main(["mc", str(mc), "set", "SMART_HOST", "relay.example.net"]) == 0
    after, err, status = oracle.mc2cf(mc.read_text(encoding="latin-1"))
    assert status == 0 and "ERROR" not in err
    assert _ds(after) == ["DSrelay.example.net"]
    # nothing else in the .cf changed (the line's own newline, as in the rest of
    # freebsd.mc, now reaches the .cf as a blank line: harmless)
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), n=0, lineterm="")
    changed = [d for d in diff if d[:1] in "+-" and d[:3] not in ("+++", "---") and d[1:]]
    assert changed == ["-DS", "+DSrelay.example.net"]


def test_feature_add_reaches_sendmail_cf(mc: Path, oracle: Oracle) -> None:
    assert main(["mc", str(mc), "feature", "add", "genericstable", "hash -o /etc/mail/gt"]) == 0
    cf, err, status = oracle.mc2cf(mc.read_text(encoding="latin-1"))
    assert status == 0 and "ERROR" not in err
    assert [x for x in cf.splitlines() if x.startswith("Kgenerics ")] == [
        "Kgenerics hash -o /etc/mail/gt"
    ]


def _cf(oracle: Oracle, mc: Path) -> list[str]:
    cf, err, status = oracle.mc2cf(mc.read_text(encoding="latin-1"))
    assert status == 0 and "ERROR" not in err, err
    return cf.splitlines()


def _changes(before: list[str], after: list[str]) -> list[str]:
    diff = difflib.unified_diff(before, after, n=0, lineterm="")
    return [d for d in diff if d[:1] in "+-" and d[:3] not in ("+++", "---") and d[1:]]


@pytest.mark.parametrize(
    ("argv", "want"),
    [
        (
            ["class", "add", "LOCAL_DOMAIN", "a.example", "b.example"],
            ["+C{w}a.example", "+C{w}b.example"],
        ),
        (
            ["daemon", "set", "IPv4", "Name=IPv4, Family=inet, Addr=127.0.0.1"],
            [
                "-O DaemonPortOptions=Name=IPv4, Family=inet",
                "+O DaemonPortOptions=Name=IPv4, Family=inet, Addr=127.0.0.1",
            ],
        ),
        (
            ["daemon", "remove", "IPv6"],
            ["-O DaemonPortOptions=Name=IPv6, Family=inet6, Modifiers=O"],
        ),
        (
            ["set", "confPRIVACY_FLAGS", "goaway"],
            ["-O PrivacyOptions=authwarnings,noexpn,novrfy", "+O PrivacyOptions=goaway"],
        ),
    ],
)
def test_edit_reaches_sendmail_cf(
    mc: Path, oracle: Oracle, argv: list[str], want: list[str]
) -> None:
    """Each edit, through the CLI, changes the .cf that real m4 builds exactly as asked."""
    before = _cf(oracle, mc)
    assert main(["mc", str(mc), *argv]) == 0
    after = _cf(oracle, mc)
    assert _changes(before, after) == want
    assert main(["mc", str(mc), *argv, "--check"]) == 0  # idempotent


def test_masquerade_as_reaches_sendmail_cf(mc: Path, oracle: Oracle) -> None:
    before = _cf(oracle, mc)
    assert main(["mc", str(mc), "masquerade-as", "example.com"]) == 0
    after = _cf(oracle, mc)
    assert "DMexample.com" in after and "DMexample.com" not in before
    assert main(["mc", str(mc), "masquerade-as", ""]) == 0
    assert _cf(oracle, mc) == before


def _m4_quotes_pair(value: str) -> bool:
    depth = 0
    for ch in value:
        depth += {"`": 1, "'": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


@settings(max_examples=25)
@given(
    name=st.from_regex(r"conf[A-Z_]{1,12}", fullmatch=True),
    value=st.text(
        alphabet=st.sampled_from("abcXYZ019 .,:;()#`'$-_/@dnlincludeindex"), min_size=1, max_size=30
    ).filter(lambda v: v.strip() == v),
)
def test_set_then_get_property(name: str, value: str) -> None:
    """``set`` then ``get`` gives the value back (m4-quoted as needed); a second set is a no-op.

    A value whose quotes do not pair up cannot be written as an m4 argument: refused, exit 2.
    """
    import contextlib
    import io
    import tempfile

    with tempfile.TemporaryDirectory() as d, contextlib.redirect_stdout(io.StringIO()):
        p = Path(d) / "freebsd.mc"
        p.write_bytes(FREEBSD)
        err = io.StringIO()
        with contextlib.redirect_stderr(err):
            status = main(["mc", str(p), "set", "--", name, value])
        if not _m4_quotes_pair(value):
            assert status == 2 and "cannot write" in err.getvalue()
            assert p.read_bytes() == FREEBSD
            return
        assert status == 0, err.getvalue()
        doc = McDocument.parse(p.read_text(encoding="latin-1"))
        assert doc.defines.get(name) == value
        assert main(["mc", str(p), "set", "--check", "--", name, value]) == 0


def test_concurrent_mc_edits_lose_nothing(mc: Path) -> None:
    import subprocess
    import sys

    env = dict(os.environ, PYTHONPATH=str(TOP))
    script = (
        "import sys\nfrom sendmailcfg.cli import main\n"
        "for i in range(5):\n"
        "    assert main(['mc', sys.argv[1], 'set', f'conf{sys.argv[2]}{i}', 'x']) == 0\n"
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, str(mc), t], env=env, stdout=subprocess.DEVNULL
        )
        for t in ("A", "B", "C")
    ]
    for proc in procs:
        assert proc.wait(timeout=120) == 0
    doc = McDocument.parse(mc.read_text(encoding="latin-1"))
    assert {f"conf{t}{i}" for t in "ABC" for i in range(5)} <= set(doc.defines)
