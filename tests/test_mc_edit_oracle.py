"""Each .mc edit, on the stock cf/cf/*.mc files, checked with real m4 and the cf macros.

After an edit the sendmail.cf that m4 builds must differ from the one before
exactly as asked (the lines removed and added match what the edit is for, and
nothing else moves), and the library's view (``defines``, ``features``, ...) must
say what that .cf says. A representative subset runs by default; every stock
file runs under ``-m slow``.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from sendmailcfg import _source
from sendmailcfg.mc import McDocument
from tests.oracle import Oracle, find


def _stock() -> list[Path]:
    o = find()
    if o is None:
        return []
    return sorted((o.cf_dir / "cf").glob("*.mc"))


STOCK = _stock()
QUICK = {"generic-linux.mc", "knecht.mc", "submit.mc", "generic-solaris.mc"}
"""The default run: two plain MTAs, a busy real-world file, the MSP."""


def _params() -> list[object]:
    out: list[object] = []
    for p in STOCK:
        marks = () if p.name in QUICK else (pytest.mark.slow,)
        out.append(pytest.param(p, id=p.name, marks=marks))
    return out


@functools.cache
def _m4(oracle: Oracle, text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The .cf lines and the cf macros' ``***`` messages."""
    cf, err, status = oracle.mc2cf(text)
    assert status == 0, err
    return tuple(cf.splitlines()), tuple(x for x in err.splitlines() if x.startswith("***"))


def _cf(oracle: Oracle, text: str) -> tuple[str, ...]:
    cf, errors = _m4(oracle, text)
    assert not errors, errors
    return cf


def _stock_cf(oracle: Oracle, text: str) -> tuple[str, ...]:
    """The stock file's .cf; its own ``*** ERROR`` (Berkeley's sample domains, no
    OSTYPE) is allowed: m4 still builds the .cf, and an edit must add no other."""
    return _m4(oracle, text)[0]


def _same_errors(oracle: Oracle, before: str, after: str) -> tuple[str, ...]:
    cf, errors = _m4(oracle, after)
    assert errors == _m4(oracle, before)[1], errors
    return cf


def _delta(before: tuple[str, ...], after: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Lines removed and added (as multisets; a line that moved counts as neither).

    Empty lines are left out: sendmail ignores them, and a new statement written
    without ``dnl`` in a file that writes none (the file's style) outputs one."""
    b, a = Counter(x for x in before if x), Counter(x for x in after if x)
    return sorted((b - a).elements()), sorted((a - b).elements())


@attrs.frozen
class Case:
    """One edit and the .cf change it must make."""

    name: str
    edit: Callable[[McDocument], bool]
    removed: str  # regex every removed .cf line matches ("" when none may go)
    added: tuple[str, ...]  # the exact lines that must appear, in any order
    view: Callable[[McDocument], bool] = lambda d: True
    also: str = ""  # regex of further lines the edit may add or remove (rules it turns on)
    idempotent: bool = True  # the same edit again returns False


def _option(name: str, value: str) -> tuple[str, tuple[str, ...]]:
    return rf"#?O {name}\b.*", (f"O {name}={value}",)


LOGIN = "$j `ESMTP' ready"
RULES = r"(?:#.*|R.*|S.*|\t.*)"
"""Rule-set lines a FEATURE or MASQUERADE_AS turns on (comments, rules, their continuations)."""
CASES = [
    Case(
        "smart-host-with-dnl-word",
        lambda d: d.set_define("SMART_HOST", "smtp.dnl.example.net"),
        r"DS.*",
        ("DSsmtp.dnl.example.net",),
        lambda d: d.defines["SMART_HOST"] == "smtp.dnl.example.net",
    ),
    Case(
        "smart-host-named-include",
        lambda d: d.set_define("SMART_HOST", "include"),
        r"DS.*",
        ("DSinclude",),
        lambda d: d.defines["SMART_HOST"] == "include",
    ),
    Case(
        "smart-host-named-index",
        lambda d: d.set_define("SMART_HOST", "index"),
        r"DS.*",
        ("DSindex",),
    ),
    Case(
        "greeting-with-quoted-word",
        lambda d: d.set_define("confSMTP_LOGIN_MSG", LOGIN),
        *_option("SmtpGreetingMessage", LOGIN),
        lambda d: d.defines["confSMTP_LOGIN_MSG"] == LOGIN,
    ),
    Case(
        "option-with-commas-parens-hash",
        lambda d: d.set_define("confSMTP_LOGIN_MSG", "$j (x, y) #1"),
        *_option("SmtpGreetingMessage", "$j (x, y) #1"),
    ),
    Case(
        "privacy-flags",
        lambda d: d.set_define("confPRIVACY_FLAGS", "goaway,noetrn"),
        *_option("PrivacyOptions", "goaway,noetrn"),
    ),
    Case(
        "delivery-mode-with-a-comma-is-one-argument",
        lambda d: d.set_define("confMAX_MESSAGE_SIZE", "10485760"),
        *_option("MaxMessageSize", "10485760"),
    ),
    Case(
        "masquerade-as",
        lambda d: d.set_masquerade_as("mail.dnl.example"),
        r"DM.*",
        ("DMmail.dnl.example",),
        also=RULES,
    ),
    Case(
        "masquerade-domain",
        lambda d: d.add_class_value("MASQUERADE_DOMAIN", "index.example"),
        "",
        ("C{M}index.example",),
    ),
    Case(
        "local-domain",
        lambda d: d.add_class_value("LOCAL_DOMAIN", "include.example"),
        "",
        ("C{w}include.example",),
    ),
    Case(
        "relay-domain",
        lambda d: d.add_class_value("RELAY_DOMAIN", "relay.example"),
        "",
        ("C{R}relay.example",),
    ),
    Case(
        "exposed-user",
        lambda d: d.add_class_value("EXPOSED_USER", "root"),
        "",
        ("C{E}root",),
    ),
    Case(
        "daemon-options-add",
        lambda d: d.set_daemon_options("MTA-test", "Port=2525, Name=MTA-test, Family=inet"),
        r"O DaemonPortOptions=.*",
        ("O DaemonPortOptions=Port=2525, Name=MTA-test, Family=inet",),
    ),
    Case(
        "mailertable-spec",
        lambda d: d.add_feature("mailertable", "hash -o /etc/mail/mt.dnl"),
        r"Kmailertable .*",
        ("Kmailertable hash -o /etc/mail/mt.dnl",),
        also=RULES,
        view=lambda d: (
            [f.args for f in d.features if f.name == "mailertable"]
            == [("hash -o /etc/mail/mt.dnl",)]
        ),
    ),
    Case(
        "define-then-remove-is-no-change",
        lambda d: d.set_define("confNEW_X", "1") and d.remove_define("confNEW_X"),
        "",
        (),
        idempotent=False,
    ),
    Case(
        "disable-then-enable-is-no-change",
        lambda d: _disable_enable(d, _first_line(d)),
        "",
        (),
        idempotent=False,
    ),
    Case(
        "undefine-then-nothing-else",
        lambda d: d.undefine("confNO_SUCH_MACRO_X"),
        "",
        (),
    ),
]


def _first_line(doc: McDocument) -> int:
    """The line of the first statement that stands alone on its line."""
    lines = doc.text.splitlines()
    for s in doc.statements:
        if not s.bare and not s.in_hash_comment and s.line == s.end_line:
            line = lines[s.line - 1]
            if line.startswith(s.text):
                return s.line
    return next(d.line for d in doc.disabled)


def _disable_enable(doc: McDocument, line: int) -> bool:
    return doc.disable(line) and doc.enable(line)


@pytest.mark.oracle
@pytest.mark.parametrize("path", _params())
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_edit_changes_the_cf_exactly(oracle: Oracle, path: Path, case: Case) -> None:
    text = _source.decode(path.read_bytes())
    doc = McDocument.from_text(text, path=str(path))
    before = _stock_cf(oracle, text)
    if case.name == "masquerade-as" and any(f.name == "nullclient" for f in doc.features):
        pytest.skip("a null client's rules never masquerade: the .cf has no DM line to change")
    assert case.edit(doc) is True
    after = _same_errors(oracle, text, doc.text)
    removed, added = _delta(before, after)
    also = re.compile(case.also) if case.also else None
    extra = [x for x in added if x not in case.added]
    assert sorted(set(case.added) - set(added)) == [], (removed, added)
    assert all(also and also.fullmatch(x) for x in extra), (removed, added)
    for line in removed:
        assert (case.removed and re.fullmatch(case.removed, line)) or (
            also and also.fullmatch(line)
        ), (removed, added)
    assert case.view(doc)
    if case.idempotent:  # the same edit again changes nothing
        assert case.edit(doc) is False
    else:  # a round trip: back to the very text
        assert doc.text == text


@pytest.mark.oracle
@pytest.mark.parametrize("path", _params())
def test_view_matches_the_cf(oracle: Oracle, path: Path) -> None:
    """The library's defines and features say what the .cf says for every stock file."""
    text = _source.decode(path.read_bytes())
    doc = McDocument.from_text(text)
    cf = "\n".join(_stock_cf(oracle, text))
    smart = doc.defines.get("SMART_HOST")
    if smart is not None and "nullclient" not in [f.name for f in doc.features]:
        assert re.search(rf"^DS{re.escape(smart)}$", cf, re.M)
    for f in doc.features:
        if f.name == "mailertable":
            spec = f.args[0] if f.args else "hash /etc/mail/mailertable"
            assert re.search(rf"^Kmailertable {re.escape(spec)}", cf, re.M)


BASE = "OSTYPE(`linux')dnl\nDOMAIN(`generic')dnl\nFEATURE(`access_db')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n"


def _render(oracle: Oracle, doc: McDocument) -> str:
    return "\n".join(_cf(oracle, doc.text))


@pytest.mark.oracle
def test_feature_args_change_in_place_gives_one_k_line(oracle: Oracle) -> None:
    doc = McDocument.from_text(BASE.replace("access_db')", "mailertable', `hash /etc/mail/a')"))
    assert doc.add_feature("mailertable", "hash -o /etc/mail/b")
    assert doc.text.count("FEATURE(`mailertable'") == 1
    cf = _render(oracle, doc)
    assert re.findall(r"^Kmailertable .*", cf, re.M) == ["Kmailertable hash -o /etc/mail/b"]


@pytest.mark.oracle
def test_feature_after_the_mailers_is_moved_before_them(oracle: Oracle) -> None:
    doc = McDocument.from_text(BASE + "FEATURE(`mailertable', `hash /etc/mail/a')dnl\n")
    assert "FEATURE() should be before MAILER()" in "".join(oracle.mc2cf(doc.text)[1].splitlines())
    assert doc.add_feature("mailertable", "hash /etc/mail/b")
    assert doc.text.count("mailertable") == 1
    assert doc.text.index("mailertable") < doc.text.index("MAILER(")
    cf = _render(oracle, doc)
    assert re.findall(r"^Kmailertable .*", cf, re.M) == ["Kmailertable hash /etc/mail/b"]


@pytest.mark.oracle
def test_dnsbl_instances(oracle: Oracle) -> None:
    doc = McDocument.from_text(BASE)
    assert doc.add_feature("dnsbl", "bl.one.example")
    assert doc.add_feature("dnsbl", "bl.two.example", '"550 listed"')
    assert doc.add_feature("dnsbl", "bl.one.example", '"554 go away"')  # changes the first
    cf = _render(oracle, doc)
    assert cf.count("bl.one.example") and cf.count("bl.two.example")
    assert [f.args for f in doc.features if f.name == "dnsbl"] == [
        ("bl.one.example", '"554 go away"'),
        ("bl.two.example", '"550 listed"'),
    ]
    assert doc.remove_feature("dnsbl", "bl.one.example")
    cf = _render(oracle, doc)
    assert "bl.one.example" not in cf and "bl.two.example" in cf


@pytest.mark.oracle
def test_procmail_path_goes_before_the_feature_that_reads_it(oracle: Oracle) -> None:
    doc = McDocument.from_text(BASE.replace("access_db')", "local_procmail')"))
    assert doc.set_define("PROCMAIL_MAILER_PATH", "/opt/bin/procmail")
    lines = doc.text.splitlines()
    assert lines.index("define(`PROCMAIL_MAILER_PATH', `/opt/bin/procmail')dnl") < next(
        i for i, x in enumerate(lines) if "local_procmail" in x
    )
    cf = _render(oracle, doc)
    assert re.search(r"^Mlocal,\s+P=/opt/bin/procmail,", cf, re.M)


@pytest.mark.oracle
def test_database_map_type_goes_before_the_map_features(oracle: Oracle) -> None:
    doc = McDocument.from_text(BASE + "define(`DATABASE_MAP_TYPE', `hash')dnl\n")
    assert doc.set_define("DATABASE_MAP_TYPE", "btree")  # misplaced: it is moved
    assert doc.text.count("DATABASE_MAP_TYPE") == 1
    cf = _render(oracle, doc)
    assert re.search(r"^Kaccess btree ", cf, re.M)
    assert doc.defines["DATABASE_MAP_TYPE"] == "btree"


@pytest.mark.oracle
def test_smtp_mailer_flags_go_before_mailer_smtp(oracle: Oracle) -> None:
    doc = McDocument.from_text(BASE)
    assert doc.set_define("SMTP_MAILER_FLAGS", "e9")
    cf = _render(oracle, doc)
    assert re.search(r"^Msmtp,\s+P=\[IPC\], F=[^,]*e9", cf, re.M)
    misplaced = McDocument.from_text(BASE + "define(`SMTP_MAILER_MAX', `100')dnl\n")
    assert misplaced.set_define("SMTP_MAILER_MAX", "200")
    cf = _render(oracle, misplaced)
    assert re.search(r"^Msmtp,.*M=200", cf, re.M | re.S)
    assert misplaced.text.count("SMTP_MAILER_MAX") == 1


@pytest.mark.oracle
def test_new_define_follows_what_would_override_it(oracle: Oracle) -> None:
    doc = McDocument.from_text("define(`confX', `1')dnl\n" + BASE)
    assert doc.set_define("confEBINDIR", "/opt/libexec")  # ostype/linux.m4 sets it
    cf = _render(oracle, doc)
    assert re.search(r"^Mprog,\s+P=/opt/libexec/smrsh|^O .*|", cf, re.M)
    lines = doc.text.splitlines()
    assert lines.index("define(`confEBINDIR', `/opt/libexec')dnl") > 1  # after OSTYPE
    moved = McDocument.from_text("define(`confEBINDIR', `/a')dnl\n" + BASE)
    assert moved.set_define("confEBINDIR", "/b")
    assert moved.text.index("confEBINDIR") > moved.text.index("OSTYPE")


@pytest.mark.oracle
def test_insertion_ignores_hash_lines_that_mention_sections(oracle: Oracle) -> None:
    text = (
        "OSTYPE(`linux')dnl\n"
        "dnl # see LOCAL_CONFIG and MAILER below\n"
        "FEATURE(`access_db')dnl\n"
        "MAILER(`smtp')dnl\n"
        "LOCAL_CONFIG\n"
        "Kfoo hash /etc/mail/foo\n"
    )
    doc = McDocument.from_text(text)
    assert doc.set_define("SMART_HOST", "relay.example")
    assert doc.add_feature("mailertable")
    cf = _render(oracle, doc)
    assert re.search(r"^DSrelay\.example$", cf, re.M)
    assert re.search(r"^Kmailertable ", cf, re.M)
    assert re.search(r"^Kfoo hash /etc/mail/foo$", cf, re.M)


@pytest.mark.oracle
def test_remove_mailer_undefine_disable_enable(oracle: Oracle) -> None:
    doc = McDocument.from_text(BASE + "MAILER(`procmail')dnl\n")
    assert "Mprocmail," in _render(oracle, doc)
    assert doc.remove_mailer("procmail")
    assert "Mprocmail," not in _render(oracle, doc)
    assert doc.set_define("SMART_HOST", "relay.example")
    line = next(i for i, x in enumerate(doc.text.splitlines(), 1) if "SMART_HOST" in x)
    assert doc.disable(line)
    assert re.search(r"^DS$", _render(oracle, doc), re.M)
    assert "SMART_HOST" not in doc.defines
    assert doc.enable(line)
    assert re.search(r"^DSrelay\.example$", _render(oracle, doc), re.M)
    assert doc.undefine("SMART_HOST")
    assert re.search(r"^DS$", _render(oracle, doc), re.M)
    assert "SMART_HOST" not in doc.defines


@pytest.mark.oracle
def test_daemon_options_change_one_of_several_and_remove(oracle: Oracle) -> None:
    doc = McDocument.from_text(
        BASE.replace(
            "MAILER(`local')",
            "DAEMON_OPTIONS(`Name=IPv4, Family=inet')dnl\n"
            "DAEMON_OPTIONS(`Name=IPv6, Family=inet6, Modifiers=O')dnl\nMAILER(`local')",
        )
    )
    assert doc.set_daemon_options("IPv6", "Port=2525, Name=IPv6, Family=inet6")
    cf = _render(oracle, doc)
    assert re.findall(r"^O DaemonPortOptions=.*", cf, re.M)[:2] == [
        "O DaemonPortOptions=Name=IPv4, Family=inet",
        "O DaemonPortOptions=Port=2525, Name=IPv6, Family=inet6",
    ]
    assert doc.remove_daemon_options("IPv4")
    cf = _render(oracle, doc)
    assert "Name=IPv4" not in cf
    assert doc.remove_daemon_options("IPv4") is False


@pytest.mark.oracle
def test_class_value_removal(oracle: Oracle) -> None:
    doc = McDocument.from_text(
        BASE.replace("MAILER(`local')", "LOCAL_DOMAIN(`a.example b.example')dnl\nMAILER(`local')")
    )
    assert doc.remove_class_value("LOCAL_DOMAIN", "a.example")
    cf = _render(oracle, doc)
    assert "C{w}b.example" in cf.splitlines() and "a.example" not in cf
    assert doc.remove_class_value("LOCAL_DOMAIN", "b.example")
    assert "LOCAL_DOMAIN" not in doc.text
    assert doc.set_masquerade_as("mx.example") and doc.set_masquerade_as(None)
    assert not re.search(r"^DM.", _render(oracle, doc), re.M)


@pytest.mark.oracle
def test_daemon_options_with_a_word_m4_would_expand(oracle: Oracle) -> None:
    doc = McDocument.from_text(BASE)
    assert doc.set_daemon_options("dnl", "Port=2525, Name=dnl, Family=inet")
    assert doc.set_daemon_options("dnl", "Port=2525, Name=dnl, Family=inet") is False
    cf = _render(oracle, doc)
    assert "O DaemonPortOptions=Port=2525, Name=dnl, Family=inet" in cf.splitlines()
    assert doc.remove_daemon_options("dnl") and "DAEMON_OPTIONS" not in doc.text
