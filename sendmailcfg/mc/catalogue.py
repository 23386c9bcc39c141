r"""What the cf package's files do when m4 reads them: one table per fact (and the small
readers of what they define: a map spec, a relay value).

Every room that needs one of these facts reads it here: :mod:`sendmailcfg.mc.placement`
(where ``set_define`` puts a define), lint's MC004 (a define after the statement that
already used it) and the model (:mod:`sendmailcfg.mc.facts`, :class:`~sendmailcfg.site.Site`).
The tests tie each table to the cf files themselves (``tests/test_mc_catalogue.py``).

>>> sorted(FEATURE_READS["DNSBL_MAP"])
['dnsbl']
>>> "mailertable" in FEATURE_READS["DATABASE_MAP_TYPE"]
True
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import attrs

from sendmailcfg.kinds import DECLARED

MAP_FEATURES = frozenset(
    [
        "access_db",
        "authinfo",
        "bcc",
        "bitdomain",
        "domaintable",
        "drac",
        "genericstable",
        "mailertable",
        "uucpdomain",
        "virtusertable",
    ]
)
"""FEATUREs whose K line (``DATABASE_MAP_TYPE MAIL_SETTINGS_DIR`name'``) m4 writes when the
FEATURE is read: both defines count as they are at that point of the ``.mc``."""

FEATURE_READS: Mapping[str, frozenset[str]] = {
    "DATABASE_MAP_TYPE": MAP_FEATURES,
    "MAIL_SETTINGS_DIR": MAP_FEATURES,
    "DNSBL_MAP": frozenset(["dnsbl"]),
    "LUSER_RELAY": frozenset(["preserve_luser_host"]),
    "PROCMAIL_MAILER_PATH": frozenset(["local_procmail"]),
    "confEBINDIR": frozenset(["local_lmtp", "smrsh"]),
}
"""define -> the FEATUREs that expand it when m4 reads them (``feature/*.m4``): a define
written after such a FEATURE comes too late for it (the rest of the ``conf*`` defines are
read at the end, by ``proto.m4``)."""


def features_reading(name: str) -> frozenset[str]:
    """The FEATUREs that read define ``name`` when they run (empty: read at the end).

    >>> sorted(features_reading("LUSER_RELAY")), features_reading("confMAX_HOP")
    (['preserve_luser_host'], frozenset())
    """
    return FEATURE_READS.get(name, frozenset())


# -- what the configuration model follows -------------------------------------------------

MODELLED_FEATURES = frozenset(
    [
        "always_add_domain",
        "domaintable",
        "generics_entire_domain",
        "genericstable",
        "limited_masquerade",
        "local_no_masquerade",
        "mailertable",
        "masquerade_entire_domain",
        "masquerade_envelope",
        "msp",
        "nocanonify",
        "nouucp",
        "nullclient",
        "stickyhost",
        "notsticky",
        "redirect",
        "use_cw_file",
        "virtuser_entire_domain",
        "virtusertable",
    ]
)
"""FEATUREs whose effect on ``route`` and ``sender`` the model (:mod:`sendmailcfg.site`)
follows."""

NEUTRAL_FEATURES = frozenset(
    [
        "accept_unqualified_senders",
        "accept_unresolvable_domains",
        "access_db",
        "allmasquerade",
        "authinfo",
        "badmx",
        "blacklist_recipients",
        "block_bad_helo",
        "blocklist_recipients",
        "check_cert_altnames",
        "check_other",
        "compat_check",
        "conncontrol",
        "delay_checks",
        "dnsbl",
        "enhdnsbl",
        "fips3",
        "greet_pause",
        "local_lmtp",
        "local_procmail",
        "lookupdotdomain",
        "loose_relay_check",
        "mtamark",
        "no_default_msa",
        "prefixmod",
        "promiscuous_relay",
        "queuegroup",
        "ratecontrol",
        "relay_based_on_MX",
        "relay_entire_domain",
        "relay_hosts_only",
        "relay_local_from",
        "relay_mail_from",
        "require_rdns",
        "rhsbl",
        "smrsh",
        "sts",
        "tls_failures",
        "tls_session_features",
        "use_client_ptr",
        "use_ct_file",
    ]
)
"""FEATUREs that change what an SMTP session accepts (access checks, limits, TLS, the
local mailer's program) but not where ruleset 0 sends a recipient nor how a sender is
rewritten: ``route`` and ``sender`` answer the same with or without them."""


FEATURE_DEFINES: Mapping[str, tuple[str, ...]] = {
    "nullclient": ("MAIL_HUB", "SMART_HOST", "MASQUERADE_AS"),
}
"""FEATURE -> the relay defines (and ``MASQUERADE_AS``) it sets to its first argument
(``feature/nullclient.m4``): a define of the same name earlier in the ``.mc`` is overridden,
a later one wins."""


IMPLIED_CLASS_MACROS: Mapping[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("DOMAIN", "generic"): (("EXPOSED_USER", "root"),),
}
"""Class macros a shipped file calls (``domain/generic.m4``: ``EXPOSED_USER(`root')``):
``(macro, argument) -> ((class macro, words), ...)``; the facts mark them implied."""


CLASS_OF_MACRO: Mapping[str, str] = {
    "LOCAL_DOMAIN": "w",
    "RELAY_DOMAIN": "R",
    "MASQUERADE_DOMAIN": "M",
    "MASQUERADE_EXCEPTION": "N",
    "EXPOSED_USER": "E",
    "LOCAL_USER": "L",
    "GENERICS_DOMAIN": "G",
    "VIRTUSER_DOMAIN": "VirtHost",
}
"""Class macros -> the sendmail class they add words to (``..._FILE``: a file of them)."""


# -- what the cf package ships ---------------------------------------------------------------

TABLE_FEATURES: dict[str, str] = {
    "access_db": "access",
    "authinfo": "authinfo",
    "bitdomain": "bitdomain",
    "domaintable": "domaintable",
    "genericstable": "genericstable",
    "mailertable": "mailertable",
    "uucpdomain": "uudomain",
    "virtusertable": "virtusertable",
}
"""FEATUREs whose first argument is a map spec -> the file name under MAIL_SETTINGS_DIR
they read when it is empty (``feature/*.m4``: ``DATABASE_MAP_TYPE MAIL_SETTINGS_DIR`name'``)."""

FEATURE_OF_KIND: dict[str, str] = {k.name: k.feature for k in DECLARED if k.feature}
"""Map kind -> the FEATURE that makes sendmail read it (:data:`sendmailcfg.kinds.DECLARED`)."""

FILE_MAP_CLASSES = frozenset({"hash", "btree", "dbm", "cdb", "implicit"})
"""Map classes whose database makemap builds from a text source (others: ldap, socket...)."""

NON_FILE_SPECS = frozenset({"LDAP", "ldap", "sequence", "socket", "nis", "nisplus", "dns"})
"""First words of a map spec that name no makemap file."""

IMPLIED_FEATURES: dict[tuple[str, str], tuple[str, ...]] = {
    ("DOMAIN", "generic"): ("redirect", "use_cw_file"),
    ("DOMAIN", "Berkeley.EDU"): ("redirect", "use_cw_file", "stickyhost"),
    ("FEATURE", "nullclient"): ("allmasquerade", "masquerade_envelope"),
    ("FEATURE", "msp"): ("no_default_msa",),
    ("OSTYPE", "linux"): ("local_procmail",),
    ("OSTYPE", "mklinux"): ("local_procmail",),
    ("OSTYPE", "solaris8"): ("local_lmtp",),
    ("OSTYPE", "solaris11"): ("local_lmtp",),
}
"""FEATUREs that the cf tree's own DOMAIN(), OSTYPE() and FEATURE() files declare."""

DOMAINS = frozenset(
    {
        "generic",
        "Berkeley.EDU",
        "CS.Berkeley.EDU",
        "EECS.Berkeley.EDU",
        "S2K.Berkeley.EDU",
        "berkeley-only",
        "debian-msp",
        "debian-mta",
    }
)
"""DOMAIN() files shipped with the cf tree (sites usually add their own)."""

HACKS = frozenset(
    {
        "cssubdomain",
        "xconnect",
        "debian_auth",
        "dnsblaccess",
        "msp_nullclient",
        "nodns",
        "spamtrap",
        "virthost_by_ip",
    }
)
"""HACK() files shipped with the cf tree (upstream and Debian)."""

MAILER_FILES: dict[str, tuple[str, ...]] = {
    "cyrus": ("cyrus", "cyrusbb"),
    "cyrusv2": ("cyrusv2",),
    "fax": ("fax",),
    "local": ("local", "prog"),
    "mail11": ("mail11",),
    "phquery": ("ph",),
    "pop": ("pop",),
    "procmail": ("procmail",),
    "qpage": ("qpage",),
    "smtp": ("smtp", "esmtp", "smtp8", "dsmtp", "relay"),
    "ssh": ("ssh",),
    "usenet": ("usenet",),
    "uucp": ("uucp", "uucp-old", "suucp", "uucp-new", "uucp-dom", "uucp-uudom"),
    "xagent": ("xagent",),
}
"""``MAILER(name)`` -> the mailer names (``M`` lines) it defines (``ssh``, ``xagent``: Debian)."""

BUILTIN_MAILERS = frozenset({"error", "discard", "local", "prog"})
"""Mailers every configuration has (MAILER(local) is added automatically)."""

MX_MAILERS = frozenset({"smtp", "esmtp", "smtp8", "dsmtp", "relay"})
"""Mailers with ``P=[IPC]`` that connect to a host name: sendmail looks up its MX records
unless it is in ``[brackets]`` (``cyrusv2`` is ``[IPC]`` too, but to a local socket;
``uucp-*``, ``procmail``... run a program and look nothing up)."""

RELAY_MACROS: dict[str, str] = {"SMART_HOST": "relay", "MAIL_HUB": "relay", "LOCAL_RELAY": "relay"}
"""Relay-host macros -> the mailer used when the value names none (``proto.m4``)."""

LOCALHOST_NAMES = frozenset({"localhost", "localhost.localdomain", "127.0.0.1", "[127.0.0.1]"})
"""Names that are every host's own."""

DEFAULTS: dict[str, str] = {
    "DATABASE_MAP_TYPE": "hash",
    "MAIL_SETTINGS_DIR": "/etc/mail/",
}
"""Values ``cfhead.m4`` gives before the ``.mc`` is read (the ``.mc`` may redefine them)."""

DEFAULT_CW_FILE = "local-host-names"


# -- names the cf package knows (sendmail 8.18.1 / 8.17.1.9, upstream cf tree plus Debian's
# extra files, from features.tsv, conf-macros.tsv and cf/ostype, cf/mailer) ----------------

FEATURES = frozenset(
    {
        "accept_unqualified_senders",
        "accept_unresolvable_domains",
        "access_db",
        "allmasquerade",
        "always_add_domain",
        "authinfo",
        "badmx",
        "bcc",
        "bestmx_is_local",
        "bitdomain",
        "blacklist_recipients",
        "block_bad_helo",
        "blocklist_recipients",
        "check_cert_altnames",
        "check_other",
        "compat_check",
        "conncontrol",
        "delay_checks",
        "dnsbl",
        "domaintable",
        "enhdnsbl",
        "fips3",
        "generics_entire_domain",
        "genericstable",
        "greet_pause",
        "ldap_routing",
        "limited_masquerade",
        "local_lmtp",
        "local_no_masquerade",
        "local_procmail",
        "lookupdotdomain",
        "loose_relay_check",
        "mailertable",
        "masquerade_entire_domain",
        "masquerade_envelope",
        "msp",
        "mtamark",
        "no_default_msa",
        "nocanonify",
        "nopercenthack",
        "notsticky",
        "nouucp",
        "nullclient",
        "prefixmod",
        "preserve_local_plus_detail",
        "preserve_luser_host",
        "promiscuous_relay",
        "queuegroup",
        "ratecontrol",
        "redirect",
        "relay_based_on_MX",
        "relay_entire_domain",
        "relay_hosts_only",
        "relay_local_from",
        "relay_mail_from",
        "require_rdns",
        "smrsh",
        "stickyhost",
        "sts",
        "tls_failures",
        "tls_session_features",
        "use_client_ptr",
        "use_ct_file",
        "use_cw_file",
        "uucpdomain",
        "virtuser_entire_domain",
        "virtusertable",
        "domainmap",
        "drac",
        "rhsbl",
        "vnet",
    }
)
"""Every FEATURE name (upstream 8.18 plus Debian-only ones)."""

OSTYPES = frozenset(
    {
        "a-ux",
        "aix3",
        "aix4",
        "aix5",
        "altos",
        "amdahl-uts",
        "bsd4.3",
        "bsd4.4",
        "bsdi",
        "bsdi1.0",
        "bsdi2.0",
        "darwin",
        "debian",
        "dgux",
        "domainos",
        "dragonfly",
        "dynix3.2",
        "freebsd4",
        "freebsd5",
        "freebsd6",
        "gnu",
        "hpux10",
        "hpux11",
        "hpux9",
        "irix4",
        "irix5",
        "irix6",
        "isc4.1",
        "linux",
        "maxion",
        "mklinux",
        "mpeix",
        "nextstep",
        "openbsd",
        "osf1",
        "powerux",
        "ptx2",
        "qnx",
        "riscos4.5",
        "sco-uw-2.1",
        "sco3.2",
        "sinix",
        "solaris11",
        "solaris2",
        "solaris2.ml",
        "solaris2.pre5",
        "solaris8",
        "sunos3.5",
        "sunos4.1",
        "svr4",
        "ultrix4",
        "unicos",
        "unicosmk",
        "unicosmp",
        "unixware7",
        "unknown",
        "uxpds",
    }
)
"""Every OSTYPE (``cf/ostype/*.m4``; ``unknown`` deliberately fails)."""

CONF_MACROS = frozenset(
    {
        "confALIAS_WAIT",
        "confALLOW_BOGUS_HELO",
        "confAUTH_MAX_BITS",
        "confAUTH_MECHANISMS",
        "confAUTH_OPTIONS",
        "confAUTH_REALM",
        "confAUTO_REBUILD",
        "confBAD_RCPT_THROTTLE",
        "confBIND_OPTS",
        "confBLANK_SUB",
        "confCACERT",
        "confCACERT_PATH",
        "confCERT_FINGERPRINT_ALGORITHM",
        "confCF_VERSION",
        "confCHECKPOINT_INTERVAL",
        "confCHECK_ALIASES",
        "confCIPHER_LIST",
        "confCLIENT_CERT",
        "confCLIENT_KEY",
        "confCLIENT_OPTIONS",
        "confCLIENT_SSL_OPTIONS",
        "confCOLON_OK_IN_ADDR",
        "confCONNECTION_RATE_THROTTLE",
        "confCONNECTION_RATE_WINDOW_SIZE",
        "confCONNECT_ONLY_TO",
        "confCONTROL_SOCKET_NAME",
        "confCON_EXPENSIVE",
        "confCOPY_ERRORS_TO",
        "confCRL",
        "confCRL_PATH",
        "confCR_FILE",
        "confCT_FILE",
        "confCW_FILE",
        "confDAEMON_OPTIONS",
        "confDANE",
        "confDEAD_LETTER_DROP",
        "confDEF_AUTH_INFO",
        "confDEF_CHAR_SET",
        "confDEF_GROUP_ID",
        "confDEF_USER_ID",
        "confDELAY_LA",
        "confDELIVERY_MODE",
        "confDELIVER_BY_MIN",
        "confDEQUOTE_OPTS",
        "confDF_BUFFER_SIZE",
        "confDH_PARAMETERS",
        "confDIAL_DELAY",
        "confDIRECT_SUBMISSION_MODIFIERS",
        "confDOMAIN_NAME",
        "confDONT_BLAME_SENDMAIL",
        "confDONT_EXPAND_CNAMES",
        "confDONT_INIT_GROUPS",
        "confDONT_PROBE_INTERFACES",
        "confDONT_PRUNE_ROUTES",
        "confDOUBLE_BOUNCE_ADDRESS",
        "confEBINDIR",
        "confEIGHT_BIT_HANDLING",
        "confERROR_MESSAGE",
        "confERROR_MODE",
        "confFALLBACK_MX",
        "confFALLBACK_SMARTHOST",
        "confFAST_SPLIT",
        "confFORWARD_PATH",
        "confFROM_HEADER",
        "confFROM_LINE",
        "confHELO_NAME",
        "confHOSTS_FILE",
        "confHOST_STATUS_DIRECTORY",
        "confIGNORE_DOTS",
        "confINPUT_MAIL_FILTERS",
        "confLDAP_CLUSTER",
        "confLDAP_DEFAULT_SPEC",
        "confLOCAL_MAILER",
        "confLOG_LEVEL",
        "confMAILBOX_DATABASE",
        "confMAILER_NAME",
        "confMATCH_GECOS",
        "confMAX_ALIAS_RECURSION",
        "confMAX_DAEMON_CHILDREN",
        "confMAX_HEADERS_LENGTH",
        "confMAX_HOP",
        "confMAX_MESSAGE_SIZE",
        "confMAX_MIME_HEADER_LENGTH",
        "confMAX_NOOP_COMMANDS",
        "confMAX_QUEUE_AGE",
        "confMAX_QUEUE_CHILDREN",
        "confMAX_QUEUE_RUN_SIZE",
        "confMAX_RCPTS_PER_MESSAGE",
        "confMAX_RUNNERS_PER_QUEUE",
        "confMCI_CACHE_SIZE",
        "confMCI_CACHE_TIMEOUT",
        "confMESSAGEID_HEADER",
        "confMESSAGE_TIMEOUT",
        "confME_TOO",
        "confMILTER_LOG_LEVEL",
        "confMILTER_MACROS_CONNECT",
        "confMILTER_MACROS_DATA",
        "confMILTER_MACROS_ENVFROM",
        "confMILTER_MACROS_ENVRCPT",
        "confMILTER_MACROS_EOH",
        "confMILTER_MACROS_EOM",
        "confMILTER_MACROS_HELO",
        "confMIME_FORMAT_ERRORS",
        "confMIN_FREE_BLOCKS",
        "confMIN_QUEUE_AGE",
        "confMUST_QUOTE_CHARS",
        "confNICE_QUEUE_RUN",
        "confNO_RCPT_ACTION",
        "confOLD_STYLE_HEADERS",
        "confOPENSSL_CNF",
        "confOPERATORS",
        "confPID_FILE",
        "confPRIVACY_FLAGS",
        "confPROCESS_TITLE_PREFIX",
        "confQUEUE_FACTOR",
        "confQUEUE_FILE_MODE",
        "confQUEUE_LA",
        "confQUEUE_SORT_ORDER",
        "confRAND_FILE",
        "confRCPTREJ_MSG",
        "confREAD_TIMEOUT",
        "confRECEIVED_HEADER",
        "confREFUSE_LA",
        "confREJECT_LOG_INTERVAL",
        "confREJECT_MSG",
        "confREJECT_NUL",
        "confRELAY_MAILER",
        "confRELAY_MSG",
        "confREQUIRES_DIR_FSYNC",
        "confRRT_IMPLIES_DSN",
        "confRUN_AS_USER",
        "confSAFE_FILE_ENV",
        "confSAFE_QUEUE",
        "confSAVE_FROM_LINES",
        "confSEPARATE_PROC",
        "confSERVER_CERT",
        "confSERVER_KEY",
        "confSERVER_SSL_OPTIONS",
        "confSERVICE_SWITCH_FILE",
        "confSEVEN_BIT_INPUT",
        "confSHARED_MEMORY_KEY",
        "confSHARED_MEMORY_KEY_FILE",
        "confSINGLE_LINE_FROM_HEADER",
        "confSINGLE_THREAD_DELIVERY",
        "confSMTP_LOGIN_MSG",
        "confSMTP_MAILER",
        "confSOFT_BOUNCE",
        "confSSL_ENGINE",
        "confSSL_ENGINE_PATH",
        "confTEMP_FILE_MODE",
        "confTIME_ZONE",
        "confTLS_FALLBACK_TO_CLEAR",
        "confTLS_SRV_OPTIONS",
        "confTO_ACONNECT",
        "confTO_AUTH",
        "confTO_COMMAND",
        "confTO_CONNECT",
        "confTO_CONTROL",
        "confTO_DATABLOCK",
        "confTO_DATAFINAL",
        "confTO_DATAINIT",
        "confTO_FILEOPEN",
        "confTO_HELO",
        "confTO_HOSTSTATUS",
        "confTO_ICONNECT",
        "confTO_IDENT",
        "confTO_INITIAL",
        "confTO_LHLO",
        "confTO_MAIL",
        "confTO_MISC",
        "confTO_QUEUERETURN",
        "confTO_QUEUERETURN_DSN",
        "confTO_QUEUERETURN_NONURGENT",
        "confTO_QUEUERETURN_NORMAL",
        "confTO_QUEUERETURN_URGENT",
        "confTO_QUEUEWARN",
        "confTO_QUEUEWARN_DSN",
        "confTO_QUEUEWARN_NONURGENT",
        "confTO_QUEUEWARN_NORMAL",
        "confTO_QUEUEWARN_URGENT",
        "confTO_QUIT",
        "confTO_RCPT",
        "confTO_RESOLVER_RETRANS",
        "confTO_RESOLVER_RETRANS_FIRST",
        "confTO_RESOLVER_RETRANS_NORMAL",
        "confTO_RESOLVER_RETRY",
        "confTO_RESOLVER_RETRY_FIRST",
        "confTO_RESOLVER_RETRY_NORMAL",
        "confTO_RSET",
        "confTO_STARTTLS",
        "confTRUSTED_USER",
        "confTRUSTED_USERS",
        "confTRY_NULL_MX_LIST",
        "confUNSAFE_GROUP_WRITES",
        "confUSERDB_SPEC",
        "confUSE_COMPRESSED_IPV6_ADDRESSES",
        "confUSE_ERRORS_TO",
        "confUSE_MSP",
        "confUUCP_MAILER",
        "confWORK_CLASS_FACTOR",
        "confWORK_RECIPIENT_FACTOR",
        "confWORK_TIME_FACTOR",
        "confXF_BUFFER_SIZE",
    }
)
"""Every ``conf*`` macro referenced in the cf tree or cf/README."""

OTHER_MACROS = frozenset(
    {
        "ALIAS_FILE",
        "BITNET_RELAY",
        "CYRUSV2_MAILER_ARGS",
        "CYRUSV2_MAILER_CHARSET",
        "CYRUSV2_MAILER_FLAGS",
        "CYRUSV2_MAILER_MAXMSGS",
        "CYRUSV2_MAILER_MAXRCPTS",
        "CYRUSV2_MAILER_QGRP",
        "CYRUS_BB_MAILER_ARGS",
        "CYRUS_BB_MAILER_FLAGS",
        "CYRUS_MAILER_ARGS",
        "CYRUS_MAILER_FLAGS",
        "CYRUS_MAILER_MAX",
        "CYRUS_MAILER_PATH",
        "CYRUS_MAILER_QGRP",
        "CYRUS_MAILER_USER",
        "DATABASE_MAP_TYPE",
        "DECNET_RELAY",
        "DNSBL_MAP",
        "DNSBL_MAP_OPT",
        "DSMTP_MAILER_ARGS",
        "DSMTP_MAILER_QGRP",
        "EDNSBL_TO",
        "ESMTP_MAILER_ARGS",
        "ESMTP_MAILER_QGRP",
        "FAX_MAILER_ARGS",
        "FAX_MAILER_MAX",
        "FAX_MAILER_PATH",
        "FAX_MAILER_QGRP",
        "FAX_RELAY",
        "HELP_FILE",
        "LOCAL_MAILER_ARGS",
        "LOCAL_MAILER_CHARSET",
        "LOCAL_MAILER_DSN_DIAGNOSTIC_CODE",
        "LOCAL_MAILER_EOL",
        "LOCAL_MAILER_FLAGS",
        "LOCAL_MAILER_MAX",
        "LOCAL_MAILER_MAXMSGS",
        "LOCAL_MAILER_MAXRCPTS",
        "LOCAL_MAILER_PATH",
        "LOCAL_MAILER_QGRP",
        "LOCAL_PROG_QGRP",
        "LOCAL_RELAY",
        "LOCAL_SHELL_ARGS",
        "LOCAL_SHELL_DIR",
        "LOCAL_SHELL_FLAGS",
        "LOCAL_SHELL_PATH",
        "LUSER_RELAY",
        "MAIL11_MAILER_ARGS",
        "MAIL11_MAILER_FLAGS",
        "MAIL11_MAILER_PATH",
        "MAIL11_MAILER_QGRP",
        "MAIL_HUB",
        "MAIL_SETTINGS_DIR",
        "MASQUERADE_NAME",
        "MSP_QUEUE_DIR",
        "MTAMARK_TO",
        "NO_NETINET6",
        "NO_VENDOR",
        "PH_MAILER_ARGS",
        "PH_MAILER_FLAGS",
        "PH_MAILER_PATH",
        "PH_MAILER_QGRP",
        "POP_MAILER_ARGS",
        "POP_MAILER_FLAGS",
        "POP_MAILER_PATH",
        "POP_MAILER_QGRP",
        "PROCMAIL_MAILER_ARGS",
        "PROCMAIL_MAILER_FLAGS",
        "PROCMAIL_MAILER_MAX",
        "PROCMAIL_MAILER_PATH",
        "PROCMAIL_MAILER_QGRP",
        "PROCMAIL_PATH",
        "QPAGE_MAILER_ARGS",
        "QPAGE_MAILER_FLAGS",
        "QPAGE_MAILER_MAX",
        "QPAGE_MAILER_PATH",
        "QPAGE_MAILER_QGRP",
        "QUEUE_DIR",
        "RELAY_MAILER_ARGS",
        "RELAY_MAILER_CHARSET",
        "RELAY_MAILER_FLAGS",
        "RELAY_MAILER_LL",
        "RELAY_MAILER_MAXMSGS",
        "RELAY_MAILER_QGRP",
        "SMART_HOST",
        "SMTP8_MAILER_ARGS",
        "SMTP8_MAILER_QGRP",
        "SMTP_MAILER_ARGS",
        "SMTP_MAILER_CHARSET",
        "SMTP_MAILER_FLAGS",
        "SMTP_MAILER_LL",
        "SMTP_MAILER_MAX",
        "SMTP_MAILER_MAXMSGS",
        "SMTP_MAILER_MAXRCPTS",
        "SMTP_MAILER_QGRP",
        "STATUS_FILE",
        "TEMPFILE",
        "TLS_PERM_ERR",
        "USENET_MAILER_ARGS",
        "USENET_MAILER_FLAGS",
        "USENET_MAILER_MAX",
        "USENET_MAILER_PATH",
        "USENET_MAILER_QGRP",
        "UUCP_MAILER_ARGS",
        "UUCP_MAILER_CHARSET",
        "UUCP_MAILER_FLAGS",
        "UUCP_MAILER_MAX",
        "UUCP_MAILER_PATH",
        "UUCP_MAILER_QGRP",
        "UUCP_MAX_SIZE",
        "UUCP_RELAY",
        "VENDOR_NAME",
        "_CERT_REGEX_ISSUER_",
        "_CERT_REGEX_SUBJECT_",
        "_CF_DIR_",
        "_FFR_*",
        "_NETINET6_",
        "_NO_MAKEINFO_",
        "_NO_VIRTUSER_RECURSION_",
        "_REQUIRE_QUAL_RCPT_",
        "_STRICT_RFC821_",
        "_USETMPFTOKEN_",
        "_USE_DEPRECATED_ROUTE_ADDR_",
        "_VIRTUSER_STOP_ONE_LEVEL_RECURSION_",
    }
)
"""Define-able macros that do not start with ``conf``."""

OBSOLETE_FEATURES: dict[str, str] = {
    "blacklist_recipients": "deprecated alias of blocklist_recipients (m4 prints a warning)",
    "notsticky": "a no-op: non-sticky is the default",
    "tls_failures": "removed: m4 prints an ERROR; define confTLS_FALLBACK_TO_CLEAR instead",
    "nodns": "deleted in 8.13.6 (DNS use is decided by the service switch)",
}
"""FEATUREs that are obsolete, with what to do instead."""

OBSOLETE_MACROS: dict[str, str] = {
    "confAUTO_REBUILD": "ignored: AutoRebuildAliases was removed; run newaliases instead",
    "confCLIENT_OPTIONS": "converted with a warning: use CLIENT_OPTIONS()",
    "confDAEMON_OPTIONS": "converted with a warning: use DAEMON_OPTIONS()",
    "confDEF_GROUP_ID": "an error: use confDEF_USER_ID with user:group",
    "confMESSAGE_TIMEOUT": "split at the slash: use confTO_QUEUERETURN and confTO_QUEUEWARN",
    "confREAD_TIMEOUT": "an error: use the confTO_* macros",
    "UUCP_MAX_SIZE": "legacy name: use UUCP_MAILER_MAX",
    "PROCMAIL_PATH": "legacy name: use PROCMAIL_MAILER_PATH",
}
"""Macros that are obsolete or renamed, with what to do instead."""

# -- one map spec ----------------------------------------------------------------------------


def database_file(map_class: str, path: str) -> str:
    """The file sendmail (and makemap) open for a ``hash``/``btree`` map at ``path``.

    Both add ``.db`` only when the name does not end in it already (``map.c``,
    ``makemap.c``), so ``hash -o /etc/mail/mailertable.db`` opens the same file.

    >>> database_file("hash", "/etc/mail/access"), database_file("btree", "/etc/mail/x.db")
    ('/etc/mail/access.db', '/etc/mail/x.db')
    >>> database_file("cdb", "/etc/mail/m")
    '/etc/mail/m.cdb'
    """
    suffix = ".cdb" if map_class == "cdb" else ".db"
    return path if path.endswith(suffix) else path + suffix


@attrs.frozen
class MapSpec:
    """What a table FEATURE's map spec (``hash -o /etc/mail/mailertable``) says.

    ``path`` is the name as written (``None`` for maps that are not makemap files:
    LDAP, socket, sequence...); ``database`` the file sendmail opens; ``source`` the
    base name of the text file makemap builds it from (``.db`` dropped).
    """

    feature: str
    spec: str
    map_class: str
    flags: tuple[str, ...]
    path: str | None

    @property
    def is_file(self) -> bool:
        """Whether makemap builds this map from a text source."""
        return self.path is not None

    @property
    def optional(self) -> bool:
        """``-o``: sendmail ignores a missing database silently."""
        return "-o" in self.flags

    @property
    def database(self) -> str | None:
        """The database file sendmail opens (``None`` when not a file map)."""
        if self.path is None:
            return None
        if self.map_class in ("hash", "btree", "implicit", "cdb"):
            return database_file(self.map_class, self.path)
        return self.path

    @property
    def source(self) -> str | None:
        """The base name of the makemap source (``mailertable`` for ``.../mailertable.db``)."""
        if self.path is None:
            return None
        base = self.path.rstrip("/").rsplit("/", 1)[-1]
        for suffix in (".db", ".cdb"):
            if base.endswith(suffix) and self.map_class in ("hash", "btree", "implicit", "cdb"):
                return base[: -len(suffix)]
        return base


def parse_map_spec(
    feature: str,
    spec: str,
    *,
    database_map_type: str = "hash",
    settings_dir: str = "/etc/mail/",
) -> MapSpec:
    """The map spec a table FEATURE ends up with (``spec`` empty: the cf default).

    >>> parse_map_spec("access_db", "").spec
    'hash -T<TMPF> /etc/mail/access'
    >>> s = parse_map_spec("mailertable", "hash -o /etc/mail/mailertable.db")
    >>> (s.flags, s.optional, s.database, s.source)
    (('-o',), True, '/etc/mail/mailertable.db', 'mailertable')
    >>> parse_map_spec("virtusertable", "LDAP").path is None
    True
    """
    spec = spec.strip()
    for macro in ("MAIL_SETTINGS_DIR`'", "MAIL_SETTINGS_DIR"):
        spec = spec.replace(macro, settings_dir)  # m4 expands it in the K line
    if not spec:
        name = TABLE_FEATURES.get(feature, feature)
        tmpf = " -T<TMPF>" if feature == "access_db" else ""
        spec = f"{database_map_type.strip() or 'hash'}{tmpf} {settings_dir}{name}"
    words = spec.split()
    map_class = words[0]
    flags = tuple(w for w in words[1:] if w.startswith("-"))
    rest = [w for w in words[1:] if not w.startswith("-")]
    path: str | None = None
    if map_class not in NON_FILE_SPECS and map_class in FILE_MAP_CLASSES and rest:
        path = rest[-1]
    return MapSpec(feature, spec, map_class, flags, path)


def relay_target(value: str, macro: str = "SMART_HOST") -> tuple[str, str]:
    """``(mailer, host)`` of a SMART_HOST/MAIL_HUB/LOCAL_RELAY value (default mailer filled in).

    >>> relay_target("smtp:[mx.example.net]"), relay_target("[10.0.0.1]")
    (('smtp', '[mx.example.net]'), ('relay', '[10.0.0.1]'))
    >>> relay_target("uucp-dom:gateway")
    ('uucp-dom', 'gateway')
    >>> relay_target("smtp.gmail.com:587")
    ('relay', 'smtp.gmail.com:587')
    """
    value = value.strip()
    mailer, sep, host = value.partition(":")
    # MailerToTriple takes ``$-:$+`` (one word before the colon): ``smtp.example.net:587``
    # is a host list for the default mailer, not mailer ``smtp.example.net``
    if not sep or not re.fullmatch(r"[^.:%@!^/\[\]+\s]+", mailer):
        return RELAY_MACROS.get(macro, "relay"), value
    return mailer, host.strip()


def looks_up_mx(mailer: str, host: str) -> bool:
    """Whether sendmail looks up MX records for ``host`` when delivering with ``mailer``.

    >>> looks_up_mx("relay", "mx.example.net"), looks_up_mx("smtp", "[mx.example.net]")
    (True, False)
    >>> looks_up_mx("uucp-dom", "gateway"), looks_up_mx("esmtp", "192.0.2.1")
    (False, False)
    """
    host = host.strip()
    if mailer.lower() not in MX_MAILERS or host.startswith("["):
        return False
    return not re.fullmatch(r"\d{1,3}(\.\d{1,3}){3}", host)
