"""Access entries with a tag whose FEATURE the ``.mc`` does not declare.

Some tags are only looked up by a FEATURE's rules: ``Spam:`` by
``delay_checks`` with ``friend`` or ``hater``, ``Compat:`` by ``compat_check``,
``ClientRate:`` by ``ratecontrol``, ``ClientConn:`` by ``conncontrol``,
``GreetPause:`` by ``greet_pause``, ``QGRP:`` by ``queuegroup``,
``TLS_Srv_features:``/``TLS_Clt_features:`` by ``tls_session_features``.
Without it the entries do nothing. Checked only when the folder holds a
``.mc`` file; reported once per tag.

Bad (with an .mc without ``FEATURE(`greet_pause')``)::

    GreetPause:localhost   0

Good: add ``FEATURE(`greet_pause', `5000')dnl`` to the .mc.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._access import suspects
from sendmailcfg.lint._mcfacts import set_facts
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AC009"
NAME = "ac-tag-needs-feature"
SEVERITY = "warning"
KINDS = ("access",)

NEEDS: dict[str, str] = {
    "spam": "delay_checks",
    "compat": "compat_check",
    "clientrate": "ratecontrol",
    "clientconn": "conncontrol",
    "greetpause": "greet_pause",
    "qgrp": "queuegroup",
    "tls_srv_features": "tls_session_features",
    "tls_clt_features": "tls_session_features",
}


def _has(fileset: FileSet, feature: str) -> bool:
    mc = set_facts(fileset)
    if feature != "delay_checks":
        return mc.has_feature(feature)
    return any(
        c.args[1:2] and c.args[1].strip()[:1].lower() in ("f", "h")
        for _, c in mc.feature_calls("delay_checks")
    )


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    mc = set_facts(fileset)
    if not mc.present or mc.opaque:
        return
    reported: set[str] = set()
    for a in suspects(file):
        tag = a.tag.lower()
        feature = NEEDS.get(tag)
        if feature is None or tag in reported or _has(fileset, feature):
            continue
        reported.add(tag)
        arg = ", `friend'" if feature == "delay_checks" else ""
        yield Problem(
            a.entry.line,
            1,
            f"{a.tag}: entries are only read with FEATURE(`{feature}'{arg}), which no .mc "
            "here declares",
            f"add FEATURE(`{feature}'{arg})dnl to the .mc, or remove the {a.tag}: entries",
        )
