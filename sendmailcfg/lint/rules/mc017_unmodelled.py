"""Something the configuration model does not follow: its answers may differ (information).

``route``, ``sender``, ``query --config`` and the cross-file lint rules answer
from a model of what the cf package's rules do. A FEATURE whose rules it does
not run (``ldap_routing``, ``bestmx_is_local``, ``uucpdomain``...), a FEATURE the cf package
does not ship, ``LOCAL_RULE_*`` and ``LOCAL_RULESETS`` rules, an ``ifelse`` or
``eval`` on values it cannot know, an ``include()`` of a file that is not there, or a
site's own ``DOMAIN()``/``HACK()`` file can change where mail goes without the
model seeing it; these commands list them (JSON ``"unmodelled"``) and this rule
says so once, where the ``.mc`` does it. Nothing is wrong with the ``.mc``.

Those commands read an included file that exists, as m4 would; lint does not (its
rules point at lines of the file they check), so this rule names every ``include()``
other than the cf package's own and says those commands read it.

Example::

    FEATURE(`ldap_routing')dnl
    LOCAL_RULE_0
    R$* < @ old.example . > $*	$#esmtp $@ new.example $: $1 < @ new.example > $2
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._mcfacts import facts
from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.facts import NOT_READ

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC017"
NAME = "mc-unmodelled"
SEVERITY = "info"
KINDS = ("mc",)


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for u in facts(file).unmodelled:
        if u.why == NOT_READ:
            yield Problem(
                u.line,
                1,
                f"{u.what}: lint does not read included files; route, sender and "
                "query --config read it when it exists, and list it when it does not",
                "route --explain shows what it sets and where",
            )
            continue
        yield Problem(
            u.line,
            1,
            f"{u.what}: {u.why}; route, sender and query --config may answer "
            "differently from sendmail here",
            "check those answers with sendmail -bt",
        )
