r"""A loaded configuration and every question ``test`` asks it, with the configuration's
own settings (as ``route``, ``sender`` and ``query KIND --config`` answer them).

>>> from sendmailcfg.site import Site
>>> conf = Configuration(Site.from_text(
...     "define(`SMART_HOST', `[mmr.plala.or.jp]')dnl\nLOCAL_DOMAIN(`takaq.jp')dnl\n"
...     "FEATURE(`virtusertable')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n",
...     hostname="gateway.takaq.jp", maps={"virtusertable": "info@takaq.jp\tyamada\n"}))
>>> conf.route("ken@takaq.jp").mailer, conf.route("ken@gmail.com").host
('local', '[mmr.plala.or.jp]')
>>> conf.virtusertable("info@takaq.jp").result
'yamada'
>>> conf.engine
'model'
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection
from typing import Any

from sendmailcfg.lint.config import LintConfig
from sendmailcfg.lint.engine import Finding
from sendmailcfg.maps.access.rules import AccessDecision
from sendmailcfg.site import Delivery, SenderForms, Site, load_site, route, sender
from sendmailcfg.site.model import DbReader

ENGINE = "model"
"""The engine that answers when the answer does not say (``route``'s JSON key ``engine``)."""

Router = Callable[[Site, str, Collection[str]], Delivery]
"""How a route question is answered: ``(site, address, no_such_users) -> answer``. The
default is the model (:func:`sendmailcfg.site.route`); another engine plugs in here, as
``route`` chooses it, and names itself in its answer's JSON (``engine``)."""


class Configuration:
    """One configuration (a :class:`~sendmailcfg.site.Site`) and the questions asked of it.

    Build it with :meth:`load` (a ``.mc``, or a folder like /etc/mail holding one)
    or from a :class:`Site`. Each method answers one question the way the command
    of the same name does with ``--config``.
    """

    def __init__(self, site: Site, *, router: Router | None = None) -> None:
        self.site = site
        self._router = router
        self._findings: list[Finding] | None = None

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        hostname: str | None = None,
        root: str | os.PathLike[str] | None = None,
        read_db: DbReader | None = None,
        router: Router | None = None,
    ) -> Configuration:
        """Read a configuration (see :func:`sendmailcfg.site.load_site`); OSError or
        ValueError when its .mc cannot be read. ``router``: see :data:`Router`."""
        site = load_site(path, hostname=hostname, root=root, read_db=read_db)
        return cls(site, router=router)

    @property
    def engine(self) -> str:
        """Which engine answers ``route`` (``model``, or ``cf`` where a .cf engine does)."""
        return engine_of(self.route("postmaster"))

    def route(self, address: str, *, no_such_users: Collection[str] = ()) -> Delivery:
        """Where ``address`` is delivered (``python -m sendmailcfg route``)."""
        if self._router is not None:
            return self._router(self.site, address, no_such_users)
        return route(self.site, address, no_such_users=no_such_users)

    def sender(self, address: str, *, mailer: str = "esmtp") -> SenderForms:
        """What sender ``address`` becomes through ``mailer`` (``sender``)."""
        return sender(self.site, address, mailer=mailer)

    def access(
        self,
        query: str,
        *,
        client: str | None = None,
        resolve: str | None = None,
        sender: str | None = None,
    ) -> AccessDecision:
        """What the access map decides for ``connect:NAME:ADDR``, ``from:ADDRESS`` or
        ``to:ADDRESS`` (``query access --config``); an absent map decides nothing."""
        from sendmailcfg.maps.access import AccessDocument
        from sendmailcfg.maps.access.rules import FEATURES, Client, name_addr

        site = self.site
        doc = site.document("access")
        if not isinstance(doc, AccessDocument):
            doc = AccessDocument.from_text("")
        features = [f for f in FEATURES if f != "skip" and site.has_feature(f)]
        if site.facts.feature_has_option("access_db", "skip"):
            features.append("skip")
        local = sorted(s.value for s in site.classes["w"])
        who = None
        if client is not None:
            name, addr = name_addr(client, "client")
            who = Client(name, addr, resolve=resolve)
        kind, _, arg = query.partition(":")
        if kind == "connect":
            name, addr = name_addr(arg, "connect:")
            return doc.check_connect(name, addr, features=features)
        if kind == "from":
            return doc.check_from(arg, client=who, features=features, local_names=local)
        if kind == "to":
            relay = [s.value for s in site.classes["R"]]
            return doc.check_to(
                arg,
                client=who,
                sender=sender,
                features=features,
                local_names=local,
                relay_domains=relay,
            )
        raise ValueError(f"{query!r}: expected connect:NAME:ADDR, from:ADDRESS or to:ADDRESS")

    def _j(self) -> str | None:
        return self.site.j.value if self.site.j else None

    def virtusertable(self, address: str) -> Any:
        """The virtusertable's answer for ``address`` (``query virtusertable --config``)."""
        from sendmailcfg.maps.virtusertable import VirtusertableDocument

        site = self.site
        doc = site.document("virtusertable")
        if not isinstance(doc, VirtusertableDocument):
            doc = VirtusertableDocument.from_text("")
        return doc.resolve(
            address,
            local_names=[s.value for s in site.classes["w"]],
            virtuser_domains=[s.value for s in site.classes["VirtHost"]],
            entire_domain=site.has_feature("virtuser_entire_domain"),
            host_name=self._j(),
        )

    def genericstable(self, address: str) -> Any:
        """The genericstable's answer for ``address`` (``query genericstable --config``)."""
        from sendmailcfg.maps.genericstable import GenericstableDocument

        site = self.site
        doc = site.document("genericstable")
        if not isinstance(doc, GenericstableDocument):
            doc = GenericstableDocument.from_text("")
        masq = site.masquerade_as.value if site.masquerade_as else None
        return doc.rewrite(
            address,
            generics_domains=[s.value for s in site.classes["G"]],
            entire_domain=site.has_feature("generics_entire_domain"),
            host_name=self._j(),
            masquerade_as=masq or None,
        )

    def domaintable(self, host: str) -> Any:
        """What the domaintable renames ``host`` (or an address's host) to."""
        from sendmailcfg.maps.domaintable import DomaintableDocument

        doc = self.site.document("domaintable")
        if not isinstance(doc, DomaintableDocument):
            doc = DomaintableDocument.from_text("")
        return doc.rewrite(host, host_name=self._j())

    def files(self) -> list[tuple[str, str]]:
        """``(path, kind)`` of the configuration's files on disk: the .mc and its maps."""
        out: list[tuple[str, str]] = []
        if self.site.mc.path:
            out.append((self.site.mc.path, "mc"))
        for source in self.site.maps.values():
            if source.path is not None and source.document is not None:
                out.append((source.path, source.kind))
        return out

    def lint(self, config: LintConfig | None = None) -> list[Finding]:
        """Every finding of ``lint`` over the configuration's files, checked together
        (``config``: the nearest pyproject's settings from the .mc's folder)."""
        from sendmailcfg.lint.run import lint_paths

        if config is None and self._findings is not None:
            return list(self._findings)
        chosen = config or LintConfig.discover(self.site.folder or ".")
        findings, errors = lint_paths(self.files(), chosen, jobs=1)
        if errors:
            raise OSError("; ".join(errors))
        if config is None:
            self._findings = list(findings)
        return findings

    def notes(self) -> list[str]:
        """What the answers assume: maps the configuration names but that were not found
        (answered as if empty), no ``$j``, unreadable class files (as ``route`` warns)."""
        site = self.site
        out = []
        for source in site.maps.values():
            if source.document is None and source.written is not None:
                out.append(
                    f"{source.setting}: {source.kind} {source.written} {source.problem}; "
                    "answering as if it were empty"
                )
        if site.j is None:
            out.append(
                f"{site.path}: no confDOMAIN_NAME and no hostname: answering as if this host "
                "had no name but localhost"
            )
        out.extend(f"{p}: {p.value} ({p.what})" for p in site.problems)
        return out


def engine_of(answer: object) -> str:
    """The engine an answer names in its JSON (``engine``), else :data:`ENGINE`."""
    as_json = getattr(answer, "as_json", None)
    if as_json is None:
        return ENGINE
    value = as_json().get("engine")
    return value if isinstance(value, str) else ENGINE
