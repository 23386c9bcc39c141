"""The stock .mc files of sendmail-cf, and edits checked with real m4 + cf macros."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import sendmailcfg
from sendmailcfg import _source
from sendmailcfg.mc import McDocument, RenderError, parse_mc, render
from tests.oracle import Oracle, find

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _stock() -> list[Path]:
    o = find()
    if o is None:
        return []
    return sorted([*(o.cf_dir / "cf").glob("*.mc"), *(o.cf_dir / "debian").glob("*.mc")])


STOCK = _stock()


@pytest.mark.oracle
def test_the_stock_files_are_there(oracle: Oracle) -> None:
    names = {p.name for p in STOCK}
    assert len(STOCK) >= 30 and {"generic-linux.mc", "knecht.mc", "sendmail.mc"} <= names


@pytest.mark.oracle
@pytest.mark.parametrize("path", STOCK, ids=[f"{p.parent.name}/{p.name}" for p in STOCK])
def test_stock_mc_round_trips_with_a_sensible_view(oracle: Oracle, path: Path) -> None:
    data = path.read_bytes()
    doc = parse_mc(_source.decode(data), path=str(path))
    assert _source.encode(doc.text) == data
    assert doc.diagnostics == []
    text = doc.text
    for name in ("OSTYPE", "DOMAIN", "VERSIONID"):
        if re.search(rf"^{name}\(", text, re.M):
            assert any(s.name == name for s in doc.statements), name
    live_features = re.findall(r"^FEATURE\(`?(\w+)", text, re.M)
    assert [f.name for f in doc.features if not f.call.in_hash_comment] == live_features
    assert [m.name for m in doc.mailers] == re.findall(r"^MAILER\(`?(\w+)", text, re.M)
    assert [s.name for s in doc.sections] == re.findall(
        r"^(LOCAL_CONFIG|LOCAL_RULE_\d|LOCAL_RULESETS|MAILER_DEFINITIONS|LOCAL_NET_CONFIG)\b",
        text,
        re.M,
    )
    disabled = re.findall(r"^dnl ([A-Za-z_]\w*)\(", text, re.M)
    assert [d.name for d in doc.disabled] == disabled


@pytest.mark.oracle
def test_seed_edit_renders_smart_host(oracle: Oracle) -> None:
    doc = sendmailcfg.load(EXAMPLES / "freebsd.mc")
    assert isinstance(doc, McDocument)
    before = render(doc, oracle.cf_dir)
    assert re.search(r"^DS$", before, re.M)
    doc.set_define("SMART_HOST", "mmr.plala.or.jp")
    cf, err, status = oracle.mc2cf(doc.text)
    assert status == 0 and "ERROR" not in err
    assert re.search(r"^DSmmr\.plala\.or\.jp$", cf, re.M)
    assert render(doc, oracle.cf_dir) == cf


@pytest.mark.oracle
def test_new_conf_define_renders_its_option(oracle: Oracle) -> None:
    doc = sendmailcfg.load(EXAMPLES / "freebsd.mc")
    assert isinstance(doc, McDocument)
    doc.set_define("confMAX_MESSAGE_SIZE", "10485760")
    doc.set_define("confPRIVACY_FLAGS", "goaway,noetrn")
    cf, err, status = oracle.mc2cf(doc.text)
    assert status == 0 and "ERROR" not in err
    assert re.search(r"^O MaxMessageSize=10485760$", cf, re.M)
    assert re.search(r"^O PrivacyOptions=goaway,noetrn$", cf, re.M)


@pytest.mark.oracle
def test_add_feature_renders_its_map_before_mailers(oracle: Oracle) -> None:
    stock = oracle.cf_dir / "cf" / "generic-linux.mc"
    doc = parse_mc(_source.decode(stock.read_bytes()))
    assert doc.add_feature("genericstable", "hash -o /etc/mail/genericstable")
    assert doc.add_feature("access_db")
    doc.add_mailer("procmail")
    cf, err, status = oracle.mc2cf(doc.text)
    assert status == 0 and "ERROR" not in err, err
    assert re.search(r"^Kgenerics hash -o /etc/mail/genericstable$", cf, re.M)
    assert re.search(r"^Kaccess hash -T<TMPF> /etc/mail/access$", cf, re.M)
    assert re.search(r"^Mprocmail,", cf, re.M)


@pytest.mark.oracle
def test_add_mailer_order_satisfies_m4(oracle: Oracle) -> None:
    doc = parse_mc("OSTYPE(`linux')dnl\nMAILER(`local')dnl\nMAILER(`uucp')dnl\n")
    doc.add_mailer("smtp")
    doc.add_mailer("cyrus")
    cf, err, status = oracle.mc2cf(doc.text)
    assert status == 0 and "ERROR" not in err, err
    assert re.search(r"^Muucp-dom,", cf, re.M)


@pytest.mark.oracle
def test_hash_line_macros_really_run(oracle: Oracle) -> None:
    doc = parse_mc("OSTYPE(`linux')dnl\n# FEATURE(`mailertable')\nMAILER(`smtp')dnl\n")
    assert [m.name for m in doc.hash_comment_macros] == ["FEATURE"]
    cf, _, _ = oracle.mc2cf(doc.text)
    assert re.search(r"^Kmailertable ", cf, re.M)


@pytest.mark.oracle
def test_render_raises_on_cf_errors(oracle: Oracle) -> None:
    with pytest.raises(RenderError) as e:
        render("OSTYPE(`linux')dnl\nMAILER(`smtp')dnl\nFEATURE(`mailertable')dnl\n", oracle.cf_dir)
    assert "FEATURE() should be before MAILER()" in str(e.value)
    with pytest.raises(RenderError):
        render("OSTYPE(`linux')dnl\nFEATURE(`no_such_feature_x')dnl\n", oracle.cf_dir)


def test_render_needs_the_macros(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        render("OSTYPE(`linux')", tmp_path)
