r"""The genericstable map (FEATURE(`genericstable')): what a sender address becomes.

:meth:`GenericstableDocument.rewrite` follows ruleset 93 ``MasqHdr`` of the
.cf the cf package builds (``proto.m4``; ruleset 94 ``MasqEnv`` calls it for
envelope senders with FEATURE(`masquerade_envelope')), as the real sendmail
8.17 was measured to run it. It applies to unqualified senders (``user``,
qualified as ``*LOCAL*`` by ruleset ``MasqSMTP``) and to senders whose domain
is in class ``{G}`` (``GENERICS_DOMAIN``/``GENERICS_DOMAIN_FILE``; with
FEATURE(`generics_entire_domain') their subdomains too). Class ``w`` (the
host's own names) does **not** make sendmail look a sender up: since 8.12 the
MSP qualifies local senders as ``user@$j``, so ``$j`` must be in ``{G}``.
The keys, in order, for ``user+detail@domain``::

    user+detail@domain
    user+*@domain        %1 = detail   (only with a +detail)
    user@domain                        (only with a +detail)
    @domain              %1 = user+detail  (not for unqualified senders)
    user+detail
    user+*               %1 = detail   (only with a +detail)
    user                               (only with a +detail)

An unqualified sender is looked up as ``user@$j`` first (``host_name``). A value
without ``@`` is qualified with the masquerade name or ``$j``.

>>> doc = GenericstableDocument.from_text("joe\tjoe.smith@example.com\n")
>>> r = doc.rewrite("joe@host.example.com", generics_domains=["host.example.com"])
>>> (r.key, r.result, r.line)
('joe', 'joe.smith@example.com', 1)
>>> r.tried
('joe@host.example.com', '@host.example.com', 'joe')
>>> doc.rewrite("joe@elsewhere.example", generics_domains=["host.example.com"]).looked_up
False
"""

from __future__ import annotations

from collections.abc import Collection

import attrs

from sendmailcfg.maps.access.tokens import join_key, match, tokenize
from sendmailcfg.maps.document import LocatedEntry, MapDocument
from sendmailcfg.maps.keys import fold
from sendmailcfg.maps.virtusertable import (
    MapProbe,
    _explain,
    _Lookups,
    _names,
    answer_json,
    answer_summary,
    in_class,
    parse_address,
)

__all__ = ["GenericsResolution", "GenericstableDocument"]


@attrs.frozen
class GenericsResolution:
    """What genericstable makes of one sender address, and why."""

    address: str
    key: str | None
    """The key that matched (as sendmail formed it), or None."""
    result: str | None
    """The rewritten sender, or None when no entry matched (or not looked up)."""
    line: int | None
    entry: LocatedEntry | None
    tried: tuple[str, ...]
    """Every key looked up, in order."""
    looked_up: bool
    """False when the sender is neither unqualified nor in class ``{G}``."""
    probes: tuple[MapProbe, ...] = ()
    """The lookups with their ``%`` arguments and findings (same order as ``tried``)."""
    value: str | None = None
    """The entry's value after ``%`` substitution (``result`` before qualification)."""

    def as_json(self, query: str | None = None) -> dict[str, object]:
        """The JSON object ``query genericstable --json`` prints (``query``: as given)."""
        return answer_json(
            self.address if query is None else query, self.key, self.result, None, self.line
        )

    def summary(self, query: str | None = None) -> str:
        """One line: ``QUERY -> RESULT (line N: KEY)``."""
        q = self.address if query is None else query
        return answer_summary(q, self.key, self.result, None, self.line, self.looked_up)

    def explain(self) -> str:
        """The answer in words, then every key tried and what it found.

        >>> doc = GenericstableDocument.from_text("joe\\tjs@example.com\\n")
        >>> print(doc.rewrite("joe@h.example", generics_domains=["h.example"]).explain())
        joe@h.example -> js@example.com (line 1: joe)
          joe@h.example  no entry
          @h.example     no entry
          joe            line 1: js@example.com  <- decides
        """
        return _explain(
            self.address,
            self.looked_up,
            self.key,
            self.line,
            self.result,
            None,
            self.probes,
            "genericstable",
        )


class GenericstableDocument(MapDocument):
    """A genericstable source file (FEATURE(`genericstable')): rewrite senders."""

    kind = "genericstable"

    def rewrite(
        self,
        address: str,
        *,
        generics_domains: Collection[str] = (),
        entire_domain: bool = False,
        local_names: Collection[str] = (),
        host_name: str | None = None,
        masquerade_as: str | None = None,
    ) -> GenericsResolution:
        """What the sender ``address`` becomes in headers (and, with
        FEATURE(`masquerade_envelope'), in the envelope).

        ``generics_domains``: class ``{G}``; ``entire_domain``:
        FEATURE(`generics_entire_domain'). ``local_names``: class ``w``: it does
        not make sendmail look a sender up; ruleset 3 only renames IP literals
        in it (and ``localhost``) to ``host_name`` (``$j``), which is looked up
        when it is in ``{G}``. ``host_name`` also qualifies unqualified senders
        (first key ``user@$j``) and results, unless ``masquerade_as``
        (``MASQUERADE_AS``) is given. Without ``host_name`` an unqualified sender's
        ``user@$j`` key is not tried and an unqualified result stays unqualified.
        """
        w = _names(local_names)
        if host_name is not None:
            w |= {fold(host_name.rstrip("."))}
        g = _names(generics_domains)
        a = parse_address(address, local_names=w, host_name=host_name)
        run = _Lookups(self)
        if a.domain is None:
            full = f"{join_key(a.local)}@{host_name.rstrip('.')}" if host_name else None
            qualified = False
        elif a.literal or not in_class(join_key(a.domain), g, entire_domain):
            return GenericsResolution(address, None, None, None, None, (), False)
        else:
            full = f"{join_key(a.local)}@{join_key(a.domain)}"
            qualified = True
        value = _search(run, a.local, a.domain if qualified else None, full)
        probes = tuple(run.probes)
        tried = tuple(p.key for p in probes)
        found = next((p for p in reversed(probes) if p.value), None)
        if value is None or found is None or found.entry is None:
            return GenericsResolution(address, None, None, None, None, tried, True, probes)
        result = value
        if "@" not in value:
            qualify = masquerade_as or host_name
            if qualify:
                result = f"{value}@{qualify.rstrip('.')}"
        return GenericsResolution(
            address,
            found.key,
            result,
            found.entry.line,
            found.entry,
            tried,
            True,
            probes,
            value,
        )

    def explain(
        self,
        address: str,
        *,
        generics_domains: Collection[str] = (),
        entire_domain: bool = False,
        local_names: Collection[str] = (),
        host_name: str | None = None,
        masquerade_as: str | None = None,
    ) -> str:
        """:meth:`rewrite` in words (see :meth:`GenericsResolution.explain`)."""
        return self.rewrite(
            address,
            generics_domains=generics_domains,
            entire_domain=entire_domain,
            local_names=local_names,
            host_name=host_name,
            masquerade_as=masquerade_as,
        ).explain()


def _look(run: _Lookups, key: list[str], args: tuple[str, ...]) -> list[str] | None:
    """``$(generics key $@ args $)``: the value's tokens, or None (an empty value too)."""
    p = run.look(join_key(key), args)
    return tokenize(p.value) if p.value else None


def _search(
    run: _Lookups, local: list[str], domain: list[str] | None, full: str | None
) -> str | None:
    """MasqHdr's generics rules on ``< mark > local < @ domain . >``: the value found.

    Run as sendmail runs them, on tokens: a marker ``< @ ... >`` means "not
    found yet", so a value that starts with ``@`` reads as no match.
    """
    tail = ["<", "@", *([*domain, "."] if domain is not None else ["*LOCAL*"]), ">"]
    if full is None:  # an unqualified sender without $j: the first rules cannot run
        w = ["<", ">", *local, *tail]
    else:
        ft = tokenize(full)
        v = _look(run, ft, ())
        w = ["<", *(v if v is not None else ["@", *ft]), ">", *local, *tail]
    plus_at = ["<", "@", "$+", "+", "$*", "@", "$+", ">", "$+", "<", "@", "$+", ">"]
    m = match(plus_at, w)
    if m is not None:
        u, d, dom, lp, h = m
        v = _look(run, [*u, "+", "*", "@", *dom], (join_key(d),))
        mark = v if v is not None else ["@", *u, "+", *d, "@", *dom]
        w = ["<", *mark, ">", *lp, "<", "@", *h, ">"]
    m = match(plus_at, w)
    if m is not None:
        u, d, dom, lp, h = m
        v = _look(run, [*u, "@", *dom], ())
        w = ["<", *(v or []), ">", *lp, "<", "@", *h, ">"]
    m = match(["<", "@", "$+", ">", "$+", "<", "@", "$+", ">"], w)
    if m is not None:
        w = ["<", ">", *m[1], "<", "@", *m[2], ">"]
    m = match(["<", ">", "$+", "<", "@", "$+", ".", ">"], w)
    if m is not None:
        v = _look(run, ["@", *m[1]], (join_key(m[0]),))
        w = ["<", *(v or []), ">", *m[0], "<", "@", *m[1], ".", ">"]
    m = match(["<", ">", "$+", "<", "@", "$+", ">"], w)
    if m is not None:
        v = _look(run, m[0], ())
        w = ["<", *(v or []), ">", *m[0], "<", "@", *m[1], ">"]
    rest = ["<", ">", "$+", "+", "$*", "<", "@", "$+", ">"]
    m = match(rest, w)
    if m is not None:
        v = _look(run, [*m[0], "+", "*"], (join_key(m[1]),))
        w = ["<", *(v or []), ">", *m[0], "+", *m[1], "<", "@", *m[2], ">"]
    m = match(rest, w)
    if m is not None:
        v = _look(run, m[0], ())
        w = ["<", *(v or []), ">", *m[0], "+", *m[1], "<", "@", *m[2], ">"]
    m = match(["<", "$+", ">", "$*", "<", "$*", ">"], w)
    return None if m is None else join_key(m[0])
