"""sendmail's internal string form, its tokenizer and its printer (parseaddr.c, macro.c, util.c).

sendmail turns ``$x`` and friends into octets 0200-0237 when it reads the ``.cf``;
here those octets are the characters ``U+E080``-``U+E0FF`` (``code(0o201)``), so no
byte of an address (latin-1) can be taken for one. Long macro names (``${name}``)
get ids from ``0o240`` up, as sendmail gives them.

>>> t = Tokenizer(".:%@!^/[]+")
>>> t.prescan("Joe Bloggs <joe@example.com> (x)")
['Joe', 'Bloggs', '<', 'joe', '@', 'example', '.', 'com', '>']
>>> t.prescan('"a b"@c')
['"a b"', '@', 'c']
"""

from __future__ import annotations

import re

import attrs

BASE = 0xE000
_NEVER = re.compile("(?!)")


def code(octet: int) -> str:
    """The character standing for sendmail's internal octet ``octet`` (0o200-0o377)."""
    return chr(BASE + octet)


MATCHZANY = code(0o220)
MATCHANY = code(0o221)
MATCHONE = code(0o222)
MATCHCLASS = code(0o223)
MATCHNCLASS = code(0o224)
MATCHREPL = code(0o225)
CANONNET = code(0o226)
CANONHOST = code(0o227)
CANONUSER = code(0o230)
CALLSUBR = code(0o231)
CONDIF = code(0o232)
CONDELSE = code(0o233)
CONDFI = code(0o234)
HOSTBEGIN = code(0o235)
HOSTEND = code(0o236)
LOOKUPBEGIN = code(0o205)
LOOKUPEND = code(0o206)
MACROEXPAND = code(0o201)
MACRODEXPAND = code(0o202)
MATCHZERO = CANONHOST

META_MACROS: dict[str, str] = {
    "*": MATCHZANY, "+": MATCHANY, "-": MATCHONE, "=": MATCHCLASS, "~": MATCHNCLASS,
    "#": CANONNET, "@": CANONHOST, ":": CANONUSER, ">": CALLSUBR,
    "?": CONDIF, "|": CONDELSE, ".": CONDFI,
    "[": HOSTBEGIN, "]": HOSTEND, "(": LOOKUPBEGIN, ")": LOOKUPEND,
    "&": MACRODEXPAND,
}  # fmt: skip
META_NAMES = {v: k for k, v in META_MACROS.items()}

OPR, ATM, QST, SPC, ONE, ILL = range(6)
_M = 0o20
_B = 0o40
_STATE: list[list[int]] = [
    [OPR | _B, ATM | _B, QST | _B, SPC | _M | _B, ONE | _B, ILL | _M | _B],
    [OPR | _B, ATM, QST | _B, SPC | _M | _B, ONE | _B, ILL | _M | _B],
    [QST, QST, OPR, QST, QST, QST],
    [OPR, ATM, QST, SPC | _M, ONE, ILL | _M | _B],
    [OPR, OPR, OPR, OPR, OPR, ILL | _M | _B],
    [OPR | _B, ATM | _B, QST | _B, SPC | _M | _B, ONE | _B, ILL | _M],
]
_ONE_CODES = {0o202, 0o223, 0o224, 0o225, 0o377}


def _int_high(octet: int) -> int:
    if octet in _ONE_CODES:
        return ONE
    return OPR if octet < 0o240 else ATM


def is_internal(c: str) -> bool:
    return BASE + 0o200 <= ord(c) <= BASE + 0o377


class AddressError(Exception):
    """prescan() refused an address: ``message`` is sendmail's usrerr text."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@attrs.define
class Tokenizer:
    """prescan() with one set of operator characters (``OperatorChars`` plus ``()<>,;``)."""

    operators: str
    errors: list[str] = attrs.field(factory=list)
    _ext: dict[str, int] = attrs.field(init=False, factory=dict)
    _noc: dict[str, int] = attrs.field(init=False, factory=dict)
    _int: dict[str, int] = attrs.field(init=False, factory=dict)
    _plain: re.Pattern[str] = attrs.field(init=False, default=_NEVER)
    _split: re.Pattern[str] = attrs.field(init=False, default=_NEVER)

    def __attrs_post_init__(self) -> None:
        ops = set(self.operators) | set("()<>,;")
        base = {}
        for i in range(128):
            c = chr(i)
            t = ATM
            if c in "\t\n\v\f\r ":
                t = SPC
            elif c == '"':
                t = QST
            elif c in "()":
                t = SPC
            if t == ATM and c in ops:
                t = OPR
            base[c] = t
        self._ext = dict(base)
        nocomment = dict(base)
        nocomment["("] = OPR
        nocomment[")"] = OPR
        self._noc = nocomment
        self._int = dict(base)
        # the fast path of prescan(): an ASCII address with no quote, backslash,
        # parenthesis or NUL is atoms (runs of atom characters) and single operators,
        # with white space between tokens dropped
        opr = "".join(sorted(c for c in ops if c.isascii() and c not in '()"\\\t\n\v\f\r '))
        cls = re.escape(opr)
        self._plain = re.compile('[^"\\\\()\\x00\\x80-\\U0010ffff]*')
        self._split = re.compile(f"[{cls}]|[^{cls}\\t\\n\\v\\f\\r ]+")

    def ctype(self, c: str, table: str = "ext") -> int:
        tab = self._int if table == "int" else self._noc if table == "noc" else self._ext
        t = tab.get(c)
        if t is not None:
            return t
        o = ord(c)
        if BASE + 0o200 <= o <= BASE + 0o377 and table != "ext":
            return _int_high(o - BASE)
        return ATM

    def atom_like(self, token: str) -> bool:
        """cataddr()'s test: is the token's first character an atom character (IntTokenTab)?"""
        return bool(token) and self.ctype(token[0], "int") == ATM

    def prescan(
        self, addr: str, delim: str = "\0", table: str = "ext", ignore: bool = False
    ) -> list[str]:
        """Tokens of ``addr`` up to ``delim``; raises :class:`AddressError` on bad syntax
        (after recording the messages sendmail prints in :attr:`errors`)."""
        toks, _ = self.prescan_delim(addr, delim, table, ignore)
        return toks

    def prescan_delim(
        self, addr: str, delim: str = "\0", table: str = "ext", ignore: bool = False
    ) -> tuple[list[str], int]:
        """prescan(): (tokens, index of the delimiter in ``addr``)."""
        if delim == "\0" and not ignore and self._plain.fullmatch(addr):
            angle = 0
            if "<" in addr or ">" in addr:
                for ch in addr:
                    if ch == "<":
                        angle += 1
                    elif ch == ">":
                        angle -= 1
                        if angle < 0:
                            break
            if angle == 0:
                toks = self._split.findall(addr)
                if len(toks) <= 1000:
                    return toks, len(addr)
        return self._prescan_states(addr, delim, table, ignore)

    def _prescan_states(
        self, addr: str, delim: str = "\0", table: str = "ext", ignore: bool = False
    ) -> tuple[list[str], int]:
        """prescan() character by character, through sendmail's state table."""
        tab = self._int if table == "int" else self._noc if table == "noc" else self._ext
        comment_paren = tab["("] == SPC
        av: list[str] = []
        q: list[str] = []
        bslash = False
        route = False
        cmnt = 0
        angle = 0
        state = ATM
        c: str | None = None
        p = 0
        n = len(addr)
        errors = self.errors
        while True:
            tok_start = len(q)
            while True:
                if c is not None and not bslash:
                    q.append(c)
                if p < n and addr[p] != "\0":
                    c = addr[p]
                    p += 1
                else:
                    c = ""
                    p = n + 1
                if c == "":
                    if ignore:
                        break
                    if state == QST:
                        errors.append("553 Unbalanced '\"'")
                        c = '"'
                    elif cmnt > 0:
                        errors.append("553 Unbalanced '('")
                        c = ")"
                    elif angle > 0:
                        c = ">"
                        errors.append("553 Unbalanced '<'")
                    else:
                        break
                    p = n
                elif c == delim and cmnt <= 0 and state != QST:
                    if angle <= 0:
                        break
                    if delim == "," and not route and not ignore:
                        errors.append("553 Unbalanced '<'")
                        c = ">"
                        p -= 1
                if bslash:
                    bslash = False
                    if cmnt > 0:
                        c = None
                        continue
                    elif c != "!" or state == QST:
                        q.append("\\")
                        continue
                if c == "\\":
                    bslash = True
                elif state == QST:
                    pass
                elif c == "(" and comment_paren:
                    cmnt += 1
                    c = None
                elif c == ")" and comment_paren:
                    if cmnt <= 0:
                        if not ignore:
                            errors.append("553 Unbalanced ')'")
                            c = None
                    else:
                        cmnt -= 1
                elif cmnt > 0:
                    c = None
                elif c == "<":
                    j = p
                    while j < n and addr[j] in " \t\n\r\f\v":
                        j += 1
                    if j < n and addr[j] == "@":
                        route = True
                    angle += 1
                elif c == ">":
                    if angle <= 0:
                        if not ignore:
                            errors.append("553 Unbalanced '>'")
                            c = None
                    else:
                        angle -= 1
                    route = False
                elif delim == " " and c in " \t\n\r\f\v":
                    c = " "
                if c is None:
                    continue
                if c == delim and angle <= 0 and state != QST:
                    break
                newstate = _STATE[state][self.ctype(c, table) if c else ATM]
                state = newstate & 0o17
                if state == ILL:
                    if 32 <= ord(c) < 127:
                        errors.append(f"553 Illegal character {c}")
                    else:
                        errors.append(f"553 Illegal character 0x{ord(c) & 0xFF:02x}")
                if newstate & _M:
                    c = None
                if newstate & _B:
                    break
            if len(q) != tok_start:
                av.append("".join(q[tok_start:]))
                if len(av) > 1000:
                    raise AddressError("553 5.1.0 prescan: too many tokens")
            if c == "" or (c == delim and angle <= 0):
                break
        return av, max(0, min(p - 1, len(addr)))


def xputs(s: str, macname: dict[str, str] | None = None) -> str:
    """How sendmail prints an internal string (``$#``, ``$=w``, ``$&{x}``, ...)."""
    out: list[str] = []
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        i += 1
        o = ord(c)
        if BASE + 0o200 <= o <= BASE + 0o377:
            if c == MATCHREPL:
                out.append("$")
                if i < n:
                    out.append(s[i])
                    i += 1
                continue
            if c in (MACROEXPAND, MACRODEXPAND):
                out.append("$")
                if c == MACRODEXPAND:
                    out.append("&")
                if i >= n:
                    continue
                if s[i] in "=~&?":
                    out.append(s[i])
                    i += 1
                if i < n:
                    out.append(_macname_print(s[i], macname))
                    i += 1
                continue
            meta = META_NAMES.get(c)
            if meta is not None:
                out.append("$" + meta)
                if c in (MATCHCLASS, MATCHNCLASS) and i < n:
                    out.append(_macname_print(s[i], macname))
                    i += 1
                continue
            out.append("M-")
            c = chr((o - BASE) & 0o177)
        if 32 <= ord(c) < 127:
            out.append(c)
        elif c == "\n":
            out.append("\\n")
        elif c == "\r":
            out.append("\\r")
        elif c == "\t":
            out.append("\\t")
        elif ord(c) < 32:
            out.append("^" + chr(ord(c) ^ 0o100))
        elif ord(c) == 127:
            out.append("^?")
        else:
            out.append(c)
    return "".join(out)


def _macname_print(c: str, names: dict[str, str] | None) -> str:
    if is_internal(c):
        name = (names or {}).get(c)
        return "{" + (name if name is not None else "***UNDEFINED MACRO***") + "}"
    return c
