r"""``route``: where sendmail 8.17 delivers a recipient with a whole configuration, and why.

First what ruleset 0 makes of the address (the triple ``sendmail -bt``
``/parse`` prints): canonify and domaintable, this host's names, the
virtusertable for its domains (the result resolved again), MAIL_HUB with
``stickyhost``, the mailertable, SMART_HOST, ``[IP]`` literals, the default
esmtp route, errors. Then, for a local result, what ruleset 5 (localaddr)
does with it at delivery (LUSER_RELAY, MAIL_HUB, LOCAL_RELAY; as ``-bt``
``5 USER`` shows). LUSER_RELAY depends on the passwd database: it is applied
only to the users named in ``no_such_users``; for others it is a conditional
step. Names are not resolved: a host is its own canonical name.

>>> from sendmailcfg.site.model import Site
>>> site = Site.from_text(
...     "define(`SMART_HOST', `mmr.plala.or.jp')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n",
...     hostname="www.takaq.jp")
>>> d = route(site, "ken@gateway.takaq.jp")
>>> print(d.explain())
ken@gateway.takaq.jp -> relay to mmr.plala.or.jp, user ken@gateway.takaq.jp (smart-host)
  gateway.takaq.jp is not one of this host's names (www.takaq.jp, localhost, [127.0.0.1])
  sendmail.mc:1: SMART_HOST mmr.plala.or.jp takes mail for every other host
>>> route(site, "root").decided_by
'local'
"""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Literal

import attrs

from sendmailcfg.maps.document import MapDocument
from sendmailcfg.maps.domaintable import DomaintableDocument
from sendmailcfg.maps.keys import fold
from sendmailcfg.maps.mailertable import MailertableDocument, describe
from sendmailcfg.maps.routing import ERROR_MAILER, Route, is_route, join, tokens, triple
from sendmailcfg.maps.virtusertable import VirtusertableDocument
from sendmailcfg.site.model import Setting, Site

DecidedBy = Literal[
    "local",
    "virtusertable",
    "mailertable",
    "smart-host",
    "mail-hub",
    "local-relay",
    "luser-relay",
    "error",
    "msp",
    "uucp",
    "uucp-relay",
    "default",
    "rules",
]
"""What decided the final delivery (``error``: any error mailer result)."""

_EMPTY_MAILERTABLE = MailertableDocument([])
"""Routes with no mailertable: SMART_HOST, [IP] literals and the default."""

MAX_RECURSION = 20
"""How many times a virtusertable result is resolved again before giving up."""

_MSP_F5_MAILERS = frozenset({"smtp", "esmtp", "smtp8", "dsmtp"})
"""The mailers ``feature/msp.m4`` gives F=5 (``MODIFY_MAILER_FLAGS(`ESMTP', `+k5')``...)."""
_UNSUPPORTED = frozenset(' \t\r\n()<>,;:"\\!')


@attrs.frozen
class Step:
    """One decision on the way: a short sentence, and the file and line it comes from.

    >>> str(Step("SMART_HOST mmr.plala.or.jp", "sendmail.mc", 4))
    'sendmail.mc:4: SMART_HOST mmr.plala.or.jp'
    """

    text: str
    path: str | None = None
    line: int | None = None

    def __str__(self) -> str:
        if self.path is None:
            return self.text
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.text}"

    @classmethod
    def at(cls, text: str, setting: Setting | None) -> Step:
        """A step that cites ``setting``'s file and line."""
        if setting is None:
            return cls(text)
        return cls(text, setting.path, setting.line)


@attrs.frozen
class Delivery:
    """Where one recipient goes: the final ``mailer``/``host``/``user``, ruleset 0's
    triple (``parse``), what decided it, and the steps that led there."""

    address: str
    mailer: str
    host: str | None
    user: str | None
    parse: Route
    decided_by: DecidedBy
    steps: tuple[Step, ...]
    engine: Literal["cf", "model"] = "model"
    """Who answered: sendmail's own rules in the ``.cf`` (``cf``) or the model."""

    @property
    def route(self) -> Route:
        """The final delivery as a triple."""
        return Route(self.mailer, self.host, self.user)

    def summary(self) -> str:
        """One line: ``ADDRESS -> ROUTE (decided_by)``."""
        return f"{self.address} -> {describe(self.route)} ({self.decided_by})"

    def explain(self) -> str:
        """The answer, then one line per step."""
        return "\n".join([self.summary(), *(f"  {s}" for s in self.steps)])

    def as_json(self) -> dict[str, object]:
        """The JSON object ``route --json`` prints."""
        p = self.parse
        return {
            "address": self.address,
            "mailer": self.mailer,
            "host": self.host,
            "user": self.user,
            "parse": {"mailer": p.mailer, "host": p.host, "user": p.user},
            "decided_by": self.decided_by,
            "steps": [str(s) for s in self.steps],
            "engine": self.engine,
        }


@attrs.frozen
class _Parsed:
    """Ruleset 0's answer: the triple, whether ruleset 5 is skipped, and who decided."""

    route: Route
    decided_by: DecidedBy
    not_remote: bool = False
    """The local user was written ``@user``: sendmail never runs ruleset 5 on it."""


def uucp_refusal(address: str, command: str = "route") -> str:
    """Why the model refuses a UUCP path it does not follow, and who answers it instead
    (``command``: ``route`` or ``sender``).

    >>> print(uucp_refusal("a+b!user").split(" (")[-1])
    route --engine cf, sendmailcfg.site.cfengine.route_cf)
    """
    return (
        f"{address!r}: a UUCP path of a form the model does not cover (it reads host!user "
        "and a.b!user as ruleset 3 does); "
        "the .cf engine runs sendmail's own rules on it "
        f"({command} --engine cf, sendmailcfg.site.cfengine.{command}_cf)"
    )


_WORD = re.compile(r"[^.:%@!^/\[\]+<>()\s]+\Z")
"""One sendmail token that is a word (no operator character: ``.:%@!^/[]+``)."""


def uucp_path(text: str) -> str | None:
    """A ``!`` path as ruleset 3 rewrites it (``proto.m4``, without ``FEATURE(`nouucp')``):
    ``host!rest`` is ``rest@host.UUCP`` when ``host`` is one word, ``a.b!rest`` is
    ``rest@a.b`` (a domain); None when no rule applies (``!ken``, ``host!``: a local
    user) or when ``@`` already decides (``h!u@x.example`` is ``h!u`` at ``x.example``).

    >>> uucp_path("host!ken"), uucp_path("a!b!ken"), uucp_path("gw.example.org!ken")
    ('ken@host.UUCP', 'b!ken@a.UUCP', 'ken@gw.example.org')
    >>> uucp_path("!ken"), uucp_path("host!"), uucp_path("h!u@x.example")
    (None, None, None)
    """
    if "@" in text or "!" not in text:
        return None
    first, _, rest = text.partition("!")
    if not first or not rest:
        return None
    if _WORD.match(first):  # R$- ! $+   $2 < @ $1 .UUCP >
        return f"{rest}@{first}.UUCP"
    head, _, last = first.rpartition(".")
    if head and _WORD.match(last) and all(_WORD.match(w) for w in head.split(".")):
        return f"{rest}@{first}"  # R$+ . $- ! $+   $3 < @ $1 . $2 >
    return None


def route(site: Site, address: str, *, no_such_users: Collection[str] = ()) -> Delivery:
    """Where sendmail delivers ``address`` with ``site``'s configuration.

    ``no_such_users``: local users known to have no passwd entry (LUSER_RELAY
    applies to them). UUCP addresses (``host!user``, ``user@host.UUCP``) are routed as
    the cf rules route them (see :func:`uucp_path`). Raises ValueError for address
    syntax this model does not cover (comments, lists, quoting, source routes).
    """
    text = address.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1].strip()
    bad = _UNSUPPORTED.intersection(text)
    if bad == {"!"}:
        if not (site.has_feature("nouucp") or "@" in text or uucp_path(text) or _bare_bang(text)):
            raise ValueError(uucp_refusal(address))
        bad = frozenset()  # ruleset 3's UUCP rules: see _Walk.canonify
    if bad or not text:
        shown = "".join(sorted(bad)) if bad else "nothing"
        raise ValueError(
            f"{address!r}: {shown!r} is address syntax this model does not cover; "
            "give user@host or a local user name"
        )
    walk = _Walk(site, frozenset(no_such_users))
    parsed = walk.parse(text, 0)
    final, decided = walk.localaddr(parsed)
    local = site.local_mailer
    if local != "local":  # confLOCAL_MAILER: ruleset 0's $#local is that mailer
        parsed = attrs.evolve(parsed, route=_renamed(parsed.route, local))
        final = _renamed(final, local)
    return Delivery(
        address,
        final.mailer,
        final.host,
        final.user,
        parsed.route,
        decided,
        tuple(walk.steps),
    )


class _Walk:
    """One answer's state: the site, the steps so far."""

    def __init__(self, site: Site, absent: frozenset[str]) -> None:
        self.site = site
        self.absent = absent
        self.steps: list[Step] = []
        self.names = site.local_names

    def step(self, text: str, setting: Setting | None = None) -> None:
        self.steps.append(Step.at(text, setting))

    def map_step(self, doc: MapDocument, line: int | None, text: str) -> None:
        self.steps.append(Step(text, doc.path or doc.kind, line))

    # -- ruleset 3 (canonify) and Canonify2 -------------------------------------------
    def canonify(self, text: str) -> tuple[str, str | None]:
        """(local part, host or None): the address split as ruleset 3 focuses it (``@``
        first, then a UUCP ``!`` path unless ``FEATURE(`nouucp')``, then ``%``)."""
        if "@" not in text and "!" in text and not self.site.has_feature("nouucp"):
            found = uucp_path(text)
            if found is not None:
                self.step(f"{text} is a UUCP path: ruleset 3 reads it as {found}")
                text = found
            elif not _bare_bang(text):
                raise ValueError(uucp_refusal(text))
        if "@" in text:
            local, _, host = text.rpartition("@")
            return local, host
        if "%" in text:
            local, _, host = text.rpartition("%")
            return local, host
        return text, None

    def canonify2(self, host: str) -> str:
        """Canonify2: localhost, ``[IP]`` of this host, domaintable, the trailing dot."""
        site = self.site
        low = fold(host.rstrip("."))
        j = site.j.value.rstrip(".") if site.j else None
        uucp = low == "localhost.uucp" and not site.has_feature("nouucp")
        if j and (low == "localhost" or uucp or (site.m and low == f"localhost.{fold(site.m)}")):
            self.step(f"{host} is this host ($j {j})", site.j)
            return j + "."
        if host.startswith("["):
            if low in self.names:
                self.step(f"{host} is one of this host's addresses", site.local_name(host))
                return (j or host) + "."
            return host
        table = site.document("domaintable")
        if isinstance(table, DomaintableDocument):
            r = table.rewrite(host)
            if r.result is not None and r.result != host:
                self.map_step(table, r.line, f"{host} is renamed {r.result}")
                host = r.result
                low = fold(host.rstrip("."))
        if host.endswith("."):
            return host.rstrip(".") + "."
        classes = (
            self.names
            | site.class_words("M")
            | site.class_words("VirtHost")
            | site.class_words("G")
        )
        if self.site.has_feature("redirect") and low == "redirect":
            classes = classes | {"redirect"}  # its CPREDIRECT: a pseudo-domain
        if low in classes or "." in host:
            return host + "."
        return host

    # -- ruleset 0 --------------------------------------------------------------------
    def parse(self, text: str, depth: int) -> _Parsed:
        site = self.site
        local, host = self.canonify(text)
        if host is not None and not host:
            return self.error("5.1.3", '"553 Hostname required"')
        if host is None:
            return self.unqualified(local)
        if not local:
            return self.error("5.1.3", '"553 User address required"')
        host = self.canonify2(host)
        bare = host.rstrip(".")
        is_local = host.endswith(".") and fold(bare) in self.names
        if is_local and any(c in local for c in "@%!"):
            self.step(f"{local} is resolved again ({bare} is this host)")
            return self.parse(local, depth)
        if not host.startswith("[") and not _valid_host(bare):
            return self.error("5.1.2", '"553 Invalid host name"')
        if "@" in local:
            return self.error("5.1.3", '"553 Invalid route address"')
        redirected = self.redirect(local, bare)
        if redirected is not None:
            return redirected
        if host.endswith("."):
            found = self.virtuser(local, bare, depth)
            if found is not None:
                return found
        if any(s.name == "LOCAL_RULE_0" for s in site.mc.sections):
            self.step("LOCAL_RULE_0 rules run here (not modeled)")
        if is_local:
            return self.local_host(local, bare)
        return self.remote(local, host)

    def redirect(self, local: str, host: str) -> _Parsed | None:
        """FEATURE(`redirect'): ``user@new.host.REDIRECT`` is refused with a 551 that names
        the new address (its LOCAL_RULE_0 rule, which runs before the virtusertable)."""
        if not self.site.has_feature("redirect") or "." not in host:
            return None
        rest, _, last = host.rpartition(".")
        if fold(last) != "redirect" or not rest:
            return None
        self.step("FEATURE(`redirect'): the .REDIRECT pseudo-domain names the new address")
        return self.error("5.1.1", f'"551 User has moved; please try "<{local}@{rest}>')

    def error(self, status: str | None, text: str) -> _Parsed:
        self.step(f"error {status}: {text}" if status else f"error: {text}")
        return _Parsed(Route(ERROR_MAILER, status, text), "error")

    def unqualified(self, local: str) -> _Parsed:
        user = local.lower()
        if fold(local) in self.site.class_words("L"):
            self.step(f"{local} is a LOCAL_USER: delivered here, never relayed")
            return _Parsed(Route("local", None, user), "local", not_remote=True)
        self.step(f"{local} has no host: a local user")
        return _Parsed(Route("local", None, user), "local")

    def local_host(self, local: str, host: str) -> _Parsed:
        site = self.site
        why = site.local_name(host)
        self.step(f"{host} is one of this host's names ({why.what if why else 'class w'})", why)
        user = local.lower()
        if not site.has_feature("stickyhost"):
            if fold(local) in site.class_words("L"):
                return _Parsed(Route("local", None, user), "local", not_remote=True)
            return _Parsed(Route("local", None, user), "local")
        hub = site.mail_hub
        if hub is not None:
            found = self.to_relay(hub.value, local, host + ".")
            if found is not None:
                self.step(f"FEATURE(`stickyhost'): MAIL_HUB {hub.value} takes user@{host}", hub)
                return _Parsed(found, "mail-hub")
        if "+" in local:
            return _Parsed(Route("local", None, user), "local")
        self.step("FEATURE(`stickyhost'): user@this-host is delivered here, not to a hub")
        return _Parsed(Route("local", None, user), "local", not_remote=True)

    def to_relay(self, relay: str, local: str, host: str) -> Route | None:
        """MailerToTriple on ``< relay > local < @ host >`` (None: relay is this host)."""
        toks = tokens(relay)
        if not toks:
            return None
        if is_route(toks):
            return _delivered(triple(toks, local, host, mailers=self._mailers()))
        if fold(relay.rstrip(".")) in self.names:
            return None
        return _delivered(Route("relay", join(toks), f"{local}@{host.rstrip('.')}"))

    def _has_smtp(self) -> bool:
        """Whether the .mc defines the SMTP mailers (``MAILER(`smtp')``; msp and nullclient
        add it themselves)."""
        facts = self.site.facts
        return any(c.first == "smtp" for c in facts.mailers()) or any(
            facts.has_feature(f) for f in ("msp", "nullclient")
        )

    def _mailers(self) -> frozenset[str]:
        return self.site.mailers

    def virtuser(self, local: str, host: str, depth: int) -> _Parsed | None:
        site = self.site
        table = site.document("virtusertable")
        if not isinstance(table, VirtusertableDocument):
            return None
        low = fold(host)
        domains = site.class_words("VirtHost")
        entire = site.has_feature("virtuser_entire_domain")
        if not (
            low in self.names
            or low in domains
            or (entire and any(low.endswith("." + d) for d in domains))
        ):
            return None
        r = table.resolve(
            f"{local}@{host}",
            local_names=self.names,
            virtuser_domains=domains,
            entire_domain=entire,
            host_name=site.j.value if site.j else None,
        )
        if r.error is not None:
            self.map_step(table, r.line, f"{r.key}: error {r.error.code} {r.error.text}")
            return _Parsed(Route(ERROR_MAILER, r.error.code, r.error.text), "error")
        if r.result is None:
            self.map_step(table, None, f"no entry for {_or_list(list(r.tried))}")
            return None
        self.map_step(table, r.line, f"{r.key} -> {r.result}")
        if depth >= MAX_RECURSION:
            return self.error("5.3.5", '"553 virtusertable loops"')
        again = self.parse(r.result, depth + 1)
        decided: DecidedBy = again.decided_by
        if decided in ("local", "default"):
            decided = "virtusertable"
        return _Parsed(again.route, decided, again.not_remote)

    def remote(self, local: str, host: str) -> _Parsed:
        site = self.site
        bare = host.rstrip(".")
        self.step(
            f"{bare} is not one of this host's names ({', '.join(_names(site))})",
            None,
        )
        table = site.document("mailertable")
        doc = table if isinstance(table, MailertableDocument) else _EMPTY_MAILERTABLE
        sh = site.smart_host
        r = doc.resolve(
            f"{local}@{host}",
            local_names=self.names,
            smart_host=sh.value if sh else None,
            mailers=self._mailers(),
        )
        if table is not None and r.reason != "ip-literal" and r.reason != "invalid":
            if r.reason == "mailertable":
                self.map_step(doc, r.line, f"{r.key} -> {r.value}")
            else:
                keys = [p.key for p in r.tried]
                self.map_step(doc, None, f"no entry for {_or_list(keys)}")
        if r.reason == "invalid" or r.mailer == ERROR_MAILER:
            self.step(f"{describe(r.route)}")
            return _Parsed(r.route, "error")
        uucp = self._uucp_name(bare)
        found = self._uucp_user(r.route, local, uucp)  # the route, its user as the mailer has it
        if r.reason == "mailertable":
            return _Parsed(found, "mailertable")
        if uucp is not None:
            relayed = self.uucp(local, bare, uucp)
            if relayed is not None:
                return relayed
        if not self._has_smtp() and sh is None:
            self.step("no MAILER(`smtp'): sendmail has no mailer for other hosts")
            return self.error("5.1.2", f'"553 Unrecognized host name "{host}')
        if r.reason == "smart-host" or (r.reason == "ip-literal" and sh is not None):
            self.step(f"SMART_HOST {sh.value if sh else ''} takes mail for every other host", sh)
            return _Parsed(found, "smart-host")
        if sh is not None:
            self.step(f"SMART_HOST {sh.value} is this host: the default esmtp route", sh)
        else:
            self.step("no SMART_HOST: sent straight to the host (esmtp)")
        return _Parsed(found, "default")

    # -- UUCP (proto.m4 Parse1, the mailers' recipient rulesets) -------------------------
    def _uucp_name(self, host: str) -> str | None:
        """``host`` of ``host.UUCP`` when sendmail's UUCP rules see it (no ``nouucp``)."""
        if self.site.has_feature("nouucp") or not fold(host).endswith(".uucp"):
            return None
        return host[: -len(".uucp")] or None

    def _uucp_relay(self) -> Setting | None:
        relay = self.site.define("UUCP_RELAY")
        return relay if relay is not None and relay.value.strip() else None

    def uucp(self, local: str, host: str, name: str) -> _Parsed | None:
        """``UUCP_RELAY`` (``$Y``: MailerToTriple, before SMART_HOST), else ``MAILER(`uucp')``
        (``confUUCP_MAILER``, ``uucp-old`` by default, to ``name``); None: neither."""
        site = self.site
        relay = self._uucp_relay()
        if relay is not None:
            found = self.to_relay(relay.value.strip(), local, host + ".")
            if found is not None:
                self.step(f"UUCP_RELAY {relay.value.strip()} takes mail for .UUCP hosts", relay)
                return _Parsed(self._uucp_user(found, local, name), "uucp-relay")
        if any(c.first == "uucp" for c in site.facts.mailers()):
            setting = site.define("confUUCP_MAILER")
            mailer = setting.value.strip() if setting is not None else ""
            mailer = mailer or "uucp-old"
            self.step(f"MAILER(`uucp'): {host} is sent over UUCP to {name} ({mailer})", setting)
            return _Parsed(self._uucp_user(Route(mailer, name, local), local, name), "uucp")
        return None

    def _uucp_user(self, r: Route, local: str, name: str | None) -> Route:
        """The user a mailer's recipient rulesets, then the final ruleset, make of
        ``local@name.UUCP``: ``esmtp`` and its kin (``PseudoToReal``): ``name!local@$j``
        (``@`` UUCP_RELAY's host when set; left in ``.UUCP`` form when the mailer's host is
        ``name``); the UUCP mailers (``EnvToU``): ``name!local``; then ruleset 4 writes
        ``u@h.UUCP`` as ``h!u`` for a one-word ``h`` (the ``relay`` mailer's only change)."""
        if name is None or r.mailer == ERROR_MAILER:
            return r
        mailer = r.mailer.lower()
        user = f"{local}@{name}.UUCP"
        if mailer in ("smtp", "esmtp", "smtp8", "dsmtp", "uucp-dom", "uucp-uudom"):
            if r.host is not None and fold(r.host) == fold(name):  # R< $&h ! > ...
                first, bang, rest = local.partition("!")
                if bang and rest and _WORD.match(first):
                    user = f"{rest}@{first}.UUCP"
                elif bang and rest and "." in first and uucp_path(local) == f"{rest}@{first}":
                    user = f"{rest}@{first}"
            else:
                relay = self._uucp_relay()
                if relay is not None:
                    toks = tokens(relay.value.strip())
                    at = join(toks[2:]) if is_route(toks) else join(toks)
                else:
                    at = self.site.j.value.rstrip(".") if self.site.j else "$j"
                user = f"{name}!{local}@{at}"
        elif mailer in ("uucp", "uucp-old", "suucp", "uucp-new"):
            user = f"{name}!{local}" if _WORD.match(name) else f"{name}.UUCP!{local}"
        elif mailer != "relay":
            return r
        return Route(r.mailer, r.host, _final_uucp(user))

    # -- ruleset 5 ----------------------------------------------------------------------
    def localaddr(self, parsed: _Parsed) -> tuple[Route, DecidedBy]:
        """Ruleset 5 on a local triple; the parse triple itself when it changes nothing."""
        site = self.site
        r = parsed.route
        if r.user is None or parsed.not_remote:
            return r, parsed.decided_by
        if r.mailer != "local":
            # FEATURE(`msp') gives the SMTP mailers F=5 (MODIFY_MAILER_FLAGS `+k5'):
            # recipient() runs ruleset 5 on their recipients too
            if fold(r.mailer) in _MSP_F5_MAILERS:
                msp = self.msp(r.user, mailer=r.mailer)
                if msp is not None:
                    return msp, "msp"
            return r, parsed.decided_by
        msp = self.msp(r.user)
        if msp is not None:
            return msp, "msp"
        user = r.user
        head, plus, _ = user.partition("+")
        if plus and head:
            self.step(f"{user}: ruleset 5 only records the +detail; delivered here")
            return r, parsed.decided_by
        relay: Setting | None = None
        decided: DecidedBy = parsed.decided_by
        luser = site.luser_relay
        if luser is not None:
            if user in self.absent:
                self.step(f"{user} has no passwd entry: LUSER_RELAY {luser.value}", luser)
                relay, decided = luser, "luser-relay"
            else:
                self.step(
                    f"if {user} has no passwd entry, LUSER_RELAY {luser.value} takes it", luser
                )
        if relay is None and site.mail_hub is not None:
            relay, decided = site.mail_hub, "mail-hub"
            self.step(f"MAIL_HUB {relay.value} takes mail for local users", relay)
        if relay is None and site.local_relay is not None:
            relay, decided = site.local_relay, "local-relay"
            self.step(f"LOCAL_RELAY {relay.value} takes mail for local users", relay)
        if relay is None:
            if user in self.absent:
                self.step(f"{user} has no passwd entry: sendmail bounces it (User unknown)")
            return r, parsed.decided_by
        found = self._relay5(relay.value, user)
        if found is None:
            return r, parsed.decided_by
        return found, "error" if found.mailer == ERROR_MAILER else decided

    def msp(self, user: str, *, mailer: str = "local") -> Route | None:
        """FEATURE(`msp'): its Local_localaddr sends every recipient of a mailer with
        F=5 (local, and the SMTP mailers msp.m4 gives ``+k5``) to the MTA (``[localhost]``,
        or the FEATURE's argument) with the relay mailer; a bare local user is qualified
        with ``$j`` (``$M`` with MASQUERADE_AS and masquerade_envelope)."""
        calls = self.site.facts.features("msp")
        if not calls:
            return None
        site = self.site
        host = calls[-1].arg(1).strip() or "[localhost]"
        masq = site.masquerade_as
        if masq is not None and masq.value and site.has_feature("masquerade_envelope"):
            qualifier = masq.value
        else:
            qualifier = site.j.value if site.j else ""
        qualifier = qualifier.rstrip(".")
        target = user if "@" in user or not qualifier else f"{user}@{qualifier}"
        if mailer == "local":
            self.step(f"FEATURE(`msp'): every local recipient goes to the MTA at {host}")
        else:
            self.step(
                f"FEATURE(`msp'): {mailer} has F=5, so ruleset 5 sends {target}"
                f" to the MTA at {host} too"
            )
        return Route("relay", host, target)

    def _relay5(self, relay: str, user: str) -> Route | None:
        toks = tokens(relay)
        if not toks:
            return None
        if is_route(toks):
            name = toks[0].lower()
            rest = toks[2:]
            if name == "local":  # CanonLocal on < local : x > user: the old user is the host
                target = join(rest).partition("@")[0] if rest else user
                return Route("local", user, target or user)
            if name == "error":
                return triple(toks, user, "", mailers=self._mailers())
            if "@" in rest:
                return _delivered(triple(toks, user, join(rest), mailers=self._mailers()))
            target = join(rest)
            return _delivered(triple(toks, user, target, mailers=self._mailers()))
        target = join(toks)
        if fold(target.rstrip(".")) in self.names:
            return None
        return _delivered(Route("relay", target, f"{user}@{target.rstrip('.')}"))


def _renamed(r: Route, local: str) -> Route:
    return Route(local, r.host, r.user) if r.mailer == "local" else r


def _delivered(r: Route) -> Route:
    if r.host is None or r.mailer in ("local", ERROR_MAILER):
        return r
    return Route(r.mailer, r.host.lower() if r.host.isascii() else r.host, r.user)


def _final_uucp(user: str) -> str:
    """Ruleset 4's ``R$+ @ $- . UUCP  $2!$1``: ``u@h.UUCP`` is written ``h!u``.

    >>> _final_uucp("ken@host.UUCP"), _final_uucp("ken@x.y.UUCP"), _final_uucp("a!b@c")
    ('host!ken', 'ken@x.y.UUCP', 'a!b@c')
    """
    local, at, domain = user.rpartition("@")
    name = domain[: -len(".uucp")]
    if at and local and fold(domain).endswith(".uucp") and _WORD.match(name):
        return f"{name}!{local}"
    return user


def _bare_bang(text: str) -> bool:
    """``!ken``, ``host!``: no UUCP rule of ruleset 3 applies, a local user."""
    return text.count("!") == 1 and (text.startswith("!") or text.endswith("!"))


def _valid_host(bare: str) -> bool:
    return bool(bare) and not bare.startswith(".") and ".." not in bare


def _names(site: Site) -> list[str]:
    seen: list[str] = []
    for s in site.classes["w"]:
        if s.value not in seen:
            seen.append(s.value)
    return seen


def _or_list(keys: list[str]) -> str:
    if len(keys) <= 1:
        return "".join(keys)
    return ", ".join(keys[:-1]) + " or " + keys[-1]
