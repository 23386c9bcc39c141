r"""Answers from sendmail's own rules: which ``.cf`` a configuration runs, and ``route`` on it.

``route``, ``sender`` and ``query access --config`` answer from the ``.cf``
engine (:mod:`sendmailcfg.cf`) when the configuration has a ``.cf`` that is
not older than its ``.mc``, or when the ``.mc`` can be rendered with real m4
and the cf package (locked m4: :mod:`sendmailcfg.mc.m4safe`); otherwise the
model (:mod:`sendmailcfg.site.delivery`) answers and says what it does not
follow. :func:`choose_engine` makes that choice and says why.

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> with open(os.path.join(folder, "sendmail.cf"), "w") as f:
...     _ = f.write("V10\nS0\nR$*\t\t$#local $: $1\n")
>>> choice = choose_engine(os.path.join(folder, "sendmail.cf"))
>>> choice.engine, os.path.basename(choice.cf_path or "")
('cf', 'sendmail.cf')
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Literal

import attrs

from sendmailcfg.maps.routing import Route

if TYPE_CHECKING:
    from sendmailcfg.cf.engine import Engine, MapLookup, RuleStep
    from sendmailcfg.cf.environment import HostEnvironment
    from sendmailcfg.cf.mapclass import DbReader
    from sendmailcfg.site.delivery import Delivery, Step
    from sendmailcfg.site.masquerade import SenderForms

EngineName = Literal["cf", "model"]
"""Which model answered: sendmail's own rules (``cf``) or the hand-written model."""

EngineWanted = Literal["auto", "cf", "model"]
"""What the caller asked for (``--engine``)."""


class EngineUnavailable(ValueError):
    """``--engine cf`` was asked for and no ``.cf`` can be had; the message says why."""


@attrs.frozen
class EngineChoice:
    """The answer of :func:`choose_engine`: which engine, why, and the ``.cf`` text."""

    engine: EngineName
    reason: str
    cf_path: str | None = None
    """The ``.cf`` read (None: rendered from the ``.mc``, or the model answers)."""
    cf_text: str | None = attrs.field(default=None, repr=False)

    def as_json(self) -> dict[str, object]:
        """``{"engine": ..., "why": ..., "cf": path or None}``."""
        return {"engine": self.engine, "why": self.reason, "cf": self.cf_path}


def find_cf(config: str) -> str | None:
    """The ``.cf`` a configuration runs: the path itself when it names a ``.cf``; for a
    ``.mc``, ``NAME.cf`` beside it (what ``make`` and FreeBSD's Makefile write), then the
    folder's ``sendmail.cf``; None when there is none."""
    if config.endswith(".cf"):
        return config if os.path.isfile(config) else None
    folder = os.path.dirname(config) or "."
    stem = os.path.basename(config)
    if stem.endswith(".mc"):
        stem = stem[:-3]
    for name in dict.fromkeys((f"{stem}.cf", "sendmail.cf")):
        path = os.path.join(folder, name)
        if os.path.isfile(path):
            return path
    return None


def _read_text(path: str) -> str:
    with open(path, "rb") as f:
        return f.read().decode("utf-8", "surrogateescape")


def choose_engine(
    config: str,
    want: EngineWanted = "auto",
    *,
    render: Callable[[], str] | None = None,
) -> EngineChoice:
    """Which engine answers for the configuration at ``config`` (a ``.mc`` or a ``.cf``).

    ``want="model"`` always gives the model; ``"cf"`` raises
    :class:`EngineUnavailable` when no current ``.cf`` exists and ``render`` (a
    callable returning the rendered ``.cf`` text, raising ``OSError`` or ``ValueError``
    when it cannot) fails or is None; ``"auto"`` falls back to the model with the reason.
    """
    if want == "model":
        return EngineChoice("model", "asked for (--engine model)")
    cf = find_cf(config)
    if cf is not None and (cf == config or _not_older(cf, config)):
        return EngineChoice("cf", f"{cf} is not older than the .mc", cf, _read_text(cf))
    why = (
        f"{cf} is older than {config}"
        if cf is not None
        else f"no .cf beside {config} (run `make` or `render`)"
    )
    if render is not None:
        try:
            return EngineChoice("cf", f"{why}: rendered {config} with m4", None, render())
        except (OSError, ValueError) as exc:
            why = f"{why}; rendering it failed: {exc}"
    if want == "cf":
        raise EngineUnavailable(f"--engine cf: {why}")
    return EngineChoice("model", why)


def _not_older(cf: str, mc: str) -> bool:
    try:
        return os.stat(cf).st_mtime >= os.stat(mc).st_mtime
    except OSError:
        return True


class _Passwd(Mapping[str, Sequence[str]]):
    """Every user has a passwd entry except those named (``--no-such-user``), as the
    model assumes: LUSER_RELAY then applies to exactly those."""

    def __init__(self, absent: Collection[str]) -> None:
        self._absent = frozenset(absent)

    def __getitem__(self, name: str) -> Sequence[str]:
        if name in self._absent or not name:
            raise KeyError(name)
        return (name, "*", "1000", "1000", name, f"/home/{name}", "/bin/sh")

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


def environment(
    hostname: str | None, *, no_such_users: Collection[str] = (), **kw: object
) -> HostEnvironment:
    """The host environment ``route`` gives the engine: the host name (default the
    machine's), a passwd in which every user but ``no_such_users`` exists."""
    from sendmailcfg.cf.environment import HostEnvironment

    if hostname:
        kw["hostname"] = hostname
    return HostEnvironment(passwd=_Passwd(no_such_users), **kw)  # type: ignore[arg-type]


def build_engine(
    choice: EngineChoice,
    env: HostEnvironment,
    *,
    read_db: DbReader | None = None,
    folder: str | None = None,
    root: str | None = None,
) -> Engine:
    """An :class:`~sendmailcfg.cf.engine.Engine` on the chosen ``.cf``.

    A file the ``.cf`` names (``/etc/mail/mailertable.db``) is opened under ``root``
    when given, else where it is written, else by its name in ``folder`` (a
    repository holding a copy of /etc/mail)."""
    from sendmailcfg.cf.config import read_config
    from sendmailcfg.cf.engine import Engine

    if choice.cf_text is None:
        raise ValueError("the model answers: there is no .cf to run")
    config = read_config(choice.cf_text, choice.cf_path or "(rendered .cf)")
    return Engine(config, env, read_db=read_db, resolve_path=_resolver(folder, root))


def _resolver(folder: str | None, root: str | None) -> Callable[[str], str]:
    def resolve(path: str) -> str:
        candidates = []
        if root and path.startswith("/"):
            candidates.append(os.path.join(root, path.lstrip("/")))
        candidates.append(path)
        if folder:
            candidates.append(os.path.join(folder, os.path.basename(path)))
        for c in candidates:
            if os.path.exists(c) or os.path.exists(c + ".db"):
                return c
        return candidates[0]

    return resolve


def route_cf(engine: Engine, address: str) -> Delivery:
    """Where sendmail delivers ``address``: ``/parse`` (rulesets 3 and 0), then for the
    local mailer ruleset 5 (localaddr), as sendmail runs it at delivery. The steps are
    the rules that changed the address (with their ``.cf`` line) and every map lookup
    with its key (and its line in the map's source)."""
    from sendmailcfg.site.delivery import Delivery

    parsed = engine.parse(address)
    steps = _steps(engine, parsed.steps, parsed.lookups)
    first = Route(parsed.mailer, parsed.host, parsed.user)
    final = first
    decided: str = "error" if parsed.mailer == "*error*" else "rules"
    if parsed.error is None and _tries_ruleset5(engine, parsed.mailer):
        decided = "local"
        if not _not_remote(parsed.trace):
            local = engine.rewrite(5, parsed.user)
            steps += _steps(engine, local.steps, local.lookups)
            triple = _triple(local.tokens)
            if triple is not None:
                final = triple
                decided = "error" if triple.mailer == "*error*" else "rules"
    return Delivery(
        address,
        final.mailer,
        final.host,
        final.user,
        first,
        decided,  # type: ignore[arg-type]
        tuple(steps),
        engine="cf",
    )


def _steps(engine: Engine, rules: Sequence[RuleStep], lookups: Sequence[MapLookup]) -> list[Step]:
    """The rules that matched (cited by their ``.cf`` line) and the map lookups, as steps."""
    from sendmailcfg.site.delivery import Step

    path = engine.config.path
    out = [Step(f"{r.ruleset}: {r.before} -> {r.after}", path, r.line) for r in rules]
    out += [Step(f"map {x.summary()}") for x in lookups]
    return out


def _tries_ruleset5(engine: Engine, mailer: str) -> bool:
    """recipient(): ruleset 5 runs for the local mailer and every mailer with F=5."""
    m = engine.mailer_index.get(mailer.lower())
    return m is not None and (m.name == "local" or "5" in m.flags)


def _not_remote(trace: Sequence[str]) -> bool:
    """Ruleset 0 wrote the local user ``@user``: sendmail never runs ruleset 5 on it."""
    returns = [t for t in trace if t.lstrip().startswith("parse") and "returns:" in t]
    return bool(returns) and "$: @" in returns[-1]


def _triple(tokens: Sequence[str]) -> Route | None:
    """``$# mailer $@ host $: user`` tokens as a route, None when they are no triple."""
    if not tokens or tokens[0] != "$#":
        return None
    parts: dict[str, list[str]] = {"$#": [], "$@": [], "$:": []}
    cur = "$#"
    for t in tokens[1:]:
        if t in parts:
            cur = t
        else:
            parts[cur].append(t)
    mailer = "".join(parts["$#"])
    host = "".join(parts["$@"]) or None
    if mailer == "error":
        return Route("*error*", host, _words(parts["$:"]))
    return Route(mailer, host, _address("".join(parts["$:"])))


def _words(toks: Sequence[str]) -> str:
    out = ""
    previous = False
    for t in toks:
        word = t not in ".:%@!^/[]+()<>,;" and t != "$"
        out += (" " if word and previous else "") + t
        previous = word
    return out


def _address(joined: str) -> str:
    if "<@" in joined and joined.endswith(">"):
        user, _, rest = joined.partition("<@")
        host = rest[:-1].rstrip(".")
        return f"{user}@{host}"
    return joined


def sender_cf(engine: Engine, address: str, *, mailer: str = "esmtp") -> SenderForms:
    """What ``address`` becomes as a sender through ``mailer``: the envelope form
    (``/tryflags ES``, ``/try``) and the header form (``/tryflags HS``), as sendmail's
    remotename() writes them."""
    from sendmailcfg.site.delivery import Step
    from sendmailcfg.site.masquerade import SenderForms

    envelope = engine.try_mailer(mailer, address, sender=True, header=False)
    header = engine.try_mailer(mailer, address, sender=True, header=True)
    if envelope.result is None or header.result is None:
        raise ValueError(f"{mailer}: {' '.join(envelope.trace) or 'no such mailer'}")
    steps = [
        Step(f"envelope: {x.text}", x.path, x.line)
        for x in _steps(engine, envelope.steps, envelope.lookups)
    ]
    steps += [
        Step(f"header: {x.text}", x.path, x.line)
        for x in _steps(engine, header.steps, header.lookups)
    ]
    return SenderForms(
        address, envelope.mailer, envelope.result, header.result, tuple(steps), engine="cf"
    )
