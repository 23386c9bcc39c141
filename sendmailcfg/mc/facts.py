r"""Facts about one ``.mc`` file (or a folder's set) that m4 and cf.m4 decide.

Which ``define`` wins, which FEATUREs a shipped ``OSTYPE()``/``DOMAIN()`` file
adds, which map file a table FEATURE makes sendmail open, which names are the
host's own, which mailers a ``MAILER()`` defines: each is answered here once,
for the linter, the whole-configuration model and callers alike.

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
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import TYPE_CHECKING

import attrs

from sendmailcfg.kinds import DECLARED

if TYPE_CHECKING:
    from sendmailcfg.mc.document import McDocument
    from sendmailcfg.mc.model import MacroCall, McModel

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

_DEFAULT_CW_FILE = "local-host-names"


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


# -- one .mc ---------------------------------------------------------------------------------


@attrs.frozen
class Call:
    """An active (not commented-out) top-level macro call, arguments as m4 passes them."""

    name: str
    args: tuple[str, ...]
    line: int
    column: int
    implied_by: str | None = None
    """``OSTYPE(linux)``-like origin when a shipped file makes the call, not the ``.mc``."""
    positions: tuple[tuple[int, int], ...] = ()
    """1-based ``(line, column)`` of each argument's value (after m4's skipped blanks)."""
    path: str | None = None
    """The included file the call is written in; None: the ``.mc`` itself."""
    record: MacroCall | None = attrs.field(default=None, eq=False, repr=False)
    """The statement the call is (where its bytes are); None for an implied FEATURE."""

    @property
    def first(self) -> str:
        """The first argument (``""`` when there is none)."""
        return self.args[0] if self.args else ""

    def arg(self, index: int) -> str:
        """Argument ``index`` (0-based), ``""`` when missing."""
        return self.args[index] if index < len(self.args) else ""

    def where(self, index: int) -> tuple[int, int]:
        """``(line, column)`` of argument ``index``, the call's own when it has none."""
        if index < len(self.positions):
            return self.positions[index]
        return self.line, self.column


@attrs.frozen
class Unmodelled:
    """Something a ``.mc`` does that the configuration model does not follow.

    ``what`` names it as written (``FEATURE(`msp')``, ``LOCAL_RULE_0``,
    ``include(`provider.m4')``), ``why`` says what the model lacks, ``line`` is 1-based.
    """

    what: str
    why: str
    line: int
    path: str | None = None
    """The included file it is written in; None: the ``.mc`` itself."""


IncludeReader = Callable[[str], "tuple[str, str] | None"]
"""Reads a file an ``include()`` names: the name as written -> ``(path found, text)``, or None
when it is not there. m4 resolves a relative name from the folder it runs in (for a
``.mc``: its own folder), an absolute one as written; see
:func:`sendmailcfg.site.finding.include_reader`. Reading is all it does: nothing runs."""

MAX_INCLUDE_DEPTH = 8
"""How deep ``include()`` s nest before the model stops following them."""


@attrs.frozen
class Included:
    """A file an ``include()`` of the ``.mc`` (or of a file it includes) brought in.

    ``written``: the name as the ``include`` writes it; ``path``: the file read;
    ``line``: the include's line in its includer; ``at``: the line of the ``.mc``'s
    own include that led here (the position its statements take in the ``.mc``).
    """

    written: str
    path: str
    line: int
    at: int
    document: McDocument = attrs.field(eq=False, repr=False)


_M_LINE = re.compile(r"^M([A-Za-z0-9_-]+),", re.M)


@attrs.frozen
class McFacts:
    """The live calls of one ``.mc`` file in file order, and what follows from them."""

    path: str
    calls: tuple[Call, ...]
    custom_mailers: tuple[str, ...] = ()
    """Mailer names of ``M`` lines written under MAILER_DEFINITIONS."""
    raw_class_w: tuple[str, ...] = ()
    """Names added to class {w} by raw ``Cw`` lines (anywhere m4 passes them through)."""
    opaque: bool = False
    """True when a ``DOMAIN()`` or ``HACK()`` file of the site's own may declare more FEATUREs."""
    unmodelled: tuple[Unmodelled, ...] = ()
    """What the model does not follow (see :func:`unmodelled`), in file order."""
    class_w_files: tuple[str, ...] = ()
    """The files of raw ``Fw`` lines as written (``-o /etc/mail/local-host-names``)."""
    included: tuple[Included, ...] = ()
    """The included files read (when :func:`mc_facts` was given a reader), in order;
    their calls stand in :attr:`calls` where the include is."""

    def position(self, call: Call) -> int:
        """Where ``call`` stands among :attr:`calls` (m4's order, included files inside)."""
        for i, c in enumerate(self.calls):
            if c is call:
                return i
        raise ValueError(f"not a call of these facts: {call}")

    def named(self, *names: str) -> list[Call]:
        """Calls of these macros (``FEATURE``, ``MAILER``, ``define``...)."""
        return [c for c in self.calls if c.name in names]

    def features(self, name: str | None = None) -> list[Call]:
        """``FEATURE`` calls, implied ones included (of one feature when ``name`` is given)."""
        return [c for c in self.named("FEATURE") if name is None or c.first == name]

    def has_feature(self, name: str) -> bool:
        return bool(self.features(name))

    def mailers(self) -> list[Call]:
        return self.named("MAILER")

    def define(self, macro: str, *, before: Call | None = None) -> Call | None:
        """The ``define(macro, ...)`` in effect at the end (or just before ``before``).

        m4 keeps the last definition; an ``undefine`` after it removes it.
        """
        found: Call | None = None
        for c in self.calls:
            if c is before:
                break
            if c.first == macro and c.name == "define":
                found = c
            elif c.first == macro and c.name == "undefine":
                found = None
        return found

    def defined_value(self, macro: str, *, before: Call | None = None) -> str | None:
        """The value of the winning ``define`` as m4 yields it where the cf files use it
        (``$1``... replaced, one level of quotes removed, as the calls hold it;
        ``None``: not defined)."""
        found = self.define(macro, before=before)
        return None if found is None else found.arg(1)

    def value(self, macro: str, *, before: Call | None = None) -> str | None:
        """Like :meth:`defined_value`, falling back to cf.m4's own default (:data:`DEFAULTS`)."""
        found = self.defined_value(macro, before=before)
        return DEFAULTS.get(macro) if found is None else found

    def feature_has_option(self, feature: str, option: str, *, start: int = 2) -> bool:
        """Whether some ``FEATURE(feature, ...)`` lists ``option`` among its later arguments.

        ``start`` counts the feature name: ``FEATURE(`access_db', `spec', `skip')``
        has ``skip`` at index 2.
        """
        option = option.lower()
        return any(
            option in (a.strip().lower() for a in c.args[start:]) for c in self.features(feature)
        )

    def table_map(self, call: Call) -> MapSpec | None:
        """The map a table ``FEATURE`` call reads (``None`` for other calls)."""
        if call.name != "FEATURE" or call.first not in TABLE_FEATURES:
            return None
        return parse_map_spec(
            call.first,
            call.arg(1),
            database_map_type=self.value("DATABASE_MAP_TYPE", before=call) or "hash",
            settings_dir=self.value("MAIL_SETTINGS_DIR", before=call) or "/etc/mail/",
        )

    def table_maps(self) -> list[MapSpec]:
        """The maps of every table FEATURE, in file order."""
        return [m for c in self.features() if (m := self.table_map(c)) is not None]

    def declared_mailers(self) -> set[str]:
        """Mailer names this file makes available (built-in ones included), lower case."""
        names = set(BUILTIN_MAILERS)
        for c in self.mailers():
            names.update(MAILER_FILES.get(c.first, (c.first,)))
        names.update(self.custom_mailers)
        return {n.lower() for n in names}

    def cw_file(self) -> str | None:
        """The class-{w} file sendmail reads (``FEATURE(`use_cw_file')``), else ``None``."""
        if not self.has_feature("use_cw_file"):
            return None
        found = self.defined_value("confCW_FILE")
        if found is not None and found.split():
            # `-o /etc/mail/local-host-names' (FreeBSD): -o only makes the file optional
            path = found.split()[-1]
            return path.replace("MAIL_SETTINGS_DIR`'", self.value("MAIL_SETTINGS_DIR") or "")
        return f"{self.value('MAIL_SETTINGS_DIR') or '/etc/mail/'}{_DEFAULT_CW_FILE}"

    def own_names(self) -> set[str]:
        """The host's own names the ``.mc`` itself tells (lower case, no trailing dot).

        ``localhost`` and friends, ``confDOMAIN_NAME``, ``LOCAL_DOMAIN()`` words and raw
        ``Cw`` lines; the ``local-host-names`` file (:meth:`cw_file`) is not read here.
        """
        names = set(LOCALHOST_NAMES)
        own = self.defined_value("confDOMAIN_NAME")
        if own and own.strip():
            names.add(_norm(own))
        for c in self.named("LOCAL_DOMAIN"):
            names.update(_norm(w) for a in c.args for w in a.split())
        names.update(_norm(w) for w in self.raw_class_w)
        return names

    def virtual_domains(self) -> set[str]:
        """``VIRTUSER_DOMAIN()`` words (lower case, no trailing dot)."""
        return {_norm(w) for c in self.named("VIRTUSER_DOMAIN") for a in c.args for w in a.split()}


def _norm(name: str) -> str:
    return name.strip().lower().rstrip(".")


def _handed_on(s: MacroCall) -> tuple[str, ...]:
    """A statement's arguments as the cf macros hand them on to the ``.cf``
    (:func:`~sendmailcfg.mc.model.handed_on`), blanks around each value gone."""
    from sendmailcfg.mc.model import handed_on

    return tuple(v.strip() for v in handed_on(s))


def mc_facts(
    source: McDocument | McModel,
    path: str | None = None,
    *,
    read_include: IncludeReader | None = None,
) -> McFacts:
    r"""The facts of one parsed ``.mc`` (an ``McDocument`` or its ``McModel``).

    >>> from sendmailcfg.mc import parse_mc
    >>> f = mc_facts(parse_mc("define(`X', `1')dnl\ndefine(`X', `2')dnl\nundefine(`Y')dnl\n"))
    >>> f.defined_value("X"), f.defined_value("Y"), f.value("DATABASE_MAP_TYPE")
    ('2', None, 'hash')

    With ``read_include`` an ``include()`` of a file that exists is read as m4 reads it:
    its defines, FEATUREs and class macros stand where the include is (recursively, at
    most :data:`MAX_INCLUDE_DEPTH` deep, never a file twice on one path). The cf
    package's own files are not read (they are the catalogue); nothing is run.

    >>> files = {"defs.m4": "define(`SMART_HOST', `relay.example')dnl\n"}
    >>> f = mc_facts(parse_mc("include(`defs.m4')dnl\n"), "s.mc",
    ...              read_include=lambda name: (name, files[name]) if name in files else None)
    >>> f.defined_value("SMART_HOST"), f.define("SMART_HOST").path, f.unmodelled
    ('relay.example', 'defs.m4', ())
    """
    return _facts(source, path, read_include, (), None)


def _facts(
    source: McDocument | McModel,
    path: str | None,
    read_include: IncludeReader | None,
    stack: tuple[str, ...],
    at: int | None,
) -> McFacts:
    """:func:`mc_facts` of one file; ``stack``: the files including it (cycle check),
    ``at``: the ``.mc``'s include line that led here (None: this is the ``.mc``)."""
    from sendmailcfg.mc.catalogue import IMPLIED_CLASS_MACROS
    from sendmailcfg.mc.model import McModel

    model = source if isinstance(source, McModel) else source.model
    if path is None:
        path = getattr(source, "path", None) or ""
    own = None if at is None else path  # a call's path: None for the .mc itself
    calls: list[Call] = []
    opaque = False
    mailers: list[str] = []
    class_w, class_w_files = class_w_lines(model)
    words, files = list(class_w), list(class_w_files)
    included: list[Included] = []
    nested: list[Unmodelled] = []
    not_read: dict[int, str] = {}
    cf_include = model.cf_include
    for s in model.statements:
        if s.bare:
            continue
        if s.name in ("include", "sinclude") and not s.nested and s != cf_include:
            why = None if read_include is None else _include_problem(s.value(0).strip(), stack)
            if why is not None or read_include is None:
                not_read[s.start] = why or NOT_READ
            else:
                text = read_include(s.value(0).strip())
                if text is None:
                    not_read[s.start] = "the included file was not found"
                else:
                    sub = _read_included(text, s, read_include, stack or (path,), at, own)
                    if isinstance(sub, str):
                        not_read[s.start] = sub
                    else:
                        inc, facts = sub
                        included += [inc, *facts.included]
                        calls.extend(facts.calls)
                        mailers.extend(facts.custom_mailers)
                        words.extend(facts.raw_class_w)
                        files.extend(facts.class_w_files)
                        opaque = opaque or facts.opaque
                        nested.extend(facts.unmodelled)
                continue
        where = tuple((a.line, a.column) for a in s.args)
        call = Call(s.name, _handed_on(s), s.line, s.column, None, where, own, s)
        calls.append(call)
        origin = f"{call.name}({call.first})"
        for feature in IMPLIED_FEATURES.get((call.name, call.first), ()):
            calls.append(Call("FEATURE", (feature,), call.line, call.column, origin, (), own))
        for macro, implied in IMPLIED_CLASS_MACROS.get((call.name, call.first), ()):
            calls.append(Call(macro, (implied,), call.line, call.column, origin, (), own))
        if (call.name == "DOMAIN" and call.first not in DOMAINS) or (
            call.name == "HACK" and call.first not in HACKS
        ):
            opaque = True
    for section in model.sections:
        if section.name == "MAILER_DEFINITIONS":
            mailers.extend(_M_LINE.findall(section.body))
    found = [
        attrs.evolve(u, path=own)
        for u in unmodelled(model, [c for c in calls if c.path == own], not_read)
    ]
    if at is not None:  # lint's MC013 reports these in a .mc; an included file has no lint
        found += [
            Unmodelled(f"{c.name}(...)", _BUILTIN_WHY, c.line, own)
            for c in model.dangerous
            if c.name not in ("include", "sinclude")
        ]
        found.sort(key=lambda u: u.line)
    return McFacts(
        path,
        tuple(calls),
        tuple(mailers),
        tuple(words),
        opaque,
        (*found, *nested),
        tuple(files),
        tuple(included),
    )


_BUILTIN_WHY = "an m4 builtin that changes how m4 reads what follows, or reaches outside it"

NOT_READ = "the included file is not read without the configuration's folder"
"""Why an include stays unmodelled when :func:`mc_facts` has no reader (lint's case)."""


def _include_problem(written: str, stack: tuple[str, ...]) -> str | None:
    """Why an include of ``written`` is not followed, or None when it may be read."""
    if not written or any(ch in written for ch in "`'$()") or "_CF_DIR_" in written:
        return "names its file with macros the model cannot know"
    if len(stack) > MAX_INCLUDE_DEPTH:
        return f"includes nested deeper than {MAX_INCLUDE_DEPTH} files"
    return None


def _read_included(
    found: tuple[str, str],
    s: MacroCall,
    read_include: IncludeReader,
    stack: tuple[str, ...],
    at: int | None,
    own: str | None,
) -> tuple[Included, McFacts] | str:
    """The :class:`Included` record and facts of one file an include found, or why not."""
    import os

    from sendmailcfg.mc.document import McDocument

    path, text = found
    key = os.path.realpath(path)
    if key in {os.path.realpath(p) for p in stack}:
        return f"includes {path}, which is already being read (a cycle)"
    doc = McDocument(text, path=path)
    where = s.line if at is None else at
    facts = _facts(doc, path, read_include, (*stack, path), where)
    return Included(s.value(0).strip(), path, s.line, where, doc), facts


_CLASS_W_LINE = re.compile(r"^([CF])(?:w|\{w\})([^\n]*)", re.M)


def class_w_lines(model: McModel) -> tuple[tuple[str, ...], tuple[str, ...]]:
    r"""Names and files class ``w`` gets from raw ``Cw``/``Fw`` lines, wherever m4 passes
    them through to the ``.cf`` (``LOCAL_CONFIG``, or plain text after ``divert(0)``);
    text m4 throws away (``divert(-1)``, ``dnl``) or hands to a macro does not count.

    >>> from sendmailcfg.mc import parse_mc
    >>> doc = parse_mc("divert(0)dnl\nCwa.example b.example dnl c\nFw-o /etc/x\n")
    >>> class_w_lines(doc.model)
    (('a.example', 'b.example'), ('-o /etc/x',))
    """
    text = model.text
    words: list[str] = []
    files: list[str] = []
    spans = [(s.start, s.end) for s in model.statements if not s.bare]
    for m in _CLASS_W_LINE.finditer(text):
        at = m.start()
        if any(a <= at < b for a, b in spans) or diversion_at(model, at) < 0:
            continue
        body = m.group(2).split(" dnl", 1)[0].split("\tdnl", 1)[0].strip()
        if m.group(1) == "F":
            if body:
                files.append(body)
            continue
        for word in body.split():
            if word.startswith(("#", "dnl")):
                break
            words.append(word)
    return tuple(words), tuple(files)


def unmodelled(
    model: McModel, calls: Iterable[Call], not_read: Mapping[int, str] | None = None
) -> tuple[Unmodelled, ...]:
    r"""What ``route``, ``sender`` and ``query --config`` cannot follow in this ``.mc``.

    A FEATURE the cf package does not ship, one whose rules the model does not run
    (neither :data:`~sendmailcfg.mc.catalogue.MODELLED_FEATURES` nor
    :data:`~sendmailcfg.mc.catalogue.NEUTRAL_FEATURES`), ``ifelse``/``eval`` at the top
    level, an ``include`` other than cf.m4's that was not read (``not_read``: its start
    offset -> why; without it every such include is listed), a site's own
    ``DOMAIN``/``HACK`` file, and ``LOCAL_RULE_*``/``LOCAL_RULESETS`` sections.

    >>> from sendmailcfg.mc import parse_mc
    >>> f = mc_facts(parse_mc("FEATURE(`ldap_routing')dnl\nLOCAL_RULE_0\n"))
    >>> [(u.what, u.line) for u in f.unmodelled]
    [("FEATURE(`ldap_routing')", 1), ('LOCAL_RULE_0', 2)]
    """
    from sendmailcfg.mc import catalogue

    found: list[Unmodelled] = []
    seen: set[str] = set()
    for c in calls:
        name = c.first
        if c.name == "MAILER" and name == "uucp" and "MAILER(uucp)" not in seen:
            seen.add("MAILER(uucp)")
            why = "the model does not route UUCP (host!user, .UUCP) addresses"
            found.append(Unmodelled("MAILER(`uucp')", why, c.line))
            continue
        if c.name != "FEATURE" or name in seen or name in catalogue.MODELLED_FEATURES:
            continue
        seen.add(name)
        if name not in FEATURES:
            found.append(
                Unmodelled(f"FEATURE(`{name}')", "a FEATURE the cf package does not ship", c.line)
            )
        elif name not in catalogue.NEUTRAL_FEATURES:
            found.append(
                Unmodelled(f"FEATURE(`{name}')", "the model does not run its rules", c.line)
            )
    cf_include = model.cf_include
    for s in model.statements:
        if s.bare or s.nested:
            continue
        first = s.value(0).strip()
        if s.name in ("ifelse", "eval"):
            found.append(
                Unmodelled(f"{s.name}(...)", "decides on values the model cannot know", s.line)
            )
        elif s.name in ("include", "sinclude") and s != cf_include:
            reason = NOT_READ if not_read is None else not_read.get(s.start)
            if reason is not None:
                found.append(Unmodelled(f"{s.name}(`{first}')", reason, s.line))
        elif (s.name == "DOMAIN" and first not in DOMAINS) or (
            s.name == "HACK" and first not in HACKS
        ):
            found.append(
                Unmodelled(
                    f"{s.name}(`{first}')", "a site's own file the model does not read", s.line
                )
            )
    for section in model.sections:
        if section.name.startswith("LOCAL_RULE") or section.name == "LOCAL_RULESETS":
            found.append(
                Unmodelled(section.name, "hand-written rules the model does not run", section.line)
            )
    found.sort(key=lambda u: u.line)
    return tuple(found)


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


def diversion_at(source: McDocument | McModel, offset: int) -> int:
    r"""The m4 output diversion in effect at ``offset`` of the text (0, -1, a section's...).

    ``divert(n)`` and the cf section macros (``LOCAL_CONFIG``, ``MAILER_DEFINITIONS``...)
    switch it; text in a negative diversion is thrown away by m4.

    >>> from sendmailcfg.mc import parse_mc
    >>> doc = parse_mc("divert(-1)\nx\ndivert(0)dnl\ny\n")
    >>> diversion_at(doc, 11), diversion_at(doc, len(doc.text) - 1)
    (-1, 0)
    """
    import contextlib

    from sendmailcfg.mc.macros import SECTION_MACROS
    from sendmailcfg.mc.model import McModel

    model = source if isinstance(source, McModel) else source.model
    diversion = 0
    for s in model.statements:
        if s.start >= offset:
            break
        if s.name == "divert":
            with contextlib.suppress(ValueError):
                diversion = int(s.value(0).strip() or 0)
        elif s.name in SECTION_MACROS:
            diversion = SECTION_MACROS[s.name]
    return diversion


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
