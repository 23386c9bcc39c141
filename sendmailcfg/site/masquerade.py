r"""``sender``: what a sender address becomes on the way out through a mailer.

The mailer's sender rulesets as the cf package writes them: for the SMTP
mailers ``EnvFromSMTP`` (envelope) and ``HdrFromSMTP`` (header), for
``local``/``prog`` ``EnvFromL``/``HdrFromL``; in them genericstable,
MASQUERADE_AS with MASQUERADE_DOMAIN, EXPOSED_USER, MASQUERADE_EXCEPTION,
``limited_masquerade``, ``masquerade_entire_domain``, ``masquerade_envelope``
(the envelope is masqueraded only with it), ``local_no_masquerade`` and
``always_add_domain``. Unqualified names get ``$j``.

>>> from sendmailcfg.site.model import Site
>>> site = Site.from_text("MASQUERADE_AS(`takaq.jp')dnl\nMAILER(`smtp')dnl\n",
...                       hostname="www.takaq.jp")
>>> forms = sender(site, "ken")
>>> forms.envelope, forms.header
('ken@www.takaq.jp', 'ken@takaq.jp')
"""

from __future__ import annotations

from typing import Literal

import attrs

from sendmailcfg.maps.genericstable import GenericstableDocument
from sendmailcfg.maps.keys import fold
from sendmailcfg.maps.routing import is_route, join, tokens
from sendmailcfg.site.delivery import (
    Step,
    _bare_bang,
    _final_uucp,
    _Walk,
    uucp_path,
    uucp_refusal,
)
from sendmailcfg.site.model import Site

LOCAL = "*LOCAL*"
"""The cf's mark for an address with no host yet (``$j`` in the end)."""

_SMTP_MAILERS = frozenset({"smtp", "esmtp", "smtp8", "dsmtp", "relay"})
_LOCAL_MAILERS = frozenset({"local", "prog"})


@attrs.frozen
class SenderForms:
    """A sender address as a mailer writes it: ``envelope`` (MAIL FROM) and ``header`` (From:)."""

    address: str
    mailer: str
    envelope: str
    header: str
    steps: tuple[Step, ...]
    engine: Literal["cf", "model"] = "model"
    """Who answered: sendmail's own rules in the ``.cf`` (``cf``) or the model."""

    def as_json(self) -> dict[str, object]:
        """The JSON object ``sender --json`` prints."""
        return {
            "address": self.address,
            "envelope": self.envelope,
            "header": self.header,
            "steps": [str(s) for s in self.steps],
            "engine": self.engine,
        }

    def summary(self) -> str:
        """One line: the address and its two forms through the mailer."""
        return f"{self.address} via {self.mailer}: envelope {self.envelope}, header {self.header}"

    def explain(self) -> str:
        """The two forms, then one line per step."""
        return "\n".join([self.summary(), *(f"  {s}" for s in self.steps)])


def sender(site: Site, address: str, *, mailer: str = "esmtp") -> SenderForms:
    """The envelope and header forms of sender ``address`` through ``mailer``.

    Raises ValueError for a mailer this model does not know (the SMTP family,
    ``local``, ``prog``) and for address syntax it does not cover.
    """
    known = _SMTP_MAILERS | _LOCAL_MAILERS
    if mailer not in known:
        raise ValueError(f"mailer {mailer!r}: expected one of {', '.join(sorted(known))}")
    text = address.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    bad = set(' \t()<>,;:"\\!').intersection(text)
    if bad == {"!"}:
        if not (site.has_feature("nouucp") or "@" in text or uucp_path(text) or _bare_bang(text)):
            raise ValueError(uucp_refusal(address, "sender"))
        bad = set()  # ruleset 3's UUCP rules (see route)
    if bad or not text:
        raise ValueError(f"{address!r}: give user@host or a user name")
    walk = _Walk(site, frozenset())
    local, host = walk.canonify(text)
    if host is not None:
        host = walk.canonify2(host) if host else None
    rewriter = _Rewriter(site, walk)
    if host is not None and mailer in _SMTP_MAILERS:
        local, host = rewriter.pseudo_to_real(local, host)
    envelope = rewriter.envelope(local, host, mailer)
    header = rewriter.header(local, host, mailer)
    return SenderForms(address, mailer, envelope, header, tuple(walk.steps))


class _Rewriter:
    def __init__(self, site: Site, walk: _Walk) -> None:
        self.site = site
        self.walk = walk
        self.j = site.j.value.rstrip(".") if site.j else ""
        """``$j`` (empty when unknown: then ``$j`` itself is written)."""

    def pseudo_to_real(self, local: str, host: str) -> tuple[str, str]:
        """PseudoToReal (the SMTP mailers' sender rulesets): ``local@name.UUCP`` is
        ``name!local`` at ``*LOCAL*`` (``$j``), or at UUCP_RELAY's host when it is set."""
        name = self.walk._uucp_name(host.rstrip("."))
        if name is None:
            return local, host
        relay = self.walk._uucp_relay()
        self.walk.step(f"{local}@{host.rstrip('.')}: the SMTP mailers write it {name}!{local}")
        if relay is None:
            return f"{name}!{local}", LOCAL
        toks = tokens(relay.value.strip())
        return f"{name}!{local}", (join(toks[2:]) if is_route(toks) else join(toks))

    def _qualify(self, local: str, host: str | None, mailer: str) -> tuple[str, str | None]:
        """MasqSMTP (SMTP mailers) or AddDomain (``always_add_domain``) on a bare user."""
        if host is None and (mailer in _SMTP_MAILERS or self.site.has_feature("always_add_domain")):
            return local, LOCAL
        return local, host

    def envelope(self, local: str, host: str | None, mailer: str) -> str:
        local, host = self._qualify(local, host, mailer)
        if not self._masquerades(mailer):
            return self._final(local, host)
        if self.site.has_feature("masquerade_envelope"):
            local, host = self.masq_hdr(local, host, "envelope")
        return self._final(local, host)

    def header(self, local: str, host: str | None, mailer: str) -> str:
        local, host = self._qualify(local, host, mailer)
        if not self._masquerades(mailer):
            return self._final(local, host)
        local, host = self.masq_hdr(local, host, "header")
        return self._final(local, host)

    def _masquerades(self, mailer: str) -> bool:
        return not (mailer in _LOCAL_MAILERS and self.site.has_feature("local_no_masquerade"))

    def _final(self, local: str, host: str | None) -> str:
        """Ruleset 4: ``*LOCAL*`` is ``$j``, the trailing dot goes, ``u@h.UUCP`` is ``h!u``."""
        if host is None:
            return local
        if host == LOCAL:
            host = self.j or "$j"
        found = f"{local}@{host.rstrip('.')}"
        return found if self.site.has_feature("nouucp") else _final_uucp(found)

    def masq_hdr(self, local: str, host: str | None, form: str) -> tuple[str, str | None]:
        """MasqHdr: genericstable, then the masquerade exceptions and MASQUERADE_AS."""
        site = self.site
        if host is None:
            return local, host
        generic = self.generics(local, host, form)
        if generic is not None:
            if generic[1] is not LOCAL and generic[1] is not None:
                return generic
            local, host = generic
        assert host is not None
        bare = fold(host.rstrip("."))
        dotted = host.endswith(".")
        if dotted and any(bare == n or bare.endswith("." + n) for n in site.class_words("N")):
            self.walk.step(f"{form}: {host.rstrip('.')} is a MASQUERADE_EXCEPTION")
            return local, host
        masq = site.masquerade_as
        if masq is None:
            return local, host
        entire = site.has_feature("masquerade_entire_domain")
        domains = site.class_words("M")
        in_m = dotted and (
            bare in domains or (entire and any(bare.endswith("." + d) for d in domains))
        )
        in_w = dotted and bare in site.local_names and not site.has_feature("limited_masquerade")
        if not (host == LOCAL or in_m or in_w):
            return local, host
        if fold(local) in site.class_words("E"):
            self.walk.step(f"{form}: {local} is an EXPOSED_USER: not masqueraded")
            return local, host
        if not masq.value:
            return local, host
        self.walk.step(f"{form}: MASQUERADE_AS {masq.value}", masq)
        return local, masq.value.rstrip(".") + "."

    def generics(self, local: str, host: str, form: str) -> tuple[str, str | None] | None:
        """The genericstable's rewrite of ``local@host`` (host ``*LOCAL*`` for a bare user)."""
        site = self.site
        table = site.document("genericstable")
        if not isinstance(table, GenericstableDocument):
            return None
        bare = fold(host.rstrip("."))
        domains = site.class_words("G")
        entire = site.has_feature("generics_entire_domain")
        if host != LOCAL and not (
            host.endswith(".")
            and (bare in domains or (entire and any(bare.endswith("." + d) for d in domains)))
        ):
            return None
        masq = site.masquerade_as
        r = table.rewrite(
            local if host == LOCAL else f"{local}@{host.rstrip('.')}",
            generics_domains=domains,
            entire_domain=entire,
            local_names=site.local_names,
            host_name=self.j or None,
            masquerade_as=masq.value if masq and masq.value else None,
        )
        if r.result is None:
            return None
        self.walk.map_step(table, r.line, f"{form}: {r.key} -> {r.result}")
        if "@" in r.result:
            new_local, _, new_host = r.result.rpartition("@")
            return new_local, new_host.rstrip(".") + "."
        return r.result, LOCAL
