"""The semantic view of a ``sendmail.cf``: what each line means, as readcf.c reads it.

Lines are folded first, the way sendmail's ``fgetfolded()`` does: a line that starts
with a space or a tab continues the previous one (the newline stays inside the
folded text); a folded line that starts with ``#`` is a comment. Every other line is
read by its first character (``V D C F K M O H P T Q E S R X L``).

>>> cfg = read_config("V10/Berkeley\\nDj$w.example\\nCw localhost\\nS0\\nR$+\\t$#local $: $1\\tlocal\\n")
>>> cfg.version, cfg.vendor
(10, 'Berkeley')
>>> cfg.macros[0].name, cfg.macros[0].value
('j', '$w.example')
>>> cfg.rules[0].lhs, cfg.rules[0].rhs, cfg.rules[0].comment
('$+', '$#local $: $1', 'local')
>>> read_config("Zfoo\\n", "x.cf").problems[0].text()
'x.cf:1:1: unknown configuration line "Zfoo"'
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import attrs

__all__ = [
    "OPTION_LETTERS",
    "CfClass",
    "CfConfig",
    "CfLine",
    "CfMacro",
    "CfMailer",
    "CfMap",
    "CfOption",
    "CfOther",
    "CfProblem",
    "CfRule",
    "CfRuleset",
    "fold_lines",
    "read_config",
]

OPTION_LETTERS: dict[str, str] = {
    ">": "RemoteMode", "7": "SevenBitInput", "8": "EightBitMode", "A": "AliasFile",
    "a": "AliasWait", "B": "BlankSub", "b": "MinFreeBlocks", "C": "CheckpointInterval",
    "c": "HoldExpensive", "d": "DeliveryMode", "E": "ErrorHeader", "e": "ErrorMode",
    "F": "TempFileMode", "f": "SaveFromLine", "G": "MatchGECOS", "H": "HelpFile",
    "h": "MaxHopCount", "I": "ResolverOptions", "i": "IgnoreDots", "J": "ForwardPath",
    "j": "SendMimeErrors", "k": "ConnectionCacheSize", "K": "ConnectionCacheTimeout",
    "l": "UseErrorsTo", "L": "LogLevel", "m": "MeToo", "n": "CheckAliases",
    "o": "OldStyleHeaders", "O": "DaemonPortOptions", "p": "PrivacyOptions",
    "P": "PostmasterCopy", "q": "QueueFactor", "Q": "QueueDirectory", "R": "DontPruneRoutes",
    "r": "Timeout", "S": "StatusFile", "s": "SuperSafe", "T": "QueueTimeout",
    "t": "TimeZoneSpec", "U": "UserDatabaseSpec", "u": "DefaultUser", "V": "FallbackMXhost",
    "v": "Verbose", "w": "TryNullMXList", "x": "QueueLA", "X": "RefuseLA",
    "y": "RecipientFactor", "Y": "ForkEachJob", "z": "ClassFactor", "Z": "RetryFactor",
}  # fmt: skip
"""Single-character option names (``OA/etc/aliases``) and their long names (readcf.c)."""


@attrs.frozen
class CfLine:
    """One folded line: its first physical line number and its text (no newline at the end)."""

    line: int
    text: str


@attrs.frozen
class CfProblem:
    """A line sendmail refuses, with sendmail's own message."""

    line: int
    col: int
    message: str
    path: str = "sendmail.cf"

    def text(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


@attrs.frozen
class CfMacro:
    """``Dx value`` or ``D{name}value``; the value as written (macros unexpanded)."""

    name: str
    value: str
    line: int


@attrs.frozen
class CfClass:
    """A ``C`` line (words), an ``F`` line (a file, a ``|program`` never run here, or a
    ``key@map:spec``) or a ``T`` line (class ``t``)."""

    name: str
    line: int
    kind: str  # "C", "F" or "T"
    words: tuple[str, ...] = ()
    file: str = ""
    optional: bool = False
    program: str = ""
    pattern: str = ""
    map_spec: str = ""


@attrs.frozen
class CfMap:
    """``Kname class args``: ``flags`` are the ``-x`` switches, ``file`` the first plain word."""

    name: str
    mapclass: str
    args: str
    line: int
    flags: tuple[str, ...] = ()
    file: str = ""


@attrs.frozen
class CfMailer:
    """``Mname, P=..., F=..., ...``: every field by its letter; ``S=``/``R=`` split into the
    envelope and header rulesets."""

    name: str
    fields: dict[str, str]
    line: int

    def field(self, letter: str, default: str = "") -> str:
        return self.fields.get(letter, default)

    @property
    def path(self) -> str:
        return self.field("P")

    @property
    def flags(self) -> str:
        return self.field("F")

    @property
    def argv(self) -> str:
        return self.field("A")

    @property
    def sender_rulesets(self) -> tuple[str, str]:
        return _split_rw(self.field("S"))

    @property
    def recipient_rulesets(self) -> tuple[str, str]:
        return _split_rw(self.field("R"))


def _split_rw(value: str) -> tuple[str, str]:
    env, _, hdr = value.partition("/")
    env = env.strip()
    return env, (hdr.strip() if hdr else env)


@attrs.frozen
class CfOption:
    """``O Name=value`` or ``Ox value``; ``name`` is always the long name."""

    name: str
    value: str
    line: int
    letter: str = ""


@attrs.frozen
class CfOther:
    """``H``, ``P``, ``T``, ``Q``, ``E``, ``X`` and ``L`` lines: the letter and the text after it."""

    kind: str
    text: str
    line: int


@attrs.frozen
class CfRule:
    """``R`` line: LHS, RHS and comment (tab separated), in the ruleset it belongs to."""

    lhs: str
    rhs: str
    comment: str
    line: int
    ruleset: str


@attrs.frozen
class CfRuleset:
    """``S`` line: the name as written, its number when given (``Sname=NN`` or ``S3``)."""

    name: str
    number: int | None
    line: int


@attrs.frozen
class CfConfig:
    """Everything a ``.cf`` says, in file order within each kind."""

    path: str
    lines: tuple[CfLine, ...]
    version: int | None = None
    vendor: str = ""
    macros: tuple[CfMacro, ...] = ()
    classes: tuple[CfClass, ...] = ()
    maps: tuple[CfMap, ...] = ()
    mailers: tuple[CfMailer, ...] = ()
    options: tuple[CfOption, ...] = ()
    others: tuple[CfOther, ...] = ()
    rulesets: tuple[CfRuleset, ...] = ()
    rules: tuple[CfRule, ...] = ()
    problems: tuple[CfProblem, ...] = ()

    def macro(self, name: str) -> str | None:
        """The last definition of macro ``name`` (``j`` or ``{name}``), as written."""
        found = None
        for m in self.macros:
            if m.name == name:
                found = m.value
        return found

    def option(self, name: str) -> str | None:
        """The last value of option ``name`` (long name, or its single letter)."""
        name = OPTION_LETTERS.get(name, name)
        found = None
        for o in self.options:
            if o.name.lower() == name.lower():
                found = o.value
        return found

    def of_kind(self, kind: str) -> tuple[CfOther, ...]:
        """The ``H``/``P``/``T``/``Q``/``E``/``X``/``L`` lines of one kind."""
        return tuple(o for o in self.others if o.kind == kind)


def fold_lines(text: str) -> Iterator[CfLine]:
    """Folded lines as ``fgetfolded()`` makes them (continuations keep their newline)."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    cur: list[str] = []
    start = 0
    for n, raw in enumerate(lines, 1):
        if raw.endswith("\r"):
            raw = raw[:-1]
        if cur and raw[:1] in (" ", "\t"):
            cur.append(raw)
            continue
        if cur:
            yield CfLine(start, "\n".join(cur))
        cur = [raw]
        start = n
    if cur:
        yield CfLine(start, "\n".join(cur))


_MACNAME = re.compile(r"\{([^}]*)\}|(.)", re.S)


def _macid(text: str) -> tuple[str, str] | None:
    """(name, rest) of a ``x`` or ``{name}`` macro/class name at the start of ``text``."""
    if not text or text.startswith("{}"):
        return None
    if text[0] != "{":
        return text[0], text[1:]
    end = text.find("}")
    if end < 0:
        return None
    name = text[1:end]
    return (name if len(name) == 1 else "{" + name + "}"), text[end + 1 :]


def _strip_comment(text: str, level: int) -> str:
    """translate_dollars()'s comment rule: a ``#`` after the first column starts a
    comment unless escaped (``\\#``) or part of ``$#``; trailing blanks go."""
    if level < 3 or "#" not in text[1:]:
        return text.rstrip()
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c == "#" and i > 0:
            prev = text[i - 1]
            if prev == "$" and not (len(out) >= 2 and out[-2] == "$"):
                out.append(c)
            elif prev == "\\":
                out[-1] = "#"
            else:
                while out and out[-1] in " \t\r\f\v":
                    out.pop()
                nl = text.find("\n", i)
                if nl < 0:
                    break
                i = nl
                continue
        else:
            out.append(c)
        i += 1
    return "".join(out).rstrip()


def read_config(text: str, path: str = "sendmail.cf") -> CfConfig:
    """Read ``text`` (a whole ``.cf``) into a :class:`CfConfig`; never raises."""
    folded = tuple(fold_lines(text))
    version: int | None = None
    vendor = ""
    level = 0
    macros: list[CfMacro] = []
    classes: list[CfClass] = []
    maps: list[CfMap] = []
    mailers: list[CfMailer] = []
    options: list[CfOption] = []
    others: list[CfOther] = []
    rulesets: list[CfRuleset] = []
    rules: list[CfRule] = []
    problems: list[CfProblem] = []
    current: str | None = None

    def bad(n: int, msg: str, col: int = 1) -> None:
        problems.append(CfProblem(n, col, msg, path))

    for fl in folded:
        raw = fl.text
        n = fl.line
        if raw.startswith("#"):
            continue
        bp = _strip_comment(raw, level)
        if not bp or bp.startswith("#"):
            continue
        kind, rest = bp[0], bp[1:]
        if kind == "R":
            if current is None:
                bad(n, f'missing valid ruleset for "{bp}"')
                continue
            if "\t" not in rest:
                bad(n, f'invalid rewrite line "{bp}" (tab expected)')
                continue
            lhs, _, tail = rest.partition("\t")
            tail = tail.lstrip("\t")
            rhs, _, comment = tail.partition("\t")
            rules.append(CfRule(lhs, rhs, comment.strip("\t"), n, current))
        elif kind == "S":
            spec = rest.strip()
            m = re.fullmatch(r"(\d+)|([A-Za-z][A-Za-z0-9_]*)\s*(?:=\s*(\d*)\s*)?", spec)
            if m is None:
                bad(n, f'invalid ruleset name: "{spec[:20]}"', 2)
                current = None
                continue
            if m.group(1) is not None:
                num = int(m.group(1))
                if num >= 100:
                    bad(n, f"bad ruleset {num} (100 max)", 2)
                    current = None
                    continue
                rulesets.append(CfRuleset(m.group(1), num, n))
                current = m.group(1)
            else:
                name = m.group(2)
                number = None
                if "=" in spec:
                    if not m.group(3):
                        bad(n, f'bad ruleset definition "{spec}" (number required after `=\')', 2)
                        current = None
                        continue
                    number = int(m.group(3))
                    if number >= 100:
                        bad(n, f'bad ruleset number {number} in "{name}" (100 max)', 2)
                        current = None
                        continue
                rulesets.append(CfRuleset(name, number, n))
                current = name
        elif kind == "D":
            got = _macid(rest)
            if got is None:
                bad(n, "Name required for macro/class", 2)
                continue
            macros.append(CfMacro(got[0], got[1], n))
        elif kind in "CT":
            if kind == "C":
                got = _macid(rest)
                if got is None:
                    bad(n, "Name required for macro/class", 2)
                    continue
                name, words = got
            else:
                name, words = "t", rest
            classes.append(CfClass(name, n, kind, tuple(words.split())))
        elif kind == "F":
            got = _macid(rest)
            if got is None:
                bad(n, "Name required for macro/class", 2)
                continue
            classes.append(_fclass(got[0], got[1], n))
        elif kind == "K":
            parts = rest.split(None, 2)
            if len(parts) < 2:
                bad(n, "No map class for map " + (parts[0] if parts else ""), 2)
                continue
            args = parts[2] if len(parts) > 2 else ""
            maps.append(_kmap(parts[0], parts[1], args, n))
        elif kind == "M":
            mailer = _mailer(rest, n)
            if isinstance(mailer, str):
                bad(n, mailer, 2)
            else:
                mailers.append(mailer)
        elif kind == "O":
            if rest[:1] in (" ", "\t") or rest == "":
                body = rest.strip()
                name, eq, value = body.partition("=")
                name = name.strip()
                value = value.strip() if eq else ""
                options.append(CfOption(name, value, n))
            else:
                letter = rest[0]
                long = OPTION_LETTERS.get(letter, letter)
                options.append(CfOption(long, rest[1:].strip(), n, letter))
        elif kind == "V":
            vm = re.match(r"\s*(\d+)(?:/([A-Za-z]*))?", rest)
            if vm is None:
                bad(n, f'invalid argument to V line: "{rest[:20]}"', 2)
                continue
            version = level = int(vm.group(1))
            vendor = vm.group(2) or ""
        elif kind in "HPQEXL":
            if kind == "P" and "=" not in rest:
                bad(n, f'unknown configuration line "{bp}"')
                continue
            others.append(CfOther(kind, rest, n))
        else:
            bad(n, f'unknown configuration line "{bp}"')
    return CfConfig(
        path=path,
        lines=folded,
        version=version,
        vendor=vendor,
        macros=tuple(macros),
        classes=tuple(classes),
        maps=tuple(maps),
        mailers=tuple(mailers),
        options=tuple(options),
        others=tuple(others),
        rulesets=tuple(rulesets),
        rules=tuple(rules),
        problems=tuple(problems),
    )


def _fclass(name: str, spec: str, line: int) -> CfClass:
    p = spec.lstrip()
    optional = False
    if p.startswith("-o"):
        optional = True
        p = p.split(None, 1)[1] if len(p.split(None, 1)) > 1 else ""
    at = p.find("@")
    if not p.startswith(("/", "|")) and at >= 0:
        q = p[at + 1 :]
        if q == "LDAP" or (not q.startswith(":") and ":" in q):
            return CfClass(name, line, "F", optional=optional, map_spec=p)
    file, _, pattern = p.partition(" ")
    if file.startswith("|"):
        return CfClass(name, line, "F", optional=optional, program=p[1:])
    return CfClass(name, line, "F", file=file, optional=optional, pattern=pattern.strip())


def _kmap(name: str, mapclass: str, args: str, line: int) -> CfMap:
    flags: list[str] = []
    file = ""
    words = args.split()
    i = 0
    while i < len(words):
        w = words[i]
        if w.startswith("-"):
            flags.append(w)
        else:
            file = w
            break
        i += 1
    return CfMap(name, mapclass, args, line, tuple(flags), file)


def _mailer(rest: str, line: int) -> CfMailer | str:
    m = re.match(r"([^,\s]+)", rest)
    if m is None or not m.group(1):
        return "no mailer name"
    name = m.group(1)
    fields: dict[str, str] = {}
    p = rest[m.end() :]
    while p:
        p = p.lstrip(" \t\n,")
        if not p:
            break
        key = p[0]
        eq = p.find("=")
        if eq < 0:
            return f"mailer {name}: `=' expected"
        p = p[eq + 1 :].lstrip(" \t\n")
        if p.startswith('"'):
            end = p.find('"', 1)
            end = len(p) if end < 0 else end
            value, p = p[1:end], p[end + 1 :]
        else:
            comma = p.find(",")
            comma = len(p) if comma < 0 else comma
            value, p = p[:comma], p[comma:]
        fields[key] = value.strip()
    return CfMailer(name, fields, line)
