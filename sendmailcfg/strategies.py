r"""Hypothesis strategies for sendmail configurations: public, typed and stable.

For your own property tests: automation that writes ``.mc`` files or map sources can
check that what it writes round-trips, builds with makemap, and routes as intended.
sendmailcfg's own property tests use these. Every function returns a
``hypothesis.strategies.SearchStrategy``; hypothesis is an optional dependency
(``pip install 'sendmailcfg[test]'``).

* names: :func:`labels`, :func:`host_names`, :func:`domain_names`, :func:`ipv4_addresses`,
  :func:`bracketed_hosts`;
* addresses as sendmail tokenises them: :func:`local_parts`, :func:`addresses`,
  :func:`tokenised_addresses`;
* maps, per kind (``mailertable``, ``access``, ``virtusertable``, ``genericstable``,
  ``domaintable``, ``map``): :func:`map_keys`, :func:`map_values`, :func:`map_entries`,
  :func:`map_documents` (whole sources makemap builds with exit 0), and what makemap
  rejects: :func:`rejected_keys`, :func:`rejected_values`, :func:`rejected_lines`;
* lossless-parser input: :func:`map_sources`, :func:`map_ish_text`, :func:`any_text`,
  :func:`map_syntaxes`;
* ``.mc`` files: :func:`mc_define_lines`, :func:`mc_feature_lines`, :func:`mc_files`.

>>> from hypothesis import given
>>> import sendmailcfg
>>> @given(map_documents("mailertable"))
... def test_round_trip(text):
...     assert sendmailcfg.dumps(sendmailcfg.loads(text, "mailertable")) == text
>>> test_round_trip()
"""

from __future__ import annotations

try:
    from hypothesis import strategies as st
except ImportError as exc:  # pragma: no cover - hypothesis is installed for the tests
    raise ImportError(
        "sendmailcfg.strategies needs hypothesis: pip install 'sendmailcfg[test]' "
        "(or pip install hypothesis)"
    ) from exc

from collections.abc import Sequence

from sendmailcfg.maps.kinds import MAP_KINDS
from sendmailcfg.syntax.map_nodes import MapSyntax

SearchStrategy = st.SearchStrategy

__all__ = [
    "MAX_LINE",
    "addresses",
    "any_text",
    "bracketed_hosts",
    "domain_names",
    "host_names",
    "ipv4_addresses",
    "labels",
    "local_parts",
    "map_documents",
    "map_entries",
    "map_ish_text",
    "map_keys",
    "map_sources",
    "map_syntaxes",
    "map_values",
    "mc_define_lines",
    "mc_feature_lines",
    "mc_files",
    "newlines",
    "raw_keys",
    "raw_values",
    "rejected_keys",
    "rejected_lines",
    "rejected_values",
    "separators",
    "source_chars",
    "tokenised_addresses",
]

MAX_LINE = 1022
"""The longest line (bytes, without its newline) makemap reads as one line."""

# -- names ------------------------------------------------------------------------------


def labels() -> SearchStrategy[str]:
    """One DNS label: letters, digits and inner hyphens (1-12 characters)."""
    return st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,10}[a-zA-Z0-9])?", fullmatch=True)


def host_names(min_labels: int = 1, max_labels: int = 4) -> SearchStrategy[str]:
    """A host name: ``min_labels`` to ``max_labels`` labels joined by dots."""
    return st.lists(labels(), min_size=min_labels, max_size=max_labels).map(".".join)


def domain_names() -> SearchStrategy[str]:
    """A domain with at least two labels (``takaq.jp``, ``mail2.takaq.jp``)."""
    return host_names(min_labels=2)


def ipv4_addresses() -> SearchStrategy[str]:
    """A dotted-quad IPv4 address."""
    return st.lists(st.integers(0, 255), min_size=4, max_size=4).map(
        lambda o: ".".join(map(str, o))
    )


def bracketed_hosts() -> SearchStrategy[str]:
    """A host in square brackets (no MX lookup): ``[mail2.takaq.jp]`` or ``[192.0.2.1]``."""
    return st.one_of(domain_names(), ipv4_addresses()).map(lambda h: f"[{h}]")


# -- addresses --------------------------------------------------------------------------


def local_parts() -> SearchStrategy[str]:
    """A user name as sendmail tokenises it into atoms and the specials ``.``, ``+``,
    ``-``, ``_`` (no quoting, comments, lists or route syntax)."""
    return st.from_regex(r"[a-zA-Z0-9]([a-zA-Z0-9._+-]{0,10}[a-zA-Z0-9])?", fullmatch=True).filter(
        lambda s: ".." not in s
    )


def addresses(*, bare_users: bool = True, domains: Sequence[str] = ()) -> SearchStrategy[str]:
    """Recipient or sender addresses ``route``, ``sender`` and ``test`` accept:
    ``user@host`` (host from ``domains`` when given), and a bare ``user`` when
    ``bare_users``."""
    hosts = st.sampled_from(list(domains)) if domains else domain_names()
    qualified = st.builds(lambda u, h: f"{u}@{h}", local_parts(), hosts)
    return st.one_of(qualified, local_parts()) if bare_users else qualified


def tokenised_addresses(
    *, bare_users: bool = True, domains: Sequence[str] = ()
) -> SearchStrategy[tuple[str, list[str]]]:
    """``(address, tokens)``: an address of :func:`addresses` and the tokens sendmail's
    tokeniser splits it into (words, and the operators ``.:%@!^/[]+`` one each), as
    ``sendmail -bt`` prints them after ``input:``."""
    from sendmailcfg.maps.routing import tokens

    return addresses(bare_users=bare_users, domains=domains).map(lambda a: (a, tokens(a)))


# -- maps: valid keys, values and entries per kind ---------------------------------------

_MAILERS = ("smtp", "esmtp", "smtp8", "relay", "dsmtp")
_ACCESS_ACTIONS = ("OK", "RELAY", "REJECT", "DISCARD", "SKIP")


def _check_kind(kind: str) -> None:
    if kind not in MAP_KINDS:
        raise ValueError(f"kind {kind!r}: expected one of {', '.join(MAP_KINDS)}")


def _smtp_text() -> SearchStrategy[str]:
    return st.text(st.sampled_from("abcdefghij ABC.,-"), min_size=1, max_size=20).map(
        lambda s: s.strip() or "x"
    )


def map_keys(kind: str) -> SearchStrategy[str]:
    """Keys makemap stores and the map's FEATURE looks up, for map ``kind``:
    mailertable hosts and ``.domain`` keys; access ``Connect:``/``From:``/``To:`` keys,
    domains, IP prefixes and addresses; virtusertable ``user@domain`` and ``@domain``;
    genericstable users and addresses; domaintable domains; for ``map``, any word."""
    _check_kind(kind)
    if kind == "mailertable":
        return st.one_of(domain_names(), domain_names().map(lambda d: "." + d))
    if kind == "access":
        prefix = st.integers(1, 4).flatmap(
            lambda n: st.lists(st.integers(0, 255), min_size=n, max_size=n).map(
                lambda o: ".".join(map(str, o))
            )
        )
        bare = st.one_of(domain_names(), prefix, addresses(bare_users=False))
        tag = st.sampled_from(["", "Connect:", "From:", "To:"])
        return st.builds(lambda t, k: t + k, tag, bare)
    if kind == "virtusertable":
        return st.one_of(addresses(bare_users=False), domain_names().map(lambda d: "@" + d))
    if kind == "genericstable":
        return st.one_of(local_parts(), addresses(bare_users=False))
    if kind == "domaintable":
        return domain_names()
    return st.text(st.sampled_from("abcxyz0189.-_@[]:+"), min_size=1, max_size=12)


def map_values(kind: str) -> SearchStrategy[str]:
    """Values the map's FEATURE understands, for map ``kind``: mailertable
    ``mailer:host`` and ``error:`` routes; access actions, ``ERROR:`` and ``QUARANTINE:``;
    virtusertable addresses, users, ``%1@domain`` and ``error:nouser``; genericstable
    addresses; domaintable domains; for ``map``, any text without a line end."""
    _check_kind(kind)
    if kind == "mailertable":
        route = st.builds(
            lambda m, h: f"{m}:{h}",
            st.sampled_from(_MAILERS),
            st.one_of(domain_names(), bracketed_hosts()),
        )
        error = st.builds(
            lambda code, text: f"error:5.1.{code}:550 {text}", st.integers(0, 9), _smtp_text()
        )
        return st.one_of(route, st.just("local:"), error)
    if kind == "access":
        return st.one_of(
            st.sampled_from(_ACCESS_ACTIONS),
            st.builds(lambda t: f"ERROR:5.7.1:550 {t}", _smtp_text()),
            st.builds(lambda t: f"QUARANTINE:{t}", _smtp_text()),
        )
    if kind == "virtusertable":
        return st.one_of(
            addresses(),
            domain_names().map(lambda d: f"%1@{d}"),
            st.builds(lambda t: f"error:nouser 550 {t}", _smtp_text()),
        )
    if kind == "genericstable":
        return addresses(bare_users=False)
    if kind == "domaintable":
        return domain_names()
    return st.text(st.sampled_from('abc :[].%0123\t"xyz\u00e9'), min_size=1, max_size=20).map(
        lambda v: v.lstrip(" \t") or "v"
    )


def map_entries(kind: str) -> SearchStrategy[tuple[str, str]]:
    """``(key, value)`` pairs of map ``kind``."""
    return st.tuples(map_keys(kind), map_values(kind))


def _separators() -> SearchStrategy[str]:
    return st.sampled_from([" ", "\t", "  ", "\t\t", " \t "])


def _newlines() -> SearchStrategy[str]:
    return st.sampled_from(["\n", "\r\n"])


@st.composite
def _documents(draw: st.DrawFn, kind: str, max_entries: int, crlf: bool) -> str:
    pairs = draw(
        st.lists(map_entries(kind), max_size=max_entries, unique_by=lambda kv: kv[0].lower())
    )
    nl = draw(_newlines()) if crlf else "\n"
    lines: list[str] = []
    for key, value in pairs:
        if draw(st.integers(0, 5)) == 0:
            lines.append(draw(st.sampled_from(["", "# a comment", "#"])) + nl)
        lines.append(key + draw(_separators()) + value + nl)
    no_final_newline: bool = draw(st.booleans())
    if lines and no_final_newline:
        lines[-1] = lines[-1].rstrip("\r\n")
    return "".join(lines)


def map_documents(kind: str, *, max_entries: int = 10, crlf: bool = False) -> SearchStrategy[str]:
    """Whole map sources of ``kind`` that makemap builds with exit 0: entries (keys
    unique after case folding), comments, blank lines, maybe no final newline; with
    ``crlf`` some use CRLF line ends (makemap keeps the CR in the value)."""
    _check_kind(kind)
    return _documents(kind, max_entries, crlf)


# -- what makemap rejects ----------------------------------------------------------------


def rejected_keys() -> SearchStrategy[str]:
    """Keys makemap refuses (exit 65 and ``syntax error (leading space)`` or ``line too
    long (1024 bytes max)``): leading blanks, or too long for its 1024-byte line buffer."""
    word = st.text(st.sampled_from("abcxyz0189.-"), min_size=1, max_size=10)
    return st.one_of(
        st.builds(lambda blank, k: blank + k, st.sampled_from([" ", "\t", "  "]), word),
        st.integers(MAX_LINE + 1, MAX_LINE + 200).map(lambda n: "k" * n),
    )


def rejected_values() -> SearchStrategy[str]:
    """Values makemap refuses without ``-e`` (``no RHS for LHS``): empty or only blanks."""
    return st.sampled_from(["", " ", "\t", "  \t"])


def rejected_lines(kind: str = "map") -> SearchStrategy[str]:
    """One source line (with its newline) makemap rejects: a valid key of ``kind`` with
    a rejected value, or a rejected key with a valid value."""
    return st.one_of(
        st.builds(lambda k, v: f"{k}{v}\n", map_keys(kind), rejected_values()),
        st.builds(lambda k, v: f"{k} {v}\n", rejected_keys(), map_values(kind)),
    )


# -- text for lossless parsers ------------------------------------------------------------

# Characters that matter to makemap's reader, plus ordinary and non-ASCII text.
_SPECIAL = " \t\r\n\x0b\x0c\x00#:;%@.[]`'\"\\"
_PLAIN = "abcXYZ019-_"
_WIDE = "\u00e9\u00c4\u65e5\udcff\udc8e"  # Latin-1 / CJK / lone surrogates (undecodable bytes)


def source_chars() -> SearchStrategy[str]:
    """One character, dense in what makemap's reader cares about (also undecodable bytes)."""
    return st.sampled_from(_SPECIAL + _PLAIN + _WIDE)


def map_ish_text(max_size: int = 120) -> SearchStrategy[str]:
    """Short texts dense in the characters makemap cares about."""
    return st.lists(source_chars(), max_size=max_size).map("".join)


def any_text(max_size: int = 200) -> SearchStrategy[str]:
    """Arbitrary text (including what undecodable bytes decode to)."""
    return st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=()) | st.sampled_from(_WIDE),
        max_size=max_size,
    )


def raw_keys() -> SearchStrategy[str]:
    """Key-like words of no particular kind (for the lossless map parser)."""
    key_chars = st.sampled_from("abcxyzABCXYZ0189.-_@[]:+*\u00e9")
    return st.text(key_chars, min_size=1, max_size=12).filter(lambda k: k[0] not in "#")


def raw_values() -> SearchStrategy[str]:
    """Value-like texts of no particular kind (for the lossless map parser)."""
    return st.builds(
        lambda head, tail: head + tail,
        st.sampled_from('abcSMTP:[]%01.ERROR"5\u00e9'),
        st.text(st.sampled_from('abc :[].%0123\t"xyz\u00e9'), max_size=20),
    )


def separators() -> SearchStrategy[str]:
    """What may stand between a key and its value."""
    return _separators()


def newlines() -> SearchStrategy[str]:
    """A line end: LF or CRLF."""
    return _newlines()


@st.composite
def _map_sources(draw: st.DrawFn) -> str:
    lines = []
    for _ in range(draw(st.integers(0, 12))):
        what = draw(st.sampled_from(["entry"] * 6 + ["comment", "blank", "bad"]))
        nl = draw(_newlines())
        if what == "entry":
            lines.append(draw(raw_keys()) + draw(_separators()) + draw(raw_values()) + nl)
        elif what == "comment":
            lines.append("#" + draw(map_ish_text()).replace("\n", "") + nl)
        elif what == "blank":
            lines.append("\n")
        else:
            lines.append(draw(st.sampled_from([" indented x", "lonely", "k\t", "\tx y"])) + nl)
    text = "".join(lines)
    if text and draw(st.booleans()):
        text = text.rstrip("\n")
    return text


def map_sources() -> SearchStrategy[str]:
    """Realistic map sources of no particular kind: entries, comments, blank lines, and
    some lines makemap rejects (for lossless round trips, not for building)."""
    return _map_sources()


def map_syntaxes() -> SearchStrategy[MapSyntax]:
    """makemap reading options: comment character (``-D``), delimiter (``-t``), ``-e``."""
    return st.builds(
        MapSyntax,
        comment=st.sampled_from(["#", ";", "%", " ", "\\", "]"]),
        delimiter=st.sampled_from([None, None, ":", "\t", " ", "=", "#", "^"]),
        allow_empty=st.booleans(),
    )


# -- .mc files ------------------------------------------------------------------------------

_DEFINES = (
    "SMART_HOST",
    "MAIL_HUB",
    "LOCAL_RELAY",
    "confDOMAIN_NAME",
    "confMAX_MESSAGE_SIZE",
    "confPRIVACY_FLAGS",
    "confTO_CONNECT",
    "confCW_FILE",
)
_FEATURES = (
    "mailertable",
    "virtusertable",
    "genericstable",
    "domaintable",
    "access_db",
    "use_cw_file",
    "masquerade_envelope",
    "always_add_domain",
    "relay_entire_domain",
    "redirect",
)


def _mc_values() -> SearchStrategy[str]:
    return st.one_of(
        domain_names(),
        bracketed_hosts(),
        st.integers(0, 10**7).map(str),
        st.text(st.sampled_from("abcxyz019.-_:/ ,"), min_size=1, max_size=20).map(
            lambda s: s.strip() or "x"
        ),
    )


def mc_define_lines(names: Sequence[str] = _DEFINES) -> SearchStrategy[tuple[str, str, str]]:
    """``(line, name, value)``: a ``define(`NAME', `VALUE')dnl`` line (with its newline)
    for one of ``names``, and what it sets."""
    return st.builds(
        lambda n, v: (f"define(`{n}', `{v}')dnl\n", n, v),
        st.sampled_from(list(names)),
        _mc_values(),
    )


def mc_feature_lines(features: Sequence[str] = _FEATURES) -> SearchStrategy[tuple[str, str]]:
    """``(line, feature)``: a ``FEATURE(`name')dnl`` line (map FEATUREs sometimes with a
    ``hash -o /etc/mail/NAME`` argument), and the FEATURE's name."""

    def line(name: str, with_spec: bool) -> tuple[str, str]:
        if with_spec and name in ("mailertable", "virtusertable", "genericstable", "domaintable"):
            return f"FEATURE(`{name}', `hash -o /etc/mail/{name}')dnl\n", name
        return f"FEATURE(`{name}')dnl\n", name

    return st.builds(line, st.sampled_from(list(features)), st.booleans())


@st.composite
def _mc_files(draw: st.DrawFn) -> str:
    defines = draw(st.lists(mc_define_lines(), max_size=5, unique_by=lambda d: d[1]))
    features = draw(st.lists(mc_feature_lines(), max_size=5, unique_by=lambda f: f[1]))
    body = [line for line, _, _ in defines] + [line for line, _ in features]
    body = draw(st.permutations(body))
    head = [
        "divert(-1)\n",
        "# generated\n",
        "divert(0)dnl\n",
        "VERSIONID(`generated')dnl\n",
        draw(st.sampled_from(["OSTYPE(`linux')dnl\n", "OSTYPE(`freebsd6')dnl\n"])),
    ]
    tail = ["MAILER(`local')dnl\n", "MAILER(`smtp')dnl\n"]
    if draw(st.booleans()):
        body.insert(0, "dnl a comment line\n")
    return "".join([*head, *body, *tail])


def mc_files() -> SearchStrategy[str]:
    """Whole ``.mc`` files: VERSIONID, OSTYPE, unique defines and FEATUREs in any order
    (see :func:`mc_define_lines`, :func:`mc_feature_lines`), then the local and smtp
    MAILERs; each renders with m4 and the cf macros."""
    return _mc_files()
