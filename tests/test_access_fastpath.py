"""The fast path of the access checks answers exactly as the token-level model.

``AccessDocument.check_connect`` / ``check_from`` / ``check_to`` answer plain queries
from a snapshot of the keys (``sendmailcfg.maps.access.fast``); the module functions of
``sendmailcfg.maps.access.rules`` are the token-level model (checked against the real
sendmail in ``tests/test_access_oracle.py``). Both must give equal decisions, ``tried``
included, for every map and query, and an edit must reach the next answer.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.maps.access import AccessDocument, AccessQueryError, Client, rules
from sendmailcfg.maps.access.fast import Snapshot
from sendmailcfg.syntax.map_nodes import MapSyntax

LABEL = st.sampled_from(["a", "B", "ex", "Ex", "q-1", "x_y", "localhost", "test", "9", "uucp"])
HOST = st.lists(LABEL, min_size=1, max_size=4).map(".".join)
OCTET = st.sampled_from(["10", "1", "192", "0", "2", "255", "127"])
IPV4 = st.lists(OCTET, min_size=1, max_size=4).map(".".join)
GROUP = st.sampled_from(["2001", "db8", "0", "1", "ffff", "Ab"])
IPV6 = st.builds(
    lambda groups, compress: (
        "IPv6:" + (":" if compress else "").join([":".join(groups)])
        if not compress
        else "IPv6:" + ":".join(groups[:1]) + "::" + ":".join(groups[1:] or ["1"])
    ),
    st.lists(GROUP, min_size=1, max_size=8),
    st.booleans(),
)
USER = st.sampled_from(["u", "U", "a.b", "u+d", "u+d+e", "bob", "x_y", "q-1", "*"])
BODY = st.one_of(
    HOST,
    HOST.map(lambda h: "." + h),
    IPV4,
    IPV6,
    st.sampled_from(["IPv6", "ipv6", "[10.1.2.3]", "[10.1]", ""]),
    USER.map(lambda u: u + "@"),
    st.builds(lambda u, h: f"{u}@{h}", USER, HOST),
    st.builds(lambda u, h: f"{u.split('+')[0]}+*@{h}", USER, HOST),
)
TAG = st.sampled_from(["", "", "Connect:", "From:", "To:", "connect:", "TO:", "TLS_Clt:"])
VALUE = st.sampled_from(
    [
        "RELAY",
        "relay",
        "OK",
        "REJECT",
        "DISCARD",
        "ERROR:5.7.1:550 go away",
        'ERROR:"553 bad  sender"',
        "ERROR:",
        "QUARANTINE:",
        "QUARANTINE:held",
        "SKIP",
        "?",
        "OKR",
        "TEMP",
        "PERM",
        "foo bar",
        "VERIFY",
        "RELAY x",
        "",
    ]
)
ADDRESS = st.one_of(
    st.builds(lambda u, h, dots: f"{u}@{h}{dots}", USER, HOST, st.sampled_from(["", ".", ".."])),
    st.sampled_from(["", "<>", " <> ", "<u@ex>", "bob", "u@[10.1.2.3]", "a%b@ex", "u @ex", "@ex"]),
    st.text("ab.@+-_:[]<> %!", max_size=10),
)
CLIENT_NAME = st.one_of(
    st.none(),
    HOST,
    HOST.map(lambda h: h + "."),
    st.sampled_from(["", " ", ".", "[10.1.2.3]", "a b", "localhost"]),
)
CLIENT_ADDR = st.one_of(
    st.none(),
    IPV4,
    IPV6,
    st.sampled_from(
        ["", "0", "127.0.0.1", "IPv6:::1", "ipv6:0:0:0:0:0:0:0:1", " ", "1..2", "a:::b"]
    ),
)
CLIENT = st.one_of(
    st.none(),
    st.builds(
        Client,
        CLIENT_NAME,
        CLIENT_ADDR,
        resolve=st.sampled_from([None, None, "OK", "FAIL", "FORGED", "TEMP", "ok"]),
    ),
)
LOCAL_NAMES = st.sampled_from([(), ("ex",), ("Ex.", "a.b"), ("[10.1.2.3]",), ("localhost",)])
FEATURES = st.one_of(
    st.just(()),
    st.lists(
        st.sampled_from(
            ["lookupdotdomain", "relay_hosts_only", "skip", "blocklist_recipients", "delay_checks"]
        ),
        max_size=3,
        unique=True,
    ),
)
RELAY_DOMAINS = st.one_of(
    st.just(()),
    st.lists(
        st.sampled_from(
            ["ex", "Ex", ".ex", "a.b", "b", "10.1", "10", "IPv6", "x_y", "a b", "", "[1]"]
        ),
        max_size=3,
    ),
)


@st.composite
def access_docs(draw: st.DrawFn) -> AccessDocument:
    entries = draw(st.lists(st.tuples(TAG, BODY, VALUE), max_size=10))
    allow_empty = draw(st.booleans())
    text = "".join(f"{t}{b}\t{v}\n" if v else f"{t}{b}\n" for t, b, v in entries if t or b)
    doc = AccessDocument.from_text(
        text,
        syntax=MapSyntax(allow_empty=allow_empty),
        fold_keys=draw(st.booleans()),
        duplicates=draw(st.sampled_from(["first", "last"])),
    )
    assert isinstance(doc, AccessDocument)
    return doc


def same_answer(fast: Any, slow: Any) -> None:
    """Call both; they raise the same error or give equal decisions in every attribute."""
    try:
        want = slow()
    except (AccessQueryError, ValueError) as e:
        with pytest.raises(type(e)):
            fast()
        return
    got = fast()
    assert got == want
    assert (got.reason, got.rejects, got.smtp_reply("a@b")) == (
        want.reason,
        want.rejects,
        want.smtp_reply("a@b"),
    )


@given(access_docs(), CLIENT_NAME, CLIENT_ADDR, FEATURES)
def test_check_connect_equals_the_model(
    doc: AccessDocument, name: Any, addr: Any, features: list[str]
) -> None:
    same_answer(
        lambda: doc.check_connect(name, addr, features=iter(features)),
        lambda: rules.check_connect(doc, name, addr, features=features),
    )


@given(access_docs(), ADDRESS, CLIENT, LOCAL_NAMES, FEATURES)
def test_check_from_equals_the_model(
    doc: AccessDocument,
    address: str,
    client: Client | None,
    names: tuple[str, ...],
    features: list[str],
) -> None:
    same_answer(
        lambda: doc.check_from(address, client=client, local_names=names, features=features),
        lambda: rules.check_from(doc, address, client=client, local_names=names, features=features),
    )


@given(access_docs(), ADDRESS, CLIENT, LOCAL_NAMES, FEATURES, RELAY_DOMAINS, st.booleans())
def test_check_to_equals_the_model(
    doc: AccessDocument,
    address: str,
    client: Client | None,
    names: tuple[str, ...],
    features: list[str],
    relay: list[str],
    iterators: bool,
) -> None:
    def fast() -> rules.AccessDecision:
        if iterators:  # read once only: the document must not lose them to the fast path
            return doc.check_to(
                address,
                client=client,
                local_names=iter(names),
                features=iter(features),
                relay_domains=iter(relay),
                sender="a@b.test",
            )
        kw: dict[str, Any] = {"local_names": names, "features": features, "sender": "a@b.test"}
        return doc.check_to(address, client=client, relay_domains=relay, **kw)

    same_answer(
        fast,
        lambda: rules.check_to(
            doc,
            address,
            client=client,
            local_names=names,
            features=features,
            relay_domains=relay,
            sender="a@b.test",
        ),
    )


@given(access_docs(), st.lists(st.tuples(TAG, BODY, VALUE), min_size=1, max_size=4), ADDRESS)
def test_edits_reach_the_next_answer(
    doc: AccessDocument, edits: list[tuple[str, str, str]], address: str
) -> None:
    client = Client("a.ex", "10.1.2.3")
    for tag, body, value in edits:
        doc.check_connect("a.ex", "10.1.2.3")  # builds the snapshot the edit must drop
        key = tag + body
        if not key:
            continue
        if value == "?" and key in doc:
            del doc[key]
        else:
            doc[key] = value or "REJECT"
        same_answer(
            lambda: doc.check_to(address, client=client),
            lambda: rules.check_to(doc, address, client=client),
        )
        same_answer(
            lambda: doc.check_connect("a.ex", "10.1.2.3"),
            lambda: rules.check_connect(doc, "a.ex", "10.1.2.3"),
        )


ACCESS = AccessDocument.from_text(
    "To:ex.test\tRELAY\nConnect:10.1\tRELAY\nConnect:192.0.2\tREJECT\n"
    "From:u@ex.test\tDISCARD\nConnect:IPv6:2001:db8\tERROR:5.7.1:550 no\n"
)


@pytest.mark.parametrize(
    ("call", "tried"),
    [
        (lambda d: d.check_to("u@mx.ex.test"), ("To:mx.ex.test", "mx.ex.test", "To:ex.test")),
        (
            lambda d: d.check_to("u@far.test", client=Client("h.test", "10.1.2.3")),
            (
                "To:far.test",
                "far.test",
                "To:test",
                "test",
                "Connect:10.1.2.3",
                "10.1.2.3",
                "Connect:10.1.2",
                "10.1.2",
                "Connect:10.1",
            ),
        ),
        (
            lambda d: d.check_connect("", "IPv6:2001:db8::1"),
            ("Connect:IPv6:2001:db8::1", "IPv6:2001:db8::1", "Connect:IPv6:2001:db8"),
        ),
        (
            lambda d: d.check_from("u+x@ex.test"),
            (
                "TLS_Clt:",
                "From:u+x@ex.test",
                "u+x@ex.test",
                "From:u+*@ex.test",
                "u+*@ex.test",
                "From:u@ex.test",
            ),
        ),
    ],
)
def test_plain_queries_take_the_fast_path(call: Any, tried: tuple[str, ...]) -> None:
    doc = ACCESS.copy()
    snapshot = doc._snapshot()
    got = call(doc)
    assert got.tried == tried
    assert doc._snapshot() is snapshot  # answered from it, not rebuilt
    assert got == call(_Model(doc))


class _Model:
    """The checks of the token-level model, called like the document's methods."""

    def __init__(self, doc: AccessDocument) -> None:
        self.doc = doc

    def check_to(self, address: str, **kw: Any) -> rules.AccessDecision:
        return rules.check_to(self.doc, address, **kw)

    def check_from(self, address: str, **kw: Any) -> rules.AccessDecision:
        return rules.check_from(self.doc, address, **kw)

    def check_connect(self, name: str, addr: str, **kw: Any) -> rules.AccessDecision:
        return rules.check_connect(self.doc, name, addr, **kw)


def test_unusual_queries_are_left_to_the_model() -> None:
    snap = Snapshot(ACCESS)
    names = frozenset({"localhost"})
    assert snap.check_connect("[10.1.2.3]", "10.1.2.3") is None  # a bracketed name
    assert snap.check_connect("h", "IPv6:::1") is None  # ":::"
    assert snap.check_to("u@[10.1.2.3]", None, names) is None
    assert snap.check_to("u@far.test", Client("[10.9.9.9]", "10.9.9.9"), names) is None
    assert snap.check_from("a@localhost", None) is None
    tls_doc = AccessDocument.from_text("TLS_Clt:\tVERIFY\n")
    tls = Snapshot(tls_doc)
    assert tls.check_from("a@b.test", None) is None


def test_an_edit_drops_the_snapshot() -> None:
    doc = ACCESS.copy()
    assert doc.check_to("u@far.test").action == "REJECT"
    before = doc._snapshot()
    doc["To:far.test"] = "RELAY"
    assert doc.check_to("u@far.test").key == "To:far.test"
    assert doc._snapshot() is not before
    del doc["To:far.test"]
    assert doc.check_to("u@far.test").action == "REJECT"
    doc.insert("To:test", "RELAY")
    assert doc.check_to("u@far.test").key == "To:test"
    assert doc.remove("To:test") and doc.check_to("u@far.test").action == "REJECT"
    assert ACCESS.check_to("u@far.test").action == "REJECT"  # the copy's edits stay there


def test_the_snapshot_follows_the_key_options() -> None:
    doc = AccessDocument.from_text("To:EX.test\tRELAY\nTo:ex.test\tREJECT\n")
    assert doc.check_to("u@ex.test").action == "RELAY"  # folded, the first kept
    doc.duplicates = "last"
    assert doc.check_to("u@ex.test") == rules.check_to(doc, "u@ex.test")
    assert doc.check_to("u@ex.test").action == "REJECT"
    doc.fold_keys = False
    assert doc.check_to("u@EX.test") == rules.check_to(doc, "u@EX.test")


FEATURED = AccessDocument.from_text(
    "Connect:.trusted.test\tRELAY\nTo:.dot.test\tRELAY\nTo:sub.skip.test\tSKIP\n"
    "skip.test\tRELAY\nConnect:10.9\tSKIP\nConnect:10\tREJECT\nFrom:.dot.test\tDISCARD\n"
    "To:bob@\tREJECT\nTo:victim@ex.test\tERROR:5.1.1:550 gone\nTo:ok.test\tOK\n"
    "To:u+*@ex.test\tDISCARD\nTo:gone.test\tREJECT\nFrom:bad@x.test\tREJECT\n"
)
DELAY: dict[str, Any] = {"features": ["delay_checks"], "local_names": ["mx.test"]}


@pytest.mark.parametrize(
    ("method", "args", "kw"),
    [
        ("check_to", ("u@a.dot.test",), {"features": ["lookupdotdomain"]}),
        ("check_to", ("u@dot.test",), {"features": ["lookupdotdomain"]}),
        ("check_to", ("u@x.sub.skip.test",), {}),
        ("check_to", ("u@x.sub.skip.test",), {"features": ["skip"]}),
        ("check_to", ("u@x.skip.test",), {"features": ["relay_hosts_only"]}),
        ("check_to", ("u@skip.test",), {"features": ["relay_hosts_only"]}),
        ("check_to", ("u@a.ex",), {"relay_domains": ["ex"]}),
        ("check_to", ("u@a.ex",), {"relay_domains": ["ex"], "features": ["relay_hosts_only"]}),
        ("check_to", ("u@aex",), {"relay_domains": ["ex", ".a"]}),
        (
            "check_to",
            ("u@far.test",),
            {"client": Client("h.trusted.test", "10.1.1.1"), "features": ["lookupdotdomain"]},
        ),
        (
            "check_to",
            ("u@far.test",),
            {"client": Client("h", "10.9.1.1"), "relay_domains": ["10.9"]},
        ),
        (
            "check_to",
            ("u@far.test",),
            {"client": Client("h", "10.90.1.1"), "relay_domains": ["10.9"]},
        ),
        ("check_to", ("u@far.test",), {"client": Client("a.b", "1.2.3.4"), "relay_domains": ["b"]}),
        ("check_to", ("victim@ex.test",), {"features": ["blocklist_recipients"]}),
        ("check_to", ("u+x@ex.test",), {"features": ["blocklist_recipients"]}),
        ("check_to", ("bob@ex.test",), {"features": ["blocklist_recipients"]}),
        (
            "check_to",
            ("bob@mx.test",),
            {"features": ["blocklist_recipients"], "local_names": ["mx.test"]},
        ),
        ("check_to", ("x@a.gone.test",), {"features": ["blocklist_recipients"]}),
        ("check_to", ("x@a.ok.test",), {"features": ["blocklist_recipients"]}),
        ("check_connect", ("h", "10.1.1.1"), {"features": ["delay_checks"]}),
        ("check_to", ("u@mx.test",), {**DELAY, "sender": "bad@x.test"}),
        ("check_to", ("u@mx.test",), {**DELAY, "sender": "ok@x.test"}),
        ("check_to", ("u@mx.test",), {**DELAY, "client": Client("h", "10.1.1.1")}),
        ("check_to", ("u@mx.test",), {**DELAY, "client": Client("h", "10.9.1.1")}),
        ("check_to", ("u@far.test",), {**DELAY, "sender": "bad@x.test"}),
        ("check_from", ("u@a.dot.test",), {"features": ["delay_checks"]}),
        ("check_connect", ("h", "10.9.1.1"), {}),
        ("check_connect", ("h", "10.9.1.1"), {"features": ["skip"]}),
        ("check_connect", ("x.trusted.test", "1.2.3.4"), {"features": ("lookupdotdomain",)}),
        ("check_from", ("u@a.dot.test",), {"features": ["lookupdotdomain"]}),
        ("check_from", ("u@a.dot.test",), {"client": Client("h.t", "1.2.3.4")}),
    ],
)
def test_features_take_the_fast_path(
    method: str, args: tuple[Any, ...], kw: dict[str, Any]
) -> None:
    doc = FEATURED.copy()
    calls: list[object] = []
    snapshot = doc._snapshot()
    fast = getattr(snapshot, method)

    def spy(*a: Any) -> object:
        calls.append(fast(*a))
        return calls[-1]

    setattr(snapshot, method, spy)
    got = getattr(doc, method)(*args, **kw)
    assert calls and calls[0] is not None  # answered by the fast path
    assert got == getattr(_Model(doc), method)(*args, **kw)


def test_key_shapes_leave_out_lookups_only() -> None:
    doc = ACCESS.copy()
    snapshot = doc._snapshot()
    assert snapshot.shapes == {"to:": {2}, "connect:": {2, 3}, "from:": {2}}
    gets: list[str] = []

    class Keys(dict[str, Any]):
        def get(self, key: str, default: Any = None) -> Any:
            gets.append(key)
            return super().get(key, default)

    snapshot.keys = Keys(snapshot.keys)
    client = Client("h.x", "10.1.2.3")
    got = doc.check_to("u@a.b.far.test", client=client)
    assert got == rules.check_to(doc, "u@a.b.far.test", client=client)
    assert len(got.tried) == 13
    assert gets == ["to:far.test", "connect:10.1.2", "connect:10.1"]  # the rest cannot match


def test_the_snapshot_does_not_keep_its_document_alive() -> None:
    import gc
    import weakref

    doc = ACCESS.copy()
    doc.check_to("u@far.test")
    gone = weakref.ref(doc)
    gc.disable()
    try:
        del doc
        assert gone() is None  # freed at once: no cycle through the snapshot
    finally:
        gc.enable()
