r"""What the cf package's files do when m4 reads them: data only, one table per fact.

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

from collections.abc import Mapping

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
