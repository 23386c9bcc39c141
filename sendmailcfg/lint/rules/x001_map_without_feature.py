"""A map source in the folder, but no ``.mc`` there declares its FEATURE.

``mailertable``, ``access``, ``virtusertable``, ``genericstable`` and
``domaintable`` are only read when the matching FEATURE is in the ``.mc``
(``mailertable``, ``access_db``, ``virtusertable``, ``genericstable``,
``domaintable``): without it, edits to the map have no effect. Checked only
when the folder holds a ``.mc`` file; reported on the map's first line.

Bad: a folder with ``sendmail.mc`` (no ``FEATURE(`mailertable')``) and ``mailertable``.

Good: add ``FEATURE(`mailertable')dnl`` before the ``MAILER`` lines, or remove the map.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._mcfacts import set_facts
from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.facts import FEATURE_OF_KIND

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet

ID = "X001"
NAME = "x-map-without-feature"
SEVERITY = "warning"
KINDS = ("mc", "map")
SCOPE = "set"


def check(fileset: FileSet) -> Iterator[Problem]:
    mc = set_facts(fileset)
    if not mc.present or mc.opaque:
        return
    for f in fileset.maps():
        feature = FEATURE_OF_KIND.get(f.kind)
        if feature is None or mc.has_feature(feature):
            continue
        names = ", ".join(m.name for m in fileset.live_mc_files)
        yield Problem(
            1,
            1,
            f"{f.name} is not used: no FEATURE(`{feature}') in {names}",
            f"add FEATURE(`{feature}')dnl before the MAILER lines, or remove {f.name}",
            path=f.path,
        )
