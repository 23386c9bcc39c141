"""An access key ``Tag:.domain`` while no ``.mc`` enables ``lookupdotdomain``.

Leading-dot keys are only looked up with ``FEATURE(`lookupdotdomain')`` (or
the ``lookupdotdomain`` argument of ``FEATURE(`access_db')``); then they
match subdomains only. Without it the entry is never consulted. A plain
``Tag:domain`` key already covers the domain *and* its subdomains. Checked
only when the folder holds a ``.mc`` file.

Bad (with an .mc that has no lookupdotdomain)::

    To:.example.com      RELAY

Good::

    To:example.com       RELAY
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._access import suspects
from sendmailcfg.lint._mcfacts import set_facts
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AC006"
NAME = "ac-dot-key"
SEVERITY = "warning"
KINDS = ("access",)


def enabled(fileset: FileSet) -> bool:
    """Whether some .mc of the set turns lookupdotdomain on."""
    mc = set_facts(fileset)
    return mc.has_feature("lookupdotdomain") or mc.feature_has_option(
        "access_db", "lookupdotdomain"
    )


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    if not set_facts(fileset).present or set_facts(fileset).opaque or enabled(fileset):
        return
    for a in suspects(file):
        if len(a.rest) > 1 and a.rest.startswith("."):
            yield Problem(
                a.entry.line,
                len(a.entry.key) - len(a.rest) + 1,
                f"{a.entry.key}: leading-dot keys are ignored without FEATURE(`lookupdotdomain')",
                f"write `{a.entry.key[: len(a.entry.key) - len(a.rest)]}{a.rest[1:]}` (covers "
                "subdomains too) or add FEATURE(`lookupdotdomain')",
            )
