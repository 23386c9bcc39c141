"""What is fuzzed, and what counts as a failure.

Each :class:`Target` takes bytes (so atheris can drive it) and has a hypothesis
strategy that makes likely-interesting bytes (so hypothesis can). ``check`` raises
only on a real fault: a crash (an exception a caller is not told to expect), a
round trip that loses a byte, an edit that does not read back, a ``.db`` read that
yields more than its file could hold.
"""

from __future__ import annotations

import functools
import importlib
import io
from collections.abc import Callable
from typing import Any

import attrs
from hypothesis import strategies as st

import sendmailcfg
from sendmailcfg import EditError, _source
from sendmailcfg.maps.document import MapDocument
from sendmailcfg.maps.keys import fold
from sendmailcfg.syntax.map_nodes import MapSyntax
from tests.oracle import Oracle
from tests.strategies import any_text, keys, map_ish_text, map_sources, values

MAP_KINDS = ("mailertable", "access", "virtusertable", "genericstable", "domaintable", "map")


@attrs.frozen
class Target:
    """One entry point: ``check(data)`` raises on a fault; ``inputs`` makes data."""

    name: str
    check: Callable[[bytes], None]
    inputs: st.SearchStrategy[bytes]
    about: str


def _encoded(texts: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    return texts.map(_source.encode)


_MC_PIECES = [
    "define(`confDOMAIN_NAME', `mx.example.com')dnl\n",
    "define(`SMART_HOST', `[relay.example.net]')dnl\n",
    "define(`MAIL_HUB', `hub.example.com')dnl\n",
    "FEATURE(`mailertable')dnl\n",
    "FEATURE(`access_db', `hash -T<TMPF> /etc/mail/access')dnl\n",
    "FEATURE(`virtusertable')dnl\nFEATURE(`genericstable')dnl\n",
    "MASQUERADE_AS(`example.com')dnl\nFEATURE(`masquerade_envelope')dnl\n",
    "MAILER(`local')dnl\nMAILER(`smtp')dnl\n",
    "dnl define(`SMART_HOST', `x')\n",
    "LOCAL_CONFIG\nDjmx.example.com\n",
    "divert(-1)\n",
    "divert(0)dnl\n",
    "include(`/usr/share/sendmail/cf/m4/cf.m4')dnl\n",
    "changequote([,])dnl\n",
    "`",
    "'",
    "(",
    ")",
    "# comment\n",
    "\n",
]
mc_texts = st.one_of(
    st.lists(st.sampled_from(_MC_PIECES), max_size=20).map("".join),
    st.lists(st.one_of(st.sampled_from(_MC_PIECES), map_ish_text), max_size=10).map("".join),
    any_text,
)
map_texts = st.one_of(map_sources(), map_ish_text, any_text)


# -- loads / dumps ----------------------------------------------------------------------


def _round_trip(kind: str, data: bytes) -> None:
    doc = sendmailcfg.loads(data, kind)
    assert _source.encode(sendmailcfg.dumps(doc)) == data, "round trip lost bytes"


# -- lint -------------------------------------------------------------------------------


def _lint(kind: str, data: bytes) -> None:
    from sendmailcfg.lint import lint_text

    text = _source.decode(data)
    for finding in lint_text(text, kind, path=f"fuzz-{kind}"):
        assert finding.line >= 1 and finding.column >= 1, finding


# -- edits read back ----------------------------------------------------------------------


def pack(parts: tuple[str, ...]) -> bytes:
    """Several texts as one input: each a 2-byte length, then its bytes."""
    out = b""
    for part in parts:
        raw = _source.encode(part)[:65535]
        out += len(raw).to_bytes(2, "big") + raw
    return out


def _split(data: bytes, parts: int) -> list[str]:
    """:func:`pack` undone; raw bytes (from atheris) split as far as they go."""
    out = []
    at = 0
    for _ in range(parts - 1):
        n = int.from_bytes(data[at : at + 2], "big")
        out.append(_source.decode(data[at + 2 : at + 2 + n]))
        at += 2 + n
    out.append(_source.decode(data[at + 2 :]) if at < len(data) else "")
    return out


def _map_edit(kind: str, data: bytes) -> None:
    text, key, value, flags = _split(data, 4)
    syntax = MapSyntax(allow_empty="e" in flags)
    doc = sendmailcfg.loads(text, kind, syntax=syntax, duplicates="last")
    assert isinstance(doc, MapDocument)
    try:
        doc.set(key, value)
    except EditError:
        return
    again = sendmailcfg.loads(doc.text, kind, syntax=syntax, duplicates="last")
    assert isinstance(again, MapDocument)
    folded = fold(key) if doc.fold_keys else key
    stored = dict(again.stored_pairs())
    assert stored.get(folded, "").removesuffix("\r") == value.removesuffix("\r"), doc.text


def map_edit_inputs() -> st.SearchStrategy[bytes]:
    return st.tuples(
        map_texts, keys, st.one_of(values, st.just("")), st.sampled_from(["", "e"])
    ).map(pack)


def _mc_edit(data: bytes) -> None:
    text, name, value = _split(data, 3)
    doc = sendmailcfg.loads(text, "mc")
    try:
        doc.set_define(name, value)
    except (EditError, ValueError):
        return
    assert sendmailcfg.loads(doc.text, "mc").defines.get(name) == value, doc.text


mc_names = st.sampled_from(["SMART_HOST", "MAIL_HUB", "confDOMAIN_NAME", "LUSER_RELAY", "confX"])


def mc_edit_inputs() -> st.SearchStrategy[bytes]:
    return st.tuples(mc_texts, mc_names, values).map(pack)


# -- the .db reader ----------------------------------------------------------------------


@functools.cache
def seed_databases() -> tuple[tuple[str, bytes], ...]:
    """Databases to damage: made by the real makemap when the oracle is installed, else by
    the pure writer (which the differential tests hold to makemap's bytes)."""
    pairs = [(f"key{i}".encode(), (b"v" * (i % 7)) * (1 + i % 300)) for i in range(120)]
    pairs += [(b"big" + b"k" * 1500, b"x" * 5000)]
    out = []
    from tests.oracle import find

    oracle = find()
    for method in ("hash", "btree"):
        data = _real_db(oracle, method, pairs) if oracle is not None else None
        if data is None:
            module = importlib.import_module(f"sendmailcfg.output.bdb.{method}")
            f = io.BytesIO()
            module.write(f, pairs)
            data = f.getvalue()
        out.append((method, data))
    return tuple(out)


def _real_db(oracle: Oracle, method: str, pairs: list[tuple[bytes, bytes]]) -> bytes | None:
    import os
    import tempfile

    source = b"".join(k + b" " + v + b"\n" for k, v in pairs if len(k) + len(v) < 1000)
    with tempfile.TemporaryDirectory() as folder:
        name = os.path.join(folder, "m")
        status, _ = oracle.makemap([], method, name, source)
        if status != 0 or not os.path.exists(name + ".db"):
            return None
        with open(name + ".db", "rb") as f:
            return f.read()


def _db_read(data: bytes) -> None:
    from sendmailcfg.output import pure

    which = data[0] % 2 if data else 0
    method, seed = seed_databases()[which]
    damaged = bytearray(seed)
    body = data[1:]
    for i in range(0, len(body) - 3, 4):  # (offset hi, offset lo, offset low, byte)
        at = int.from_bytes(body[i : i + 3], "big") % len(damaged)
        damaged[at] = body[i + 3]
    if body and body[0] & 0x80:
        del damaged[len(damaged) * (body[0] & 0x7F) // 128 :]
    yielded = 0
    try:
        for key, value in pure.read(bytes(damaged), method):
            yielded += len(key) + len(value)
            assert yielded <= 8 * len(damaged) + 65536, "a read yields more than the file holds"
    except (pure.FormatError, pure.WrongType, NotImplementedError):
        return


db_inputs = st.binary(min_size=1, max_size=64)


# -- route / sender ----------------------------------------------------------------------


def _site(data: bytes) -> tuple[Any, str]:
    from sendmailcfg.site import Site

    mc, mailertable, address = _split(data, 3)
    return Site.from_text(mc, maps={"mailertable": mailertable}, hostname="mx.example.com"), address


def _route(data: bytes) -> None:
    from sendmailcfg.site import route

    site, address = _site(data)
    try:
        answer = route(site, address)
    except ValueError:
        return
    answer.as_json()
    answer.explain()


def _sender(data: bytes) -> None:
    from sendmailcfg.site import sender

    site, address = _site(data)
    try:
        answer = sender(site, address)
    except ValueError:
        return
    answer.as_json()
    answer.explain()


addresses = st.one_of(
    st.sampled_from(["bob", "bob@example.com", "a@b.c.example.net", "@", "<>", "a@[1.2.3.4]"]),
    map_ish_text,
)


def site_inputs() -> st.SearchStrategy[bytes]:
    return st.tuples(mc_texts, map_texts, addresses).map(pack)


# -- .cf parsing: a hook for when it exists ------------------------------------------------


def _cf_parse(data: bytes) -> None:
    """Round trip a ``.cf`` once :mod:`sendmailcfg.cf` can parse one (a no-op before)."""
    from sendmailcfg.maps import KINDS

    if "cf" in KINDS:  # loads(..., "cf") once the lossless .cf tree is there
        doc = sendmailcfg.loads(data, "cf")
    else:
        try:
            module = importlib.import_module("sendmailcfg.cf.document")
        except ImportError:
            return
        parse = getattr(module, "parse_cf", None)
        if parse is None:
            return
        doc = parse(_source.decode(data))
    text = getattr(doc, "text", None)
    if text is not None:
        assert _source.encode(text) == data, "a .cf round trip lost bytes"


cf_inputs = _encoded(
    st.lists(
        st.sampled_from(["R$* < @ $=w . > $*\t$#local $: $1\n", "S0\n", "Dj$w.example\n", "\n"])
        | map_ish_text,
        max_size=20,
    ).map("".join)
)


def _all_targets() -> dict[str, Target]:
    out: dict[str, Target] = {}
    for kind in (*MAP_KINDS, "mc"):
        texts = mc_texts if kind == "mc" else map_texts
        out[f"loads-{kind}"] = Target(
            f"loads-{kind}",
            functools.partial(_round_trip, kind),
            _encoded(texts) | st.binary(max_size=300),
            f"loads/dumps of a {kind} file: byte-exact round trip, never a crash",
        )
        out[f"lint-{kind}"] = Target(
            f"lint-{kind}",
            functools.partial(_lint, kind),
            _encoded(texts),
            f"every lint rule on a {kind} file: no crash, positions from 1",
        )
    for kind in MAP_KINDS:
        out[f"edit-{kind}"] = Target(
            f"edit-{kind}",
            functools.partial(_map_edit, kind),
            map_edit_inputs(),
            f"set() on a {kind} file, read back as makemap reads it",
        )
    out["edit-mc"] = Target(
        "edit-mc", _mc_edit, mc_edit_inputs(), "set_define() on a .mc, read back"
    )
    out["db-reader"] = Target(
        "db-reader",
        _db_read,
        db_inputs,
        "the .db reader on damaged makemap files: FormatError or a bounded read",
    )
    out["route"] = Target("route", _route, site_inputs(), "route() on a generated site")
    out["sender"] = Target("sender", _sender, site_inputs(), "sender() on a generated site")
    out["cf-parse"] = Target(
        "cf-parse", _cf_parse, cf_inputs, ".cf parsing (a hook: runs once sendmailcfg.cf parses)"
    )
    return out


TARGETS = _all_targets()
"""Every target by name."""
