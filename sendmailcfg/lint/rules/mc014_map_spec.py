"""A FEATURE map spec that hides or breaks its map.

* warning: a ``.db`` suffix on a hash/btree path (``hash /etc/mail/mt.db``):
  sendmail adds ``.db`` itself and opens ``mt.db.db``;
* warning: a spec for ``FEATURE(`access_db')`` without ``-T<TMPF>`` (m4 warns
  and inserts it: temporary lookup failures then answer 451, as intended —
  write it yourself so the .mc says what the .cf does);
* warning: a map class the local makemap cannot build (``dbm``, ``cdb``:
  Debian's sendmail 8.17 knows only ``hash``, ``btree`` and ``implicit``);
* info: ``-o`` (optional): a missing or unbuilt ``.db`` is then silently
  ignored instead of reported, so mail is routed as if the map were empty.

Bad::

    FEATURE(`mailertable', `hash /etc/mail/mailertable.db')dnl
    FEATURE(`access_db', `hash /etc/mail/access')dnl

Good::

    FEATURE(`mailertable', `hash /etc/mail/mailertable')dnl
    FEATURE(`access_db', `hash -T<TMPF> /etc/mail/access')dnl
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._names import TABLE_FEATURES
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "MC014"
NAME = "mc-map-spec"
SEVERITY = "warning"
KINDS = ("mc",)

_UNBUILDABLE = ("dbm", "cdb")


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    for f in file.doc.features:
        if f.name not in TABLE_FEATURES or not f.args or not f.args[0].strip():
            continue
        spec = f.args[0].strip()
        words = spec.split()
        if words[0] in ("LDAP", "ldap", "sequence", "socket", "nis", "nisplus"):
            continue
        call = f.call
        line, column = (
            (call.args[1].line, call.args[1].column) if len(call.args) > 1 else (call.line, 1)
        )
        path = words[-1]
        if words[0] in ("hash", "btree") and path.endswith(".db"):
            yield Problem(
                line,
                column,
                f"map path {path} ends in .db: sendmail adds .db itself (opens {path}.db)",
                f"write {path[:-3]}",
            )
        if words[0] in _UNBUILDABLE:
            yield Problem(
                line,
                column,
                f"map class {words[0]} is not built by Debian's sendmail 8.17 makemap "
                "(hash, btree, implicit)",
                "use hash",
            )
        if f.name == "access_db" and "-T<TMPF>" not in spec:
            yield Problem(
                line,
                column,
                "access_db map spec without -T<TMPF> (m4 warns and inserts it)",
                f"write `{words[0]} -T<TMPF> {' '.join(words[1:])}'",
            )
        if "-o" in words[1:-1]:
            yield Problem(
                line,
                column,
                f"-o: a missing or unbuilt {path}.db is silently ignored",
                "drop -o so sendmail reports a missing map",
                severity="info",
            )
