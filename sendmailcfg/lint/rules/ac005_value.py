"""An access value sendmail does not understand for its tag.

Unknown action words are not rejected by sendmail: any other text becomes
the *error message* (``foo bar`` rejects with ``foo bar``), so a typo such as
``RELAYY`` or ``REJCET`` turns an allow rule into a rejection. Also checked:
``ERROR:`` needs an SMTP code (``ERROR:550 text`` or ``ERROR:5.7.1:550 text``;
without one sendmail replies ``553 5.3.0 text``); the DSN class must match the
code (``ERROR:5.7.1:450`` replies ``450 5.7.1``, a contradiction; a plain
``ERROR:450 text`` is fine: sendmail adds ``4.0.0``); ``Spam:`` takes
``FRIEND``/``HATER``; ``GreetPause:``, ``ClientRate:`` and ``ClientConn:`` take
numbers; ``TLS_*`` take ``VERIFY``/``ENCR:bits``; ``AuthInfo:`` takes
double-quoted ``"U:..."`` items (the per-tag checks are
:func:`sendmailcfg.maps.access.values.validate_value`). Action words may be
written in any case (``reject`` works: checked against sendmail 8.17).

Bad::

    Connect:192.0.2       RELAYY
    From:spam.example     ERROR:go away
    To:example.com        ERROR:5.7.1:450 try later
    GreetPause:localhost  five

Good::

    Connect:192.0.2       RELAY
    From:spam.example     ERROR:5.7.1:550 go away
    To:example.com        ERROR:450 try later
    GreetPause:localhost  5000
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from sendmailcfg.lint._access import TAG_BY_FOLD, VALUE_SUSPECTS, suspects
from sendmailcfg.lint._facts import value_text
from sendmailcfg.lint.engine import Problem

if TYPE_CHECKING:
    from sendmailcfg.lint.engine import FileSet, LintFile

ID = "AC005"
NAME = "ac-value"
SEVERITY = "error"
KINDS = ("access",)

ACTIONS = ("OK", "RELAY", "REJECT", "DISCARD", "SKIP")
_GENERAL = ("", "connect", "from", "to")
_ERROR = re.compile(
    r'ERROR:"?(?:(?P<dsn>\d\.\d{1,3}\.\d{1,3}):)?"?(?P<code>\d{3})?(?P<text>.*)\Z', re.S
)
_OLD_ERROR = re.compile(r"[45]\d\d( |\Z)")


def _error_value(value: str) -> tuple[str, str, str | None] | None:
    m = _ERROR.match(value)
    if m is None:  # pragma: no cover - the pattern accepts any ERROR: text
        return None
    dsn, code = m.group("dsn"), m.group("code")
    if code is None:
        return (
            f"{value!r}: ERROR: without an SMTP code (sendmail replies 553 5.3.0 with it)",
            "write `ERROR:5.7.1:550 text`",
            None,
        )
    if dsn is None:
        return None  # sendmail adds <class>.0.0 (450 -> 450 4.0.0: checked with 8.17)
    if dsn[0] != code[0] or dsn[0] not in "45":
        return (
            f"{value!r}: DSN {dsn} does not match SMTP code {code}",
            "make both temporary (4.x.x:4xx) or both permanent (5.x.x:5xx)",
            None,
        )
    return None


def _general(value: str) -> tuple[str, str, str | None] | None:
    upper = value.upper()
    if upper in ACTIONS:
        return None
    if upper.startswith("ERROR:"):
        return _error_value("ERROR:" + value[6:])
    if upper.startswith("QUARANTINE:"):
        if not value[len("QUARANTINE:") :].strip():
            return (
                f"{value!r}: QUARANTINE: needs a reason",
                "write `QUARANTINE:held for review`",
                None,
            )
        return None
    if _OLD_ERROR.match(value):
        return (
            f"{value!r}: untagged error text (deprecated form)",
            f"write `ERROR:{value}`",
            "warning",
        )
    import difflib

    word = value.split()[0].upper() if value.split() else upper
    close = difflib.get_close_matches(word, [*ACTIONS, "ERROR:", "QUARANTINE:"], 1, 0.6)
    hint = (
        f"did you mean {close[0]}?"
        if close
        else "use OK, RELAY, REJECT, DISCARD, SKIP, ERROR: or QUARANTINE:"
    )
    return f"unknown action {value!r} (sendmail would reject with this text)", hint, None


def _for_tag(tag: str, value: str) -> tuple[str, str, str | None] | None:
    t = tag.lower()
    if t in _GENERAL:
        return _general(value)
    canonical = TAG_BY_FOLD.get(t)
    if canonical is None:
        return None  # an unknown or custom (+CITag) tag: AC004's business
    from sendmailcfg.maps.access.values import validate_value

    problems = validate_value(canonical, value)
    if not problems:
        return None
    return f"{value!r}: " + "; ".join(problems), _TAG_HINTS.get(t, "see cf/README"), None


_TAG_HINTS = {
    "spam": "write FRIEND or HATER",
    "greetpause": "write a number of milliseconds (0 = no pause)",
    "clientrate": "write a whole number (0 = no limit)",
    "clientconn": "write a whole number (0 = no limit)",
    "tls_srv": "write e.g. `VERIFY:128` (optionally with TEMP+/PERM+ in front)",
    "tls_clt": "write e.g. `VERIFY:128` (optionally with TEMP+/PERM+ in front)",
    "tls_rcpt": "write e.g. `VERIFY:128` (optionally with TEMP+/PERM+ in front)",
    "try_tls": "write NO to skip STARTTLS with this server",
    "authinfo": 'write `"U:user" "P:secret" "M:PLAIN"` (double quotes, not m4 quotes)',
    "compat": "write DISCARD, TEMP:4xx text or ERROR:5xx text",
}


def check(file: LintFile, fileset: FileSet) -> Iterator[Problem]:
    lines = {a.entry.line: a for a in suspects(file) if a.tag.lower() not in _GENERAL}
    lines.update((a.entry.line, a) for a in suspects(file, VALUE_SUSPECTS))
    for a in (lines[k] for k in sorted(lines)):
        value = value_text(a.entry.value)
        if value in ACTIONS and a.tag.lower() in _GENERAL:  # the common case, fast
            continue
        found = _for_tag(a.tag, value.rstrip(" \t"))
        if found is not None:
            yield Problem(a.entry.line, a.entry.value_column, found[0], found[1], severity=found[2])
