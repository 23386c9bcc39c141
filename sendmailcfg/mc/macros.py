"""Names that mean something to m4 or to sendmail's cf macros (measured with GNU m4 1.4.19).

``KNOWN_MACROS`` are the names defined once ``cf.m4`` is loaded (m4's ``dumpdef``
on sendmail-cf 8.17.1.9, without the ``_INTERNAL_`` ones): any of them written
as a bare word is expanded by m4, even inside a ``#`` line.

>>> "LOCAL_CONFIG" in SECTION_MACROS and "FEATURE" in KNOWN_MACROS
True
>>> "define" in BLIND_BUILTINS  # only a macro when followed by "("
True
"""

from __future__ import annotations

M4_BUILTINS = frozenset(
    [
        "builtin",
        "changecom",
        "changequote",
        "debugfile",
        "debugmode",
        "decr",
        "define",
        "defn",
        "divert",
        "divnum",
        "dnl",
        "dumpdef",
        "errprint",
        "esyscmd",
        "eval",
        "ifdef",
        "ifelse",
        "include",
        "incr",
        "index",
        "indir",
        "len",
        "m4exit",
        "m4wrap",
        "maketemp",
        "mkstemp",
        "patsubst",
        "popdef",
        "pushdef",
        "regexp",
        "shift",
        "sinclude",
        "substr",
        "syscmd",
        "sysval",
        "traceoff",
        "traceon",
        "translit",
        "undefine",
        "undivert",
        "__file__",
        "__gnu__",
        "__line__",
        "__program__",
        "__unix__",
    ]
)
"""GNU m4's builtins still defined after cfhead.m4 (it undefines ``format``)."""

BLIND_BUILTINS = frozenset(
    [
        "builtin",
        "decr",
        "define",
        "defn",
        "errprint",
        "esyscmd",
        "eval",
        "ifdef",
        "ifelse",
        "include",
        "incr",
        "index",
        "indir",
        "len",
        "m4wrap",
        "maketemp",
        "mkstemp",
        "patsubst",
        "popdef",
        "pushdef",
        "regexp",
        "shift",
        "sinclude",
        "substr",
        "syscmd",
        "translit",
        "undefine",
    ]
)
"""Builtins m4 recognises only when followed by ``(`` (a bare ``define`` is just text)."""

CF_MACROS = frozenset(
    [
        "ALIAS_FILE",
        "CANONIFY_DOMAIN",
        "CANONIFY_DOMAIN_FILE",
        "CF_LEVEL",
        "CLIENT_OPTIONS",
        "CONCAT",
        "DAEMON_OPTIONS",
        "DATABASE_MAP_TYPE",
        "DOL",
        "DOMAIN",
        "EXPOSED_USER",
        "EXPOSED_USER_FILE",
        "FEATURE",
        "GENERICS_DOMAIN",
        "GENERICS_DOMAIN_FILE",
        "HACK",
        "INPUT_MAIL_FILTER",
        "LDAPROUTE_DOMAIN",
        "LDAPROUTE_DOMAIN_FILE",
        "LDAPROUTE_EQUIVALENT",
        "LDAPROUTE_EQUIVALENT_FILE",
        "LOCAL_CLT_FEATURES",
        "LOCAL_CONFIG",
        "LOCAL_DNSBL",
        "LOCAL_DOMAIN",
        "LOCAL_NET_CONFIG",
        "LOCAL_RULESETS",
        "LOCAL_RULE_0",
        "LOCAL_RULE_1",
        "LOCAL_RULE_2",
        "LOCAL_RULE_3",
        "LOCAL_SRV_FEATURES",
        "LOCAL_TLS_CLIENT",
        "LOCAL_TLS_RCPT",
        "LOCAL_TLS_SERVER",
        "LOCAL_TRY_TLS",
        "LOCAL_USER",
        "LOCAL_USER_FILE",
        "LOCAL_UUCP",
        "MAILER",
        "MAILER_DEFINITIONS",
        "MAIL_FILTER",
        "MAIL_SETTINGS_DIR",
        "MASQUERADE_AS",
        "MASQUERADE_DOMAIN",
        "MASQUERADE_DOMAIN_FILE",
        "MASQUERADE_EXCEPTION",
        "MASQUERADE_EXCEPTION_FILE",
        "MODIFY_MAILER_FLAGS",
        "OSTYPE",
        "POPDIVERT",
        "PUSHDIVERT",
        "QUEUE_GROUP",
        "RELAY_DOMAIN",
        "RELAY_DOMAIN_FILE",
        "SITECONFIG",
        "TRUST_AUTH_MECH",
        "UUCPSMTP",
        "VERSIONID",
        "VIRTUSER_DOMAIN",
        "VIRTUSER_DOMAIN_FILE",
        "confALIAS_WAIT",
        "confBLANK_SUB",
        "confCHECK_ALIASES",
        "confCON_EXPENSIVE",
        "confCR_FILE",
        "confCW_FILE",
        "confDELIVERY_MODE",
        "confFORWARD_PATH",
        "confFROM_LINE",
        "confLOG_LEVEL",
        "confMAILER_NAME",
        "confMCI_CACHE_SIZE",
        "confMCI_CACHE_TIMEOUT",
        "confMILTER_MACROS_CONNECT",
        "confMILTER_MACROS_ENVFROM",
        "confMILTER_MACROS_ENVRCPT",
        "confMILTER_MACROS_EOM",
        "confMILTER_MACROS_HELO",
        "confMIME_FORMAT_ERRORS",
        "confMIN_FREE_BLOCKS",
        "confOLD_STYLE_HEADERS",
        "confOPERATORS",
        "confPRIVACY_FLAGS",
        "confRECEIVED_HEADER",
        "confSAFE_QUEUE",
        "confSEVEN_BIT_INPUT",
        "confSMTP_LOGIN_MSG",
        "confTEMP_FILE_MODE",
        "confTIME_ZONE",
        "confTO_QUEUERETURN",
        "confTO_QUEUEWARN",
        "confUSE_ERRORS_TO",
        "lower",
        "strcasecmp",
    ]
)
"""Macros sendmail's cf.m4/cfhead.m4 define (``conf*`` ones hold default option values)."""

KNOWN_MACROS = M4_BUILTINS | CF_MACROS
"""Every name that is a macro when the ``.mc`` starts (before its own defines)."""

BARE_MACROS = (M4_BUILTINS - BLIND_BUILTINS) | CF_MACROS
"""Names m4 expands even when written without ``(...)``."""

SECTION_MACROS: dict[str, int] = {
    "LOCAL_RULE_0": 3,
    "LOCAL_UUCP": 4,
    "LOCAL_RULE_1": 9,
    "LOCAL_RULE_2": 9,
    "LOCAL_RULESETS": 9,
    "LOCAL_SRV_FEATURES": 9,
    "LOCAL_CLT_FEATURES": 9,
    "LOCAL_TRY_TLS": 9,
    "LOCAL_TLS_RCPT": 9,
    "LOCAL_TLS_CLIENT": 9,
    "LOCAL_TLS_SERVER": 9,
    "LOCAL_RULE_3": 2,
    "LOCAL_CONFIG": 6,
    "MAILER_DEFINITIONS": 7,
    "LOCAL_DNSBL": 8,
    "LOCAL_NET_CONFIG": 1,
}
"""Macros that switch m4's output to a diversion of raw sendmail.cf text (cfhead.m4)."""

CLASS_MACROS = frozenset(
    [
        "LOCAL_DOMAIN",
        "RELAY_DOMAIN",
        "RELAY_DOMAIN_FILE",
        "MASQUERADE_AS",
        "MASQUERADE_DOMAIN",
        "MASQUERADE_DOMAIN_FILE",
        "MASQUERADE_EXCEPTION",
        "MASQUERADE_EXCEPTION_FILE",
        "EXPOSED_USER",
        "EXPOSED_USER_FILE",
        "LOCAL_USER",
        "LOCAL_USER_FILE",
        "GENERICS_DOMAIN",
        "GENERICS_DOMAIN_FILE",
        "VIRTUSER_DOMAIN",
        "VIRTUSER_DOMAIN_FILE",
        "LDAPROUTE_DOMAIN",
        "LDAPROUTE_DOMAIN_FILE",
        "LDAPROUTE_EQUIVALENT",
        "LDAPROUTE_EQUIVALENT_FILE",
        "CANONIFY_DOMAIN",
        "CANONIFY_DOMAIN_FILE",
        "TRUST_AUTH_MECH",
    ]
)
"""Macros that add words to a sendmail class (``C{w}``, ``C{R}``, ...) or set MASQUERADE_AS."""

DANGEROUS_BUILTINS = frozenset(
    [
        "syscmd",
        "esyscmd",
        "include",
        "sinclude",
        "undivert",
        "maketemp",
        "mkstemp",
        "debugfile",
        "m4exit",
        "m4wrap",
        "builtin",
        "indir",
        "changequote",
        "changecom",
    ]
)
"""Builtins that reach outside the text stream or change m4's lexical rules
(sendmail-reference §7); ``undivert`` counts only with a non-numeric argument."""

MAILER_RANK: dict[str, int] = {"local": 0, "smtp": 1, "uucp": 2}
"""Relative order MAILER()s must keep: local first, smtp before uucp, the rest after."""
