"""sendmail's rewriting engine: read a ``.cf`` as readcf.c does and run its rules.

>>> from sendmailcfg.cf.config import read_config
>>> cf = read_config(
...     "V10\\nS0\\nR$+ < @ $+ >\\t$#smtp $@ $2 $: $1 < @ $2 >\\nR$+\\t$#local $: $1\\n"
...     "S3\\nR$+ @ $+\\t$@ $1 < @ $2 >\\nS4\\nR$+ < @ $+ >\\t$@ $1 @ $2\\n"
...     "Mlocal, P=/bin/true, F=l, A=true\\nMsmtp, P=[IPC], F=mDFMuX, A=TCP $h\\n"
... )
>>> eng = Engine(cf, HostEnvironment(hostname="mail.example.com"))
>>> r = eng.parse("joe@example.org")
>>> r.mailer, r.host, r.user
('smtp', 'example.org', 'joe@example.org')
>>> eng.rewrite("3", "a@b").tokens
('a', '<', '@', 'b', '>')
"""

from __future__ import annotations

import bisect
import os
import re
from collections.abc import Callable, Iterable, Sequence

import attrs

from sendmailcfg.cf import tokens as T
from sendmailcfg.cf.config import OPTION_LETTERS, CfConfig, fold_lines, read_config
from sendmailcfg.cf.environment import (
    EX_NOHOST,
    EX_OK,
    EX_TEMPFAIL,
    HostEnvironment,
)
from sendmailcfg.cf.mapclass import CfMapRuntime, DbReader, parse_map

__all__ = [
    "Engine",
    "MapLookup",
    "MapResult",
    "ParseResult",
    "RewriteResult",
    "RuleStep",
    "TryResult",
]

EX_USAGE = 64
EX_DATAERR = 65
EX_UNAVAILABLE = 69
EX_SOFTWARE = 70
EX_CONFIG = 78
MAXRWSETS = 200
MAXATOM = 1000
MAX_SUBR = 16
_EMPTY: dict[str, str] = {}
VERSION = "8.17.1.9"


class _Observed(Exception):
    """A lookup in a run recorded with placeholders saw these placeholders."""

    def __init__(self, chars: list[str]) -> None:
        super().__init__(chars)
        self.chars = chars


def _deterministic(m: CfMapRuntime, key: str) -> bool:
    """A lookup whose answer is a function of the key for the engine's whole life:
    ``dequote``, and ``host`` for a name (answers are kept by :meth:`Engine.canonname`;
    an address in brackets asks the resolver each time)."""
    if m.mclass == "dequote":
        return True
    return m.mclass == "host" and not key.startswith("[")


class _Abort(Exception):
    """A rewrite stopped with a status (the C code returns early)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


@attrs.frozen
class RuleStep:
    """A rule that matched: its ruleset, its line in the ``.cf``, the tokens before and
    after (as ``-bt`` prints them)."""

    ruleset: str
    line: int
    before: str
    after: str

    def as_json(self) -> dict[str, object]:
        return {
            "ruleset": self.ruleset,
            "line": self.line,
            "before": self.before,
            "after": self.after,
        }

    def summary(self) -> str:
        return f"{self.ruleset} (line {self.line}): {self.before} -> {self.after}"


@attrs.frozen
class MapLookup:
    """A map lookup a rule made: the key, the answer (None: not found), the status and
    the key's line in the map's source when it is known (0 otherwise)."""

    map: str
    key: str
    value: str | None
    status: int
    line: int = 0
    source: str = ""

    def as_json(self) -> dict[str, object]:
        return {
            "map": self.map,
            "key": self.key,
            "value": self.value,
            "status": self.status,
            "line": self.line,
            "source": self.source,
        }

    def summary(self) -> str:
        where = f" ({self.source}:{self.line})" if self.line else ""
        found = "not found" if self.value is None else repr(self.value)
        return f"{self.map}[{self.key!r}] -> {found}{where}"


def _explain(steps: Sequence[RuleStep], lookups: Sequence[MapLookup]) -> str:
    lines = [f"rule {x.summary()}" for x in steps]
    lines += [f"map {x.summary()}" for x in lookups]
    return "\n".join(lines)


class _Traced:
    """What every answer of the engine ends with: the trace lines, the rules that changed
    the address and the map lookups (``as_json`` puts them after the answer's own keys)."""

    __slots__ = ()
    trace: tuple[str, ...]
    steps: tuple[RuleStep, ...]
    lookups: tuple[MapLookup, ...]

    def _answer(self) -> dict[str, object]:
        raise NotImplementedError

    def as_json(self) -> dict[str, object]:
        return {
            **self._answer(),
            "trace": list(self.trace),
            "steps": [x.as_json() for x in self.steps],
            "lookups": [x.as_json() for x in self.lookups],
        }

    def explain(self) -> str:
        """The rules that changed the address and the map lookups, one a line."""
        return _explain(self.steps, self.lookups)


@attrs.frozen
class RewriteResult(_Traced):
    """What a ruleset made of an address: its tokens, the status and the trace lines."""

    ruleset: str
    address: str
    tokens: tuple[str, ...]
    status: int
    trace: tuple[str, ...]
    text: str
    steps: tuple[RuleStep, ...] = ()
    lookups: tuple[MapLookup, ...] = ()

    def _answer(self) -> dict[str, object]:
        return {
            "ruleset": self.ruleset,
            "address": self.address,
            "result": self.text,
            "tokens": list(self.tokens),
            "status": self.status,
        }

    def summary(self) -> str:
        return f"{self.ruleset} {self.address} -> {self.text}"


@attrs.frozen
class ParseResult(_Traced):
    """/parse: the mailer, host and user sendmail resolves a recipient to, or its error
    triple (mailer ``*error*``, host the status, user the message)."""

    address: str
    mailer: str
    host: str | None
    user: str
    error: str | None
    trace: tuple[str, ...]
    steps: tuple[RuleStep, ...] = ()
    lookups: tuple[MapLookup, ...] = ()

    def _answer(self) -> dict[str, object]:
        return {
            "address": self.address,
            "mailer": self.mailer,
            "host": self.host,
            "user": self.user,
            "error": self.error,
        }

    def summary(self) -> str:
        if self.host:
            return f"mailer {self.mailer}, host {self.host}, user {self.user}"
        return f"mailer {self.mailer}, user {self.user}"


@attrs.frozen
class TryResult(_Traced):
    """/try: the address a mailer's rulesets make of an address."""

    mailer: str
    address: str
    result: str | None
    status: int
    trace: tuple[str, ...]
    steps: tuple[RuleStep, ...] = ()
    lookups: tuple[MapLookup, ...] = ()

    def _answer(self) -> dict[str, object]:
        return {
            "mailer": self.mailer,
            "address": self.address,
            "result": self.result,
            "status": self.status,
        }

    def summary(self) -> str:
        return (
            f"Rcode = {self.status}, addr = {self.result if self.result is not None else '<NULL>'}"
        )


@attrs.frozen
class MapResult:
    """/map: a map's answer for a key (None: no match) and the status."""

    map: str
    key: str
    value: str | None
    status: int

    def as_json(self) -> dict[str, object]:
        return {"map": self.map, "key": self.key, "value": self.value, "status": self.status}

    def summary(self) -> str:
        if self.value is None:
            return f"map_lookup: {self.map} ({self.key}) no match ({self.status})"
        return f"map_lookup: {self.map} ({self.key}) returns {self.value} ({self.status})"


@attrs.define
class _Mailer:
    name: str
    mno: int
    path: str = ""
    flags: str = ""
    se: int = 0
    sh: int = 0
    re: int = 0
    rh: int = 0
    eol: str = ""
    argv: list[str] = attrs.field(factory=list)
    maxsize: int = 0
    linelimit: int = 0
    uid: int = -1
    gid: int = -1
    mtatype: str | None = None
    addrtype: str | None = None
    diagtype: str | None = None
    maxrcpt: int = 0
    charset: str | None = None


@attrs.define
class _Rule:
    lhs: list[str]
    rhs: list[str]
    line: int
    kinds: list[int] = attrs.field(factory=list)
    lits: list[str] = attrs.field(factory=list)
    required: frozenset[str] = frozenset()
    minlen: int = 0
    first: str | None = None
    last: str | None = None
    dexp: bool = False
    build: Callable[[list[str], tuple[tuple[int, int], ...]], list[str]] | None = None

    def __attrs_post_init__(self) -> None:
        kinds = []
        lits = []
        for t in self.lhs:
            k = _KIND.get(t[:1], _LIT)
            kinds.append(k)
            if k == _LIT:
                lits.append(_lc(t))
            else:
                lits.append(t[1:2])
        self.kinds = kinds
        self.lits = lits
        self.required = frozenset(x for k, x in zip(kinds, lits, strict=True) if k == _LIT)
        self.minlen = sum(1 for k in kinds if k in (_LIT, _ANY, _ONE, _CLASS, _NCLASS))
        # matching is anchored at both ends: a literal first (last) pattern token must be
        # the first (last) token of the input
        self.first = lits[0] if kinds and kinds[0] == _LIT else None
        self.last = lits[-1] if kinds and kinds[-1] == _LIT else None
        self.dexp = _DEXP in kinds
        nwild = sum(1 for k in kinds if k in (_ZANY, _ANY, _ONE, _CLASS, _NCLASS))
        rhs = self.rhs
        if rhs and rhs[0][:1] in (T.CANONUSER, T.CANONHOST):
            rhs = rhs[1:]
        self.build = _rhs_builder(rhs, nwild)


@attrs.frozen
class _RuleIndex:
    count: int
    by_first: dict[str, list[int]]
    wild: list[int]
    rules: list[_Rule]


def _rhs_builder(
    rhs: list[str], nwild: int
) -> Callable[[list[str], tuple[tuple[int, int], ...]], list[str]] | None:
    """A function making a rule's RHS tokens (after its ``$:``/``$@`` prefix) from the
    input tokens and the LHS bindings, generated once: one list display of constants
    and slices. None when the RHS reads a macro at run time ($&x) or names a binding the
    LHS does not make: the rewriting loop handles those (and their messages) itself."""
    parts: list[str] = []
    consts: list[str] = []
    for rp in rhs:
        c0 = rp[:1]
        if c0 == T.MATCHREPL:
            idx = ord(rp[1]) - ord("1") if len(rp) > 1 else -1
            if idx < 0 or idx >= nwild:
                return None
            parts.append(f"*p[m[{idx}][0] : m[{idx}][1]]")
        elif c0 == T.MACRODEXPAND:
            return None
        else:
            parts.append(f"c[{len(consts)}]")
            consts.append(rp)
    # the source holds only indexes; the rule's own tokens are passed in as a tuple
    fn: Callable[[list[str], tuple[tuple[int, int], ...]], list[str]] = eval(
        f"lambda p, m, c=c: [{', '.join(parts)}]", {"c": tuple(consts)}
    )
    return fn


_LIT, _ZANY, _ANY, _ONE, _CLASS, _NCLASS, _ZERO, _DEXP = range(8)
_KIND = {
    T.MATCHZANY: _ZANY,
    T.MATCHANY: _ANY,
    T.MATCHONE: _ONE,
    T.MATCHCLASS: _CLASS,
    T.MATCHNCLASS: _NCLASS,
    T.MATCHZERO: _ZERO,
    T.MACRODEXPAND: _DEXP,
}
_NONE: list[int] = []
_PLACE_BASE = 0xF0000
_PLACE = re.compile("[\U000f0000-\U000ffffd]")
_PLACE_SPLIT = re.compile("([\U000f0000-\U000ffffd])")
_INTERNAL = re.compile(f"[{T.code(0o200)}-{T.code(0o377)}]")
_ASCII_LOWER = {c: c + 32 for c in range(ord("A"), ord("Z") + 1)}


def _lc(t: str) -> str:
    """sm_strcasecmp()'s folding: ASCII letters only."""
    return t.lower() if t.isascii() else t.translate(_ASCII_LOWER)


class Engine:
    """A ``.cf`` read the way sendmail reads it, ready to run its rules.

    ``config``: a :class:`~sendmailcfg.cf.config.CfConfig` (or the ``.cf`` text);
    ``env``: the machine (host name, interfaces, resolver, passwd, map tables);
    ``read_db``: how to read a Berkeley DB map file (see
    :data:`~sendmailcfg.cf.mapclass.DbReader`); ``root``: a folder standing for ``/``
    when opening the files the ``.cf`` names (maps, ``F`` classes);
    ``options``: ``-O Name=value`` settings applied after the ``.cf``; ``warn_c``:
    the ``.cf`` was named with ``-C`` by a user other than root (sendmail's
    ``warn_C_flag``: test mode then says nothing of a missing local mailer).
    """

    def __init__(
        self,
        config: CfConfig | str,
        env: HostEnvironment | None = None,
        *,
        read_db: DbReader | None = None,
        root: str | None = None,
        options: Sequence[str] = (),
        test_mode: bool = True,
        resolve_path: Callable[[str], str] | None = None,
        warn_c: bool = False,
    ) -> None:
        if isinstance(config, str):
            config = read_config(config)
        self.config = config
        self.env = env if env is not None else HostEnvironment()
        self.read_db = read_db
        self.root = root
        self._resolve_path = resolve_path
        self.out: list[str] = []
        self.notes: list[str] = []
        self.lookups: list[MapLookup] = []
        self.steps: list[RuleStep] = []
        self.recording = False
        self.matched: list[tuple[str, int, int]] | None = None
        """When a list: every rule as it matches, (ruleset name, .cf line, the number of
        map lookups recorded by then) -- which lookups came in which ruleset."""
        self.test_mode = test_mode
        self.warn_c = warn_c
        self.config_level = 0
        self.macros: dict[str, str] = {}
        self.macro_ids: dict[str, str] = {}
        self.macro_names: dict[str, str] = {}
        self._next_macro = 0o240
        self.classes: dict[str, dict[str, str]] = {}
        self._memo: dict[
            tuple[object, ...],
            tuple[tuple[str | int, ...], int, tuple[str | tuple[str, tuple[int, ...]], ...], int],
        ] = {}
        self._placeholders_ok = True
        self._observing = 0
        self._refine: dict[tuple[int, tuple[str | None, ...]], frozenset[int]] = {}
        self.remember = True
        """False: every ruleset run and every LHS match is worked out afresh (the
        reference the remembered answers are tested against)."""
        self.debug: dict[int, int] = {}
        """``-d`` levels by category (sendmail's tTd()); see :meth:`set_debug`."""
        self._d21 = 0
        self._impure = 0
        self._maxrec = 0
        self._maxlen = 0
        self._class_maxlen: dict[str, int] = {}
        self.rules: dict[int, list[_Rule]] = {}
        self.ruleset_names: dict[int, str] = {}
        self.ruleset_ids: dict[str, int] = {}
        self._next_ruleset = MAXRWSETS
        self.mailers: list[_Mailer | None] = []
        self.mailer_index: dict[str, _Mailer] = {}
        self.maps: dict[str, CfMapRuntime] = {}
        self.options: dict[str, str] = {}
        self.problems: list[str] = []
        self.max_rule_recursion = 50
        self.max_macro_recursion = 10
        self.space_sub = " "
        self.tryflags_header = False
        self.tryflags_sender = False
        self.e_to: str | None = None
        self._canon_cache: dict[str, tuple[str | None, int]] = {}
        self._atom_cache: dict[str, bool] = {}
        self._rule_indexes: dict[int, _RuleIndex] = {}
        self._cand_cache: dict[tuple[object, ...], list[int]] = {}
        self._first: dict[
            tuple[int, int, tuple[str | None, ...]], tuple[int, tuple[tuple[int, int], ...] | None]
        ] = {}
        self._abs: dict[str, str | None] = {}
        self._lhs_lits: frozenset[str] | None = None
        self._members_blob = ""
        self._blob_ok = True
        self._xputs_cache: dict[str, str] = {}
        self.tokenizer = T.Tokenizer(".:@[]")
        self._setup_before()
        self._read(config)
        for opt in options:
            name, _, value = opt.partition("=")
            self._setoption(name.strip(), value.strip(), 0)
        self._setup_after()
        self.tokenizer = T.Tokenizer(self._operator_chars())
        self._atom_cache.clear()
        self._forget_matches()

    # ------------------------------------------------------------------ output
    def _print(self, line: str) -> None:
        self.out.append(line)

    def _err(self, msg: str, *, sys: bool = False, default: str = "501") -> None:
        """usrerr()/syserr()/message() as test mode prints them: the text without its
        reply and status codes, after "addr... " when the address being handled is
        known and the code is one of 050 250 252 450 550 553 (err.c's fmtmsg()).
        syserr() never names the address."""
        self._impure += 1
        text = msg
        code = default
        m = re.match(r"([0-9]\d\d)([ -])(?:[245]\.\d{1,3}\.\d{1,3} )?(.*)", text, re.S)
        if m:
            code = m.group(1)
            text = m.group(3)
        if self._reading is not None and sys:
            text = f"{self.config.path}: line {self._reading}: {text}"
        elif not sys and self.e_to and code in ("050", "250", "252", "450", "550", "553"):
            text = f"{self.e_to}... {text}"
        self._print(text)

    def print_error(self, msg: str) -> None:
        """A syserr() message as sendmail -bt prints it."""
        self._err(msg, sys=True)

    # ------------------------------------------------------------------ macros
    def macid(self, name: str) -> str:
        """The id character of macro ``name`` (``x`` or ``{name}`` or ``name``)."""
        if name.startswith("{") and name.endswith("}"):
            name = name[1:-1]
        if len(name) == 1:
            return name
        mid = self.macro_ids.get(name)
        if mid is None:
            mid = (
                T.code(self._next_macro)
                if self._next_macro <= 0o377
                else chr(0xF000 + self._next_macro)
            )
            self._next_macro += 1
            self.macro_ids[name] = mid
            self.macro_names[mid] = name
        return mid

    def _macid_parse(self, text: str) -> tuple[str | None, str]:
        if not text or text.startswith("{}"):
            self._syserr("Name required for macro/class")
            return None, text
        if text[0] != "{":
            return text[0], text[1:]
        end = text.find("}")
        if end < 0:
            self._syserr(f"Unbalanced {{ on {text[1:]}")
            return None, ""
        name = text[1:end]
        if len(name) == 1 and ord(name) >= 0x20:
            return name, text[end + 1 :]
        return self.macid(name), text[end + 1 :]

    def macro(self, name: str) -> str | None:
        """The raw (internal) value of macro ``name``."""
        return self.macros.get(self.macid(name))

    def set_macro(self, name: str, value: str | None) -> None:
        """Define (or with None, undefine) macro ``name``; ``value`` may use ``$x``."""
        mid = self.macid(name)
        if value is None:
            self.macros.pop(mid, None)
        else:
            self.macros[mid] = self.translate_dollars(value)

    def set_macro_by_name(self, name: str, value: str | None) -> None:
        mid = self.macid(name)
        if value is None:
            self.macros.pop(mid, None)
        else:
            self.macros[mid] = value

    def expand(self, s: str, level: int = 0) -> str:
        """doexpand(): interpolate ``$x`` and ``$?x ... $| ... $.`` (internal form)."""
        if T.MACROEXPAND not in s and T.CONDIF not in s:
            return s
        out: list[str] = []
        skipping = False
        skiplev = 0
        iflev = 0
        recurse = False
        i = 0
        n = len(s)
        while i < n:
            c = s[i]
            i += 1
            q: str | None = None
            if c == T.CONDIF:
                iflev += 1
                mc = s[i] if i < n else ""
                i += 1
                if skipping:
                    skiplev += 1
                else:
                    mv = self.macros.get(mc)
                    skipping = not mv
                continue
            if c == T.CONDELSE:
                if iflev != 0:
                    if skiplev == 0:
                        skipping = not skipping
                    continue
            elif c == T.CONDFI:
                if iflev != 0:
                    iflev -= 1
                    if skiplev == 0:
                        skipping = False
                    if skipping:
                        skiplev -= 1
                    continue
            elif c == T.MACROEXPAND:
                if i >= n:
                    continue
                mc = s[i]
                i += 1
                q = self.macros.get(mc)
                if q is None:
                    continue
            if skipping:
                continue
            if q is None:
                out.append(c)
            else:
                for ch in q:
                    if T.is_internal(ch) and T.BASE + 0o200 <= ord(ch) <= T.BASE + 0o237:
                        recurse = True
                out.append(q)
        res = "".join(out)
        if recurse:
            if level < self.max_macro_recursion:
                return self.expand(res, level + 1)
            self._syserr(f"expand: recursion too deep ({self.max_macro_recursion} max)")
        return res

    def translate_dollars(self, line: str) -> str:
        """readcf.c's translate_dollars(): ``$x`` to internal codes, ``#`` comments out."""
        out: list[str] = []
        i = 0
        n = len(line)
        while i < n:
            c = line[i]
            if c == "#" and out and self.config_level >= 3:
                prev = out[-1]
                if prev == T.MACROEXPAND:
                    out.append(c)
                    i += 1
                    continue
                if prev == "\\":
                    out[-1] = "#"
                    i += 1
                    continue
                while len(out) > 1 and out[-1] in " \t\r\f\v\n" and out[-1] != "\n":
                    out.pop()
                nl = line.find("\n", i)
                if nl < 0:
                    break
                i = nl
                continue
            if c != "$" or i + 1 >= n:
                out.append(c)
                i += 1
                continue
            if line[i + 1] == "$":
                out.append("$")
                i += 2
                continue
            out.append(T.MACROEXPAND)
            i += 1
            if line[i] in "=~&?":
                out.append(line[i])
                i += 1
            mid, rest = self._macid_parse(line[i:])
            if mid is None:
                # keep going with what is left, like sendmail writes a NUL id
                i = n - len(rest)
                continue
            out.append(mid)
            i = n - len(rest)
        res = "".join(out)
        return res.rstrip(" \t\n\r\f\v") if len(res) > 1 else res

    # ------------------------------------------------------------------ classes
    def setclass(self, cl: str, word: str) -> None:
        self._memo.clear()
        self._forget_matches()
        members = self.classes.setdefault(cl, {})
        members.setdefault(_lc(word), word)
        if len(word) > self._class_maxlen.get(cl, 0):
            self._class_maxlen[cl] = len(word)

    def wordinclass(self, word: str, cl: str) -> bool:
        members = self.classes.get(cl)
        return members is not None and _lc(word) in members

    def class_members(self, name: str) -> list[str]:
        """The words of class ``name`` (``w`` or ``{name}``)."""
        return list(self.classes.get(self.macid(name), {}).values())

    # ------------------------------------------------------------------ rulesets
    def strtorwset(self, p: str, enter: bool = False) -> tuple[int, str]:
        """(ruleset number or -1, the rest of ``p``) as readcf.c's strtorwset()."""
        p = p.lstrip(" \t\n")
        if not p:
            if enter:
                self._syserr('invalid ruleset name: ""')
            return -1, p
        if not p[0].isascii():
            self._syserr(f'invalid ruleset name: "{p[:20]}"')
            return -1, p
        if p[0].isdigit():
            m = re.match(r"\d+", p)
            assert m is not None
            rs = int(m.group(0))
            if rs >= MAXRWSETS // 2:
                self._syserr(f"bad ruleset {rs} ({MAXRWSETS // 2} max)")
                return -1, p[m.end() :]
            return rs, p[m.end() :]
        m = re.match(r"[A-Za-z0-9_]*", p)
        assert m is not None
        name = m.group(0)
        if not name or not name[0].isalpha():
            self._syserr(f'invalid ruleset name: "{p[:20]}"')
            return -1, p
        spaced = p[m.end() : m.end() + 1] in (" ", "\t", "\n")
        qtext = name if spaced else p
        rest = p[m.end() :].lstrip(" \t\n")
        if not enter and name not in self.ruleset_ids:
            return -1, rest
        old = self.ruleset_ids.setdefault(name, -1)
        rs = -1
        if enter and rest.startswith("="):
            after = rest[1:].lstrip()
            dm = re.match(r"\d+", after)
            if dm is None:
                self._syserr(f'bad ruleset definition "{qtext}" (number required after `=\')')
                return -1, ""
            rs = int(dm.group(0))
            rest = after[dm.end() :]
            if rs >= MAXRWSETS // 2:
                self._syserr(f'bad ruleset number {rs} in "{qtext}" ({MAXRWSETS // 2} max)')
                return -1, rest
        else:
            if old >= 0:
                rs = old
            else:
                self._next_ruleset -= 1
                rs = self._next_ruleset
                if rs < MAXRWSETS // 2:
                    self._syserr(f"{name}: too many named rulesets ({MAXRWSETS // 2} max)")
                    return -1, rest
        if old >= 0 and rs >= 0 and rs != old:
            self._syserr(f"{name}: ruleset changed value (old {old}, new {rs})")
            rs = old
        elif rs >= 0:
            self.ruleset_ids[name] = rs
        if enter and rs >= 0:
            self.ruleset_names[rs] = name
        return rs, rest

    def ruleset_number(self, name: str) -> int:
        """The number of ruleset ``name`` (a number or a name); -1 when undefined."""
        return self.strtorwset(name)[0]

    # ------------------------------------------------------------------ errors
    def _syserr(self, msg: str) -> None:
        if self._reading is not None:
            self.problems.append(f"{self.config.path}: line {self._reading}: {msg}")
        self._err(msg, sys=True)

    _reading: int | None = None

    # ------------------------------------------------------------------ reading
    def _setup_before(self) -> None:
        for name, val in T.META_MACROS.items():
            self.macros[name] = val
        for d in "0123456789":
            self.macros[d] = T.MATCHREPL + d
        self.macros["n"] = "MAILER-DAEMON"
        self.macros[self.macid("opMode")] = "t"
        self.macros["v"] = VERSION
        host = (
            self.env.hostname.rstrip(".") if self.env.hostname.endswith(".") else self.env.hostname
        )
        self.macros["w"] = host
        self.macros["j"] = host
        self.setclass("w", host)
        dot = host.find(".")
        if dot >= 0 and dot + 1 < len(host):
            self.macros["m"] = host[dot + 1 :]
        node = self.env.nodename or host
        self.macros["k"] = node
        self.setclass("k", node)
        self.setclass("w", node)
        for alias in self._host_aliases(host):
            self.setclass("w", alias)
        for addr in self.env.resolver.addresses(host):
            self.setclass("w", f"[{addr}]" if ":" not in addr else f"[IPv6:{addr}]")
        for mname, spec in (
            ("prog", "prog, P=/bin/sh, F=lsouDq9, T=X-Unix/X-Unix/X-Unix, A=sh -c \201u"),
            ("*file*", "*file*, P=[FILE], F=lsDFMPEouq9, T=X-Unix/X-Unix/X-Unix, A=FILE \201u"),
            ("*include*", "*include*, P=/dev/null, F=su, A=INCLUDE \201u"),
        ):
            del mname
            self._makemailer(spec.replace("\201", T.MACROEXPAND))
        self.macros[self.macid("{addr_type}")] = "e r"

    def _host_aliases(self, host: str) -> list[str]:
        res = self.env.resolver
        out: list[str] = []
        for addr in res.addresses(host):
            for name in res.names(addr):
                if name not in out:
                    out.append(name)
        return out

    def _read(self, config: CfConfig) -> None:
        ruleset = -1
        for fl in config.lines:
            self._reading = fl.end
            raw = fl.text
            if raw.startswith("#"):
                continue
            bp = self.translate_dollars(raw)
            if not bp or bp[0] == "#":
                continue
            kind = bp[0]
            if kind == "R":
                if ruleset < 0:
                    self._syserr(f'missing valid ruleset for "{_seven_bit(bp)}"')
                    continue
                self._read_rule(bp, ruleset, fl.end)
            elif kind == "S":
                ruleset, _ = self.strtorwset(self.expand(bp[1:]), enter=True)
                if ruleset >= 0 and self.rules.get(ruleset):
                    self._print(f"WARNING: Ruleset {bp[1:]} has multiple definitions")
            elif kind == "D":
                mid, rest = self._macid_parse(bp[1:])
                if mid is None:
                    continue
                self.macros[mid] = _munchstring(rest)
            elif kind in "CT":
                if kind == "C":
                    mid, rest = self._macid_parse(bp[1:])
                    if mid is None:
                        continue
                    words = self.expand(rest)
                else:
                    mid, words = "t", bp[1:]
                for w in words.split():
                    self.setclass(mid, w)
            elif kind == "F":
                self._read_fclass(bp)
            elif kind == "M":
                self._makemailer(bp[1:])
            elif kind == "O":
                if len(bp) > 1 and bp[1] in " \t":
                    body = bp[1:].strip()
                    name, _, value = body.partition("=")
                    self._setoption(name.strip(), value.strip(), fl.line)
                elif len(bp) > 1:
                    self._setoption(OPTION_LETTERS.get(bp[1], bp[1]), bp[2:].strip(), fl.line)
            elif kind == "V":
                m = re.match(r"\s*(\d+)", bp[1:])
                if m is None:
                    self._syserr(f'invalid argument to V line: "{bp[1:21]}"')
                    continue
                self.config_level = int(m.group(1))
                if self.config_level >= 5:
                    short = self.macros.get("w")
                    if short is not None and "." in short:
                        self.macros["w"] = short.split(".", 1)[0]
            elif kind == "K":
                self._makemapentry(self.expand(bp[1:]))
            elif kind in "HPQEXL":
                if kind == "P" and "=" not in bp:
                    self._syserr(f'unknown configuration line "{_seven_bit(bp)}"')
            else:
                self._syserr(f'unknown configuration line "{_seven_bit(bp)}"')
        self._reading = None

    def _read_rule(self, bp: str, ruleset: int, line: int) -> None:
        tab = bp.find("\t", 1)
        if tab < 0:
            self._syserr(f'invalid rewrite line "{_seven_bit(bp)}" (tab expected)')
            return
        lhs_text = bp[1:tab]
        rest = bp[tab:].lstrip("\t")
        rhs_text = rest.split("\t", 1)[0]
        tok = self._rule_tokenizer()
        table = "noc" if self.config_level >= 9 else "int"
        tok.errors.clear()
        lhs = tok.prescan(self.expand(lhs_text), "\t", table, ignore=True)
        rhs = tok.prescan(self.expand(rhs_text), "\t", table, ignore=True)
        for e in tok.errors:
            self._syserr(e)
        nfuzzy = 0
        for t in lhs:
            c = t[0]
            if c in (T.MATCHZANY, T.MATCHANY, T.MATCHONE, T.MATCHCLASS, T.MATCHNCLASS):
                nfuzzy += 1
            botch = {
                T.MATCHREPL: "$1-$9",
                T.CANONUSER: "$:",
                T.CALLSUBR: "$>",
                T.CONDIF: "$?",
                T.CONDFI: "$.",
                T.HOSTBEGIN: "$[",
                T.HOSTEND: "$]",
                T.LOOKUPBEGIN: "$(",
                T.LOOKUPEND: "$)",
            }.get(c)
            if botch:
                self._syserr(f"Inappropriate use of {botch} on LHS")
        if not lhs:
            self._syserr("R line: null LHS")
        if nfuzzy > 9:
            self._syserr("R line: too many wildcards")
            lhs = []
        for t in rhs:
            c = t[0]
            if c == T.MATCHREPL:
                d = t[1:2]
                if not d or d <= "0" or ord(d) > ord("0") + nfuzzy:
                    self._syserr(f"replacement ${d} out of bounds")
            botch = {
                T.MATCHZANY: "$*",
                T.MATCHANY: "$+",
                T.MATCHONE: "$-",
                T.MATCHCLASS: "$=",
                T.MATCHNCLASS: "$~",
            }.get(c)
            if botch:
                self._syserr(f"Inappropriate use of {botch} on RHS")
        if not rhs:
            self._syserr("R line: null RHS")
        self.rules.setdefault(ruleset, []).append(_Rule(lhs, rhs, line))
        self._forget_matches()

    def _rule_tokenizer(self) -> T.Tokenizer:
        tok = getattr(self, "_rtok", None)
        if tok is None:
            tok = T.Tokenizer(self._operator_chars())
            self._rtok = tok
        return tok

    def _operator_chars(self) -> str:
        ops = self.options.get("operatorchars")
        if ops is None and self.config_level < 7:
            ops = self.macros.get("o")
        if ops is None:
            ops = ".:@[]"
        return self.expand(ops)

    def _read_fclass(self, bp: str) -> None:
        mid, rest = self._macid_parse(bp[1:])
        if mid is None:
            return
        p = rest.lstrip()
        optional = False
        if p.startswith("-o"):
            optional = True
            parts = p.split(None, 1)
            p = parts[1] if len(parts) > 1 else ""
        at = p.find("@")
        if not p.startswith(("/", "|")) and at >= 0:
            q = p[at + 1 :]
            if q == "LDAP" or (not q.startswith(":") and ":" in q):
                key, _, spec = p.partition("@")
                cl, _, mspec = spec.partition(":")
                m = parse_map(self.macro_names.get(mid, mid), cl, mspec)
                val, status = m.lookup(self, key, [key])
                if val is not None:
                    for w in val.split():
                        self.setclass(mid, w)
                elif status not in (EX_OK, 68) and not optional:
                    self._syserr(f"fileclass: F{{{mid}}}: map lookup failed")
                return
        if p.startswith("|"):
            self.notes.append(f"F{mid} {p}: programs are not run here")
            return
        file, _, fmt = p.partition(" ")
        fmt = fmt.strip() or "%s"
        if not file:
            self._syserr("fileclass: missing file name")
            return
        path = self.resolve_path(file)
        try:
            with open(path, encoding="latin-1") as f:
                lines = f.read().splitlines()
        except OSError as exc:
            if not optional:
                self._syserr(f"fileclass: cannot open '{file}': {os.strerror(exc.errno or 2)}")
            return
        rx = _scanf_regex(fmt)
        for ln in lines:
            if ln.startswith("#"):
                continue
            if rx is None:  # sscanf(buf, "%s", wordbuf): the first word of the line
                words = ln.split()[:1]
            else:
                found = rx.match(ln)
                if found is None:
                    continue
                words = found.group(1).split()
            for w in words:
                self.setclass(mid, w)

    def resolve_path(self, path: str) -> str:
        """A file the ``.cf`` names, under :attr:`root` when one was given (or where the
        ``resolve_path`` callable given to the engine finds it)."""
        if self._resolve_path is not None:
            return self._resolve_path(path)
        if self.root and path.startswith("/"):
            return os.path.join(self.root, path.lstrip("/"))
        return path

    def _setoption(self, name: str, value: str, line: int) -> None:
        key = name.lower()
        self.options[key] = value
        user_opts = {"defaultuser": "u", "runasuser": "RunAsUser", "trusteduser": "TrustedUser"}
        if key in user_opts and value:
            uname = re.split(r"[.:/]" if key != "trusteduser" else r"(?!)", value, maxsplit=1)[0]
            if uname and not uname[0].isdigit() and uname not in self.env.users():
                self._syserr(f"readcf: option {user_opts[key]}: unknown user {uname}")
        if key == "blanksub":
            self.space_sub = value[:1] or " "
            self._forget_matches()
        elif key == "hostsfile" and line:
            pass

    def _makemapentry(self, line: str) -> None:
        parts = line.split(None, 2)
        if not parts:
            self._syserr("missing map name")
            return
        name = parts[0]
        if len(parts) < 2:
            self._syserr(f"No map class for map {name}")
            return
        mclass = parts[1]
        known = {
            "hash", "btree", "dbm", "implicit", "text", "sequence", "switch", "stab",
            "dequote", "macro", "arith", "regex", "host", "user", "dns", "bestmx", "null",
            "ldap", "nis", "nisplus", "socket", "program", "hesiod", "netinfo", "syslog",
            "cdb", "ph", "nsd", "arpa", "bogus",
        }  # fmt: skip
        if mclass not in known:
            self._syserr(f"readcf: map {name}: class {mclass} not available")
            return
        m = parse_map(name, mclass, parts[2] if len(parts) > 2 else "")
        for p in m.problems:
            self._syserr(p)
        if m.problems:
            m.state = "invalid"
        self.maps[name.lower()] = m

    def _makemailer(self, line: str) -> None:
        m = re.match(r"[^,\s]*", line)
        assert m is not None
        name = m.group(0)
        if not name:
            self._syserr("name required for mailer")
            return
        p = line[m.end() :]
        if p:
            p = p[1:]
        mailer = _Mailer(name, -1)
        while p:
            p = p.lstrip(", \t\n")
            if not p:
                break
            fcode = p[0]
            j = 0
            while j < len(p) and p[j] not in "=,":
                j += 1
            if j >= len(p) or p[j] != "=":
                self._syserr(f"mailer {name}: `=' expected")
                return
            p = p[j + 1 :].lstrip(" \t\n")
            value, p = _munchfield(p)
            if fcode == "P":
                mailer.path = value
            elif fcode == "F":
                for ch in value:
                    if not ch.isspace() and ch not in mailer.flags:
                        mailer.flags += ch
            elif fcode in "SR":
                rs, rest = self.strtorwset(value, enter=True)
                if rs < 0:
                    return
                if fcode == "S":
                    mailer.se = mailer.sh = rs
                else:
                    mailer.re = mailer.rh = rs
                if rest.startswith("/"):
                    rs2, _ = self.strtorwset(rest[1:], enter=True)
                    if rs2 < 0:
                        return
                    if fcode == "S":
                        mailer.sh = rs2
                    else:
                        mailer.rh = rs2
            elif fcode == "E":
                mailer.eol = _unescape(value)
            elif fcode == "A":
                mailer.argv = value.split()
            elif fcode == "M":
                mailer.maxsize = _atoi(value)
            elif fcode == "r":
                mailer.maxrcpt = _atoi(value)
            elif fcode == "L":
                mailer.linelimit = max(0, _atoi(value))
            elif fcode == "C":
                mailer.charset = value
            elif fcode == "T":
                parts = value.split("/")
                mailer.mtatype = parts[0] or "dns"
                mailer.addrtype = (parts[1] if len(parts) > 1 else "") or "rfc822"
                mailer.diagtype = (parts[2] if len(parts) > 2 else "") or "smtp"
            elif fcode == "U":
                un = re.match(r"([A-Za-z][A-Za-z0-9_-]*)", value)
                if un is not None:
                    entry = self.env.users().get(un.group(1))
                    if entry is None:
                        self._syserr(f"readcf: mailer U= flag: unknown user {un.group(1)}")
                        continue
                    mailer.uid = _atoi(entry[2])
                    mailer.gid = _atoi(entry[3])
                    continue
                um = re.match(r"\s*(-?\d+)(?:\s*:\s*(-?\d+))?", value)
                if um:
                    mailer.uid = int(um.group(1))
                    if um.group(2):
                        mailer.gid = int(um.group(2))
            elif fcode in "mNDWQ/":
                pass
            else:
                self._syserr(f"M{name}: unknown mailer equate {fcode}=")
        if not mailer.argv:
            self._syserr(f"M{name}: A= argument required")
            return
        if not mailer.path:
            self._syserr(f"M{name}: P= argument required")
            return
        if mailer.maxrcpt <= 0:
            mailer.maxrcpt = 100
        if "L" in mailer.flags and mailer.linelimit == 0:
            mailer.linelimit = 990
        if not mailer.eol:
            has_u = any(T.MACROEXPAND + "u" in a for a in mailer.argv)
            mailer.eol = "\n" if has_u else "\r\n"
        old = self.mailer_index.get(name.lower())
        if old is not None:
            mailer.mno = old.mno
        else:
            mailer.mno = len(self.mailers)
            self.mailers.append(None)
        self.mailers[mailer.mno] = mailer
        self.mailer_index[name.lower()] = mailer

    def _setup_after(self) -> None:
        for name in ("prog", "*file*"):
            special = self.mailer_index.get(name)
            if special is not None:
                special.flags = special.flags.replace("m", "")
        if "host" not in self.maps:
            self._makemapentry("host host -a. -D" if self.config_level >= 2 else "host host")
        for name in ("*error*", "discard"):
            if name.lower() not in self.mailer_index:
                pass
        # $=m from $m (after the .cf could redefine it)
        m = self.expand(T.MACROEXPAND + "m")
        if m:
            self.setclass("m", m)
        dpi = self.options.get("dontprobeinterfaces", "").lower()
        if dpi not in ("true", "t", "yes", "y", "1", "on"):
            for addr in self.env.interfaces:
                loopback = addr == "::1" or addr.startswith("127.")
                if loopback and dpi == "loopback":
                    continue  # DontProbeInterfaces=loopback skips only these
                self.setclass("w", f"[IPv6:{addr}]" if ":" in addr else f"[{addr}]")
                for name in self.env.resolver.names(addr):
                    self.setclass("w", name)
        j = self.expand(T.MACROEXPAND + "j")
        self.my_hostname = j or "localhost"
        if "." not in self.my_hostname:
            self._print(
                f"WARNING: local host name ({self.my_hostname}) is not qualified; "
                "see cf/README: WHO AM I?"
            )
        self.setclass("w", self.my_hostname)
        if "local" not in self.mailer_index and not (self.test_mode and self.warn_c):
            # main.c: not said in test mode when -C came from a user other than root
            self._print("No local mailer defined")

    # ------------------------------------------------------------------ resolving
    def canonname(self, name: str) -> tuple[str | None, int]:
        """getcanonname(): the resolver's canonical name, with ``$m`` added to an
        undotted answer as sendmail does."""
        got = self._canon_cache.get(name.lower())
        if got is None:
            canon, status = self.env.resolver.canonical(name)
            if canon is not None:
                d = canon.find(".")
                if d < 0 or d == len(canon) - 1:
                    dom = self.macros.get("m")
                    if dom is not None:
                        canon = canon + dom if canon.endswith(".") else canon + "." + dom
            got = (canon, status)
            self._canon_cache[name.lower()] = got
        return got

    # ------------------------------------------------------------------ rewriting
    def _rewrite(self, pvp: list[str], ruleset: int, reclevel: int, maxatom: int) -> int:
        """rewrite(): ``pvp`` is changed in place; returns the status.

        A ruleset is a function of its tokens as long as it looks up no map, reads no
        macro at run time (``$&x``) and prints no message: such a run is remembered
        (result, status, the lines it printed) and replayed, as long as its depth and
        length stay far from sendmail's limits. The tokens are remembered with each
        *opaque* token (see :meth:`_shape`) left out: such a token can only be bound
        by a wildcard and copied, so the run is recorded once more with a placeholder
        in its place, and a replay puts the token back where the placeholder went (in
        the result and in the printed lines). Adding to a class forgets everything."""
        if (
            self.recording
            or not self.remember
            or self.matched is not None
            or maxatom < 500
            or reclevel > 10
        ):
            return self._rewrite_run(pvp, ruleset, reclevel, maxatom)
        shape = self._shape(pvp)
        key = (ruleset, shape)
        opaque = [i for i, t in enumerate(shape) if t is None] if None in shape else _NONE
        hit = self._memo.get(key)
        keep = self._refine.get(key) if hit is None and opaque else None
        if keep is not None:
            # the run looks up some opaque tokens: remembered for their values
            key = (ruleset, tuple([pvp[i] if i in keep else t for i, t in enumerate(shape)]))
            opaque = [i for i in opaque if i not in keep]
            hit = self._memo.get(key)
        if hit is not None:
            result, status, lines, depth = hit
            if opaque:
                xp = self._xputs1
                shown = [xp(pvp[i]) for i in opaque] if lines else []
                out = self.out
                for ln in lines:
                    if isinstance(ln, str):
                        out.append(ln)
                    else:
                        fmt, which = ln
                        out.append(fmt % tuple([shown[k] for k in which]))
                pvp[:] = [p if isinstance(p, str) else pvp[p] for p in result]
            else:
                if lines:
                    self.out.extend(lines)  # type: ignore[arg-type]
                pvp[:] = result  # type: ignore[assignment]
            if reclevel + depth > self._maxrec:
                self._maxrec = reclevel + depth
            return status
        start = len(self.out)
        impure = self._impure
        outer_rec, outer_len = self._maxrec, self._maxlen
        self._maxrec = reclevel
        self._maxlen = len(pvp)
        inp = pvp[:] if opaque else pvp
        status = self._rewrite_run(pvp, ruleset, reclevel, maxatom, shape)
        depth = self._maxrec - reclevel
        if self._impure == impure and depth <= 20 and self._maxlen < 400:
            if len(self._memo) > 200_000:
                self._memo.clear()
            if not opaque:
                self._memo[key] = (tuple(pvp), status, tuple(self.out[start:]), depth)
            else:
                got = self._generalize(inp, opaque, ruleset, reclevel, maxatom, status)
                if got is not None:
                    result, tlines, kept = got
                    if kept:
                        base = (ruleset, shape)
                        kept |= self._refine.get(base, frozenset())
                        if len(self._refine) > 200_000:
                            self._refine.clear()
                        self._refine[base] = kept
                        key = (
                            ruleset,
                            tuple([inp[i] if i in kept else t for i, t in enumerate(shape)]),
                        )
                    self._memo[key] = (result, status, tlines, depth)
        self._maxrec = max(outer_rec, self._maxrec)
        self._maxlen = max(outer_len, self._maxlen)
        return status

    def _generalize(
        self,
        inp: list[str],
        opaque: list[int],
        ruleset: int,
        reclevel: int,
        maxatom: int,
        status: int,
    ) -> (
        tuple[tuple[str | int, ...], tuple[str | tuple[str, tuple[int, ...]], ...], frozenset[int]]
        | None
    ):
        """A pure run again, with a placeholder for each opaque token (a private-use
        character standing for its position): the result and the printed lines with
        each placeholder as the index of the token it stands for among the placeholders,
        and the positions of the opaque tokens a lookup had to see (kept as they are:
        the run is remembered for their values). None when the run cannot be told apart
        from its input this way."""
        if not self._placeholders_ok:
            return None
        opq = set(opaque)
        for i, t in enumerate(inp):
            if i not in opq and _PLACE.search(t):
                return None
        kept: frozenset[int] = frozenset()
        for _ in range(4):
            ph = list(inp)
            for i in opaque:
                if i not in kept:
                    ph[i] = chr(_PLACE_BASE + i)
            mark = len(self.out)
            impure = self._impure
            saved = self._maxrec, self._maxlen
            self._observing += 1
            try:
                st = self._rewrite_run(ph, ruleset, reclevel, maxatom)
            except _Observed as ob:
                seen = frozenset(ord(c) - _PLACE_BASE for c in ob.chars) & opq
                if seen <= kept:
                    return None
                kept |= seen
                continue
            finally:
                self._observing -= 1
                lines = self.out[mark:]
                del self.out[mark:]
                self._maxrec, self._maxlen = saved
            if st != status or self._impure != impure:
                return None
            placed = [i for i in opaque if i not in kept]
            got = self._template(ph, lines, placed)
            return None if got is None else (got[0], got[1], kept)
        return None

    def _template(
        self, ph: list[str], lines: list[str], placed: list[int]
    ) -> tuple[tuple[str | int, ...], tuple[str | tuple[str, tuple[int, ...]], ...]] | None:
        """The result of a run with placeholders (a placeholder as the position of the
        token it stands for) and its lines (a line with placeholders as a %-format and,
        for each placeholder, the index of its token in ``placed``)."""
        result: list[str | int] = []
        for t in ph:
            if _PLACE.search(t):
                if len(t) != 1:
                    return None
                result.append(ord(t) - _PLACE_BASE)
            else:
                result.append(t)
        where = {chr(_PLACE_BASE + i): k for k, i in enumerate(placed)}
        tlines: list[str | tuple[str, tuple[int, ...]]] = []
        for ln in lines:
            parts = _PLACE_SPLIT.split(ln)
            if len(parts) == 1:
                tlines.append(ln)
                continue
            which: list[int] = []
            fmt: list[str] = []
            for k, x in enumerate(parts):
                if k % 2:
                    if x not in where:
                        return None
                    which.append(where[x])
                    fmt.append("%s")
                else:
                    fmt.append(x.replace("%", "%%"))
            tlines.append(("".join(fmt), tuple(which)))
        return tuple(result), tuple(tlines)

    def _xputs1(self, t: str) -> str:
        p = self._xputs_cache.get(t)
        if p is None:
            p = self._xputs_cache[t] = " " + T.xputs(t, self.macro_names)
        return p[1:]

    def _rewrite_run(
        self,
        pvp: list[str],
        ruleset: int,
        reclevel: int,
        maxatom: int,
        shape: tuple[str | None, ...] | None = None,
    ) -> int:
        """rewrite() itself; ``shape``: :meth:`_shape` of ``pvp`` when it is known."""
        if reclevel > self._maxrec:
            self._maxrec = reclevel
        if ruleset < 0 or ruleset >= MAXRWSETS:
            self._err(f"554 5.3.5 rewrite: illegal ruleset number {ruleset}", sys=True)
            return EX_CONFIG
        rulename = self.ruleset_names.get(ruleset, str(ruleset))
        trace = self.test_mode
        if trace:
            self._print(f"{rulename[:16]:<16}   input:" + self._printav(pvp))
        if reclevel > self.max_rule_recursion:
            self._err(
                f"rewrite: excessive recursion (max {self.max_rule_recursion}), ruleset {rulename}",
                sys=True,
            )
            return EX_CONFIG
        reclevel += 1
        rstat = EX_OK
        rules = self.rules.get(ruleset, [])
        ri = 0
        loopcount = 0
        nrules = len(rules)
        low: list[str] | None = None
        akey = shape
        firsts = self._first
        remember = self.remember
        dbg = self._d21
        while ri < nrules:
            if pvp and pvp[0][:1] == T.CANONNET:
                break
            if dbg >= 12:
                self._print("-----trying rule:" + self._printav(rules[ri].lhs))
            # rewrite()'s count of the attempts at one rule, before it is tried
            loopcount += 1
            if loopcount > 100:
                self._err(f"554 5.3.5 Infinite loop in ruleset {rulename}, rule {ri + 1}", sys=True)
                break
            hit: tuple[int, tuple[tuple[int, int], ...] | None] | None = None
            if dbg >= 10:  # every rule tried in turn, its failure said
                low = [t.lower() if t.isascii() else _lc(t) for t in pvp]
                tried = self._match(rules[ri], pvp, low)
                if tried is None:
                    self._print("----- rule fails")
                    ri += 1
                    loopcount = 0
                    continue
                hit = (ri, tuple(tried))
            elif not remember:
                low = [t.lower() if t.isascii() else _lc(t) for t in pvp]
                hit = self._first_match(ruleset, rules, ri, pvp, low)
            else:
                if akey is None:
                    akey = self._shape(pvp)
                hit = firsts.get((ruleset, ri, akey))
                if hit is None:
                    if low is None:
                        low = [t.lower() if t.isascii() else _lc(t) for t in pvp]
                    hit = self._first_match(ruleset, rules, ri, pvp, low)
                    if len(firsts) > 200_000:
                        firsts.clear()
                    firsts[(ruleset, ri, akey)] = hit
            ri2, bound = hit
            if ri2 >= nrules:
                break
            if ri2 != ri:
                # the rules between failed; this one is tried for the first time
                ri = ri2
                loopcount = 1
            rule = rules[ri]
            if bound is None:
                # a rule that reads a macro while matching ($&x): tried each time
                if low is None:
                    low = [t.lower() if t.isascii() else _lc(t) for t in pvp]
                live = self._match(rule, pvp, low)
                if live is None:
                    ri += 1
                    loopcount = 0
                    continue
                bound = tuple(live)
            mlist = bound
            rvp = rule.rhs
            if dbg >= 12:
                self._print("-----rule matches:" + self._printav(rvp))
            if self.matched is not None:
                self.matched.append((rulename, rule.line, len(self.lookups)))
            start = 0
            if rvp:
                first = rvp[0][:1]
                if first == T.CANONUSER:
                    start = 1
                    ri += 1
                    loopcount = 0
                elif first == T.CANONHOST:
                    start = 1
                    ri = nrules
            npvp: list[str] = []
            build = rule.build if remember else None
            try:
                if build is not None:
                    npvp = build(pvp, mlist)
                    if len(npvp) > maxatom:
                        raise _Abort(EX_DATAERR)
                for k in range(start, len(rvp)) if build is None else ():
                    rp = rvp[k]
                    c0 = rp[:1]
                    if c0 == T.MATCHREPL:
                        idx = ord(rp[1]) - ord("1") if len(rp) > 1 else -1
                        if idx < 0 or idx >= len(mlist):
                            self._err(
                                f"554 5.3.5 rewrite: ruleset {rulename}: replacement "
                                f"${rp[1:2]} out of bounds",
                                sys=True,
                            )
                            return EX_CONFIG
                        a, b = mlist[idx]
                        npvp.extend(pvp[a:b])
                        if len(npvp) > maxatom:
                            raise _Abort(EX_DATAERR)
                    elif c0 == T.MACRODEXPAND:
                        self._impure += 1
                        mval = self.macros.get(rp[1:2])
                        if dbg >= 2:
                            self._print(self._macro_note("RHS", rp[1:2], mval))
                        if not mval:
                            continue
                        xp, _, bad = self._prescan(mval)
                        if bad:
                            return EX_DATAERR
                        npvp.extend(xp)
                        if len(npvp) > maxatom:
                            raise _Abort(EX_DATAERR)
                    else:
                        npvp.append(rp)
                        if len(npvp) > maxatom:
                            raise _Abort(EX_DATAERR)
                if T.HOSTBEGIN in npvp or T.LOOKUPBEGIN in npvp:
                    st, npvp = self._do_lookups(npvp, maxatom)
                    if st is not None and (rstat == EX_OK or st == EX_TEMPFAIL):
                        rstat = st
            except _Abort as ab:
                if ab.status == EX_DATAERR:
                    self._err("554 5.3.0 rewrite: expansion too long", sys=True)
                return ab.status
            if len(npvp) > self._maxlen:
                self._maxlen = len(npvp)
            status = self._callsubr(npvp, reclevel) if T.CALLSUBR in npvp else EX_OK
            if rstat == EX_OK or status == EX_TEMPFAIL:
                rstat = status
            if self.recording:
                self.steps.append(
                    RuleStep(rulename, rule.line, self._printav(pvp)[1:], self._printav(npvp)[1:])
                )
            pvp[:] = npvp
            low = None
            akey = None
            if dbg >= 4:
                self._print("rewritten as:" + self._printav(pvp))
        if trace:
            self._print(f"{rulename[:16]:<16} returns:" + self._printav(pvp))
        return rstat

    def set_debug(self, spec: str) -> None:
        """``-d`` as sendmail reads it (tTflag): ``CAT[-CAT][.LEVEL]``, comma separated;
        a bare ``-d`` is ``0-99.1``. Category 21 (rewriting) prints sendmail's trace:
        level 2 the ``$&x`` read, 3 the empty subroutines skipped, 4 each result, 10 each
        rule that fails, 12 each rule tried and matched (higher levels add memory
        addresses in sendmail and print as 12 here). Other categories are kept and print
        nothing. Tracing turns the remembered matches and runs off: each rule is tried."""
        for part in (spec or "0-99.1").split(","):
            cats, _, level = part.partition(".")
            first, _, last = cats.partition("-")
            try:
                lo = int(first) if first else 0
                hi = int(last) if last else (lo if first else 99)
                n = int(level) if level else 1
            except ValueError:
                continue
            for cat in range(lo, min(hi, 99) + 1):
                self.debug[cat] = n
        self._d21 = self.debug.get(21, 0)
        if self._d21:
            self.remember = False
            self._memo.clear()
            self._forget_matches()

    def _forget_matches(self) -> None:
        """Forget the remembered first matches (a class, a rule or BlankSub changed)."""
        self._first.clear()
        self._abs.clear()
        self._memo.clear()
        self._lhs_lits = None

    def _shape(self, pvp: list[str]) -> tuple[str | None, ...]:
        """The tokens with None for each *opaque* one: a token that equals no literal of
        any LHS, is no part of any class member and holds no internal character. The
        matcher never compares two input tokens with each other, and an opaque token
        can only be bound by a wildcard ($* $+ $- $~X; a $=X match that covers it is
        never a member, whatever its length), so token lists of the same shape match
        the same rules with the same bindings."""
        absmap = self._abs
        try:
            return tuple([t if absmap[t] is not None else None for t in pvp])
        except KeyError:
            for t in pvp:
                if t not in absmap:
                    self._abstract_token(t)
            return tuple([t if absmap[t] is not None else None for t in pvp])

    def _abstract_token(self, t: str) -> str | None:
        absmap = self._abs
        if self._lhs_lits is None:
            self._lhs_lits = frozenset(
                lit
                for rules in self.rules.values()
                for r in rules
                for k, lit in zip(r.kinds, r.lits, strict=True)
                if k == _LIT
            )
            blob = "\n".join(w for members in self.classes.values() for w in members)
            # a huge class makes the substring test dear: no token is opaque then
            self._members_blob = blob if len(blob) <= 200_000 else ""
            self._blob_ok = len(blob) <= 200_000
            # placeholders must not occur in the rules or the ruleset names
            self._placeholders_ok = not any(
                _PLACE.search(t)
                for rules in self.rules.values()
                for r in rules
                for t in (*r.lhs, *r.rhs)
            ) and not any(_PLACE.search(n) for n in self.ruleset_names.values())
        low = t.lower() if t.isascii() else _lc(t)
        opaque = (
            self._blob_ok
            and low not in self._lhs_lits
            and low not in self._members_blob
            and not _INTERNAL.search(t)
        )
        if len(absmap) > 100_000:
            absmap.clear()
        got = absmap[t] = None if opaque else low
        return got

    def _first_match(
        self, ruleset: int, rules: list[_Rule], ri: int, pvp: list[str], low: list[str]
    ) -> tuple[int, tuple[tuple[int, int], ...] | None]:
        """The first rule from ``ri`` on whose LHS matches, with its bindings; (number of
        rules, None) when none does. A rule that reads a macro while it matches stops
        the search: (its index, None), for the caller to try it."""
        if self.remember:
            index = self._rule_index(ruleset, rules)
            cands = self._candidates(index, ruleset, low)
            order: Sequence[int] = cands[bisect.bisect_left(cands, ri) :]
        else:
            order = range(ri, len(rules))
        for j in order:
            rule = rules[j]
            if rule.dexp:
                return j, None
            mlist = self._match(rule, pvp, low)
            if mlist is not None:
                return j, tuple(mlist)
        return len(rules), None

    def _rule_index(self, ruleset: int, rules: list[_Rule]) -> _RuleIndex:
        idx = self._rule_indexes.get(ruleset)
        if idx is None or idx.count != len(rules):
            by_first: dict[str, list[int]] = {}
            wild: list[int] = []
            for i, r in enumerate(rules):
                if r.first is None:
                    wild.append(i)
                else:
                    by_first.setdefault(r.first, []).append(i)
            idx = _RuleIndex(len(rules), by_first, wild, rules)
            self._rule_indexes[ruleset] = idx
        return idx

    def _candidates(self, index: _RuleIndex, ruleset: int, low: list[str]) -> list[int]:
        """The rules that could match these tokens, in order: a rule whose first or last
        LHS token is a literal needs it there; every literal must be present."""
        key = (ruleset, *low)
        got = self._cand_cache.get(key)
        if got is not None:
            return got
        n = len(low)
        if n:
            base = index.by_first.get(low[0])
            order = sorted(base + index.wild) if base else index.wild
            lowset = set(low)
            lastlow = low[-1]
        else:
            order = index.wild
            lowset = set()
            lastlow = ""
        rules = index.rules
        got = [
            i
            for i in order
            if rules[i].minlen <= n
            and (rules[i].last is None or rules[i].last == lastlow)
            and rules[i].required <= lowset
        ]
        if len(self._cand_cache) > 100_000:
            self._cand_cache.clear()
        self._cand_cache[key] = got
        return got

    def _macro_note(self, side: str, mid: str, value: str | None) -> str:
        """-d21.2's line for a ``$&x`` read while matching (LHS) or building (RHS)."""
        name = self.macro_names.get(mid, mid)
        shown = "(NULL)" if value is None else value
        return f'rewrite: {side} $&{{{name}}} => "{shown}"'

    def _match(self, rule: _Rule, pvp: list[str], low: list[str]) -> list[tuple[int, int]] | None:
        """The LHS matcher with sendmail's backtracking; None when the rule fails.

        ``low`` is ``pvp`` case-folded. Each binding is (first, last+1) indexes into ``pvp``."""
        kinds = rule.kinds
        lits = rule.lits
        # mlist entries: [pattern index, first, last] (last inclusive, may be first-1)
        mlist: list[list[int]] = []
        ri = 0
        ai = 0
        nl = len(kinds)
        na = len(pvp)
        classes = self.classes
        while ai < na or ri < nl:
            ok = True
            if ri >= nl:
                ok = False
            else:
                k = kinds[ri]
                if k == _LIT:
                    if ai < na and low[ai] == lits[ri]:
                        ai += 1
                        ri += 1
                        continue
                    ok = False
                elif ai >= na and k != _ZANY and k != _ZERO:
                    ok = False
                elif k == _CLASS:
                    ent = [ri, ai, ai]
                    members = classes.get(lits[ri], _EMPTY)
                    maxlen = self._class_maxlen.get(lits[ri], 0)
                    found = False
                    size = 0
                    while ai < na:
                        ent[2] = ai
                        size += len(pvp[ai])
                        ai += 1
                        if size > maxlen:
                            ai = na
                            break
                        word = low[ai - 1] if ai - 1 == ent[1] else _lc(self._cat(pvp, ent[1], ai))
                        if word in members:
                            found = True
                            break
                    if not found:
                        ok = False
                    else:
                        mlist.append(ent)
                elif k in (_ANY, _ONE):
                    mlist.append([ri, ai, ai])
                    ai += 1
                elif k == _NCLASS:
                    if low[ai] in classes.get(lits[ri], _EMPTY):
                        ok = False
                    else:
                        mlist.append([ri, ai, ai])
                        ai += 1
                elif k == _ZANY:
                    mlist.append([ri, ai, ai - 1])
                elif k == _DEXP:
                    self._impure += 1
                    val = self.macros.get(lits[ri])
                    if self._d21 >= 2:
                        self._print(self._macro_note("LHS", lits[ri], val))
                    if val is not None:
                        start = ai
                        pos = 0
                        lval = _lc(val)
                        while pos < len(val):
                            if ai >= na or not lval.startswith(low[ai], pos):
                                ai = start
                                ok = False
                                break
                            pos += len(pvp[ai])
                            ai += 1
            if ok:
                ri += 1
                continue
            # backup
            extended = False
            while mlist:
                ent = mlist[-1]
                ri = ent[0]
                ai = ent[2] + 1
                if ai >= na:
                    mlist.pop()
                    continue
                k = kinds[ri]
                if k in (_ANY, _ZANY):
                    ent[2] = ai
                    ai += 1
                    ri += 1
                    extended = True
                    break
                if k == _CLASS:
                    members = classes.get(lits[ri], _EMPTY)
                    maxlen = self._class_maxlen.get(lits[ri], 0)
                    found = False
                    size = sum(len(t) for t in pvp[ent[1] : ai])
                    while ai < na:
                        ent[2] = ai
                        size += len(pvp[ai])
                        ai += 1
                        if size > maxlen:
                            break
                        if _lc(self._cat(pvp, ent[1], ai)) in members:
                            found = True
                            break
                    if found:
                        ri += 1
                        extended = True
                        break
                    mlist.pop()
                    continue
                mlist.pop()
            if not extended:
                return None
        return [(e[1], e[2] + 1) for e in mlist]

    def _cat(self, pvp: Sequence[str], a: int, b: int) -> str:
        """cataddr() of pvp[a:b] with no space substitution (class matching, map keys)."""
        return self.cataddr(pvp[a:b], "\0")

    def cataddr(self, toks: Sequence[str], spacesub: str = "\0") -> str:
        """cataddr(): tokens joined, ``spacesub`` between two atoms (``\\0``: BlankSub)."""
        n = len(toks)
        if n == 0:
            return ""
        if n == 1:
            return toks[0]
        if spacesub == "\0":
            spacesub = self.space_sub
        if not spacesub:
            return "".join(toks)
        atoms = self._atom_cache
        tokenizer = self.tokenizer
        out: list[str] = []
        oatom = False
        for t in toks:
            first = t[:1]
            natom = atoms.get(first)
            if natom is None:
                natom = atoms[first] = tokenizer.atom_like(first)
            if oatom and natom:
                out.append(spacesub)
            out.append(t)
            oatom = natom
        return "".join(out)

    def _do_lookups(self, npvp: list[str], maxatom: int) -> tuple[int | None, list[str]]:
        rstat: int | None = None
        i = 0
        while i < len(npvp):
            c0 = npvp[i][:1]
            if c0 == T.HOSTBEGIN:
                endtoken = T.HOSTEND
                mapname = "host"
                j = i + 1
            elif c0 == T.LOOKUPBEGIN:
                endtoken = T.LOOKUPEND
                if i + 1 >= len(npvp):
                    self._err("554 5.3.0 rewrite: missing mapname", sys=True)
                    raise _Abort(EX_CONFIG)
                mapname = npvp[i + 1]
                j = i + 2
            else:
                i += 1
                continue
            m = self.maps.get(mapname.lower())
            if m is None:
                self._err(f"554 5.3.0 rewrite: map {mapname} not found", sys=True)
            key_start = j
            # split at $@ and $: up to the end token
            args: list[str] = []
            default: list[str] | None = None
            segments: list[tuple[str, int, int]] = []
            seg_kind = "key"
            seg_start = j
            while j < len(npvp) and npvp[j][:1] != endtoken:
                t = npvp[j][:1]
                if t == T.CANONHOST or t == T.CANONUSER:
                    segments.append((seg_kind, seg_start, j))
                    seg_kind = "arg" if t == T.CANONHOST else "default"
                    seg_start = j + 1
                j += 1
            segments.append((seg_kind, seg_start, j))
            end = j + 1 if j < len(npvp) else j
            key_toks: list[str] = []
            for kind, a, b in segments:
                if kind == "key":
                    key_toks = npvp[a:b]
                elif kind == "arg":
                    if len(args) < 8:
                        args.append(self.cataddr(npvp[a:b], "\0"))
                else:
                    default = npvp[a:b]
            del key_start
            spacesub = (m.spacesub if m is not None else "") or "\0"
            key = self.cataddr(key_toks, spacesub)
            if m is None or not _deterministic(m, key):
                self._impure += 1
            elif self._observing:
                # a run recorded with placeholders: a lookup must not see one (its
                # answer depends on the token); the recording keeps that token instead
                seen = _PLACE.findall("".join(npvp[i:end]))
                if seen:
                    raise _Observed(seen)
            av = [key, *args]
            replac, st = self._map_lookup(m, key, av)
            external = replac is not None
            if replac is None and default is not None:
                replac = self.cataddr(default, "\0")
            if st == EX_TEMPFAIL and (m is None or not m.nodefer):
                rstat = EX_TEMPFAIL
            if replac is None:
                new = list(key_toks)
            elif replac == "":
                new = []
            else:
                new, _, bad = self._prescan(replac, "\0", "ext" if external else "int")
                if bad:
                    raise _Abort(EX_DATAERR)
            npvp[i:end] = new
            if len(npvp) > maxatom:
                raise _Abort(EX_DATAERR)
            i += len(new)
        return rstat, npvp

    def _map_lookup(
        self, m: CfMapRuntime | None, key: str, av: list[str]
    ) -> tuple[str | None, int]:
        if m is None:
            return None, EX_OK
        if not m.keepquotes:
            key = _stripquotes(key)
            av[0] = key
        val, status = m.lookup(self, key, av)
        if status == EX_TEMPFAIL and m.tapp is not None:
            val = key + m.tapp
        if self.recording:
            self.lookups.append(
                MapLookup(m.name, key, val, status, m.source_line(key), m.source_path)
            )
        return val, status

    def _callsubr(self, pvp: list[str], reclevel: int) -> int:
        calls: list[tuple[int, int]] = []
        j = 0
        while j < len(pvp):
            if pvp[j][:1] == T.CALLSUBR and j + 1 < len(pvp):
                name = _stripquotes(pvp[j + 1])
                subr = self.ruleset_ids.get(name, -1)
                if subr < 0:
                    subr, _ = self.strtorwset(name)
                if subr < 0:
                    self._err(f"554 5.3.5 Unknown ruleset {name}", sys=True)
                    return EX_CONFIG
                if not self.rules.get(subr):
                    if self._d21 >= 3:
                        self._print(f"-----skip subr {name} ({subr})")
                    del pvp[j : j + 2]
                    j += 1
                    continue
                if len(calls) + 1 >= MAX_SUBR:
                    self._err(f"554 5.3.0 Too many subroutine calls ({MAX_SUBR} max)", sys=True)
                    return EX_CONFIG
                calls.append((subr, j))
            j += 1
        rstat = EX_OK
        for subr, idx in reversed(calls):
            del pvp[idx : idx + 2]
            tail = pvp[idx:]
            status = self._rewrite(tail, subr, reclevel, MAXATOM - idx)
            pvp[idx:] = tail
            if status not in (EX_OK, EX_TEMPFAIL):
                return status
            if rstat == EX_OK or status == EX_TEMPFAIL:
                rstat = status
        return rstat

    def _prescan(
        self, addr: str, delim: str = "\0", table: str = "ext"
    ) -> tuple[list[str], int, bool]:
        """prescan() with its messages printed (prefixed by the text scanned, as sendmail's
        e_to is during the scan): (tokens, delimiter index, had errors)."""
        tok = self.tokenizer
        tok.errors.clear()
        toks, delim_at = tok.prescan_delim(addr, delim, table)
        bad = bool(tok.errors)
        if bad:
            saved = self.e_to
            self.e_to = addr
            for e in tok.errors:
                self._err(e)
            self.e_to = saved
            tok.errors.clear()
        return toks, delim_at, bad

    def _printav(self, pvp: Sequence[str]) -> str:
        cache = self._xputs_cache
        out = []
        for t in pvp:
            p = cache.get(t)
            if p is None:
                p = cache[t] = " " + T.xputs(t, self.macro_names)
            out.append(p)
        return "".join(out)

    # ------------------------------------------------------------------ API
    def _begin(self, record: bool = True) -> tuple[int, int, int, bool]:
        was = self.recording
        self.recording = record
        return len(self.out), len(self.steps), len(self.lookups), was

    def _end(
        self, mark: tuple[int, int, int, bool]
    ) -> tuple[tuple[str, ...], tuple[RuleStep, ...], tuple[MapLookup, ...]]:
        o, st, lk, was = mark
        self.recording = was
        trace = tuple(self.out[o:])
        steps = tuple(self.steps[st:])
        lookups = tuple(self.lookups[lk:])
        del self.out[o:], self.steps[st:], self.lookups[lk:]
        return trace, steps, lookups

    def _ruleset(self, ruleset: int | str) -> int:
        if isinstance(ruleset, int):
            return ruleset
        return self.ruleset_number(ruleset)

    def rewrite(self, ruleset: int | str, address: str) -> RewriteResult:
        """Run one ruleset (number or name; ``"3,0"`` runs several in turn) on an address.

        The trace is what ``sendmail -bt`` prints for it."""
        mark = self._begin()
        pvp, status = self._run_rulesets(str(ruleset), address)
        trace, steps, lookups = self._end(mark)
        toks = tuple(pvp or ())
        return RewriteResult(
            str(ruleset),
            address,
            tuple(T.xputs(t, self.macro_names) for t in toks),
            status,
            trace,
            self.cataddr(list(toks), "\0") if toks else "",
            steps,
            lookups,
        )

    def _run_rulesets(self, spec: str, address: str) -> tuple[list[str] | None, int]:
        table = "noc" if self.config_level >= 9 else "ext"
        pvp, _, _ = self._prescan(address, "\0", table)
        if not pvp:
            return None, EX_USAGE
        status = EX_OK
        for name in spec.split(","):
            rs = self.ruleset_number(name)
            if rs < 0:
                self._print(f"Undefined ruleset {name}")
                break
            status = self._rewrite(pvp, rs, 0, MAXATOM)
            if status != EX_OK:
                self._print(f"== Ruleset {name} ({rs}) status {status}")
        return pvp, status

    def parse(
        self, address: str, *, sender: bool = False, header: bool = False, record: bool = True
    ) -> ParseResult:
        """/parse: rulesets 3 and 0, then the mailer's rulesets as buildaddr() runs them.

        An address sendmail refuses gives ``mailer="*error*"`` and ``error`` set.
        ``record=False`` leaves out the steps and lookups (faster: repeated rulesets
        are answered from memory)."""
        mark = self._begin(record)
        saved = (self.tryflags_sender, self.tryflags_header)
        self.tryflags_sender, self.tryflags_header = sender, header
        try:
            res = self._parseaddr(address)
        finally:
            self.tryflags_sender, self.tryflags_header = saved
        trace, steps, lookups = self._end(mark)
        mailer, host, user, error = res
        return ParseResult(address, mailer, host, user, error, trace, steps, lookups)

    def _parseaddr(self, addr: str) -> tuple[str, str | None, str, str | None]:
        self.e_to = addr
        try:
            pvp, _, _ = self._prescan(addr)
            if not pvp:
                return "", None, "", "null address"
            bad = _invalidaddr(addr)
            if bad is not None:
                self._err(bad)
                return "", None, "", bad
            qup = self._rewrite(pvp, 3, 0, MAXATOM) == EX_TEMPFAIL
            if self._rewrite(pvp, 0, 0, MAXATOM) == EX_TEMPFAIL:
                qup = True
            res = self._buildaddr(pvp)
            if res[0] != "*error*" and not self.tryflags_sender and not self.tryflags_header:
                self._queuegroup(res[2])
            if qup:
                self._err(
                    "Transient parse error -- message queued for future delivery", default="050"
                )
            return res
        finally:
            self.e_to = None

    def _queuegroup(self, user: str) -> None:
        """rscap("queuegroup", q_user): run for its trace when the ruleset exists."""
        rs = self.ruleset_ids.get("queuegroup", -1)
        if rs < 0 or not self.rules.get(rs):
            return
        saved = self.e_to
        pvp, _, _ = self._prescan(user, "\0", "int")
        self.e_to = saved
        if pvp:
            self._rewrite(pvp, rs, 0, MAXATOM)

    def _buildaddr(self, tv: list[str]) -> tuple[str, str | None, str, str | None]:
        if not tv or tv[0][:1] != T.CANONNET:
            msg = "554 5.3.5 buildaddr: no mailer in parsed address"
            self._err(msg, sys=True)
            return "*error*", None, "", msg
        mname = tv[1] if len(tv) > 1 else ""
        i = 2
        hostp: int | None = None
        if i < len(tv) and tv[i][:1] == T.CANONHOST:
            hostp = i + 1
            i += 1
        while i < len(tv) and tv[i][:1] != T.CANONUSER:
            i += 1
        if i >= len(tv):
            msg = "554 5.3.5 buildaddr: no user"
            self._err(msg, sys=True)
            return "*error*", None, "", msg
        hbuf = ""
        if hostp is not None and hostp != i:
            hbuf = self.cataddr(tv[hostp:i], "\0")
        elif hostp == i:
            hostp = None
        user_toks = tv[i + 1 :]
        ubuf = self.cataddr(user_toks, " ")
        if mname.lower() == "error":
            host = hbuf if hostp is not None else None
            text = _stripquotes(ubuf)
            if re.match(r"[245]\d\d ", text):
                em = re.match(r"([245]\d\d) ([245]\.\d{1,3}\.\d{1,3}) (.*)", text, re.S)
                if em:
                    self._err(f"{em.group(1)} {em.group(2)} {em.group(3)}")
                else:
                    self._err(text)
            else:
                self._err(f"553 5.3.0 {text}")
            return "*error*", host, ubuf, text
        mailer = self.mailer_index.get(mname.lower())
        if mailer is None:
            msg = f"554 5.3.5 buildaddr: unknown mailer {mname}"
            self._err(msg, sys=True)
            return "*error*", None, "", msg
        if hostp is None:
            if "l" not in mailer.flags:
                msg = "554 5.3.5 buildaddr: no host"
                self._err(msg, sys=True)
                return "*error*", None, "", msg
            host = None
        else:
            host = hbuf
        p = ubuf
        rest = list(user_toks)
        if "@" in mailer.flags and p.startswith("@"):
            p = p[1:]
            rest = rest[1:]
        if p.startswith('"'):
            p = p[1:]
        if p.startswith("|") and "|" in mailer.flags:
            mailer = self.mailer_index["prog"]
        elif p.startswith("/") and "/" in mailer.flags:
            mailer = self.mailer_index["*file*"]
        elif p.startswith(":") and ":" in mailer.flags:
            s = _stripquotes(ubuf)
            if s[:9].lower() == ":include:":
                return "*include*", host, s[9:], None
        self.macros["h"] = host if host is not None else ""
        if host is None:
            self.macros.pop("h", None)
        if self.config_level >= 10 or not (self.tryflags_sender or self.tryflags_header):
            self._rewrite(rest, 2, 0, MAXATOM)
            if mailer.re > 0:
                self._rewrite(rest, mailer.re, 0, MAXATOM)
        self._rewrite(rest, 4, 0, MAXATOM)
        user = self.cataddr(rest, "\0")
        if host is not None and "h" not in mailer.flags:
            host = host.lower()
        if "u" not in mailer.flags:
            user = user.lower()
        return mailer.name, host, user, None

    def try_mailer(
        self, mailer: str, address: str, *, sender: bool = False, header: bool = False
    ) -> TryResult:
        """/try: what remotename() makes of ``address`` for ``mailer``."""
        m = self.mailer_index.get(mailer.lower())
        if m is None:
            return TryResult(mailer, address, None, EX_CONFIG, (f"Unknown mailer {mailer}",))
        mark = self._begin()
        res, status = self._remotename(address, m, sender, header)
        trace, steps, lookups = self._end(mark)
        return TryResult(m.name, address, res, status, trace, steps, lookups)

    def _remotename(
        self, name: str, m: _Mailer, sender: bool, header: bool
    ) -> tuple[str | None, int]:
        pair = (m.se, m.sh) if sender else (m.re, m.rh)
        rwset = pair[1] if header else pair[0]
        self.macros[self.macid("{addr_type}")] = (
            f"{'h' if header else 'e'} {'s' if sender else 'r'}"
        )
        fancy = T.MACROEXPAND + "g" if "c" in m.flags else self.crackaddr(name)
        pvp, _, _ = self._prescan(name)
        if not pvp:
            return name, EX_OK
        status = EX_OK
        for rs in (3, 1 if sender else 2, rwset, 4):
            if rs <= 0 and rs != 3 and not (rs in (1, 2) and rs == (1 if sender else 2)):
                continue
            if self._rewrite(pvp, rs, 0, MAXATOM) == EX_TEMPFAIL:
                status = EX_TEMPFAIL
        lbuf = self.cataddr(pvp, "\0")
        old = self.macros.get("g")
        self.macros["g"] = lbuf
        try:
            res = self.expand(fancy)
        finally:
            if old is None:
                self.macros.pop("g", None)
            else:
                self.macros["g"] = old
        return res, status

    def lookup(self, mapname: str, key: str) -> MapResult:
        """/map: a map's own answer for a key (no ``$(...$)`` around it)."""
        m = self.maps.get(mapname.lower())
        if m is None:
            return MapResult(mapname, key, None, -1)
        val, status = m.lookup(self, key, [key])
        return MapResult(mapname, key, val, status)

    def check(
        self,
        ruleset: str,
        value: str,
        second: str | None = None,
        macros: dict[str, str] | None = None,
    ) -> RewriteResult:
        """Run a check ruleset as rscheck() does: ``check_mail``/``check_rcpt`` with the
        address (``<a@b>``), ``check_relay`` with the client's name and ``second`` its
        address (joined by the ``$|`` operator). ``macros`` are set first, e.g.
        ``{"{client_addr}": "192.0.2.1"}``.

        >>> cf = "V10\\nScheck_relay\\nR$+ $| $+\\t$@ $2\\n"
        >>> eng = Engine(cf, HostEnvironment(hostname="h.x"))
        >>> eng.check("check_relay", "client.example", "192.0.2.1").tokens
        ('192', '.', '0', '.', '2', '.', '1')
        """
        for k, v in (macros or {}).items():
            self.set_macro(k, v)
        text = value if second is None else value + T.CONDELSE + second
        mark = self._begin()
        pvp, _, _ = self._prescan(text, "\0", "int" if second is not None else "ext")
        status = EX_USAGE
        rs = self.ruleset_number(ruleset)
        if rs < 0:
            self._print(f"Undefined ruleset {ruleset}")
        elif pvp:
            status = self._rewrite(pvp, rs, 0, MAXATOM)
        trace, steps, lookups = self._end(mark)
        toks = tuple(pvp or ())
        return RewriteResult(
            ruleset,
            value if second is None else f"{value} $| {second}",
            tuple(T.xputs(t, self.macro_names) for t in toks),
            status,
            trace,
            self.cataddr(list(toks), "\0") if toks else "",
            steps,
            lookups,
        )

    # ------------------------------------------------------------------ test mode
    def testmode_line(self, line: str) -> list[str]:
        """One ``sendmail -bt`` command; the lines sendmail prints for it."""
        start = len(self.out)
        self._testmodeline(line)
        res = self.out[start:]
        del self.out[start:]
        return res

    def _testmodeline(self, line: str) -> None:
        line = line.lstrip(" ")
        if not line or line[0] == "#":
            return
        c = line[0]
        if c == "?":
            self._print("Help file not available here")
            return
        if c == ".":
            sub = line[1:2]
            if sub == "D":
                mid, rest = self._macid_parse(line[2:])
                if mid is None:
                    return
                self.macros[mid] = self.translate_dollars(rest)
            elif sub == "C":
                if len(line) <= 2:
                    return
                mid, rest = self._macid_parse(line[2:])
                if mid is None:
                    return
                for w in self.expand(self.translate_dollars(rest)).split():
                    self.setclass(mid, w)
            elif sub == "":
                self._print("Usage: .[DC]macro value(s)")
            else:
                self._print(f'Unknown "." command {line}')
            return
        if c == "=":
            sub = line[1:2]
            if sub == "S":
                rs, _ = self.strtorwset(line[2:])
                if rs < 0:
                    self._print(f"Undefined ruleset {line[2:]}")
                    return
                for rule in self.rules.get(rs, []):
                    lhs = "".join(T.xputs(t, self.macro_names) + " " for t in rule.lhs)
                    rhs = "".join(T.xputs(t, self.macro_names) + " " for t in rule.rhs)
                    self._print(f"R{lhs}\t\t{rhs}")
            elif sub == "M":
                for m in self.mailers:
                    if m is not None:
                        self._print(self._printmailer(m))
            elif sub == "":
                self._print("Usage: =Sruleset or =M")
            else:
                self._print(f'Unknown "=" command {line}')
            return
        if c == "-":
            if line[1:2] == "d":
                self.set_debug(line[2:].strip())
                return
            if line[1:2] == "":
                self._print("Usage: -d{debug arguments}")
            else:
                self._print(f'Unknown "-" command {line}')
            return
        if c == "$":
            if line[1:2] == "=":
                mid, _ = self._macid_parse(line[2:]) if line[2:] else (None, "")
                if mid is not None:
                    for w in self.classes.get(mid, {}).values():
                        self._print(w)
                return
            mid, _ = self._macid_parse(line[1:]) if line[1:] else (None, "")
            if mid is None:
                return
            v = self.macros.get(mid)
            self._print("Undefined" if v is None else T.xputs(v, self.macro_names))
            return
        if c == "/":
            self._slash(line)
            return
        p = line.lstrip()
        parts = re.match(r"(\S*)(\s?)(.*)", p, re.S)
        assert parts is not None
        if not parts.group(2):
            self._print("No address!")
            return
        spec, addr = parts.group(1), parts.group(3)
        bad = _invalidaddr(addr)
        if bad is not None:
            self._err(bad)
            return
        table = "noc" if self.config_level >= 9 else "ext"
        while True:
            pvp, delim, _ = self._prescan(addr, ",", table)
            if pvp:
                for name in spec.split(","):
                    rs, _ = self.strtorwset(name)
                    if rs < 0:
                        self._print(f"Undefined ruleset {name}")
                        break
                    status = self._rewrite(pvp, rs, 0, MAXATOM)
                    if status != EX_OK:
                        self._print(f"== Ruleset {name} ({rs}) status {status}")
            if delim >= len(addr):
                break
            addr = addr[delim + 1 :]

    def _slash(self, line: str) -> None:
        line = line.rstrip()
        m = re.match(r"(\S*)\s*(.*)", line, re.S)
        assert m is not None
        cmd, p = m.group(1), m.group(2)
        word = cmd[1:].lower()
        if not word:
            self._print("Usage: /[canon|map|mx|parse|try|tryflags]")
            return
        if word == "mx":
            if not p:
                self._print("Usage: /mx address")
                return
            mx = self.env.resolver.mx(p)
            if not mx:
                mx = [p]
                canon, status = self.canonname(p)
                if canon is None and status == EX_NOHOST:
                    mx = []
            self._print(f"getmxrr({p}) returns {len(mx)} value(s):")
            for h in mx:
                self._print(f"\t{h}")
        elif word == "canon":
            if not p:
                self._print("Usage: /canon address")
                return
            canon, _ = self.canonname(p)
            self._print(f"getcanonname({p}) returns {canon if canon is not None else p}")
        elif word == "map":
            if not p:
                self._print("Usage: /map mapname key")
                return
            mm = re.match(r"(\S+)(?:\s(.*))?", p, re.S)
            assert mm is not None
            if mm.group(2) is None:
                self._print("No key specified")
                return
            name, key = mm.group(1), mm.group(2)
            mp = self.maps.get(name.lower())
            if mp is None:
                self._print(f'Map named "{name}" not found')
                return
            if not mp.ensure_open(self):
                self._print(f'Map named "{name}" not open')
                return
            val, status = mp.lookup(self, key, [key])
            if val is None:
                self._print(f"map_lookup: {name} ({key}) no match ({status})")
            else:
                self._print(f"map_lookup: {name} ({key}) returns {val} ({status})")
        elif word == "try":
            mm = re.match(r"(\S+)\s+(.*)", p, re.S)
            if mm is None or not mm.group(2):
                self._print("Usage: /try mailer address")
                return
            mname, addr = mm.group(1), mm.group(2)
            mailer = self.mailer_index.get(mname.lower())
            if mailer is None:
                self._print(f"Unknown mailer {mname}")
                return
            self._print(
                f"Trying {'header' if self.tryflags_header else 'envelope'} "
                f"{'sender' if self.tryflags_sender else 'recipient'} address {addr} "
                f"for mailer {mname}"
            )
            res, status = self._remotename(addr, mailer, self.tryflags_sender, self.tryflags_header)
            self._print(f"Rcode = {status}, addr = {res if res is not None else '<NULL>'}")
        elif word == "tryflags":
            if not p:
                self._print("Usage: /tryflags [Hh|Ee][Ss|Rr]")
                return
            for ch in p:
                if ch in "Hh":
                    self.tryflags_header = True
                elif ch in "Ee":
                    self.tryflags_header = False
                elif ch in "Ss":
                    self.tryflags_sender = True
                elif ch in "Rr":
                    self.tryflags_sender = False
            self.macros[self.macid("{addr_type}")] = (
                f"{'h' if self.tryflags_header else 'e'} {'s' if self.tryflags_sender else 'r'}"
            )
        elif word == "parse":
            if not p:
                self._print("Usage: /parse address")
                return
            self._print(f"Cracked address = {T.xputs(self.crackaddr(p), self.macro_names)}")
            self._print(
                f"Parsing {'header' if self.tryflags_header else 'envelope'} "
                f"{'sender' if self.tryflags_sender else 'recipient'} address"
            )
            mailer_name, host, user, _ = self._parseaddr(p)
            if not mailer_name:
                self._print("Cannot parse")
            elif host:
                self._print(f"mailer {mailer_name}, host {host}, user {user}")
            else:
                self._print(f"mailer {mailer_name}, user {user}")
        elif word == "expand":
            if not p:
                self._print("Usage: /expand string")
                return
            self.out.append(T.xputs(self.expand(p), self.macro_names))
        elif word == "quit":
            raise SystemExit(0)
        else:
            self._print(f'Unknown "/" command {line}')

    def crackaddr(self, addr: str) -> str:
        """The address with its mailbox replaced by ``$g`` (headers.c's crackaddr())."""
        colon_ok = self.config_level < 6
        if "colonokinaddr" in self.options:
            colon_ok = self.options["colonokinaddr"].lower() in ("true", "t", "yes", "y", "1", "on")
        mq = "@,;:\\()[].'"
        if "mustquotechars" in self.options:
            mq = "@,;:\\()[]" + self.options["mustquotechars"]
        return _crackaddr(addr, colon_ok, mq)

    def _printmailer(self, m: _Mailer) -> str:
        def rsname(n: int) -> str:
            return self.ruleset_names.get(n, str(n))

        flags = "".join(sorted(set(m.flags), key=ord))
        argv = " ".join(T.xputs(a, self.macro_names) for a in m.argv)
        charset = f" C={m.charset}" if m.charset else ""
        return (
            f"mailer {m.mno} ({m.name}): P={m.path} S={rsname(m.se)}/{rsname(m.sh)} "
            f"R={rsname(m.re)}/{rsname(m.rh)} M={m.maxsize} U={m.uid}:{m.gid} F={flags} "
            f"L={m.linelimit} E={T.xputs(m.eol, self.macro_names)}{charset} "
            f"T={m.mtatype or '<undefined>'}/{m.addrtype or '<undefined>'}/"
            f"{m.diagtype or '<undefined>'} r={m.maxrcpt} A={argv}"
        )

    def banner(self) -> list[str]:
        """What ``sendmail -bt`` prints before its first prompt."""
        return [
            "ADDRESS TEST MODE (ruleset 3 NOT automatically invoked)",
            "Enter <ruleset> <address>",
        ]

    def run_test_mode(self, lines: Iterable[str], write: Callable[[str], object]) -> None:
        """Feed ``sendmail -bt`` commands; ``write`` gets the output text as sendmail
        prints it (the ``> `` prompt before each command's output)."""
        pending = self.out[:]
        del self.out[:]
        for ln in pending:
            write(ln + "\n")
        for ln in self.banner():
            write(ln + "\n")
        for line in lines:
            write("> ")
            try:
                out = self.testmode_line(line.rstrip("\n"))
            except SystemExit:
                return
            if out:
                out.append("")
                write("\n".join(out))
        write("> ")


def _seven_bit(s: str) -> str:
    """A line as syserr() prints it: internal octets lose their top bit (fmtmsg())."""
    return "".join(chr((ord(c) - T.BASE) & 0o177) if T.is_internal(c) else c for c in s)


def _munchstring(p: str) -> str:
    """munchstring(): quotes removed, backslash escapes \\n \\r \\t decoded."""
    out: list[str] = []
    backslash = False
    quote = False
    for c in p:
        if backslash:
            out.append({"n": "\n", "r": "\r", "t": "\t"}.get(c, c))
            backslash = False
            continue
        if c == "\\":
            backslash = True
        elif c == '"':
            quote = not quote
        else:
            out.append(c)
    return "".join(out)


def _munchfield(p: str) -> tuple[str, str]:
    """A mailer field's value up to an unquoted comma; the rest from the comma."""
    out: list[str] = []
    backslash = False
    quote = False
    i = 0
    while i < len(p):
        c = p[i]
        if backslash:
            out.append("\\" + c)
            backslash = False
        elif c == "\\":
            backslash = True
        elif c == '"':
            quote = not quote
        elif c == "," and not quote:
            break
        else:
            out.append(c)
        i += 1
    return "".join(out).strip(), p[i:]


def _unescape(s: str) -> str:
    return re.sub(
        r"\\(.)", lambda m: {"n": "\n", "r": "\r", "t": "\t"}.get(m.group(1), m.group(1)), s
    )


def _atoi(s: str) -> int:
    m = re.match(r"\s*[+-]?\d+", s)
    return int(m.group(0)) if m else 0


def _stripquotes(s: str) -> str:
    """stripquotes(): remove double quotes and the backslashes that escape."""
    if '"' not in s and "\\" not in s:
        return s
    out: list[str] = []
    bs = False
    for c in s:
        if bs:
            out.append(c)
            bs = False
        elif c == "\\":
            bs = True
            out.append(c)
        elif c == '"':
            continue
        else:
            out.append(c)
    return "".join(out)


def _invalidaddr(addr: str) -> str | None:
    for c in addr:
        o = ord(c)
        if (o < 0x20 and c not in "\t\n\r") or o == 0x7F:
            return "553 5.1.0 Address contained invalid control characters"
    return None


def _scanf_regex(fmt: str) -> re.Pattern[str] | None:
    if fmt == "%s":
        return None
    parts = re.split(r"(%s|%\[[^\]]*\])", fmt)
    rx = ""
    group = False
    for part in parts:
        if part == "%s" and not group:
            rx += r"\s*(\S+)"
            group = True
        elif part.startswith("%[") and not group:
            rx += "([" + part[2:-1] + "]+)"
            group = True
        elif part.startswith("%"):
            rx += r"\S+"
        else:
            rx += re.escape(part).replace(r"\ ", r"\s*")
    try:
        return re.compile(rx)
    except re.error:
        return None


_PLAIN_MAILBOX = "[A-Za-z0-9.@!%+\\-_'=/?#$&*^{}|~`]+"
_PLAIN = re.compile(_PLAIN_MAILBOX)
_PLAIN_NAMED = re.compile(f"([A-Za-z0-9]+(?: [A-Za-z0-9]+)*) <{_PLAIN_MAILBOX}>")


def _crackaddr(addr: str, colon_ok: bool = False, must_quote: str = "@,;:\\()[].'") -> str:
    """headers.c's crackaddr(): the address with its mailbox part replaced by ``$g``.

    The two plainest forms (``mailbox`` and ``Words <mailbox>``, with no quote,
    comment, group, route, bracket or white space but single spaces between the
    words) come out the same for any option, so they are answered at once."""
    if _PLAIN.fullmatch(addr):
        return T.MACROEXPAND + "g"
    m = _PLAIN_NAMED.fullmatch(addr)
    if m:
        return m.group(1) + " <" + T.MACROEXPAND + "g>"
    return _crackaddr_chars(addr, colon_ok, must_quote)


def _crackaddr_chars(addr: str, colon_ok: bool, must_quote: str) -> str:
    """crackaddr() character by character."""
    g = T.MACROEXPAND + "g"
    buf: list[str] = []
    i = 0
    n = len(addr)
    while i < n and addr[i] in " \t\n\r\f\v":
        buf.append(addr[i])
        i += 1
    bufhead = len(buf)
    addr_start = i
    p = addrhead = i
    copylev = anglelev = cmtlev = realcmtlev = bracklev = 0
    qmode = realqmode = addangle = False
    putgmac = quoteit = gotangle = gotcolon = False

    def at(k: int) -> str:
        return addr[k] if k < n else ""

    while p < n:
        c = addr[p]
        p += 1
        if copylev > 0:
            buf.append(c)
        putg = False
        if c == "\\":
            if cmtlev <= 0 and not qmode:
                quoteit = True
            if p >= n:
                putg = True
            else:
                c = addr[p]
                p += 1
                if copylev > 0:
                    buf.append(c)
                putg = True
        elif c == '"' and cmtlev <= 0:
            qmode = not qmode
            if copylev > 0:
                realqmode = not realqmode
            continue
        elif qmode:
            putg = True
        if not putg:
            if c == "(":
                cmtlev += 1
                realcmtlev += 1
                if copylev <= 0:
                    if len(buf) != bufhead:
                        buf.append(" ")
                    buf.append(c)
                copylev += 1
            if cmtlev > 0:
                if c == ")":
                    cmtlev -= 1
                    copylev -= 1
                    realcmtlev -= 1
                continue
            elif c == ")" and copylev > 0 and len(buf) > bufhead:
                buf.pop()
            if c == "[":
                bracklev += 1
            elif c == "]":
                bracklev -= 1
            if c == ":" and anglelev <= 0 and bracklev <= 0 and not gotcolon and not colon_ok:
                if at(p) in (":", "."):
                    if cmtlev <= 0 and not qmode:
                        quoteit = True
                    if copylev > 0:
                        buf.append(c)
                        buf.append(at(p))
                    p += 1
                    putg = True
                else:
                    gotcolon = True
                    del buf[bufhead:]
                    if quoteit:
                        buf.append('"')
                        p -= 1
                        while p > addr_start:
                            p -= 1
                            if not addr[p].isspace():
                                break
                        p += 1
                    for q in range(addrhead, p):
                        ch = addr[q]
                        if quoteit and ch == '"':
                            buf.append("\\")
                        buf.append(ch)
                    if quoteit:
                        if len(buf) == bufhead + 1:
                            buf.pop()
                        else:
                            buf.append('"')
                        while p < n:
                            ch = addr[p]
                            p += 1
                            buf.append(ch)
                            if ch == ":":
                                break
                    while p < n and addr[p] in " \t\n\r\f\v":
                        buf.append(addr[p])
                        p += 1
                    copylev = 0
                    putgmac = quoteit = False
                    bufhead = len(buf)
                    addrhead = p
                    continue
        if not putg:
            if c == ";" and copylev <= 0 and not colon_ok:
                buf.append(c)
            if c in must_quote and cmtlev <= 0 and not qmode:
                quoteit = True
            if c == "<":
                if gotangle:
                    quoteit = True
                gotangle = True
                anglelev = 1
                addangle = True
                del buf[bufhead:]
                if quoteit:
                    buf.append('"')
                    p -= 1
                    while p > addr_start:
                        p -= 1
                        if not addr[p].isspace():
                            break
                    p += 1
                for q in range(addrhead, p):
                    ch = addr[q]
                    if quoteit and ch == '"':
                        buf.append("\\")
                    buf.append(ch)
                if quoteit:
                    if len(buf) == 1:
                        buf.pop()
                    else:
                        buf.append('"')
                    while p < n:
                        ch = addr[p]
                        p += 1
                        buf.append(ch)
                        if ch == "<":
                            break
                copylev = 0
                putgmac = quoteit = False
                continue
            if c == ">":
                if anglelev > 0:
                    anglelev -= 1
                    addangle = False
                else:
                    if copylev > 0 and len(buf) > bufhead:
                        buf.pop()
                    quoteit = True
                    continue
                if copylev <= 0:
                    buf.append(c)
                copylev += 1
                continue
        if copylev <= 0 and not putgmac:
            if buf and buf[-1] == ")":
                buf.append(" ")
            buf.append(g)
            putgmac = True
    if realqmode:
        buf.append('"')
    while realcmtlev > 0:
        buf.append(")")
        realcmtlev -= 1
    if addangle:
        buf.append(">")
    return "".join(buf)


def engine_from_text(
    text: str, path: str = "sendmail.cf", env: HostEnvironment | None = None, **kw: object
) -> Engine:
    """An :class:`Engine` straight from ``.cf`` text."""
    return Engine(read_config(text, path), env, **kw)  # type: ignore[arg-type]


__all__ += ["engine_from_text", "fold_lines"]
