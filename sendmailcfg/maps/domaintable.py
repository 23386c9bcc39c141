r"""The domaintable map (FEATURE(`domaintable')): the host names sendmail renames.

:meth:`DomaintableDocument.rewrite` follows ruleset 96 ``Canonify2`` (the
bottom half of ruleset 3) of the .cf the cf package builds, as the real
sendmail 8.17 was measured to run it: one lookup of the host exactly as
written (no parent domains, no leading-dot keys; a trailing dot is part of the
key), after ``localhost`` became ``$j.`` and before anything else. IP literals
``[...]`` are never looked up. Ruleset 3 runs on every address, so the new
name holds for senders, recipients and headers alike.

>>> doc = DomaintableDocument.from_text("old.example.com\tnew.example.com\n")
>>> r = doc.rewrite("joe@old.example.com")
>>> (r.key, r.result, r.line)
('old.example.com', 'joe@new.example.com', 1)
>>> doc.rewrite("old.example.com").result
'new.example.com'
>>> doc.rewrite("sub.old.example.com").result is None
True
"""

from __future__ import annotations

from collections.abc import Collection

import attrs

from sendmailcfg.maps.access.tokens import join_key, tokenize
from sendmailcfg.maps.document import LocatedEntry, MapDocument
from sendmailcfg.maps.keys import fold
from sendmailcfg.maps.virtusertable import (
    MapProbe,
    _Lookups,
    _names,
    answer_json,
    answer_summary,
)

__all__ = ["DomaintableDocument", "DomaintableResolution"]

_ADDRESS_SYNTAX = frozenset(' \t\r\n\x0b\x0c()<>,;:"\\')


@attrs.frozen
class DomaintableResolution:
    """What domaintable makes of one host or address, and why."""

    query: str
    key: str | None
    """The key that matched (as sendmail formed it), or None."""
    result: str | None
    """The new host for a host, the rewritten address for an address; None: unchanged."""
    line: int | None
    entry: LocatedEntry | None
    tried: tuple[str, ...]
    """Every key looked up, in order (none for an IP literal; else one)."""
    probes: tuple[MapProbe, ...] = ()
    host: str | None = None
    """The new host (also for an address), or None."""

    def as_json(self, query: str | None = None) -> dict[str, object]:
        """The JSON object ``query domaintable --json`` prints (``query``: as given)."""
        return answer_json(
            self.query if query is None else query, self.key, self.result, None, self.line
        )

    def summary(self, query: str | None = None) -> str:
        """One line: ``QUERY -> RESULT (line N: KEY)``."""
        q = self.query if query is None else query
        return answer_summary(q, self.key, self.result, None, self.line)

    def explain(self) -> str:
        """The answer in words, then the key tried and what it found.

        >>> doc = DomaintableDocument.from_text("old.example\\tnew.example\\n")
        >>> print(doc.rewrite("u@old.example").explain())
        u@old.example -> u@new.example (line 1: old.example)
          old.example  line 1: new.example  <- decides
        """
        if not self.tried:
            head = f"{self.query} -> not looked up (an IP literal)"
        elif self.result is None:
            head = f"{self.query} -> unchanged (no entry)"
        else:
            head = f"{self.query} -> {self.result} (line {self.line}: {self.key})"
        lines = [head]
        for p in self.probes:
            if p.entry is None:
                lines.append(f"  {p.key}  no entry")
            else:
                lines.append(f"  {p.key}  line {p.entry.line}: {p.value}  <- decides")
        return "\n".join(lines)


class DomaintableDocument(MapDocument):
    """A domaintable source file (FEATURE(`domaintable')): rename hosts."""

    kind = "domaintable"

    def rewrite(
        self,
        host_or_address: str,
        *,
        host_name: str | None = None,
        local_names: Collection[str] = (),
    ) -> DomaintableResolution:
        """The host (``example.com``) or address (``user@example.com``) after domaintable.

        ``host_name``: ``$j``; ruleset 3 renames ``localhost`` and the IP literals
        in ``local_names`` (class ``w``) to ``$j.`` (with its dot) before the
        lookup. Without it they are not looked up. Raises ValueError for address
        syntax this model does not cover.
        """
        query = host_or_address
        bad = _ADDRESS_SYNTAX.intersection(query)
        if bad or not query:
            raise ValueError(
                f"{query!r}: give a host name or user@host"
                + (f" ({''.join(sorted(bad))!r} is address syntax)" if bad else "")
            )
        local, at, host = query.rpartition("@")
        if at and (not local or not host):
            raise ValueError(f"{query!r}: give user@host (a user and a host)")
        folded = fold(host)
        w = _names(local_names)
        if folded == "localhost" or (host.startswith("[") and folded in w):
            if host_name is None:
                return DomaintableResolution(query, None, None, None, None, ())
            host = host_name.rstrip(".") + "."
        elif host.startswith("["):
            return DomaintableResolution(query, None, None, None, None, ())
        run = _Lookups(self)
        p = run.look(join_key(tokenize(host)), ())
        probes = tuple(run.probes)
        tried = (p.key,)
        if p.entry is None or p.value is None:
            return DomaintableResolution(query, None, None, None, None, tried, probes)
        new = p.value
        result = f"{local}@{new}" if at else new
        return DomaintableResolution(
            query, p.key, result, p.entry.line, p.entry, tried, probes, new
        )

    def explain(
        self,
        host_or_address: str,
        *,
        host_name: str | None = None,
        local_names: Collection[str] = (),
    ) -> str:
        """:meth:`rewrite` in words (see :meth:`DomaintableResolution.explain`)."""
        return self.rewrite(host_or_address, host_name=host_name, local_names=local_names).explain()
