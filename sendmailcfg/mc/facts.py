r"""Facts about one ``.mc`` file (or a folder's set) that m4 and cf.m4 decide.

Which ``define`` wins, which FEATUREs a shipped ``OSTYPE()``/``DOMAIN()`` file
adds, which map file a table FEATURE makes sendmail open, which names are the
host's own, which mailers a ``MAILER()`` defines: each is answered once, for the
linter, the whole-configuration model and callers alike. The reading itself
(:func:`mc_facts`, :class:`McFacts`) lives beside the walk in
:mod:`sendmailcfg.mc.model` (``McModel.facts`` is it, computed once), the cf package's
tables in :mod:`sendmailcfg.mc.catalogue`; this module gathers them under one name and
adds what several ``.mc`` files of a folder say together (:class:`McSetFacts`).

>>> from sendmailcfg.mc import parse_mc
>>> f = mc_facts(parse_mc("OSTYPE(`linux')dnl\nFEATURE(`mailertable')dnl\n"))
>>> [(c.name, c.first, c.line) for c in f.features()]  # ostype/linux.m4 adds local_procmail
[('FEATURE', 'local_procmail', 1), ('FEATURE', 'mailertable', 2)]
>>> m = f.table_maps()[0]
>>> (m.feature, m.map_class, m.path, m.database, m.source)
('mailertable', 'hash', '/etc/mail/mailertable', '/etc/mail/mailertable.db', 'mailertable')
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

import attrs

from sendmailcfg.mc.catalogue import (
    BUILTIN_MAILERS,
    CONF_MACROS,
    DEFAULT_CW_FILE,
    DEFAULTS,
    DOMAINS,
    FEATURE_OF_KIND,
    FEATURES,
    FILE_MAP_CLASSES,
    HACKS,
    IMPLIED_FEATURES,
    LOCALHOST_NAMES,
    MAILER_FILES,
    MX_MAILERS,
    NON_FILE_SPECS,
    OBSOLETE_FEATURES,
    OBSOLETE_MACROS,
    OSTYPES,
    OTHER_MACROS,
    RELAY_MACROS,
    TABLE_FEATURES,
    MapSpec,
    database_file,
    looks_up_mx,
    parse_map_spec,
    relay_target,
)
from sendmailcfg.mc.model import (
    MAX_INCLUDE_DEPTH,
    NOT_READ,
    Call,
    Included,
    IncludeReader,
    McFacts,
    Unmodelled,
    class_w_lines,
    diversion_at,
    mc_facts,
    unmodelled,
)

__all__ = [
    "BUILTIN_MAILERS",
    "CONF_MACROS",
    "DEFAULTS",
    "DEFAULT_CW_FILE",
    "DOMAINS",
    "FEATURES",
    "FEATURE_OF_KIND",
    "FILE_MAP_CLASSES",
    "HACKS",
    "IMPLIED_FEATURES",
    "LOCALHOST_NAMES",
    "MAILER_FILES",
    "MAX_INCLUDE_DEPTH",
    "MX_MAILERS",
    "NON_FILE_SPECS",
    "NOT_READ",
    "OBSOLETE_FEATURES",
    "OBSOLETE_MACROS",
    "OSTYPES",
    "OTHER_MACROS",
    "RELAY_MACROS",
    "TABLE_FEATURES",
    "Call",
    "IncludeReader",
    "Included",
    "MapSpec",
    "McFacts",
    "McSetFacts",
    "Unmodelled",
    "class_w_lines",
    "daemon_options",
    "database_file",
    "diversion_at",
    "ineffective_mailer_defines",
    "looks_up_mx",
    "mailer_of_macro",
    "mc_facts",
    "parse_map_spec",
    "relay_target",
    "unmodelled",
]

# -- several .mc files -----------------------------------------------------------------------


@attrs.frozen
class McSetFacts:
    r"""The ``.mc`` files of one configuration folder together (an empty set knows nothing).

    >>> from sendmailcfg.mc import parse_mc
    >>> s = McSetFacts((mc_facts(parse_mc("FEATURE(`access_db')dnl\n"), "sendmail.mc"),))
    >>> s.present, s.has_feature("access_db"), s.has_feature("mailertable")
    (True, True, False)
    """

    mcs: tuple[McFacts, ...]

    @classmethod
    def of(cls, facts: Iterable[McFacts]) -> McSetFacts:
        return cls(tuple(facts))

    @property
    def present(self) -> bool:
        """Whether the set has any ``.mc`` file (cross-file facts need one)."""
        return bool(self.mcs)

    @property
    def opaque(self) -> bool:
        """Whether a site-specific DOMAIN()/HACK() file may declare FEATUREs we cannot see."""
        return any(mc.opaque for mc in self.mcs)

    def feature_calls(self, name: str) -> Iterator[tuple[McFacts, Call]]:
        for mc in self.mcs:
            for c in mc.features(name):
                yield mc, c

    def has_feature(self, name: str) -> bool:
        return any(mc.has_feature(name) for mc in self.mcs)

    def feature_has_option(self, feature: str, option: str, *, start: int = 2) -> bool:
        return any(mc.feature_has_option(feature, option, start=start) for mc in self.mcs)

    def defines_value(self, macro: str) -> str | None:
        """The value the first ``.mc`` defining ``macro`` gives it (None if none does)."""
        for mc in self.mcs:
            value = mc.defined_value(macro)
            if value is not None:
                return value
        return None

    def declared_mailers(self) -> set[str]:
        """Mailer names any ``.mc`` of the set makes available, lower case."""
        out: set[str] = set(BUILTIN_MAILERS)
        for mc in self.mcs:
            out |= mc.declared_mailers()
        return out


_DAEMON_KEYS = {
    "a": "addr",
    "f": "family",
    "i": "inputmailfilters",
    "l": "listen",
    "m": "modifiers",
    "n": "name",
    "p": "port",
    "r": "receivesize",
    "s": "sendsize",
}


def daemon_options(text: str) -> dict[str, str]:
    """The fields of a ``DAEMON_OPTIONS``/``CLIENT_OPTIONS`` value as sendmail reads them.

    sendmail looks at the first letter of each key only (``daemon.c``), so
    ``address=``, ``Addr=`` and ``A=`` are all the address and ``M=O`` is
    ``Modifiers=O``; a later field replaces an earlier one, so of ``M=O, M=E``
    only ``E`` is left (``sendmail -d37.1`` prints the flags it ends up with).

    >>> daemon_options("Family=inet6, address=::1, Name=MTA6, M=O, M=E")
    {'family': 'inet6', 'addr': '::1', 'name': 'MTA6', 'modifiers': 'E'}
    """
    out: dict[str, str] = {}
    for part in text.split(","):
        key, sep, value = part.partition("=")
        key = key.strip()
        if not sep or not key:
            continue
        out[_DAEMON_KEYS.get(key[0].lower(), key.lower())] = value.strip()
    return out


# -- mailer macros defined too late ----------------------------------------------------------

_LATE_SUFFIXES = ("ARGS", "FLAGS", "MAX", "MAXMSGS", "MAXRCPTS", "PATH", "QGRP", "CHARSET")
_LATE_MACRO = re.compile(
    r"([A-Z0-9]+(?:_BB)?)_(?:MAILER|SHELL)_(" + "|".join(_LATE_SUFFIXES) + r")\Z"
)


def mailer_of_macro(name: str) -> str | None:
    """The MAILER() that reads ``name`` (``RELAY_MAILER_ARGS`` -> ``smtp``), or None.

    >>> mailer_of_macro("RELAY_MAILER_ARGS"), mailer_of_macro("LOCAL_SHELL_FLAGS")
    ('smtp', 'local')
    >>> mailer_of_macro("confAUTH_MECHANISMS") is None
    True
    """
    from sendmailcfg.mc.placement import MAILER_PREFIXES

    m = _LATE_MACRO.match(name)
    if m is None:
        return None
    return MAILER_PREFIXES.get(m.group(1))


def ineffective_mailer_defines(facts: McFacts) -> list[tuple[Call, Call]]:
    """``(define, MAILER)`` for each mailer macro defined after the ``MAILER()`` that reads it.

    m4 writes a mailer's ``M`` line when it reads ``MAILER()``: a later define is
    never read (the ``.cf`` keeps the earlier value or the default).

    >>> from sendmailcfg.mc.document import McDocument
    >>> doc = McDocument("MAILER(`smtp')dnl\\ndefine(`RELAY_MAILER_ARGS', `TCP $h 587')dnl\\n")
    >>> [(d.first, d.line, m.line) for d, m in ineffective_mailer_defines(mc_facts(doc, "x"))]
    [('RELAY_MAILER_ARGS', 2, 1)]
    """
    first_mailer: dict[str, Call] = {}
    out: list[tuple[Call, Call]] = []
    for c in facts.calls:
        if c.implied_by is not None:
            continue
        if c.name == "MAILER":
            first_mailer.setdefault(c.first.strip(), c)
        elif c.name == "define":
            mailer = mailer_of_macro(c.first.strip())
            if mailer is not None and mailer in first_mailer:
                out.append((c, first_mailer[mailer]))
    return out
