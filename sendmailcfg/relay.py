r"""Send through a provider's submission port with SMTP AUTH: the five pieces, in one edit.

:func:`set_relay` edits a mail folder (its ``.mc`` and ``authinfo``) so that sendmail
sends every non-local message to ``HOST`` on ``PORT``, authenticating as ``USER``:

* ``define(`SMART_HOST', `[HOST]')`` (brackets: no MX lookup, sendmail connects to
  HOST itself, which is the name its ``authinfo`` ruleset looks up);
* ``define(`RELAY_MAILER_ARGS', `TCP $h PORT')`` and the same for ``ESMTP_MAILER_ARGS``,
  before ``MAILER(`smtp')`` (m4 reads them there; later they do nothing);
* ``FEATURE(`authinfo', `hash FOLDER/authinfo')`` (without ``-o``: a missing database
  is then an error instead of mail sent without AUTH);
* ``define(`confAUTH_MECHANISMS', `PLAIN LOGIN')`` (sendmail's own default list has
  neither, and providers offer only those);
* ``AuthInfo:HOST "U:USER" "P:PASSWORD"`` in ``authinfo``, mode 0600, and
  ``authinfo.db`` built from it (mode 0600).

Each file is edited in place (the rest of it kept byte for byte), locked and
written atomically, only when it changes: running it twice changes nothing the
second time. :func:`unset_relay` removes it again, :func:`show_relay` tells how
sendmail will connect. Passwords never appear in a diff, a message or an
exception: :attr:`FileChange.diff` shows ``***``.

>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> with open(os.path.join(folder, "sendmail.mc"), "w") as f:
...     _ = f.write("OSTYPE(`linux')dnl\nMAILER(`local')dnl\nMAILER(`smtp')dnl\n")
>>> r = set_relay(folder, "smtp.example.net", port=587, user="joe", password="s3cret")
>>> [(os.path.basename(c.path), c.changed) for c in r.changes]
[('sendmail.mc', True), ('authinfo', True), ('authinfo.db', True)]
>>> "s3cret" in "".join(c.diff for c in r.changes)
False
>>> oct(os.stat(os.path.join(folder, "authinfo")).st_mode & 0o777)
'0o600'
>>> set_relay(folder, "smtp.example.net", port=587, user="joe", password="s3cret").changed
False
>>> v = show_relay(folder)
>>> (v.host, v.port, v.user, v.mechanisms, v.key)
('smtp.example.net', 587, 'joe', ('PLAIN', 'LOGIN'), 'AuthInfo:smtp.example.net')
"""

from __future__ import annotations

import os
import re
import socket
import stat
from collections.abc import Callable, Iterable
from pathlib import Path

import attrs

from sendmailcfg import _source, fileio
from sendmailcfg.errors import EditError, SendmailcfgError
from sendmailcfg.maps.authinfo import KNOWN_MECHANISMS, TAG, AuthinfoDocument, encode_value
from sendmailcfg.mc.document import McDocument
from sendmailcfg.textdiff import unified_diff

__all__ = [
    "DEFAULT_MECHANISMS",
    "FileChange",
    "RelayError",
    "RelayResult",
    "RelayView",
    "find_folder_mc",
    "mask_passwords",
    "read_password_file",
    "set_relay",
    "show_relay",
    "unset_relay",
]

DEFAULT_MECHANISMS = ("PLAIN", "LOGIN")
"""What providers' submission ports offer (sendmail's built-in list has neither)."""

ARGS_DEFINES = ("RELAY_MAILER_ARGS", "ESMTP_MAILER_ARGS")
_HOST = re.compile(
    r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?"
)
_IPV4 = re.compile(r"\d{1,3}(\.\d{1,3}){3}")
_PASSWORD_ITEM = re.compile(r'("[Pp][:=])([^"]*)(")')


class RelayError(SendmailcfgError, ValueError):
    """A relay setting that cannot be written (the files are left as they were)."""


def mask_passwords(text: str, *, since: str | None = None) -> str:
    r"""``text`` with every authinfo password item shown as ``***``.

    With ``since`` (the text before an edit), a line that is not in it shows
    ``***(new)``, so a changed password still shows in a diff, masked.

    >>> mask_passwords('AuthInfo:x\t"U:joe" "P:s3cret"\n')
    'AuthInfo:x\t"U:joe" "P:***"\n'
    >>> mask_passwords('a\t"P:two"\n', since='a\t"P:one"\n')
    'a\t"P:***(new)"\n'
    """
    old = set(since.splitlines()) if since is not None else None
    out = []
    for line in text.splitlines(keepends=True):
        mark = "***" if old is None or line.rstrip("\r\n") in old else "***(new)"
        out.append(_PASSWORD_ITEM.sub(rf"\g<1>{mark}\g<3>", line))
    return "".join(out)


@attrs.frozen
class FileChange:
    """One file :func:`set_relay` or :func:`unset_relay` changed (or would change)."""

    path: str
    changed: bool
    diff: str
    """The unified diff, passwords masked (empty for a database)."""
    backup: str | None = None


@attrs.frozen
class RelayResult:
    """What an edit did (``check=True``: what it would do)."""

    changes: tuple[FileChange, ...]
    written: bool

    @property
    def changed(self) -> bool:
        return any(c.changed for c in self.changes)

    @property
    def diff(self) -> str:
        return "".join(c.diff for c in self.changes)

    def as_json(self) -> dict[str, object]:
        return {
            "changed": self.changed,
            "diff": self.diff,
            "files": [
                {"path": c.path, "changed": c.changed, "diff": c.diff, "backup": c.backup}
                for c in self.changes
            ],
        }


def find_folder_mc(folder: str | os.PathLike[str]) -> str:
    """The ``.mc`` of a mail folder, chosen as its Makefile does.

    ``HOSTNAME.mc``, its first label ``.mc``, ``sendmail.mc``, ``freebsd.mc``, else
    the only ``.mc`` (``*.submit.mc`` aside). Raises :class:`RelayError`.
    """
    d = Path(folder)
    host = socket.gethostname()
    for name in (f"{host}.mc", f"{host.split('.')[0]}.mc", "sendmail.mc", "freebsd.mc"):
        if (d / name).is_file():
            return str(d / name)
    found = sorted(
        p for p in d.glob("*.mc") if not p.name.endswith(".submit.mc") and p.name != "submit.mc"
    )
    if len(found) == 1:
        return str(found[0])
    if not found:
        raise RelayError(f"{folder}: no .mc file here (give --mc FILE)")
    raise RelayError(
        f"{folder}: several .mc files ({', '.join(p.name for p in found)}); give --mc FILE"
    )


def read_password_file(path: str | os.PathLike[str]) -> str:
    """A password from a file that only its owner can read (one trailing newline dropped).

    Raises :class:`RelayError` when group or others may read it, or it cannot be read.
    """
    name = os.fspath(path)
    try:
        st = os.stat(name)
        if not stat.S_ISREG(st.st_mode):
            raise RelayError(f"{name}: not a regular file")
        if st.st_mode & 0o077:
            raise RelayError(
                f"{name}: readable or writable by group or others "
                f"(mode {stat.S_IMODE(st.st_mode):04o}); chmod 600 it first"
            )
        data = fileio.read_bytes(name)
    except OSError as exc:
        raise RelayError(f"{name}: cannot read: {exc.strerror}") from None
    text = _source.decode(data)
    if text.endswith("\r\n"):
        text = text[:-2]
    elif text.endswith("\n"):
        text = text[:-1]
    return text


def _check_host(host: str) -> str:
    bare = host.strip()
    if bare.startswith("[") and bare.endswith("]"):
        bare = bare[1:-1]
    if ":" in bare:
        raise RelayError(
            f"relay host {host!r} holds a port: sendmail reads host:port as two hosts; "
            "give the port with --port"
        )
    if not bare or not (_HOST.fullmatch(bare) or _IPV4.fullmatch(bare)):
        raise RelayError(f"relay host {host!r}: not a host name or IPv4 address")
    return bare.rstrip(".")


def _check_mechanisms(mechanisms: Iterable[str]) -> tuple[str, ...]:
    out = tuple(m.upper() for m in mechanisms)
    unknown = [m for m in out if m not in KNOWN_MECHANISMS]
    if unknown:
        raise RelayError(
            f"unknown SASL mechanism(s) {' '.join(unknown)}; expected some of "
            f"{' '.join(sorted(KNOWN_MECHANISMS))}"
        )
    return out


def _check_text(what: str, text: str) -> None:
    if any(c in text for c in '"\\\n\r\0') or not text or text != text.strip():
        raise RelayError(f"{what}: empty, or holds a double quote, backslash or line break")


def _mc_doc(data: bytes, path: str) -> McDocument:
    doc = McDocument(_source.decode(data), path=path)
    diags = doc.diagnostics
    if diags:
        lines = [f"{d.format(path)} [{d.code}]" for d in diags]
        raise RelayError("\n".join([*lines, f"{path}: not edited: fix the problems above first"]))
    return doc


def _authinfo_doc(data: bytes, path: str) -> AuthinfoDocument:
    doc = AuthinfoDocument.from_text(_source.decode(data), path=path)
    bad = [d for d in doc.diagnostics if d.code not in ("authinfo-mechanism",)]
    if bad:
        lines = [f"{d.format(path)} [{d.code}]" for d in bad]
        raise RelayError(
            "\n".join([*lines, f"{path}: not edited: sendmail would not read these lines"])
        )
    return doc


def _folder_of(
    folder: str | os.PathLike[str], mc: str | os.PathLike[str] | None
) -> tuple[str, str]:
    d = os.path.normpath(os.fspath(folder))
    if mc is not None:
        m = os.fspath(mc)
        if not os.path.isabs(m) and not os.path.exists(m):
            m = os.path.join(d, m)
        return d, os.path.normpath(m)
    if os.path.isfile(d) and d.endswith(".mc"):
        return os.path.dirname(d) or ".", d
    return d, os.path.normpath(find_folder_mc(d))


def _authinfo_spec(doc: McDocument, authinfo: str) -> tuple[str, ...]:
    maptype = (doc.facts.value("DATABASE_MAP_TYPE") or "hash").strip() or "hash"
    return (f"{maptype} {authinfo}",)


def _authinfo_feature_ok(doc: McDocument, authinfo: str) -> bool:
    """FEATURE(authinfo) already names this file, without -o (its map as the facts read
    it: MAIL_SETTINGS_DIR and the cf default filled in)."""
    feats = doc.facts.features("authinfo")
    if len(feats) != 1:
        return False
    spec = doc.facts.table_map(feats[0])
    if spec is None or spec.optional or spec.path is None:
        return False
    written = spec.path.removesuffix(".db")
    return os.path.abspath(written) == os.path.abspath(authinfo)


def _run(
    mc_path: str,
    authinfo_path: str,
    mc_change: Callable[[McDocument], None],
    ai_change: Callable[[AuthinfoDocument], None] | None,
    *,
    check: bool,
    backup: bool,
) -> RelayResult:
    def change_mc(data: bytes) -> bytes:
        doc = _mc_doc(data, mc_path)
        try:
            mc_change(doc)
        except (EditError, ValueError) as exc:
            raise RelayError(f"{mc_path}: {exc}") from None
        return _source.encode(doc.text)

    def change_ai(data: bytes) -> bytes:
        doc = _authinfo_doc(data, authinfo_path)
        assert ai_change is not None
        try:
            ai_change(doc)
        except (EditError, ValueError):
            # the message of a map edit may quote the value, which holds the password
            raise RelayError(f"{authinfo_path}: the entry cannot be written") from None
        return _source.encode(doc.text)

    # dry run of both first: nothing is written when either fails
    mc_before = fileio.read_bytes(mc_path)
    mc_after = change_mc(mc_before)
    ai_before: bytes | None = None
    ai_after: bytes | None = None
    if ai_change is not None:
        try:
            ai_before = fileio.read_bytes(authinfo_path)
        except FileNotFoundError:
            ai_before = None
        ai_after = change_ai(ai_before or b"")
    changes: list[FileChange] = []
    mc_diff = unified_diff(_source.decode(mc_before), _source.decode(mc_after), mc_path)
    ai_changed = False
    mode_wrong = False
    if ai_change is not None:
        assert ai_after is not None
        raw_before = _source.decode(ai_before or b"")
        before_text = mask_passwords(raw_before)
        after_text = mask_passwords(_source.decode(ai_after), since=raw_before)
        ai_changed = ai_after != (ai_before or b"") or ai_before is None
        ai_diff = unified_diff(before_text, after_text, authinfo_path) if ai_changed else ""
        if ai_before is not None:
            mode_wrong = stat.S_IMODE(os.stat(authinfo_path).st_mode) & 0o077 != 0
    db_path = authinfo_path + ".db"
    db_needed = ai_change is not None and (
        ai_changed or mode_wrong or _stale(authinfo_path, db_path)
    )
    if check:
        changes.append(FileChange(mc_path, mc_after != mc_before, mc_diff))
        if ai_change is not None:
            changes.append(FileChange(authinfo_path, ai_changed or mode_wrong, ai_diff))
            changes.append(FileChange(db_path, db_needed, ""))
        return RelayResult(tuple(changes), False)
    r = fileio.update(mc_path, change_mc, backup=backup)
    diff = unified_diff(_source.decode(r.before or b""), _source.decode(r.after), mc_path)
    changes.append(FileChange(mc_path, r.written, diff if r.written else "", r.backup))
    if ai_change is not None:
        r = fileio.update(authinfo_path, change_ai, backup=backup, missing_ok=True, new_mode=0o600)
        _private(authinfo_path)
        if r.backup is not None:
            _private(r.backup)
        written = r.written or mode_wrong
        raw_before = _source.decode(r.before or b"")
        before_text = mask_passwords(raw_before)
        after_text = mask_passwords(_source.decode(r.after), since=raw_before)
        diff = unified_diff(before_text, after_text, authinfo_path) if r.written else ""
        changes.append(FileChange(authinfo_path, written, diff, r.backup))
        if db_needed or r.written:
            _build_db(authinfo_path)
        changes.append(FileChange(db_path, db_needed or r.written, ""))
    return RelayResult(tuple(changes), True)


def _stale(source: str, db: str) -> bool:
    try:
        db_st = os.stat(db)
    except FileNotFoundError:
        return os.path.exists(source)
    if stat.S_IMODE(db_st.st_mode) & 0o077:
        return True
    try:
        return os.stat(source).st_mtime > db_st.st_mtime
    except FileNotFoundError:
        return False


def _private(path: str) -> None:
    target = fileio.real_target(path)
    mode = stat.S_IMODE(os.stat(target).st_mode)
    if mode & 0o077:
        os.chmod(target, mode & 0o700)


def _build_db(authinfo_path: str) -> None:
    from sendmailcfg.output import build

    old_umask = os.umask(0o077)
    try:
        result = build(authinfo_path, authinfo_path, "hash")
    finally:
        os.umask(old_umask)
    if result.status != 0:
        raise RelayError(f"{authinfo_path}.db: makemap reported errors (status {result.status})")
    _private(authinfo_path + ".db")


def set_relay(
    folder: str | os.PathLike[str],
    host: str,
    *,
    port: int = 587,
    user: str | None = None,
    password: str | None = None,
    mechanisms: Iterable[str] | None = None,
    realm: str | None = None,
    mc: str | os.PathLike[str] | None = None,
    mail_dir: str | None = None,
    check: bool = False,
    backup: bool = False,
) -> RelayResult:
    """Make sendmail send through ``host`` on ``port``, authenticating as ``user``.

    ``folder`` is the mail folder (``/etc/mail``) or its ``.mc``; ``mc`` names the
    ``.mc`` when the folder holds several. ``mail_dir`` is where the folder will be
    on the mail server (``/etc/mail`` for a copy edited elsewhere), for the path
    ``FEATURE(`authinfo')`` names; by default the folder's own absolute path.
    Without ``user`` no AUTH is set up (the ``authinfo`` is left alone).
    ``mechanisms`` defaults to PLAIN LOGIN when a user is given. Raises
    :class:`RelayError` (nothing written) for bad input or files sendmail would not read.
    """
    name = _check_host(host)
    if not 0 < port < 65536:
        raise RelayError(f"port {port}: expected 1..65535")
    if (user is None) != (password is None):
        raise RelayError("give both a user and a password, or neither")
    mechs = _check_mechanisms(mechanisms) if mechanisms is not None else None
    if user is not None and mechs is None:
        mechs = DEFAULT_MECHANISMS
    if user is not None:
        _check_text("user", user)
        assert password is not None
        if "\0" in password or "\n" in password or "\r" in password or not password:
            raise RelayError("the password is empty or holds a line break or NUL byte")
    if realm is not None:
        _check_text("realm", realm)
    if mail_dir is not None and (not os.path.isabs(mail_dir) or any(c.isspace() for c in mail_dir)):
        raise RelayError(f"mail dir {mail_dir!r}: expected an absolute path without spaces")
    directory, mc_path = _folder_of(folder, mc)
    authinfo = os.path.normpath(os.path.join(directory, "authinfo"))
    smart = f"[{name}]"

    def edit_mc(doc: McDocument) -> None:
        doc.set_define("SMART_HOST", smart)
        for macro in ARGS_DEFINES:
            if port == 25:
                doc.remove_define(macro)
            else:
                doc.set_define(macro, f"TCP $h {port}")
        if user is not None:
            full = os.path.join(mail_dir, "authinfo") if mail_dir else os.path.abspath(authinfo)
            if not _authinfo_feature_ok(doc, full):
                doc.remove_feature("authinfo")
                doc.add_feature("authinfo", *_authinfo_spec(doc, full))
            if mechs:
                doc.set_define("confAUTH_MECHANISMS", " ".join(mechs))

    edit_ai: Callable[[AuthinfoDocument], None] | None = None
    if user is not None:
        assert password is not None
        value = encode_value(user, password, realm=realm)
        key = TAG + name

        def edit_authinfo(doc: AuthinfoDocument) -> None:
            found = doc.find(key)
            if found is not None:
                from sendmailcfg.maps.authinfo import credentials_of, parse_value

                items, problems = parse_value(found.value)
                have = credentials_of(items)
                if have is not None and not any(p.fatal for p in problems):
                    same = (have.user, have.password, have.realm) == (user, password, realm)
                    if same and "I" not in {i.tag for i in items}:
                        return  # already says so (perhaps written otherwise)
            doc.set(key, value)

        edit_ai = edit_authinfo
    return _run(mc_path, authinfo, edit_mc, edit_ai, check=check, backup=backup)


def unset_relay(
    folder: str | os.PathLike[str],
    *,
    mc: str | os.PathLike[str] | None = None,
    check: bool = False,
    backup: bool = False,
) -> RelayResult:
    """Remove the relay :func:`set_relay` wrote: SMART_HOST, the mailer args, the
    host's ``authinfo`` entry; FEATURE(authinfo) and confAUTH_MECHANISMS too when no
    entry is left."""
    directory, mc_path = _folder_of(folder, mc)
    authinfo = os.path.normpath(os.path.join(directory, "authinfo"))
    doc = _mc_doc(fileio.read_bytes(mc_path), mc_path)
    current = (doc.facts.defined_value("SMART_HOST") or "").strip()
    from sendmailcfg.mc.facts import relay_target

    host = relay_target(current)[1].strip("[]") if current else ""
    has_file = os.path.exists(authinfo)
    remaining: int | None = None
    if has_file:
        ai = _authinfo_doc(fileio.read_bytes(authinfo), authinfo)
        remaining = sum(1 for e in ai.entries if ai.fold(e.key) != ai.fold(TAG + host))

    def edit_mc(d: McDocument) -> None:
        d.remove_define("SMART_HOST")
        for macro in ARGS_DEFINES:
            d.remove_define(macro)
        if not remaining:
            d.remove_feature("authinfo")
            d.remove_define("confAUTH_MECHANISMS")

    def edit_authinfo(d: AuthinfoDocument) -> None:
        if host:
            d.remove(TAG + host)

    return _run(
        mc_path,
        authinfo,
        edit_mc,
        edit_authinfo if has_file and host else None,
        check=check,
        backup=backup,
    )


@attrs.frozen
class RelayView:
    """The relay as sendmail will use it (the password never kept)."""

    mc: str
    smart_host: str | None
    host: str | None
    port: int | None
    user: str | None
    mechanisms: tuple[str, ...]
    key: str | None
    line: int | None
    summary: str

    def as_json(self) -> dict[str, object]:
        return {
            "mc": self.mc,
            "smart_host": self.smart_host,
            "host": self.host,
            "port": self.port,
            "auth": None
            if self.user is None
            else {
                "key": self.key,
                "user": self.user,
                "password": "***",
                "mechanisms": list(self.mechanisms),
                "line": self.line,
            },
        }

    def explain(self) -> str:
        return self.summary


def show_relay(
    folder: str | os.PathLike[str], *, mc: str | os.PathLike[str] | None = None
) -> RelayView:
    """How sendmail will connect to the SMART_HOST of the folder's ``.mc``."""
    from sendmailcfg.site import load_site
    from sendmailcfg.site.relay import smart_host_connection

    _, mc_path = _folder_of(folder, mc)
    site = load_site(mc_path)
    c = smart_host_connection(site)
    if c is None:
        return RelayView(mc_path, None, None, None, None, (), None, None, "no SMART_HOST")
    creds = c.auth.credentials if c.auth is not None else None
    mechs: tuple[str, ...] = ()
    if c.auth is not None and c.auth.credentials is not None:
        mechs = c.auth.credentials.mechanisms or tuple((c.mechanisms or "").split())
    sh = site.smart_host
    assert sh is not None
    return RelayView(
        mc_path,
        sh.value,
        c.server_name,
        c.port,
        creds.user if creds else None,
        mechs,
        c.auth.key if c.auth else None,
        c.auth.line if c.auth else None,
        f"SMART_HOST {sh.value}: {c.explain()}",
    )
