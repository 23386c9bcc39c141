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
    from sendmailcfg.cf.environment import HostEnvironment, Resolver
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
        return config if os.path.exists(config) else None
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
    """A ``.cf``'s text, read as every command reads user files (a FIFO or device is
    refused, never opened for reading)."""
    from sendmailcfg import fileio

    return fileio.read_bytes(path).decode("utf-8", "surrogateescape")


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
    from sendmailcfg.fileio import newer

    return not newer(mc, cf)


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


DEFAULT_CLIENT = ("client.invalid", "192.0.2.254")
"""The SMTP client the engine assumes for from:/to: queries when none is given: a
name under the reserved ``.invalid`` and a documentation address (TEST-NET-1), so
only an entry for ``invalid`` or ``192``/``192.0``/``192.0.2`` can name it."""

_OWN_REPLIES = (
    "553 Domain name required for sender address",
    "553 Real domain name required for sender address",
    "550 Relaying denied. IP name",
    "450 Relaying temporarily denied.",
    "553 User address required",
)
"""Refusals the check rulesets write themselves (no access entry decided them)."""
_REJECT_REPLIES = {
    ("5.7.1", "550 Access denied"),
    ("5.2.1", "550 Mailbox disabled for this recipient"),
}
"""What an entry whose value is ``REJECT`` makes sendmail say."""
_NO_VERDICT = frozenset({"", "?", "OK", "RELAY", "SKIP", "OKR", "DISCARD"})


@attrs.frozen
class CfAccessDecision:
    """What sendmail's own ``check_relay``/``check_mail``/``check_rcpt`` rulesets decide.

    The fields mean what :class:`~sendmailcfg.maps.access.rules.AccessDecision`'s do:
    ``action`` (OK, RELAY, REJECT, DISCARD, ERROR, QUARANTINE or None), ``code`` and
    ``reply`` as the SMTP client receives them, ``key``/``line`` the access entry that
    decided (the key as written in the map source beside the ``.db``; with only a
    ``.db`` it is the key as looked up, folded to lower case unless the map has ``-f``,
    and ``line`` is None). ``found`` lists the access entries the rulesets found (the engine records
    the lookups that found something, not the misses), ``result`` is what the ruleset
    returned and ``steps`` the trace, the lookups and the rules that matched."""

    check: str
    action: str | None
    code: str | None
    reply: str | None
    key: str | None
    line: int | None
    found: tuple[str, ...]
    ruleset: str | None
    result: str
    steps: tuple[Step, ...] = ()
    engine: EngineName = "cf"

    @property
    def tried(self) -> tuple[str, ...]:
        """The keys looked up that found an entry (misses are not recorded)."""
        return self.found

    def summary(self, query: str) -> str:
        """One line: ``QUERY -> ACTION CODE REPLY (line N: KEY)``, as the model's
        :meth:`AccessDecision.summary <sendmailcfg.maps.access.rules.AccessDecision.summary>`.

        >>> CfAccessDecision("to", "REJECT", "5.7.1", "550 no", "spam.test", 3, (), None,
        ...                  "$#error").summary("to:x")
        'to:x -> REJECT 5.7.1 550 no (line 3: spam.test)'
        """
        what = " ".join(x for x in (self.action or "no decision", self.code, self.reply) if x)
        why = f"line {self.line}: {self.key}" if self.key is not None else "no entry"
        return f"{query} -> {what} ({why})"

    def explain(self, query: str) -> str:
        """:meth:`summary`, then the rulesets' trace, one step a line."""
        return "\n".join([self.summary(query), *(f"  {s}" for s in self.steps)])

    def as_json(self, query: str) -> dict[str, object]:
        """The keys ``query access --json`` prints, with ``"engine": "cf"``."""
        return {
            "query": query,
            "key": self.key,
            "action": self.action,
            "code": self.code,
            "reply": self.reply,
            "engine": self.engine,
        }


def access_cf(
    engine: Engine,
    kind: str,
    arg: str,
    *,
    client: tuple[str, str] | None = None,
    resolve: str | None = None,
    sender: str | None = None,
) -> CfAccessDecision:
    r"""Run the ``.cf``'s check ruleset for one ``query access`` question, as a real SMTP
    session does (srvrsmtp.c's rscheck()).

    ``kind`` is ``connect`` (``arg`` is ``NAME:ADDR`` with ``${client_addr}`` already
    in sendmail's form: check_relay with ``NAME $| ADDR``), ``from`` (check_mail with
    ``<arg>``, ``$f`` the sender) or ``to`` (check_rcpt with ``<arg>``, ``$f`` the
    envelope sender ``sender``, which delay_checks reads). ``${client_name}``,
    ``${client_addr}`` and ``${client_resolve}`` are the client's (``client``,
    default :data:`DEFAULT_CLIENT`; ``resolve`` default: FAIL for a bracketed
    ``[address]`` name, as daemon.c sets it, else OK). A check ruleset the ``.cf``
    does not have (check_relay and check_mail under delay_checks) decides nothing.

    >>> from sendmailcfg.cf.engine import Engine
    >>> from sendmailcfg.cf.environment import HostEnvironment
    >>> cf = 'V10\nScheck_relay\nR$* $| 10.$*\t$#error $@ 5.7.1 $: "550 Access denied"\n'
    >>> eng = Engine(cf, HostEnvironment(hostname="h.example"))
    >>> d = access_cf(eng, "connect", "x.example:10.1.2.3")
    >>> d.action, d.code, d.reply, d.key
    ('ERROR', '5.7.1', '550 Access denied', None)
    >>> access_cf(eng, "from", "a@b.example").action is None
    True
    """
    from sendmailcfg.site.delivery import Step

    if kind == "connect":
        name, _, addr = arg.partition(":")
        ruleset, value, second = "check_relay", name, addr
        f = ""
    else:
        name, addr = client if client is not None else DEFAULT_CLIENT
        ruleset = "check_mail" if kind == "from" else "check_rcpt"
        value, second = _angled(arg), None
        f = arg if kind == "from" else (sender or "")
        f = f.strip()
        if f.startswith("<") and f.endswith(">"):
            f = f[1:-1].strip()
    status = resolve.upper() if resolve else ("FAIL" if name.startswith("[") else "OK")
    macros = {"{client_name}": name, "{client_addr}": addr, "{client_resolve}": status}
    before = len(engine.lookups)
    marks: list[tuple[str, int, int]] = []
    engine.matched = marks
    for k, v in macros.items():
        engine.set_macro_by_name(k, v)
    engine.set_macro_by_name("f", f)
    if engine.ruleset_number(ruleset) < 0:
        engine.matched = None
        return CfAccessDecision(kind, None, None, None, None, None, (), None, "")
    try:
        res = engine.check(ruleset, value, second)
    finally:
        engine.matched = None
    found = _access_found(res.lookups)
    # delay_checks: the recipient's own checks come before the renamed checkmail and
    # checkrelay; what they found is what accepted the recipient
    later = [seen - before for name, _, seen in marks if name in _DELAYED]
    rcpt_found = _access_found(res.lookups, later[0] if later else None)
    steps = [Step(line) for line in res.trace if line.strip()]
    steps += _steps(engine, res.steps, res.lookups)
    action, code, reply, key = _verdict_of(kind, list(res.tokens), found, rcpt_found)
    check = kind
    if kind == "to" and res.tokens[:1] == ("$#",) and later:
        # delay_checks: the sender's (checkmail) or the client's (checkrelay) check decided
        last_phase = [name for name, _, _ in marks if name in ("checkrcpt", *_DELAYED)][-1]
        check = {"checkmail": "from", "checkrelay": "connect"}.get(last_phase, "to")
    line = next((ln for k, ln, _ in reversed(found) if k == key), None) if key else None
    return CfAccessDecision(
        check,
        action,
        code,
        reply,
        key,
        line or None,
        tuple(k for k, _, _ in found),
        ruleset,
        " ".join(res.tokens),
        tuple(steps),
    )


def _angled(address: str) -> str:
    text = address.strip()
    return text if text.startswith("<") and text.endswith(">") else f"<{text}>"


_DELAYED = frozenset({"checkmail", "checkrelay"})
"""The rulesets delay_checks renames check_mail and check_relay to."""


def _access_found(
    lookups: Sequence[MapLookup], until: int | None = None
) -> list[tuple[str, int, str]]:
    """The access entries found among ``lookups[:until]``: (key as written in the source
    when it can be read, else as looked up; source line or 0; the value)."""
    out = []
    for x in lookups[:until]:
        if x.map != "access" or x.value is None:
            continue
        key = _written_key(x.source, x.line) or x.key
        out.append((key, x.line, x.value.rstrip("\0")))
    return out


def _written_key(path: str, line: int) -> str | None:
    if not path or not line:
        return None
    try:
        with open(path, encoding="latin-1") as f:
            for n, text in enumerate(f, 1):
                if n == line:
                    return text.split(None, 1)[0] if text.strip() else None
    except OSError:
        return None
    return None


def _verdict_of(
    kind: str,
    toks: list[str],
    found: Sequence[tuple[str, int, str]],
    rcpt_found: Sequence[tuple[str, int, str]] = (),
) -> tuple[str | None, str | None, str | None, str | None]:
    """(action, code, reply, key) of a check ruleset's result, as the model words them."""
    from sendmailcfg.maps.access.tokens import reply_text

    last = found[-1] if found else None
    value = (last[2].strip() if last else "").upper()
    if toks[:2] == ["$#", "error"]:
        code_t: list[str] = []
        text_t: list[str] = []
        cur: list[str] | None = None
        for t in toks[2:]:
            if t in ("$@", "$:"):
                cur = code_t if t == "$@" else text_t
            elif cur is not None:
                cur.append(t)
        reply = reply_text(text_t)
        if code_t == ["quarantine"]:
            return "QUARANTINE", None, reply, last[0] if last else None
        code = "".join(code_t) or None
        own = reply == "550 Relaying denied" or reply.startswith(_OWN_REPLIES)
        if last is not None and not own and reply.upper() == value:  # SKIP, OKR, free text
            return "ERROR", code, reply, last[0]
        if last is None or own or value in _NO_VERDICT:
            return ("REJECT" if reply == "550 Relaying denied" else "ERROR"), code, reply, None
        if value == "REJECT":
            if (code, reply) in _REJECT_REPLIES:
                return "REJECT", code, reply, last[0]
            return "ERROR", code, reply, None
        return "ERROR", code, reply, last[0]
    if toks[:2] == ["$#", "discard"]:
        return "DISCARD", None, None, last[0] if last and value == "DISCARD" else None
    word = toks[1].upper() if toks[:1] == ["$#"] and len(toks) == 2 else None
    if word is None and len(toks) == 1 and toks[0].upper() == "RELAY":
        word = "RELAY"
    if kind == "connect":
        word = toks[0].upper() if len(toks) == 1 else None
        if last is not None and word in ("OK", "RELAY") and value == word:
            return word, None, None, last[0]
        return None, None, None, None
    if kind == "to":
        if word in ("OK", "RELAY") and len(toks) == 2:  # delay_checks: the sender's entry
            return word, None, None, last[0] if last and value == word else None
        # an entry of the recipient's domain walk or of the client (Relay_ok) relays;
        # user entries (``To:user@``) are blocklist_recipients' and only refuse
        mine = rcpt_found[-1] if rcpt_found else None
        relay = mine is not None and mine[2].strip().upper() == "RELAY" and "@" not in mine[0]
        return "RELAY", None, None, mine[0] if relay and mine else None
    if word in ("OK", "RELAY"):
        return word, None, None, last[0] if last and value == word else None
    return None, None, None, last[0] if last and value == "OKR" else None


def use_map_file(engine: Engine, name: str, path: str) -> bool:
    """Make the ``.cf``'s map ``name`` read ``path`` (a map source, or the ``.db`` built
    from it) instead of the file its ``K`` line names; False when the ``.cf`` declares no
    such map (then nothing reads ``path``)."""
    m = engine.maps.get(name)
    if m is None:
        return False
    m.file = os.path.abspath(path)
    m.data = None
    m.open_error = None
    m.state = ""
    m.source_lines = {}
    m.source_path = ""
    return True


class NotingResolver:
    """A resolver that answers as ``inner`` does (default offline: a dotted name is its
    own canonical name, nothing has addresses or MX records) and notes every name whose
    addresses or MX records were asked for, in ``asked``: what a ``dns`` map (FEATURE
    ``dnsbl``/``enhdnsbl``) would have asked DNS, so an answer can say it did not."""

    def __init__(self, inner: Resolver | None = None) -> None:
        from sendmailcfg.cf.environment import DottedResolver

        self.inner: Resolver = inner if inner is not None else DottedResolver()
        self.asked: list[str] = []

    def canonical(self, name: str) -> tuple[str | None, int]:
        return self.inner.canonical(name)

    def mx(self, name: str) -> list[str]:
        self.asked.append(name)
        return self.inner.mx(name)

    def addresses(self, name: str) -> list[str]:
        self.asked.append(name)
        return self.inner.addresses(name)

    def names(self, address: str) -> list[str]:
        return self.inner.names(address)
