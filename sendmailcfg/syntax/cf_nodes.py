r"""Lossless nodes of a ``sendmail.cf`` file: one frozen node per logical line.

A logical line is a physical line and the continuation lines after it (lines
that start with a space or a tab), as sendmail's ``readcf.c`` reads them.
Every node owns exactly the characters of its logical line, newline included
(the last line may have none): joining ``node.text`` gives the file back.
Fields are slices of the raw text (continuation newlines and a CR that is not
part of the final CRLF included); nothing here knows what a macro, an option
or a mailer means: that is :mod:`sendmailcfg.cf`'s business.

>>> r = CfRule("R$+ < @ $* >\t$#smtp $@ $2\tsend out\n", 12, 13, 25, 26)
>>> (r.lhs, r.rhs, r.comment, r.newline)
('$+ < @ $* >', '$#smtp $@ $2', 'send out', '\n')
>>> CfMacro("D{MTAHost}[127.0.0.1]\n", 10).name, CfMacro("Dj$w.example\n", 2).value
('MTAHost', '$w.example')
"""

from __future__ import annotations

from collections.abc import Callable

import attrs

SPACES = " \t\n\r\x0b\x0c"
"""What sendmail's ``SM_ISSPACE`` accepts (C's ``isspace`` on an ASCII byte)."""
LETTERS = "RSDHCTFMOPQVKEX"
"""The command letters sendmail 8.17's ``readcf.c`` knows (as Debian builds it)."""
MAX_RULESETS = 100
"""Numbered rulesets run from 0 to 99 (``MAXRWSETS / 2``)."""


def newline_of(text: str) -> str:
    r"""The newline that ends a logical line: ``"\r\n"``, ``"\n"`` or ``""``."""
    if text.endswith("\n"):
        return "\r\n" if text.endswith("\r\n") else "\n"
    return ""


def content_of(text: str) -> str:
    """The logical line without its final newline."""
    return text[: len(text) - len(newline_of(text))]


@attrs.frozen
class CfBlank:
    r"""An empty line (``"\n"`` or ``"\r\n"``): sendmail skips it."""

    text: str = "\n"

    @property
    def newline(self) -> str:
        return newline_of(self.text)


@attrs.frozen
class CfComment:
    """A line whose first character is ``#`` (continuation lines included)."""

    text: str

    @property
    def newline(self) -> str:
        return newline_of(self.text)


@attrs.frozen
class CfCommand:
    """A command line: its letter in column 1, then what follows (``rest``)."""

    text: str

    @property
    def letter(self) -> str:
        """The command letter (``R``, ``D``, ``O``, ...)."""
        return self.text[0]

    @property
    def content(self) -> str:
        """The line without its final newline."""
        return content_of(self.text)

    @property
    def rest(self) -> str:
        """Everything after the letter (without the final newline)."""
        return self.content[1:]

    @property
    def newline(self) -> str:
        return newline_of(self.text)


@attrs.frozen
class CfRule(CfCommand):
    r"""``R<lhs><tabs><rhs>[<tabs><comment>]``: a rewriting rule.

    Offsets into ``text``: the LHS is ``text[1:lhs_end]``, the RHS
    ``text[rhs_start:rhs_end]``, the comment ``text[comment_start:]`` less the newline.
    """

    lhs_end: int = 1
    rhs_start: int = 1
    rhs_end: int = 1
    comment_start: int = 1

    @property
    def lhs(self) -> str:
        """The left-hand side (the pattern), as written."""
        return self.text[1 : self.lhs_end]

    @property
    def rhs(self) -> str:
        """The right-hand side (the replacement), as written."""
        return self.text[self.rhs_start : self.rhs_end]

    @property
    def comment(self) -> str:
        """What follows the RHS after tabs (``""`` when nothing does)."""
        return self.content[self.comment_start :]


@attrs.frozen
class CfNamed(CfCommand):
    """A line whose letter is followed by a macro or class name: ``Dx``, ``C{name}``."""

    name_end: int = 1

    @property
    def name(self) -> str:
        """The name without braces: ``j`` for ``Dj...``, ``MTAHost`` for ``D{MTAHost}...``."""
        raw = self.text[1 : self.name_end]
        if raw.startswith("{") and raw.endswith("}") and len(raw) >= 2:
            return raw[1:-1]
        return raw

    @property
    def raw_name(self) -> str:
        """The name as written (braces included)."""
        return self.text[1 : self.name_end]

    @property
    def value(self) -> str:
        """What follows the name (without the final newline)."""
        return self.content[self.name_end :]


@attrs.frozen
class CfMacro(CfNamed):
    """``D<name><value>``: a macro definition."""


@attrs.frozen
class CfClass(CfNamed):
    """``C<name> <word> ...``: words put into a class."""

    @property
    def words(self) -> tuple[str, ...]:
        """The words, split at white space."""
        return tuple(_split_words(self.value))


@attrs.frozen
class CfClassFile(CfNamed):
    """``F<name> [-o] <file or |program or key@map> [scanf format]``: a class read from a file."""

    @property
    def spec(self) -> str:
        """Everything after the name, leading white space removed."""
        return self.value.lstrip(SPACES)


@attrs.frozen
class CfRuleset(CfCommand):
    """``S<number>`` or ``S<name>[=<number>]``: the rules that follow belong to this set."""

    @property
    def spec(self) -> str:
        """The ruleset as written, white space around it removed."""
        return self.rest.strip(SPACES)


@attrs.frozen
class CfOption(CfCommand):
    """``O<c><value>`` (a one-character option) or ``O <LongName>=<value>``."""

    @property
    def is_long(self) -> bool:
        """True for ``O LongName=value``."""
        return self.rest.startswith(" ")

    @property
    def name(self) -> str:
        """The option's name: one character, or the long name."""
        if not self.is_long:
            return self.rest[:1]
        return self.rest.partition("=")[0].strip(" ")

    @property
    def value(self) -> str:
        """The value as written (after ``=`` and spaces for a long option)."""
        if not self.is_long:
            return self.rest[1:]
        return self.rest.partition("=")[2].lstrip(" ")


@attrs.frozen
class CfHeader(CfCommand):
    """``H[?flags?]Name: value``: a header sendmail adds."""


@attrs.frozen
class CfMailer(CfCommand):
    """``M<name>, P=..., F=..., A=...``: a mailer definition."""

    @property
    def name(self) -> str:
        """The mailer's name (up to a comma or white space)."""
        return _leading_word(self.rest, ", \t\n\r\x0b\x0c")


@attrs.frozen
class CfPrecedence(CfCommand):
    """``P<name>=<value>``: a precedence."""


@attrs.frozen
class CfQueue(CfCommand):
    """``Q<name>, P=..., ...``: a queue group."""

    @property
    def name(self) -> str:
        """The queue group's name (up to a comma or white space)."""
        return _leading_word(self.rest, ", \t\n\r\x0b\x0c")


@attrs.frozen
class CfTrusted(CfCommand):
    """``T<user> ...``: trusted users (class ``t``)."""

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(_split_words(self.rest))


@attrs.frozen
class CfVersion(CfCommand):
    """``V<level>[/<vendor>]``: the configuration's syntax version."""


@attrs.frozen
class CfMapDef(CfCommand):
    """``K<name> <class> <arguments>``: a map (keyed lookup)."""

    @property
    def name(self) -> str:
        """The map's name (up to white space)."""
        return _leading_word(self.rest.lstrip(SPACES), SPACES)


@attrs.frozen
class CfEnv(CfCommand):
    """``E<name>[=<value>]``: an environment variable for delivery programs."""


@attrs.frozen
class CfFilter(CfCommand):
    """``X<name>, S=..., F=..., T=...``: a mail filter (milter)."""

    @property
    def name(self) -> str:
        return _leading_word(self.rest, ", \t\n\r\x0b\x0c")


@attrs.frozen
class CfErrorLine:
    """A logical line sendmail refuses, kept verbatim so the file still round-trips.

    ``offset`` (0-based, into ``text``) is where the problem is; ``message`` is
    sendmail's own wording (``unknown configuration line "..."``, ...).
    """

    text: str
    code: str
    offset: int
    message: str
    expected: str = ""

    @property
    def newline(self) -> str:
        return newline_of(self.text)


CfLine = CfBlank | CfComment | CfCommand | CfErrorLine
"""Any node of a ``.cf`` file: a command is one of :class:`CfRule`, :class:`CfMacro`,
:class:`CfClass`, :class:`CfClassFile`, :class:`CfRuleset`, :class:`CfOption`,
:class:`CfHeader`, :class:`CfMailer`, :class:`CfPrecedence`, :class:`CfQueue`,
:class:`CfTrusted`, :class:`CfVersion`, :class:`CfMapDef`, :class:`CfEnv`, :class:`CfFilter`."""

PLAIN_CLASSES: dict[str, type[CfCommand]] = {
    "S": CfRuleset,
    "H": CfHeader,
    "M": CfMailer,
    "O": CfOption,
    "P": CfPrecedence,
    "Q": CfQueue,
    "T": CfTrusted,
    "V": CfVersion,
    "K": CfMapDef,
    "E": CfEnv,
    "X": CfFilter,
}
"""The node class of each letter followed by free text."""
NAMED_CLASSES: dict[str, type[CfNamed]] = {"D": CfMacro, "C": CfClass, "F": CfClassFile}
"""The node class of each letter followed by a macro or class name."""

BLANK = CfBlank("\n")


def _split_words(text: str) -> list[str]:
    return [w for w in _split_on(text, SPACES) if w]


def _split_on(text: str, seps: str) -> list[str]:
    out: list[str] = []
    word: list[str] = []
    for ch in text:
        if ch in seps:
            out.append("".join(word))
            word = []
        else:
            word.append(ch)
    out.append("".join(word))
    return out


def _leading_word(text: str, stops: str) -> str:
    for i, ch in enumerate(text):
        if ch in stops:
            return text[:i]
    return text


# -- what sendmail refuses ------------------------------------------------------------


def effective(content: str) -> str:
    r"""The line as ``readcf.c`` checks it: in-line ``#`` comments and trailing blanks gone.

    sendmail (``translate_dollars``, configuration level 3 and up) drops a ``#``
    that is not the first character, not ``$#`` and not ``\#``, with the blanks
    before it, up to the end of its physical line; then it strips trailing
    white space. ``\#`` becomes ``#``.

    >>> effective("DXvalue   # note\t")
    'DXvalue'
    >>> effective("R$*\t$#local $: $1\t\t")
    'R$*\t$#local $: $1'
    """
    if "#" not in content[1:]:
        return content.rstrip(SPACES) if content[-1:] in SPACES else content
    out: list[str] = []
    i = 0
    n = len(content)
    dollar = False  # the previous character was a macro-expansion $
    while i < n:
        ch = content[i]
        if ch == "#" and out and not dollar:
            if out[-1] == "\\":
                out[-1] = "#"
                i += 1
                continue
            while out and out[-1] in SPACES and out[-1] != "\n":
                out.pop()
            end = content.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch == "$" and not dollar and i + 1 < n:
            if content[i + 1] == "$":
                out.append("$")
                i += 2
                continue
            out.append(ch)
            dollar = True
            i += 1
            continue
        dollar = False
        out.append(ch)
        i += 1
    return "".join(out).rstrip(SPACES)


def _error(node: CfCommand | CfErrorLine, code: str, offset: int, message: str) -> CfErrorLine:
    return CfErrorLine(node.text, code, offset, message, EXPECTED.get(code, ""))


EXPECTED: dict[str, str] = {
    "unknown-line": f"a line starting with one of {' '.join(LETTERS)}, # or a blank line",
    "rule-tab": "a tab between the LHS and the RHS",
    "rule-null-lhs": "a pattern before the tab",
    "ruleset-name": "a ruleset number or a name of letters, digits and _",
    "ruleset-number": f"a ruleset number below {MAX_RULESETS}",
    "ruleset-definition": "a number after '='",
    "macro-name": "a one-character name or {name}",
    "macro-brace": "a closing } after the name",
    "macro-character": "letters, digits and _ in a {name}",
    "fileclass-file": "a file name, |program or key@map after the class name",
    "header": "Name: value",
    "queue-name": "a queue group name",
    "map-name": "a map name",
    "map-class": "a map class after the map name",
    "mailer-name": "a mailer name",
    "option-name": "an option letter, or a space and a long option name",
    "version": "a version level (a number)",
    "filter-name": "a mail filter name",
    "nul-byte": "text without NUL bytes (sendmail reads a line only up to one)",
}


def check_line(node: CfLine) -> CfLine:
    """``node``, or an error node when sendmail would refuse the line's shape.

    The one check both parsers apply (the grammar and the hand-written parser).
    Only the line's own shape is checked: whether a ruleset was selected before
    an ``R`` line, or an option name is known, is the semantic view's business.
    """
    if isinstance(node, CfBlank | CfComment | CfErrorLine):
        return node
    nul = node.text.find("\x00")
    if nul >= 0:
        return _error(node, "nul-byte", nul, "line holds a NUL byte")
    letter = node.text[0]
    eff = effective(node.content)
    problem = _SHAPE_CHECKS[letter](node, eff) if letter in _SHAPE_CHECKS else None
    return problem or node


def unknown_line(text: str) -> CfErrorLine:
    """The error node of a line whose first character is no command letter."""
    content = content_of(text)
    return CfErrorLine(
        text,
        "unknown-line",
        0,
        f'unknown configuration line "{content}"',
        EXPECTED["unknown-line"],
    )


def _check_rule(node: CfCommand, eff: str) -> CfErrorLine | None:
    tab = eff.find("\t")
    if tab < 0:
        return _error(node, "rule-tab", len(eff), f'invalid rewrite line "{eff}" (tab expected)')
    if tab == 1:
        return _error(node, "rule-null-lhs", 1, "R line: null LHS")
    return None


def _isdigit(ch: str) -> bool:
    return "0" <= ch <= "9"


def _isalnum_(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch == "_")


def _check_ruleset(node: CfCommand, eff: str) -> CfErrorLine | None:
    i = 1
    while i < len(eff) and eff[i] in SPACES:
        i += 1
    p = eff[i:]
    if not p or not p[0].isascii() or not (p[0].isalpha() or _isdigit(p[0])):
        return _error(node, "ruleset-name", i, f'invalid ruleset name: "{p[:20]}"')
    if _isdigit(p[0]):
        j = 0
        while j < len(p) and _isdigit(p[j]):
            j += 1
        number = int(p[:j])
        if number >= MAX_RULESETS:
            return _error(node, "ruleset-number", i, f"bad ruleset {number} ({MAX_RULESETS} max)")
        return None
    j = 0
    while j < len(p) and _isalnum_(p[j]):
        j += 1
    name = p[:j]
    k = j
    while k < len(p) and p[k] in SPACES:
        k += 1
    if k < len(p) and p[k] == "=":
        shown = p if k == j else name
        k += 1
        while k < len(p) and p[k] in SPACES:
            k += 1
        if k >= len(p) or not _isdigit(p[k]):
            return _error(
                node,
                "ruleset-definition",
                i + k,
                f'bad ruleset definition "{shown}" (number required after `=\')',
            )
        m = k
        while m < len(p) and _isdigit(p[m]):
            m += 1
        number = int(p[k:m])
        if number >= MAX_RULESETS:
            return _error(
                node,
                "ruleset-number",
                i + k,
                f'bad ruleset number {number} in "{shown}" ({MAX_RULESETS} max)',
            )
    return None


def _check_name(node: CfCommand, eff: str) -> CfErrorLine | None:
    p = eff[1:]
    if not p or p.startswith("{}"):
        return _error(node, "macro-name", 1, "Name required for macro/class")
    if p[0] != "{":
        return None
    close = p.find("}")
    inner = p[1:] if close < 0 else p[1:close]
    for k, ch in enumerate(inner):
        if not _isalnum_(ch):
            return _error(node, "macro-character", 2 + k, f"Invalid macro/class character {ch}")
    if close < 0:
        return _error(node, "macro-brace", len(eff), f"Unbalanced {{ on {inner}")
    return None


def _check_fileclass(node: CfCommand, eff: str) -> CfErrorLine | None:
    problem = _check_name(node, eff)
    if problem is not None:
        return problem
    p = eff[1:]
    rest = p[1:] if p[0] != "{" else p[p.find("}") + 1 :]
    rest = rest.lstrip(SPACES)
    if rest.startswith("-o"):
        k = 0
        while k < len(rest) and rest[k] not in SPACES:
            k += 1
        rest = rest[k:].lstrip(SPACES)
    if not rest:
        return _error(node, "fileclass-file", len(eff), "fileclass: missing file name")
    return None


def _check_header(node: CfCommand, eff: str) -> CfErrorLine | None:
    if ":" not in eff[1:]:
        return _error(node, "header", 1, f'header syntax error, line "{eff[1:]}"')
    return None


def _check_precedence(node: CfCommand, eff: str) -> CfErrorLine | None:
    if "=" not in eff[1:]:
        return _error(node, "unknown-line", 0, f'unknown configuration line "{eff}"')
    return None


def _named_check(code: str, message: str) -> Callable[[CfCommand, str], CfErrorLine | None]:
    def check(node: CfCommand, eff: str) -> CfErrorLine | None:
        name = _leading_word(eff[1:].lstrip(SPACES), ", \t\n\r\x0b\x0c")
        if not name:
            return _error(node, code, 1, message)
        return None

    return check


def _check_map(node: CfCommand, eff: str) -> CfErrorLine | None:
    words = _split_words(eff[1:])
    if not words:
        return _error(node, "map-name", 1, "readcf: config K line: no map name")
    if len(words) < 2:
        return _error(
            node,
            "map-class",
            len(eff),
            f"readcf: config K line, map {words[0]}: no map class",
        )
    return None


def _check_option(node: CfCommand, eff: str) -> CfErrorLine | None:
    if len(eff) < 2:
        return _error(node, "option-name", 1, "readcf: unknown option name 0x0")
    return None


def _check_version(node: CfCommand, eff: str) -> CfErrorLine | None:
    i = 1
    while i < len(eff) and eff[i] in SPACES:
        i += 1
    if i >= len(eff) or not _isdigit(eff[i]):
        return _error(node, "version", i, f'invalid argument to V line: "{eff[1:21]}"')
    return None


_SHAPE_CHECKS: dict[str, Callable[[CfCommand, str], CfErrorLine | None]] = {
    "R": _check_rule,
    "S": _check_ruleset,
    "D": _check_name,
    "C": _check_name,
    "F": _check_fileclass,
    "H": _check_header,
    "P": _check_precedence,
    "Q": _named_check("queue-name", "name required for queue"),
    "K": _check_map,
    "M": _named_check("mailer-name", "name required for mailer"),
    "O": _check_option,
    "V": _check_version,
    "X": _named_check("filter-name", "name required for mail filter"),
}
