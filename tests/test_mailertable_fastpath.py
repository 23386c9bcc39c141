"""The fast path of ``MailertableDocument.resolve`` answers exactly as the token-level model.

Plain ``local@host`` queries walk the route index by string slicing, skip lookups no key
can answer, and leave ``tried`` and the :class:`Route` to be built when asked for; the
token-level model (``_Router.resolve_tokens``, checked against the real sendmail in
``tests/test_mailertable_oracle.py``) records every probe as it goes. Both must agree on
every attribute of every answer.
"""

from __future__ import annotations

import copy
import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sendmailcfg.maps.mailertable import MailertableDocument, Resolution
from sendmailcfg.maps.routing import STANDARD_MAILERS, Route

LABEL = st.sampled_from(["a", "B", "ex", "Ex", "q-1", "x_y", "c", "localhost", "oracle", "9"])
HOST = st.lists(LABEL, min_size=1, max_size=4).map(".".join)
KEY = st.one_of(
    HOST,
    HOST.map(lambda h: "." + h),
    st.just("."),
    st.text("ab.%:[]@-", min_size=1, max_size=6).filter(lambda k: "#" not in k),
)
VALUE = st.one_of(
    st.sampled_from(
        [
            "smtp:relay",
            "SMTP:[Mx.Relay]",
            "esmtp:%0",
            "smtp:%1.relay",
            "smtp:%2",
            "relay:%%x",
            "prog:/bin/x",
            "Prog:x",
            "error:5.1.1:550 no",
            "error:nouser",
            "local:",
            "local:bob",
            "local:U@H",
            "smtp:fred@relay.ex",
            "relay:a b",
            "nosuch:host",
            "smtp:",
            "a.b",
            "ex",
            ".:x",
            "%1",
            "%0",
            "%2.ex",
            "x.%1",
            "[1.2.3.4]",
        ]
    ),
    st.text("abcXs.:%012@[]lmtp", min_size=1, max_size=10).filter(
        lambda v: v.strip() == v and "#" not in v
    ),
)
LOCAL = st.one_of(st.none(), st.sampled_from(["u", "U", "a.b", "x%y", "a!b", "u+t", "", "\u00e9"]))
QUERY_HOST = st.one_of(
    HOST,
    HOST.map(lambda h: h + "."),
    HOST.map(lambda h: h + ".."),
    st.text("abcXYZ019-._[]%!+/^@=", max_size=12),
)


def mt(text: str, *, fold_keys: bool = True, last: bool = False) -> MailertableDocument:
    doc = MailertableDocument.from_text(
        text, fold_keys=fold_keys, duplicates="last" if last else "first"
    )
    assert isinstance(doc, MailertableDocument)
    return doc


def facts(r: Resolution) -> tuple[object, ...]:
    return (
        r.query,
        r.route,
        r.reason,
        r.entry,
        r.value,
        r.tried,
        r.key,
        r.line,
        r.mailer,
        r.host,
        r.user,
        r.explain(),
        repr(r),
    )


@given(
    entries=st.lists(st.tuples(KEY, VALUE), max_size=8),
    local=LOCAL,
    host=QUERY_HOST,
    fold=st.booleans(),
    last=st.booleans(),
    names=st.sampled_from([(), ("oracle",), ("Oracle.",)]),
    smart=st.sampled_from([None, "", "relay.example", "esmtp:[smart.ex]", "Oracle"]),
    mailers=st.sampled_from([None, STANDARD_MAILERS, ("SMTP",)]),
)
def test_fast_answers_equal_the_token_level_model(
    entries: list[tuple[str, str]],
    local: str | None,
    host: str,
    fold: bool,
    last: bool,
    names: tuple[str, ...],
    smart: str | None,
    mailers: frozenset[str] | tuple[str, ...] | None,
) -> None:
    doc = mt("".join(f"{k}\t{v}\n" for k, v in entries), fold_keys=fold, last=last)
    query = host if local is None else f"{local}@{host}"
    folded = frozenset(n.rstrip(".").lower() for n in names)
    known = None if mailers is None else frozenset(m.lower() for m in mailers)
    router = doc._router()
    try:
        expected = router.resolve_tokens(query, folded, smart, known)
    except ValueError:
        return  # address syntax: resolve raises the same error (test_mailertable.py)
    got = doc.resolve(query, local_names=names, smart_host=smart, mailers=mailers)
    assert facts(got) == facts(expected)
    assert got == expected and hash(got) == hash(expected)
    if not (names or smart is not None or mailers is not None):
        assert doc.resolve(query) is got  # from the cache


PERCENT = mt("x.a.ex\tsmtp:%0-%1-%2\n.b.ex\tsmtp:%0-%1-%2\n.\tsmtp:%0-%1-%2\n")


@pytest.mark.parametrize(
    ("query", "host"),
    [
        ("u@x.a.ex", "x.a.ex--"),
        ("u@Y.z.b.ex", ".b.ex-y.z-z"),
        ("w.b.ex.", ".b.ex-w-w"),
        ("u@q.org", ".-q.org-"),
    ],
)
def test_percent_values_get_the_key_and_args_sendmail_passes(query: str, host: str) -> None:
    r = PERCENT.resolve(query)
    assert r.host == host
    assert facts(r) == facts(PERCENT._router().resolve_tokens(query, (), None, None))


def test_keys_of_every_depth_are_found_longest_parent_first() -> None:
    doc = mt(".d\tsmtp:d\n.b.c.d\tsmtp:bcd\nx.a.b.c.d\tsmtp:exact\n.\tsmtp:dot\n")
    assert [doc.resolve(f"u@{h}").host for h in ("x.a.b.c.d", "y.a.b.c.d", "c.d", "d")] == [
        "exact",
        "bcd",
        "d",
        "dot",
    ]
    r = doc.resolve("u@y.a.b.c.d")
    assert [p.key for p in r.tried] == ["y.a.b.c.d", ".a.b.c.d", ".b.c.d"]


def test_route_and_tried_are_built_when_asked_for() -> None:
    doc = mt(".ex\tsmtp:relay\n")
    r = doc.resolve("u@a.ex")
    assert (r.mailer, r.host, r.user) == ("smtp", "relay", "u@a.ex")
    assert r.route == Route("smtp", "relay", "u@a.ex")
    assert r.tried is r.tried and [p.key for p in r.tried] == ["a.ex", ".ex"]


def test_tried_replays_the_entries_the_answer_came_from() -> None:
    doc = mt(".ex\tsmtp:relay\n")
    r = doc.resolve("u@a.ex")
    doc.set("a.ex", "smtp:new")
    assert [p.key for p in r.tried] == ["a.ex", ".ex"]
    assert r.tried[-1].entry == r.entry
    assert [p.key for p in doc.resolve("u@a.ex").tried] == ["a.ex"]


def test_answers_are_values() -> None:
    doc = mt(".ex\tsmtp:relay\n")
    r = doc.resolve("u@a.ex")
    twin = mt(".ex\tsmtp:relay\n").resolve("u@a.ex")
    assert r == twin and hash(r) == hash(twin)
    assert r != doc.resolve("v@a.ex")
    for other in (pickle.loads(pickle.dumps(r)), copy.copy(r), copy.deepcopy(r)):
        assert other == r and other.tried == r.tried and other.explain() == r.explain()


def test_the_answer_cache_keeps_the_most_recent_answers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sendmailcfg.maps.mailertable import document

    monkeypatch.setattr(document, "CACHE_SIZE", 4)
    doc = mt(".ex\tsmtp:[relay.ex]\n")
    first = doc.resolve("u@a.ex")
    for i in range(3):
        doc.resolve(f"u@h{i}.ex")
    assert doc.resolve("u@a.ex") is first  # still in the recent generation
    for i in range(3, 7):
        doc.resolve(f"u@h{i}.ex")
    assert doc.resolve("u@a.ex") is first  # found in the older one, and kept again
    for i in range(7, 20):
        doc.resolve(f"u@h{i}.ex")
    again = doc.resolve("u@a.ex")
    assert again is not first and again == first  # gone from both: answered afresh
    assert len(doc._recent) <= 4 and len(doc._older) <= 4
    doc.set(".ex", "smtp:[other.ex]")
    assert doc.resolve("u@a.ex").host == "[other.ex]"  # an edit drops every answer
