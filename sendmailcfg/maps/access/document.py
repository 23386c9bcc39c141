r"""The access map (FEATURE(`access_db')): who may connect, send, relay.

>>> doc = AccessDocument.from_text(
...     "Connect:192.0.2\tREJECT\n"
...     "From:spammer@example.com\tERROR:5.7.1:550 No thanks\n"
...     "To:example.com\tRELAY\n"
... )
>>> doc.check_connect("", "192.0.2.7").reply
'550 Access denied'
>>> d = doc.check_from("spammer@example.com")
>>> d.action, d.code, d.reply, d.line
('ERROR', '5.7.1', '550 No thanks', 2)
>>> doc.check_to("u@mail.example.com").action
'RELAY'
>>> [(e.key.tag, e.value) for e in doc.typed_entries()][:1]
[('Connect', ActionValue(action='REJECT', code=None, text=None))]
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

from sendmailcfg.maps.access import rules
from sendmailcfg.maps.access.fast import DEFAULT, Options, Snapshot, options, relay_members
from sendmailcfg.maps.access.keys import AccessKey, parse_access_key, validate_key
from sendmailcfg.maps.access.rules import AccessDecision, Client
from sendmailcfg.maps.access.values import TypedValue, parse_value, validate_value
from sendmailcfg.maps.document import LocatedEntry, MapDocument
from sendmailcfg.maps.keys import fold

__all__ = ["AccessDecision", "AccessDocument", "AccessEntry", "Client"]


@attrs.frozen
class AccessEntry:
    """An entry with its key split by tag, its value typed, and its problems."""

    key: AccessKey
    value: TypedValue
    entry: LocatedEntry
    problems: tuple[str, ...] = ()


class AccessDocument(MapDocument):
    """An access source file, and what sendmail decides with it.

    The decision methods take the features as names (``lookupdotdomain``,
    ``relay_hosts_only``, ``skip``, ``blocklist_recipients``, ``delay_checks``);
    see :mod:`sendmailcfg.maps.access.rules` for what each check looks up.

    Plain queries with the default features are answered from a snapshot of the keys
    (:mod:`sendmailcfg.maps.access.fast`, built at the first check, dropped on every
    edit); everything else by the token-level model. Both give equal answers.
    """

    kind = "access"

    def typed_entries(self) -> list[AccessEntry]:
        """Every entry, typed per tag, with the key and value problems found."""
        out = []
        for e in self.entries:
            key = parse_access_key(e.key)
            problems = validate_key(e.key) + validate_value(key.tag, e.value)
            out.append(AccessEntry(key, parse_value(key.tag, e.value), e, tuple(problems)))
        return out

    def check_connect(
        self, name: str | None, addr: str | None, *, features: Iterable[str] = ()
    ) -> AccessDecision:
        """What ``check_relay`` decides for a client (``${client_name}``, ``${client_addr}``)."""
        opts: Options | None = DEFAULT
        if features:
            features = tuple(features)  # read twice: here, then perhaps by the model
            opts = options(features)
        if opts is not None:
            found = self._snapshot().check_connect(name, addr, opts)
            if found is not None:
                return found
        return rules.check_connect(self, name, addr, features=features)

    def check_from(
        self,
        address: str,
        *,
        client: Client | None = None,
        features: Iterable[str] = (),
        local_names: Iterable[str] = (),
        host_name: str | None = None,
    ) -> AccessDecision:
        """What ``check_mail`` decides for the sender ``address``."""
        opts: Options | None = DEFAULT
        if features:
            features = tuple(features)
            opts = options(features)
        if opts is not None and host_name is None:
            found = self._snapshot().check_from(address, client, opts)
            if found is not None:
                return found
        return rules.check_from(
            self,
            address,
            client=client,
            features=features,
            local_names=local_names,
            host_name=host_name,
        )

    def check_to(
        self,
        address: str,
        *,
        client: Client | None = None,
        sender: str | None = None,
        features: Iterable[str] = (),
        local_names: Iterable[str] = (),
        relay_domains: Iterable[str] = (),
        host_name: str | None = None,
    ) -> AccessDecision:
        """What ``check_rcpt`` decides for the recipient ``address`` (relaying, blocklist)."""
        opts: Options | None = DEFAULT
        relay: tuple[str, ...] | None = ()
        names = _LOCALHOST
        # each is read twice (here, then perhaps by the model): iterators become tuples
        if features:
            features = tuple(features)
            opts = options(features)
        if local_names:
            local_names = tuple(local_names)
            names = frozenset({"localhost", *(fold(n.rstrip(".")) for n in local_names)})
        if relay_domains:
            relay_domains = tuple(relay_domains)
            relay = relay_members(relay_domains)
        if opts is not None and relay is not None and host_name is None:
            found = self._snapshot().check_to(address, client, names, relay, opts, sender)
            if found is not None:
                return found
        return rules.check_to(
            self,
            address,
            client=client,
            sender=sender,
            features=features,
            local_names=local_names,
            relay_domains=relay_domains,
            host_name=host_name,
        )

    # -- the snapshot of the keys (dropped on every edit) ------------------------------

    def _snapshot(self) -> Snapshot:
        snapshot = self.__dict__.get("_keys_snapshot")
        if (
            snapshot is None
            or snapshot.fold_keys != self.fold_keys
            or snapshot.duplicates != self.duplicates
        ):
            snapshot = self.__dict__["_keys_snapshot"] = Snapshot(self)
        assert isinstance(snapshot, Snapshot)
        return snapshot

    def _forget(self) -> None:
        self.__dict__.pop("_keys_snapshot", None)


_LOCALHOST = frozenset({"localhost"})
"""Class w when no local names are given."""
