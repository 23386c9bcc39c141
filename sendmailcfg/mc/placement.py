r"""Where a ``define`` takes effect: which statements override a macro, which read it.

sendmail's cf macros read most ``conf*`` defines at the very end (``proto.m4``),
but some files act at the point they are included: ``OSTYPE``, ``DOMAIN`` and a
few FEATUREs (re)define macros unconditionally (a define before them is
overridden), and some FEATUREs and every ``MAILER`` read macros at once (a
define after them is ignored). :data:`OVERRIDES` lists the unconditional
``define``/``undefine`` lines of the stock cf files (sendmail-cf 8.17.1.9;
``tests/test_mc_placement.py`` checks it against the real files); :func:`readers`
says which statements read a macro when they run.

>>> sorted(readers("PROCMAIL_MAILER_PATH"))
[('FEATURE', 'local_procmail'), ('MAILER', 'procmail')]
>>> ("OSTYPE", "linux") in overriders("confEBINDIR")
True
"""

from __future__ import annotations

import re

from sendmailcfg.mc import catalogue

OVERRIDES: dict[tuple[str, str], frozenset[str]] = {
    ("OSTYPE", "a-ux"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "aix3"): frozenset(["confEBINDIR", "confTIME_ZONE"]),
    ("OSTYPE", "aix4"): frozenset(["confEBINDIR", "confTIME_ZONE"]),
    ("OSTYPE", "aix5"): frozenset(["confEBINDIR", "confTIME_ZONE"]),
    ("OSTYPE", "altos"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "amdahl-uts"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "darwin"): frozenset(["confDONT_BLAME_SENDMAIL"]),
    ("OSTYPE", "debian"): frozenset(
        [
            "LOCAL_MAILER_ARGS",
            "LOCAL_MAILER_PATH",
            "PROCMAIL_MAILER_ARGS",
            "PROCMAIL_MAILER_PATH",
            "STATUS_FILE",
            "USENET_MAILER_PATH",
            "UUCP_MAILER_ARGS",
            "confCF_VERSION",
            "confCR_FILE",
            "confCT_FILE",
            "confCW_FILE",
            "confDEAD_LETTER_DROP",
            "confDEF_USER_ID",
            "confEBINDIR",
            "confHOST_STATUS_DIRECTORY",
            "confME_TOO",
            "confSMTP_LOGIN_MSG",
        ]
    ),
    ("OSTYPE", "dgux"): frozenset(["confEBINDIR", "confTIME_ZONE"]),
    ("OSTYPE", "domainos"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "dynix3.2"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "gnu"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "hpux10"): frozenset(["confTIME_ZONE"]),
    ("OSTYPE", "hpux11"): frozenset(["confTIME_ZONE"]),
    ("OSTYPE", "hpux9"): frozenset(["confEBINDIR", "confTIME_ZONE"]),
    ("OSTYPE", "irix4"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "irix5"): frozenset(["confDEF_USER_ID", "confEBINDIR", "confTIME_ZONE"]),
    ("OSTYPE", "irix6"): frozenset(["confDEF_USER_ID", "confEBINDIR", "confTIME_ZONE"]),
    ("OSTYPE", "isc4.1"): frozenset(["confEBINDIR", "confTIME_ZONE"]),
    ("OSTYPE", "linux"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "maxion"): frozenset(
        [
            "LOCAL_MAILER_ARGS",
            "LOCAL_MAILER_PATH",
            "LOCAL_SHELL_FLAGS",
            "QUEUE_DIR",
            "STATUS_FILE",
            "UUCP_MAILER_ARGS",
            "confEBINDIR",
        ]
    ),
    ("OSTYPE", "mklinux"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "mpeix"): frozenset(["confDONT_BLAME_SENDMAIL", "confTIME_ZONE"]),
    ("OSTYPE", "nextstep"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "osf1"): frozenset(["confDEF_USER_ID", "confEBINDIR"]),
    ("OSTYPE", "powerux"): frozenset(
        [
            "LOCAL_MAILER_ARGS",
            "LOCAL_MAILER_PATH",
            "LOCAL_SHELL_FLAGS",
            "UUCP_MAILER_ARGS",
            "confEBINDIR",
        ]
    ),
    ("OSTYPE", "ptx2"): frozenset(["LOCAL_MAILER_PATH", "LOCAL_SHELL_FLAGS", "confEBINDIR"]),
    ("OSTYPE", "qnx"): frozenset(
        ["LOCAL_MAILER_ARGS", "LOCAL_MAILER_PATH", "QUEUE_DIR", "UUCP_MAILER_ARGS"]
    ),
    ("OSTYPE", "riscos4.5"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "sco-uw-2.1"): frozenset(
        [
            "LOCAL_MAILER_ARGS",
            "LOCAL_MAILER_PATH",
            "LOCAL_SHELL_FLAGS",
            "UUCP_MAILER_ARGS",
            "confEBINDIR",
            "confTIME_ZONE",
        ]
    ),
    ("OSTYPE", "sco3.2"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "sinix"): frozenset(["LOCAL_MAILER_PATH", "confEBINDIR"]),
    ("OSTYPE", "solaris11"): frozenset(["confEBINDIR", "confPID_FILE"]),
    ("OSTYPE", "solaris2"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "solaris2.ml"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "solaris2.pre5"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "solaris8"): frozenset(["confEBINDIR", "confPID_FILE"]),
    ("OSTYPE", "sunos3.5"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "sunos4.1"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "svr4"): frozenset(
        ["LOCAL_MAILER_PATH", "LOCAL_SHELL_FLAGS", "UUCP_MAILER_ARGS", "confEBINDIR"]
    ),
    ("OSTYPE", "ultrix4"): frozenset(["confEBINDIR"]),
    ("OSTYPE", "unicos"): frozenset(
        ["ALIAS_FILE", "HELP_FILE", "LOCAL_SHELL_FLAGS", "QUEUE_DIR", "STATUS_FILE", "confPID_FILE"]
    ),
    ("OSTYPE", "unicosmk"): frozenset(
        ["ALIAS_FILE", "HELP_FILE", "LOCAL_SHELL_FLAGS", "QUEUE_DIR", "STATUS_FILE", "confPID_FILE"]
    ),
    ("OSTYPE", "unicosmp"): frozenset(["LOCAL_MAILER_PATH", "confEBINDIR", "confTIME_ZONE"]),
    ("OSTYPE", "unixware7"): frozenset(["confEBINDIR", "confTIME_ZONE"]),
    ("OSTYPE", "uxpds"): frozenset(
        [
            "LOCAL_MAILER_PATH",
            "LOCAL_SHELL_FLAGS",
            "UUCP_MAILER_ARGS",
            "confDEF_GROUP_ID",
            "confEBINDIR",
        ]
    ),
    ("DOMAIN", "Berkeley.EDU"): frozenset(
        ["BITNET_RELAY", "UUCP_RELAY", "confCW_FILE", "confDONT_INIT_GROUPS", "confFORWARD_PATH"]
    ),
    ("DOMAIN", "CS.Berkeley.EDU"): frozenset(["confUSERDB_SPEC"]),
    ("DOMAIN", "debian-msp"): frozenset(
        [
            "DEBIAN_MSP",
            "MSP_QUEUE_DIR",
            "STATUS_FILE",
            "confCF_VERSION",
            "confCONTROL_SOCKET_NAME",
            "confHOST_STATUS_DIRECTORY",
            "confPID_FILE",
            "confPROCESS_TITLE_PREFIX",
            "confQUEUE_FILE_MODE",
            "confRRT_IMPLIES_DSN",
            "confRUN_AS_USER",
            "confSAFE_FILE_ENV",
            "confSAFE_QUEUE",
            "confTEMP_FILE_MODE",
            "confTO_COMMAND",
            "confTO_DATAINIT",
            "confTO_HOSTSTATUS",
            "confTO_ICONNECT",
            "confTO_IDENT",
            "confTO_MAIL",
            "confTO_QUIT",
            "confTO_RSET",
            "confTRUSTED_USER",
        ]
    ),
    ("DOMAIN", "debian-mta"): frozenset(
        [
            "DEBIAN_MTA",
            "STATUS_FILE",
            "confCONTROL_SOCKET_NAME",
            "confHOST_STATUS_DIRECTORY",
            "confMAX_DAEMON_CHILDREN",
            "confMAX_HOP",
            "confMAX_RUNNERS_PER_QUEUE",
            "confPID_FILE",
            "confPRIVACY_FLAGS",
            "confPROCESS_TITLE_PREFIX",
            "confQUEUE_FILE_MODE",
            "confRRT_IMPLIES_DSN",
            "confSAFE_FILE_ENV",
            "confSAFE_QUEUE",
            "confTEMP_FILE_MODE",
            "confTO_COMMAND",
            "confTO_DATAINIT",
            "confTO_ICONNECT",
            "confTO_IDENT",
            "confTO_MAIL",
            "confTO_QUIT",
            "confTO_RSET",
        ]
    ),
    ("DOMAIN", "generic"): frozenset(["confFORWARD_PATH", "confMAX_HEADERS_LENGTH"]),
    ("FEATURE", "local_lmtp"): frozenset(
        [
            "LOCAL_MAILER_ARGS",
            "LOCAL_MAILER_DSN_DIAGNOSTIC_CODE",
            "LOCAL_MAILER_FLAGS",
            "LOCAL_MAILER_PATH",
        ]
    ),
    ("FEATURE", "local_procmail"): frozenset(
        [
            "LOCAL_MAILER_ARGS",
            "LOCAL_MAILER_DSN_DIAGNOSTIC_CODE",
            "LOCAL_MAILER_FLAGS",
            "LOCAL_MAILER_PATH",
        ]
    ),
    ("FEATURE", "msp"): frozenset(
        [
            "ALIAS_FILE",
            "LOCAL_MAILER_ARGS",
            "LOCAL_MAILER_DSN_DIAGNOSTIC_CODE",
            "LOCAL_MAILER_FLAGS",
            "LOCAL_MAILER_PATH",
            "LOCAL_SHELL_ARGS",
            "LOCAL_SHELL_FLAGS",
            "LOCAL_SHELL_PATH",
            "STATUS_FILE",
            "confDELIVERY_MODE",
            "confDONT_PROBE_INTERFACES",
            "confFORWARD_PATH",
            "confPRIVACY_FLAGS",
            "confQUEUE_FILE_MODE",
            "confUSE_MSP",
        ]
    ),
    ("FEATURE", "nullclient"): frozenset(
        ["ALIAS_FILE", "MAIL_HUB", "SMART_HOST", "confFORWARD_PATH"]
    ),
    ("FEATURE", "smrsh"): frozenset(["LOCAL_SHELL_PATH"]),
    ("FEATURE", "tls_failures"): frozenset(["confTLS_FALLBACK_TO_CLEAR"]),
    ("FEATURE", "use_cw_file"): frozenset(["USE_CW_FILE"]),
}
"""Unconditional ``define``/``undefine`` names of each stock OSTYPE, DOMAIN and FEATURE file."""

GENERIC_OVERRIDERS: tuple[tuple[str, str | None], ...] = (
    ("OSTYPE", None),
    ("DOMAIN", None),
    ("FEATURE", "msp"),
    ("FEATURE", "nullclient"),
)
"""Statements a new define goes after, whatever its name: a site's own OSTYPE or
DOMAIN file may define anything, and ``msp``/``nullclient`` set a whole profile."""

MAILER_FEATURES = frozenset([("FEATURE", "msp"), ("FEATURE", "nullclient")])
"""FEATUREs that end with ``MAILER(`local')`` and ``MAILER(`smtp')`` themselves: what
must precede a MAILER must precede them."""

MAP_FEATURES = catalogue.MAP_FEATURES
"""FEATUREs whose default map type is ``DATABASE_MAP_TYPE``, read when the FEATURE runs."""

MAILER_PREFIXES: dict[str, str] = {
    "SMTP": "smtp",
    "ESMTP": "smtp",
    "SMTP8": "smtp",
    "DSMTP": "smtp",
    "RELAY": "smtp",
    "LOCAL": "local",
    "UUCP": "uucp",
    "PROCMAIL": "procmail",
    "CYRUS": "cyrus",
    "CYRUS_BB": "cyrus",
    "CYRUSV2": "cyrusv2",
    "FAX": "fax",
    "MAIL11": "mail11",
    "PH": "phquery",
    "POP": "pop",
    "QPAGE": "qpage",
    "SSH": "ssh",
    "USENET": "usenet",
    "XAGENT": "xagent",
}
"""``<PREFIX>_MAILER_*`` macros and the MAILER file that reads them (``LOCAL_SHELL_*`` too)."""

_MAILER_MACRO = re.compile(r"([A-Z0-9]+(?:_BB)?)_(?:MAILER|SHELL)_[A-Z_]+\Z")


def readers(name: str) -> frozenset[tuple[str, str]]:
    """``(macro, first argument)`` of the statements that read ``name`` when they run."""
    out: set[tuple[str, str]] = {("FEATURE", f) for f in catalogue.features_reading(name)}
    m = _MAILER_MACRO.match(name)
    if m and m.group(1) in MAILER_PREFIXES:
        mailer = MAILER_PREFIXES[m.group(1)]
        out.add(("MAILER", mailer))
        if mailer in ("local", "smtp"):
            out.update(MAILER_FEATURES)
    return frozenset(out)


def overriders(name: str) -> frozenset[tuple[str, str]]:
    """``(macro, first argument)`` of the stock files that (re)define ``name`` unconditionally."""
    return frozenset(key for key, names in OVERRIDES.items() if name in names)
