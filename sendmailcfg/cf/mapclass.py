"""sendmail's map classes (map.c), as the rewriting engine calls them.

A map is declared by a ``K`` line: ``Kname class -flags file``. :func:`parse_map`
reads the flags as map_parseargs() does; :meth:`CfMapRuntime.lookup` answers a key
the way the class's lookup function does (key folding, ``-N``/``-O`` null bytes,
``-m``, ``-a``, ``%1`` substitution by map_rewrite()).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Protocol

import attrs

from sendmailcfg.cf.environment import (
    EX_NOTFOUND,
    EX_OK,
    EX_TEMPFAIL,
    EX_UNAVAILABLE,
    HostEnvironment,
)

EX_CONFIG = 78

DbReader = Callable[[bytes], Iterable[tuple[bytes, bytes]]]
"""Reads the bytes of a Berkeley DB file (hash or btree) into its (key, value) pairs.

The output room's reader (``sendmailcfg.output.bdb.read``) plugs in here; the
semantic room may not import it."""

KNOWN_CLASSES = {
    "hash", "btree", "dbm", "implicit", "text", "sequence", "switch", "stab", "dequote",
    "macro", "arith", "regex", "host", "user", "dns", "bestmx", "null", "ldap", "nis",
    "nisplus", "socket", "program", "hesiod", "netinfo", "syslog", "cdb", "ph",
    "arpa", "nsd", "bogus",
}  # fmt: skip
NETWORK_CLASSES = {"ldap", "nis", "nisplus", "socket", "program", "hesiod", "netinfo", "ph", "nsd"}
NEEDS_FILE = {"hash", "btree", "dbm", "implicit", "text", "cdb"}


class Engine(Protocol):
    """What a map needs of the engine that runs it."""

    env: HostEnvironment
    read_db: DbReader | None
    notes: list[str]
    maps: dict[str, CfMapRuntime]

    def resolve_path(self, path: str) -> str: ...

    def canonname(self, name: str) -> tuple[str | None, int]: ...

    def set_macro_by_name(self, name: str, value: str | None) -> None: ...

    def print_error(self, msg: str) -> None: ...


@attrs.define
class CfMapRuntime:
    """One declared map with its parsed flags; the data loads on first use."""

    name: str
    mclass: str
    args: str
    app: str | None = None
    tapp: str | None = None
    nofold: bool = False
    matchonly: bool = False
    inclnull: bool = False
    try0: bool = True
    try1: bool = True
    optional: bool = False
    keepquotes: bool = False
    nodefer: bool = False
    append: bool = False
    spacesub: str = ""
    keycol: str | None = None
    valcol: str | None = None
    coldelim: str | None = None
    file: str = ""
    rest: str = ""
    problems: list[str] = attrs.field(factory=list)
    data: dict[str, str] | None = None
    source_lines: dict[str, int] = attrs.field(factory=dict)
    source_path: str = ""
    regex: re.Pattern[str] | None = None
    regex_not: bool = False
    regex_delim: str = " "
    open_error: str | None = None
    state: str = ""

    def ensure_open(self, eng: Engine) -> bool:
        """openmap(): True when the map is open (a failed required map is open as a
        "bogus" map whose lookups fail temporarily; a failed optional one is not)."""
        if self.state:
            return self.state != "invalid"
        if self.mclass not in NEEDS_FILE:
            self.state = "open"
            return True
        self._load(eng)
        if self.open_error is None:
            self.state = "open"
            return True
        if self.optional:
            self.state = "invalid"
            return False
        eng.print_error(self.open_error)
        self.state = "bogus"
        return True

    def lookup(self, eng: Engine, key: str, av: list[str]) -> tuple[str | None, int]:
        """(value, status) as the class's lookup function gives them."""
        if not self.state and not self.ensure_open(eng):
            return None, EX_OK
        if self.state == "invalid":
            return None, EX_OK
        if self.state == "bogus":
            return None, EX_TEMPFAIL
        c = self.mclass
        if c in ("hash", "btree", "dbm", "implicit", "cdb"):
            return self._db_lookup(eng, key, av)
        if c == "text":
            return self._text_lookup(eng, key, av)
        if c == "host":
            return self._host_lookup(eng, key, av)
        if c == "dequote":
            return _dequote(self, key)
        if c == "macro":
            if not key:
                return None, EX_CONFIG
            eng.set_macro_by_name(key, av[1] if len(av) > 1 else None)
            return "", EX_OK
        if c == "arith":
            return _arith(key, av)
        if c == "regex":
            return self._regex_lookup(key, av)
        if c == "sequence":
            return self._sequence(eng, key, av)
        if c == "switch":
            return self._sequence(eng, key, av)
        if c == "user":
            return self._user_lookup(eng, key, av)
        if c in ("dns", "bestmx"):
            return self._dns_lookup(eng, key, av)
        if c == "null" or c == "stab":
            return None, EX_OK
        if c in NETWORK_CLASSES or c not in KNOWN_CLASSES:
            table = eng.env.tables.get(self.name)
            if table is None:
                eng.notes.append(f"map {self.name} ({c}): not available here")
                return None, EX_UNAVAILABLE
            k = key if self.nofold else key.lower()
            for tk, tv in table.items():
                if (tk if self.nofold else tk.lower()) == k:
                    return self.rewrite(key if self.matchonly else tv, av), EX_OK
            return None, EX_NOTFOUND
        return None, EX_NOTFOUND

    # -- helpers -------------------------------------------------------------
    def source_line(self, key: str) -> int:
        """The line of ``key`` in the map's source file (0: unknown)."""
        return self.source_lines.get(key if self.nofold else key.lower(), 0)

    def rewrite(self, s: str, av: list[str] | None) -> str:
        """map_rewrite(): ``%0``-``%9`` from the arguments, then the ``-a`` suffix."""
        if av is not None and "%" in s:
            out: list[str] = []
            i = 0
            n = len(s)
            while i < n:
                c = s[i]
                i += 1
                if c != "%":
                    out.append(c)
                    continue
                if i >= n:
                    out.append("%")
                    continue
                c = s[i]
                i += 1
                if c == "%":
                    out.append("%")
                    continue
                if not c.isdigit():
                    out.append("%" + c)
                    continue
                idx = ord(c) - ord("0")
                if idx < len(av) and av[idx] is not None:
                    out.append(av[idx])
            s = "".join(out)
        if self.app is not None:
            s += self.app
        return s

    def _load(self, eng: Engine) -> None:
        if self.data is not None or self.open_error is not None:
            return
        if self.mclass == "text":
            path = eng.resolve_path(self.file)
            if not os.path.exists(path):
                self.open_error = (
                    f'text map "{self.name}": unsafe map file {path}: No such file or directory'
                )
            self.data = {}
            return
        data: dict[str, str] = {}
        path = eng.resolve_path(self.file)
        dbpath = path if path.endswith(".db") else path + ".db"
        try:
            if eng.read_db is not None and os.path.exists(dbpath):
                with open(dbpath, "rb") as f:
                    raw = f.read()
                for k, v in eng.read_db(raw):
                    data[k.decode("latin-1")] = v.decode("latin-1")
                if os.path.exists(path if not path.endswith(".db") else path[:-3]):
                    self._source(path if not path.endswith(".db") else path[:-3], None)
            elif os.path.exists(path if not path.endswith(".db") else path[:-3]):
                src = path if not path.endswith(".db") else path[:-3]
                self._source(src, data)
            else:
                self.open_error = (
                    f'{self.mclass} map "{self.name}": missing map file {dbpath}: '
                    "No such file or directory"
                )
                self.data = {}
                return
        except (OSError, ValueError) as exc:
            self.open_error = f'{self.mclass} map "{self.name}": {exc}'
            self.data = {}
            return
        self.data = data

    def _source(self, path: str, into: dict[str, str] | None) -> None:
        """makemap's reading of the source: key, blanks, value; keys folded unless -f."""
        self.source_path = path
        with open(path, encoding="latin-1") as f:
            for n, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line or line.startswith("#"):
                    continue
                m = re.match(r"(\S+)\s*(.*)", line)
                if m is None:
                    continue
                k = m.group(1) if self.nofold else m.group(1).lower()
                self.source_lines.setdefault(k, n)
                if into is not None and k not in into:
                    into[k] = m.group(2)

    def _db_lookup(self, eng: Engine, key: str, av: list[str]) -> tuple[str | None, int]:
        self._load(eng)
        if self.open_error is not None:
            if self.optional:
                return None, EX_NOTFOUND
            return None, EX_UNAVAILABLE
        assert self.data is not None
        k = key if self.nofold else key.lower()
        val = None
        if self.try0:
            val = self.data.get(k)
            if val is not None:
                self.try1 = False
        if val is None and self.try1:
            val = self.data.get(k + "\0")
            if val is not None:
                self.try0 = False
                val = val[:-1] if val.endswith("\0") else val
        if val is None:
            return None, EX_OK
        if val.endswith("\0"):
            val = val[:-1]
        if self.matchonly:
            return self.rewrite(key, None), EX_OK
        return self.rewrite(val, av), EX_OK

    def _text_lookup(self, eng: Engine, key: str, av: list[str]) -> tuple[str | None, int]:
        path = eng.resolve_path(self.file)
        if self.mclass == "text" and not os.path.exists(path):
            return None, EX_NOTFOUND
        try:
            with open(path, encoding="latin-1") as f:
                lines = f.read().splitlines()
        except OSError:
            return None, EX_NOTFOUND if self.optional else EX_UNAVAILABLE
        kcol = int(self.keycol) if self.keycol and self.keycol.isdigit() else 0
        vcol = int(self.valcol) if self.valcol and self.valcol.isdigit() else 1
        k = key if self.nofold else key.lower()
        self.source_path = path
        for n, line in enumerate(lines, 1):
            if not line or line.startswith("#"):
                continue
            cols = line.split(self.coldelim) if self.coldelim else line.split()
            if kcol >= len(cols):
                continue
            ck = cols[kcol] if self.nofold else cols[kcol].lower()
            if ck != k:
                continue
            self.source_lines.setdefault(ck, n)
            if self.matchonly:
                return self.rewrite(key, None), EX_OK
            if vcol >= len(cols):
                return None, EX_NOTFOUND
            return self.rewrite(cols[vcol], av), EX_OK
        return None, EX_NOTFOUND

    def _host_lookup(self, eng: Engine, key: str, av: list[str]) -> tuple[str | None, int]:
        if key.startswith("["):
            end = key.find("]")
            if end < 0:
                return None, EX_NOTFOUND
            addr = key[1:end]
            names = eng.env.resolver.names(addr)
            if not names:
                return None, EX_NOTFOUND
            return self.rewrite(key if self.matchonly else names[0], av), EX_OK
        canon, status = eng.canonname(key)
        if canon is None:
            return None, status
        return self.rewrite(key if self.matchonly else canon, av), EX_OK

    def _regex_lookup(self, key: str, av: list[str]) -> tuple[str | None, int]:
        if self.regex is None:
            return None, EX_OK
        m = self.regex.search(key)
        if self.regex_not:
            if m is None:
                return self.rewrite(key, av), EX_OK
            return None, EX_OK
        if m is None:
            return None, EX_OK
        if self.valcol is not None:
            parts = []
            for idx in self.valcol.split(","):
                if idx.isdigit() and int(idx) <= (self.regex.groups or 0):
                    g = m.group(int(idx))
                    if g is not None:
                        parts.append(g)
            return self.rewrite(self.regex_delim.join(parts), av), EX_OK
        return self.rewrite(key, av), EX_OK

    def _sequence(self, eng: Engine, key: str, av: list[str]) -> tuple[str | None, int]:
        status = EX_NOTFOUND
        names = self.rest.split() if self.mclass == "sequence" else []
        if self.mclass == "switch":
            names = [f"{self.rest.strip()}.{s}" for s in ("files",)]
        for n in names:
            sub = eng.maps.get(n.lower())
            if sub is None:
                continue
            val, st = sub.lookup(eng, key, av)
            if val is not None:
                return val, st
            if st == EX_TEMPFAIL:
                status = st
        return None, status if status == EX_TEMPFAIL else EX_NOTFOUND

    def _user_lookup(self, eng: Engine, key: str, av: list[str]) -> tuple[str | None, int]:
        entry = eng.env.users().get(key)
        if entry is None:
            return None, 67
        if self.matchonly or self.valcol is None:
            return self.rewrite(key, av), EX_OK
        cols = {"name": 0, "passwd": 1, "uid": 2, "gid": 3, "gecos": 4, "dir": 5, "shell": 6}
        idx = cols.get(self.valcol.lower(), int(self.valcol) if self.valcol.isdigit() else 0)
        return self.rewrite(list(entry)[idx] if idx < len(entry) else "", av), EX_OK

    def _dns_lookup(self, eng: Engine, key: str, av: list[str]) -> tuple[str | None, int]:
        if self.mclass == "bestmx":
            mx = eng.env.resolver.mx(key)
            if not mx:
                return None, EX_NOTFOUND
            return self.rewrite(key if self.matchonly else mx[0], av), EX_OK
        rtype = "A"
        m = re.search(r"-R\s*(\S+)", self.args)
        if m:
            rtype = m.group(1).upper()
        res = eng.env.resolver
        got = res.mx(key) if rtype == "MX" else res.addresses(key)
        if not got:
            return None, EX_NOTFOUND
        return self.rewrite(key if self.matchonly else got[0], av), EX_OK


def parse_map(name: str, mclass: str, args: str) -> CfMapRuntime:
    """map_parseargs(): the ``-x`` flags, then the file, then the rest."""
    m = CfMapRuntime(name=name, mclass=mclass, args=args)
    if mclass == "dequote":
        m.keepquotes = True
    p = args
    i = 0
    n = len(p)
    while True:
        while i < n and p[i].isspace():
            i += 1
        if i >= n or p[i] != "-":
            break
        j = i
        while j < n and not p[j].isspace():
            j += 1
        word = p[i + 1 : j]
        i = j
        if not word:
            continue
        f, val = word[0], word[1:]
        if mclass == "regex" and f in "nbsdDaSqf" and f not in "aSqD":
            # regex_map_init's own flags
            if f == "n":
                m.regex_not = True
            elif f == "f":
                m.nofold = True
            elif f == "d":
                m.regex_delim = val or " "
            continue
        if f == "A":
            m.append = True
        elif f == "a":
            m.app = val
        elif f == "f":
            m.nofold = True
        elif f == "k":
            m.keycol = val
        elif f == "m":
            m.matchonly = True
        elif f == "N":
            m.inclnull = True
            m.try0 = False
        elif f == "O":
            m.try1 = False
        elif f == "o":
            m.optional = True
        elif f == "q":
            m.keepquotes = True
        elif f == "S":
            m.spacesub = val[:1]
        elif f == "T":
            m.tapp = val
        elif f == "t":
            m.nodefer = True
        elif f == "v":
            m.valcol = val
        elif f == "s":
            if mclass == "regex":
                m.valcol = val
            elif mclass == "dequote":
                m.spacesub = val[:1]
        elif f == "z":
            if val.startswith("\\") and len(val) > 1:
                m.coldelim = {"n": "\n", "t": "\t"}.get(val[1], "\\")
            else:
                m.coldelim = val[:1] or None
        elif f == "R" and mclass == "dns":
            if not val:  # dns_map_parseargs() skips blanks: `-R A` (as dnsbl.m4 writes it)
                while i < n and p[i].isspace():
                    i += 1
                while i < n and not p[i].isspace():
                    i += 1
            continue
        # other flags (-D -d -l -r -1 -b ...) change nothing the rules can see
    rest = p[i:]
    if mclass == "regex":
        pattern = rest.strip()
        flags = 0 if m.nofold else re.IGNORECASE
        try:
            m.regex = re.compile(_posix_to_python(pattern), flags)
        except re.error as exc:
            m.problems.append(f"pattern-compile-error: {exc}")
        return m
    if mclass in ("sequence", "switch"):
        m.rest = rest
        return m
    words = rest.split(None, 1)
    if words:
        m.file = words[0]
        m.rest = words[1] if len(words) > 1 else ""
    if not m.file and mclass in NEEDS_FILE:
        m.problems.append(f"No file name for {mclass} map {name}")
    return m


def _posix_to_python(pattern: str) -> str:
    out = pattern
    for cls, rep in (
        ("[:alpha:]", "a-zA-Z"),
        ("[:digit:]", "0-9"),
        ("[:alnum:]", "a-zA-Z0-9"),
        ("[:space:]", r"\s"),
        ("[:upper:]", "A-Z"),
        ("[:lower:]", "a-z"),
        ("[:punct:]", r"!-/:-@\[-`{-~"),
    ):
        out = out.replace(cls, rep)
    return out


def _dequote(m: CfMapRuntime, name: str) -> tuple[str | None, int]:
    out: list[str] = []
    angle = cmnt = quotes = spaces = 0
    quotemode = bslash = False
    sub = m.spacesub
    for c in name:
        if bslash:
            bslash = False
            out.append(c)
            continue
        if c == " " and sub:
            c = sub
        if c == "\\":
            bslash = True
        elif c == "(":
            cmnt += 1
        elif c == ")":
            cmnt -= 1
            if cmnt < 0:
                return None, EX_OK
        elif c in " \t":
            spaces += 1
        if cmnt > 0:
            out.append(c)
            continue
        if c == '"':
            quotemode = not quotemode
            quotes += 1
            continue
        if c == "<":
            angle += 1
        elif c == ">":
            angle -= 1
            if angle < 0:
                return None, EX_OK
        out.append(c)
    if angle or cmnt or bslash or quotemode or quotes <= 0 or spaces:
        return None, EX_OK
    return m.rewrite("".join(out), None), EX_OK


def _strtol(s: str) -> int:
    s = s.strip()
    m = re.match(r"[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)", s)
    if m is None:
        return 0
    t = m.group(0)
    sign = -1 if t.startswith("-") else 1
    t = t.lstrip("+-")
    if t.lower().startswith("0x"):
        return sign * int(t, 16)
    if t.startswith("0") and len(t) > 1:
        return sign * int(t, 8)
    return sign * int(t)


def _arith(name: str, av: list[str]) -> tuple[str | None, int]:
    vals = [_strtol(a) for a in av[1:3]]
    if not name or len(vals) < 2:
        return None, EX_CONFIG
    a, b = vals
    op = name[0]
    if op in "/%" and b == 0:
        return None, EX_OK
    if op == "l":
        return ("TRUE" if a < b else "FALSE"), EX_OK
    if op == "=":
        return ("TRUE" if a == b else "FALSE"), EX_OK
    ops: Mapping[str, Callable[[int, int], int]] = {
        "|": lambda x, y: x | y,
        "&": lambda x, y: x & y,
        "%": lambda x, y: int(abs(x) % abs(y)) * (1 if x >= 0 else -1),
        "+": lambda x, y: x + y,
        "-": lambda x, y: x - y,
        "*": lambda x, y: x * y,
        "/": lambda x, y: int(x / y),
    }
    fn = ops.get(op)
    if fn is None:
        if op == "r":
            return str(a), EX_OK
        return None, EX_CONFIG
    return str(fn(a, b)), EX_OK
