"""A table FEATURE in the ``.mc`` whose map source is not in the folder.

``FEATURE(`mailertable')`` (and access_db, virtusertable, genericstable,
domaintable, authinfo, bitdomain, uucpdomain) makes sendmail open
``/etc/mail/<name>.db`` (or the path in the FEATURE's map spec). When
neither the source nor its ``.db`` is next to the ``.mc``, the build
(``make`` in /etc/mail) has nothing to compile and sendmail logs that the
map cannot be opened. LDAP and other non-file map specs are not checked;
the file name is compared, not the folder.

The rule looks only at a folder laid out like ``/etc/mail`` (it holds a map
source, a ``.db``, ``sendmail.cf``, ``aliases`` or ``local-host-names`` next
to the ``.mc``): a repository, a Docker build context or a Puppet role that
keeps only the ``.mc`` is quiet. A spec with ``-o`` (optional: sendmail
ignores a missing map silently, as RHEL's ``hash -o /etc/mail/mailertable.db``
means it) is not reported.

Bad: ``FEATURE(`virtusertable')`` in ``/etc/mail/sendmail.mc`` with no ``virtusertable`` file.

Good: create ``virtusertable`` (it may be empty) or remove the FEATURE.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._mcfacts import set_facts
from sendmailcfg.lint.engine import Problem
from sendmailcfg.maps.kinds import infer_kind

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet

ID = "X002"
NAME = "x-feature-without-map"
SEVERITY = "warning"
KINDS = ("mc",)
SCOPE = "set"

ETC_MAIL_FILES = frozenset(
    {"sendmail.cf", "submit.cf", "aliases", "local-host-names", "relay-domains", "trusted-users"}
)
"""Files that make a folder an installed sendmail configuration (besides maps and ``.db``)."""


def laid_out_like_etc_mail(fileset: FileSet) -> bool:
    """Whether the folder holds sendmail's other files, not only ``.mc`` files."""
    for name in fileset.listing:
        if name in ETC_MAIL_FILES or name.endswith(".db"):
            return True
        kind = infer_kind(name)
        if kind is not None and kind not in ("mc", "cf"):
            return True
    return False


def check(fileset: FileSet) -> Iterator[Problem]:
    if not fileset.on_disk or not laid_out_like_etc_mail(fileset):
        return
    for mc in set_facts(fileset).mcs:
        for call in mc.features():
            spec = mc.table_map(call)
            if spec is None or spec.source is None or spec.optional:
                continue
            source = spec.source
            if source in fileset.listing or f"{source}.db" in fileset.listing:
                continue
            yield Problem(
                call.line,
                call.column,
                f"FEATURE(`{call.first}') reads {spec.database}, but neither {source} nor "
                f"{source}.db is in this folder",
                f"create {source} (an empty file is fine) or remove the FEATURE",
                path=mc.path,
            )
