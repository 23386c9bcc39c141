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

from sendmailcfg.maps.access.tokens import join_key, match
from sendmailcfg.maps.document import LocatedEntry, MapDocument
from sendmailcfg.maps.keys import fold
from sendmailcfg.maps.virtusertable import (
    MapProbe,
    _explain,
    _Lookups,
    _names,
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
        found = _search(run, a.local, a.domain if qualified else None, full)
        probes = tuple(run.probes)
        tried = tuple(p.key for p in probes)
        if found is None:
            return GenericsResolution(address, None, None, None, None, tried, True, probes)
        assert found.entry is not None and found.value is not None
        value = found.value
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


def _search(
    run: _Lookups, local: list[str], domain: list[str] | None, full: str | None
) -> MapProbe | None:
    """MasqHdr's generics lookups: the probe that found an entry, or None."""
    plus = match(["$+", "+", "$*"], local)
    if full is not None:
        p = run.look(full, ())
        if p.value:  # an empty value reads as no entry
            return p
        if plus is not None:
            user, detail = join_key(plus[0]), join_key(plus[1])
            at = full[full.rindex("@") :]
            for key, args in ((f"{user}+*{at}", (detail,)), (f"{user}{at}", ())):
                p = run.look(key, args)
                if p.value:
                    return p
    whole = join_key(local)
    if domain is not None:
        p = run.look(f"@{join_key(domain)}", (whole,))
        if p.value:
            return p
    p = run.look(whole, ())
    if p.value:
        return p
    if plus is not None:
        user, detail = join_key(plus[0]), join_key(plus[1])
        for key, args in ((f"{user}+*", (detail,)), (user, ())):
            p = run.look(key, args)
            if p.value:
                return p
    return None
