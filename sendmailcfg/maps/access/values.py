r"""Access map values, typed per tag, and the problems sendmail would trip over.

>>> parse_value("Connect", "ERROR:5.7.1:550 go away")
ActionValue(action='ERROR', code='5.7.1', text='550 go away')
>>> parse_value("GreetPause", "5000")
NumberValue(number=5000)
>>> parse_value("TLS_Srv", "PERM+VERIFY:112++CN:mx.example.com")
TlsValue(failure='PERM', requirement='VERIFY', bits=112, extensions=('CN:mx.example.com',))
>>> validate_value("ClientRate", "ten")
['ClientRate: value must be a whole number (0 = no limit), not ten']
>>> validate_value("From", "ERROR:5.7.1:450 try later")
['ERROR: enhanced status 5.7.1 and reply code 450 disagree (5.x.x needs a 5xx reply)']
"""

from __future__ import annotations

import re
from collections.abc import Callable

import attrs

__all__ = [
    "ActionValue",
    "AuthInfoValue",
    "FeaturesValue",
    "NumberValue",
    "TextValue",
    "TlsValue",
    "TypedValue",
    "parse_value",
    "validate_value",
]

ACTIONS = ("OK", "RELAY", "REJECT", "DISCARD", "SKIP")
_DSN = re.compile(r"([245])\.(\d{1,3})\.(\d{1,3})")
_REPLY = re.compile(r'"?([245]\d\d)[ -]')


@attrs.frozen
class ActionValue:
    """``OK``, ``RELAY``, ``REJECT``, ``DISCARD``, ``SKIP``, ``ERROR:``, ``QUARANTINE:``,
    ``TEMP:`` (Compat), ``FRIEND``/``HATER`` (Spam), ``SUBJECT`` (CERTISSUER), or
    ``TEXT`` for any other value (sendmail uses it as the error text)."""

    action: str
    code: str | None = None
    text: str | None = None


@attrs.frozen
class NumberValue:
    """GreetPause milliseconds, ClientRate / ClientConn limits."""

    number: int


@attrs.frozen
class TlsValue:
    """TLS_Srv / TLS_Clt / TLS_Rcpt requirement."""

    failure: str | None
    requirement: str
    bits: int | None
    extensions: tuple[str, ...] = ()


@attrs.frozen
class FeaturesValue:
    """Srv_Features / Clt_Features option letters."""

    letters: tuple[str, ...]


@attrs.frozen
class AuthInfoValue:
    """AuthInfo items, e.g. ``{"U": "user", "P": "secret", "M": "PLAIN"}``."""

    items: tuple[tuple[str, str], ...]


@attrs.frozen
class TextValue:
    """Values kept as text: QGRP queue group, bcc address, Try_TLS, TLS_*_features."""

    text: str


TypedValue = ActionValue | NumberValue | TlsValue | FeaturesValue | AuthInfoValue | TextValue

_ACTION_TAGS = (None, "Connect", "From", "To")
_SRV_LETTERS = frozenset("AaBbCcDdEeFfGgHhLlOoPpSsUuVvXx") | {"g2", "u2"}
_CLT_LETTERS = _SRV_LETTERS | {"D", "M"}


def _action(value: str) -> ActionValue:
    up = value.upper()
    if up in ACTIONS:
        return ActionValue(up)
    head, sep, rest = value.partition(":")
    if sep and head.upper() in ("ERROR", "TEMP"):
        m = re.match(r"\s*([245])\.(\d{1,3})\.(\d{1,3})\s*:", rest)
        if m and head.upper() == "ERROR":
            return ActionValue("ERROR", ".".join(m.groups()), rest[m.end() :].strip())
        return ActionValue(head.upper(), None, rest.strip())
    if sep and head.upper() == "QUARANTINE":
        return ActionValue("QUARANTINE", None, rest.strip())
    return ActionValue("TEXT", None, value)


def _tls(value: str) -> TlsValue:
    parts = value.split("++")
    main = parts[0]
    failure = None
    m = re.match(r"(TEMP|PERM)\+", main, re.I)
    if m:
        failure = m.group(1).upper()
        main = main[m.end() :]
    req, _, bits = main.partition(":")
    exts = []
    if "+" in req and req.upper().startswith("VERIFY+"):
        req, _, first = req.partition("+")
        exts.append(first)
    if "+" in bits:
        bits, _, first = bits.partition("+")
        exts.append(first)
    exts += parts[1:]
    return TlsValue(failure, req.upper(), int(bits) if bits.isdigit() else None, tuple(exts))


def _authinfo(value: str) -> AuthInfoValue:
    items = re.findall(r'"([A-Za-z])[:=]([^"]*)"', value)
    return AuthInfoValue(tuple((k.upper(), v) for k, v in items))


def parse_value(tag: str | None, value: str) -> TypedValue:
    """The value of an entry with ``tag`` (canonical spelling, None when untagged), typed."""
    v = value.strip()
    if tag in _ACTION_TAGS or tag in ("Compat", "Spam", "CERTISSUER", "CERTSUBJECT"):
        return _action(v)
    if tag in ("GreetPause", "ClientRate", "ClientConn") and re.fullmatch(r"\d+", v):
        return NumberValue(int(v))
    if tag in ("TLS_Srv", "TLS_Clt", "TLS_Rcpt"):
        return _tls(v)
    if tag in ("Srv_Features", "Clt_Features"):
        return FeaturesValue(tuple(v.split()))
    if tag == "AuthInfo":
        return _authinfo(v)
    return TextValue(v)


def _check_error(code: str | None, text: str | None, problems: list[str]) -> None:
    m = _REPLY.match((text or "") + " ")
    if m is None:
        problems.append(
            f"ERROR: text {text!r} does not start with an SMTP reply code"
            " (e.g. ERROR:5.7.1:550 text)"
        )
        return
    if code is not None and code[0] != m.group(1)[0]:
        problems.append(
            f"ERROR: enhanced status {code} and reply code {m.group(1)} disagree "
            f"({code[0]}.x.x needs a {code[0]}xx reply)"
        )


def _action_problems(tag: str, name: str, v: str, problems: list[str]) -> None:
    a = _action(v)
    if a.action in ("ERROR",):
        _check_error(a.code, a.text, problems)
    elif a.action == "QUARANTINE" and not a.text:
        problems.append("QUARANTINE: needs a reason")
    elif a.action == "TEMP":
        problems.append(f"{name}: TEMP: is a Compat: value; sendmail uses it as error text here")
    elif a.action == "TEXT":
        if _REPLY.match(v + " "):
            problems.append(f"{name}: deprecated untagged error text; write ERROR:{v}")
        else:
            problems.append(
                f"{name}: {v!r} is not an access action (OK, RELAY, REJECT, DISCARD, SKIP, "
                "ERROR:, QUARANTINE:); sendmail uses it as the error text"
            )


def _spam_problems(tag: str, name: str, v: str, problems: list[str]) -> None:
    if v.upper() not in ("FRIEND", "HATER"):
        problems.append(f"Spam: value must be FRIEND or HATER, not {v}")


def _number_problems(tag: str, name: str, v: str, problems: list[str]) -> None:
    if not re.fullmatch(r"\d+", v):
        what = "milliseconds" if tag == "GreetPause" else "a whole number (0 = no limit)"
        problems.append(f"{tag}: value must be {what}, not {v}")


def _qgrp_problems(tag: str, name: str, v: str, problems: list[str]) -> None:
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", v):
        problems.append(f"QGRP: value must be a queue group name, not {v!r}")


def _tls_problems(tag: str, name: str, v: str, problems: list[str]) -> None:
    t = _tls(v)
    if t.requirement not in ("VERIFY", "ENCR"):
        problems.append(f"{tag}: requirement must be VERIFY, VERIFY:bits or ENCR:bits, not {v}")
    elif t.requirement == "ENCR" and t.bits is None:
        problems.append(f"{tag}: ENCR needs a number of bits (ENCR:128)")
    for ext in t.extensions:
        if not re.fullmatch(r"(CN(:.+)?|CS:.+|CI:.+|CITag:\w+)", ext):
            problems.append(
                f"{tag}: unknown extension {ext!r} (CN, CN:name, CS:dn, CI:dn, CITag:tag)"
            )


def _try_tls_problems(tag: str, name: str, v: str, problems: list[str]) -> None:
    if v.upper() != "NO":
        problems.append(f"Try_TLS: only NO has a meaning (do not try STARTTLS), not {v}")


def _features_problems(tag: str, name: str, v: str, problems: list[str]) -> None:
    allowed = _SRV_LETTERS if tag == "Srv_Features" else _CLT_LETTERS
    for letter in v.split():
        if letter not in allowed:
            problems.append(f"{tag}: unknown option letter {letter!r}")


def _authinfo_problems(tag: str, name: str, v: str, problems: list[str]) -> None:
    info = _authinfo(v)
    keys = [k for k, _ in info.items]
    if not info.items:
        problems.append('AuthInfo: value must be quoted items like "U:user" "P:secret"')
    for k in keys:
        if k not in ("U", "I", "P", "R", "M"):
            problems.append(f"AuthInfo: unknown item {k}: (U, I, P, R, M)")
    if info.items and "P" not in keys:
        problems.append('AuthInfo: no "P:password" item')


def _compat_problems(tag: str, name: str, v: str, problems: list[str]) -> None:
    a = _action(v)
    if a.action not in ("DISCARD", "TEMP", "ERROR"):
        problems.append(f"Compat: value must be DISCARD, TEMP:4xx text or ERROR:5xx text, not {v}")
    elif a.action in ("TEMP", "ERROR"):
        _check_error(a.code, a.text, problems)


def _certissuer_problems(tag: str, name: str, v: str, problems: list[str]) -> None:
    if v.upper() not in ("RELAY", "SUBJECT"):
        problems.append(f"CERTISSUER: value must be RELAY or SUBJECT, not {v}")


def _certsubject_problems(tag: str, name: str, v: str, problems: list[str]) -> None:
    if v.upper() != "RELAY":
        problems.append(f"CERTSUBJECT: value must be RELAY, not {v}")


_Check = Callable[[str, str, str, list[str]], None]

_VALUE_CHECKS: dict[str, _Check] = {
    "Spam": _spam_problems,
    "GreetPause": _number_problems,
    "ClientRate": _number_problems,
    "ClientConn": _number_problems,
    "QGRP": _qgrp_problems,
    "TLS_Srv": _tls_problems,
    "TLS_Clt": _tls_problems,
    "TLS_Rcpt": _tls_problems,
    "Try_TLS": _try_tls_problems,
    "Srv_Features": _features_problems,
    "Clt_Features": _features_problems,
    "AuthInfo": _authinfo_problems,
    "Compat": _compat_problems,
    "CERTISSUER": _certissuer_problems,
    "CERTSUBJECT": _certsubject_problems,
}
"""Tag -> the check of its values (the action tags share :func:`_action_problems`)."""


def validate_value(tag: str | None, value: str) -> list[str]:
    """Problems with ``value`` for an entry tagged ``tag`` (empty list when fine)."""
    v = value.strip()
    name = tag or "untagged"
    if not v:
        return [f"{name}: empty value"]
    problems: list[str] = []
    check = _action_problems if tag in _ACTION_TAGS else _VALUE_CHECKS.get(tag or "")
    if check is not None:
        check(tag or "", name, v, problems)
    return problems
