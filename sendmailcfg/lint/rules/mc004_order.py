"""Statements in an order sendmail's cf macros do not support.

Checked (all reported by m4 at best as ``*** ERROR``/``WARNING`` text while it
still exits 0):

* no ``OSTYPE()`` (``No system type defined``; defining ``__OSTYPE__`` as
  sendmail's own ``submit.mc`` does counts as one), a second ``OSTYPE()``, or
  ``OSTYPE()`` after a ``MAILER()``;
* the same ``MAILER()`` twice; ``MAILER(`uucp')`` before ``MAILER(`smtp')``;
  ``MAILER(`cyrus')``/``MAILER(`cyrusv2')`` before ``MAILER(`local')``;
* features that need ``FEATURE(`access_db')`` earlier (blocklist_recipients,
  compat_check, lookupdotdomain, queuegroup, relay_mail_from, ratecontrol,
  conncontrol, greet_pause without an argument, delay_checks friend/hater);
  ``nodelay`` of ratecontrol/conncontrol without ``delay_checks`` earlier;
* definitions that only work *before* the FEATURE that reads them:
  ``DATABASE_MAP_TYPE``/``MAIL_SETTINGS_DIR`` (table features),
  ``LUSER_RELAY`` (preserve_luser_host), ``PROCMAIL_MAILER_PATH``
  (local_procmail), ``DNSBL_MAP`` (dnsbl), ``confEBINDIR`` (local_lmtp, smrsh):
  the table :data:`sendmailcfg.mc.catalogue.FEATURE_READS`, which ``set_define``
  places by;
* ``define(`confINPUT_MAIL_FILTERS', ...)`` after ``INPUT_MAIL_FILTER()``
  (it replaces the list the macro built).

Bad::

    FEATURE(`lookupdotdomain')dnl
    FEATURE(`access_db')dnl
    MAILER(`uucp')dnl
    MAILER(`smtp')dnl

Good::

    OSTYPE(`linux')dnl
    FEATURE(`access_db')dnl
    FEATURE(`lookupdotdomain')dnl
    MAILER(`smtp')dnl
    MAILER(`uucp')dnl
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from sendmailcfg.lint.engine import Problem
from sendmailcfg.mc.catalogue import features_reading

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile
    from sendmailcfg.mc.document import McDocument
    from sendmailcfg.mc.model import Define, Feature, MacroCall

ID = "MC004"
NAME = "mc-order"
SEVERITY = "warning"
KINDS = ("mc",)

NEEDS_ACCESS_DB = frozenset(
    {
        "blocklist_recipients",
        "blacklist_recipients",
        "compat_check",
        "lookupdotdomain",
        "queuegroup",
        "relay_mail_from",
        "ratecontrol",
        "conncontrol",
    }
)


def _needs_access_db(name: str, args: tuple[str, ...]) -> bool:
    if name in NEEDS_ACCESS_DB:
        return True
    if name == "greet_pause":
        return not (args and args[0].strip())
    if name == "delay_checks":
        return bool(args and args[0].strip()[:1].lower() in ("f", "h"))
    return False


def _value_before(defines: Sequence[Define], name: str, call: MacroCall) -> str | None:
    """The value of define ``name`` where ``call`` runs (None: not defined there)."""
    value = None
    for d in defines:
        if d.call.start >= call.start:
            break
        if d.name == name:
            value = d.value
    return value


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    doc = file.mc
    stmts = [s for s in doc.statements if not s.bare]
    yield from _ostype_problems(doc, stmts)
    yield from _mailer_problems([s for s in stmts if s.name == "MAILER"])
    yield from _feature_problems(doc.features)
    yield from _define_problems(doc.define_statements, doc.features)
    yield from _filter_problems(doc.define_statements, stmts)


def _ostype_problems(doc: McDocument, stmts: list[MacroCall]) -> Iterator[Problem]:
    ostypes = [s for s in stmts if s.name == "OSTYPE"]
    mailers = [s for s in stmts if s.name == "MAILER"]
    hacked = any(d.name == "__OSTYPE__" for d in doc.define_statements)  # submit.mc's way
    if not ostypes and not hacked and (mailers or any(s.name == "FEATURE" for s in stmts)):
        yield Problem(
            1, 1, "no OSTYPE() (m4: No system type defined)", "add OSTYPE(`linux')dnl near the top"
        )
    for extra in ostypes[1:]:
        yield Problem(
            extra.line, extra.column, "second OSTYPE() (m4: duplicate OSTYPE)", "keep one"
        )
    if ostypes and mailers and ostypes[0].start > mailers[0].start:
        o = ostypes[0]
        yield Problem(o.line, o.column, "OSTYPE() after MAILER()", "put OSTYPE() near the top")


def _mailer_problems(mailers: list[MacroCall]) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    names = {x.value(0).strip() for x in mailers}
    for m in mailers:
        name = m.value(0).strip()
        if name in seen:
            yield Problem(
                m.line, m.column, f"MAILER(`{name}') twice (first on line {seen[name]})", "keep one"
            )
            continue
        seen[name] = m.line
        if name == "uucp" and "smtp" not in seen and "smtp" in names:
            yield Problem(
                m.line, m.column, "MAILER(`uucp') before MAILER(`smtp')", "put smtp first"
            )
        if name in ("cyrus", "cyrusv2") and "local" not in seen and "local" in names:
            yield Problem(
                m.line, m.column, f"MAILER(`{name}') before MAILER(`local')", "put local first"
            )


def _feature_problems(features: Sequence[Feature]) -> Iterator[Problem]:
    features_seen: list[str] = []
    has_access_db = any(f.name == "access_db" for f in features)
    for f in features:
        call = f.call
        if _needs_access_db(f.name, f.args) and "access_db" not in features_seen:
            where = (
                "before FEATURE(`access_db')" if has_access_db else "without FEATURE(`access_db')"
            )
            yield Problem(
                call.line,
                call.column,
                f"FEATURE(`{f.name}') {where}: it needs the access map",
                "declare FEATURE(`access_db') first",
            )
        if (
            f.name in ("ratecontrol", "conncontrol")
            and any(a.strip() == "nodelay" for a in f.args)
            and "delay_checks" not in features_seen
        ):
            yield Problem(
                call.line,
                call.column,
                f"FEATURE(`{f.name}', `nodelay') before FEATURE(`delay_checks')",
                "declare FEATURE(`delay_checks') first",
            )
        features_seen.append(f.name)


def _define_problems(defines: Sequence[Define], features: Sequence[Feature]) -> Iterator[Problem]:
    for d in defines:
        users = features_reading(d.name)  # the table set_define places by
        if not users:
            continue
        earlier = [f for f in features if f.name in users and f.call.start < d.call.start]
        if earlier and _value_before(defines, d.name, earlier[0].call) == d.value:
            continue  # the same value again: what the FEATURE read does not change
        if earlier:
            f = earlier[0]
            yield Problem(
                d.call.line,
                d.call.column,
                f"{d.name} is defined after FEATURE(`{f.name}') on line {f.call.line}, "
                "which has already used its value",
                f"move the define above FEATURE(`{f.name}')",
            )


def _filter_problems(defines: Sequence[Define], stmts: list[MacroCall]) -> Iterator[Problem]:
    filters = [s for s in stmts if s.name == "INPUT_MAIL_FILTER"]
    if not filters:
        return
    for d in defines:
        if d.name == "confINPUT_MAIL_FILTERS" and d.call.start > filters[0].start:
            yield Problem(
                d.call.line,
                d.call.column,
                "confINPUT_MAIL_FILTERS after INPUT_MAIL_FILTER() replaces the list it built",
                "define it before INPUT_MAIL_FILTER() or drop it",
            )
