"""End to end: ``relay set`` configures a folder, real m4 and real sendmail send through a
submission server that requires STARTTLS and AUTH, and each mistake fails for real.

The server is aiosmtpd on 127.0.0.2 (a loopback address that is not in sendmail's
class w, so SMART_HOST [127.0.0.2] is not "this host"), a free port, a throwaway
certificate made with ``cryptography``; AUTH (PLAIN and LOGIN) is offered only after
STARTTLS. sendmail runs with ``-C FILE.cf``, its own queue folder and the oracle's
offline tricks (tests/oracle), delivering in the foreground (``-odi``). Everything
started here is stopped here.
"""

from __future__ import annotations

import datetime
import os
import re
import socket
import ssl
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs
import pytest

from sendmailcfg.output import build
from tests import oracle as oracle_mod

pytest.importorskip("aiosmtpd")
pytest.importorskip("cryptography")

pytestmark = pytest.mark.oracle

HOST = "127.0.0.2"
USER = "joe"
PASSWORD = "s3cret-e2e"


@attrs.define
class Mailbox:
    """What the submission server saw."""

    logins: list[tuple[str, str, bool]] = attrs.Factory(list)
    messages: list[tuple[str | None, bool, list[str]]] = attrs.Factory(list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        user = session.auth_data.login.decode() if session.authenticated else None
        tls = session.ssl is not None
        self.messages.append((user, tls, list(envelope.rcpt_tos)))
        return "250 OK"


def _certificate(folder: Path) -> ssl.SSLContext:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "smtp.provider.test")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    (folder / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (folder / "key.pem").write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return ctx


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        port: int = s.getsockname()[1]
        return port


@attrs.frozen
class Server:
    port: int
    box: Mailbox


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    from aiosmtpd.controller import Controller as BaseController
    from aiosmtpd.smtp import SMTP, AuthResult

    ctx = _certificate(tmp_path)
    box = Mailbox()

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        ok = (data.login, data.password) == (USER.encode(), PASSWORD.encode())
        box.logins.append((mechanism, data.login.decode(), ok))
        return AuthResult(success=ok, auth_data=data)

    class Submission(SMTP):
        async def smtp_MAIL(self, arg: str) -> None:
            # sendmail sends MAIL FROM:<...> AUTH=<...>, a parameter aiosmtpd does not know
            await super().smtp_MAIL(re.sub(r"\s+AUTH=\S+", "", arg or "", flags=re.I))

    class Controller(BaseController):
        def factory(self) -> Any:
            return Submission(
                self.handler,
                authenticator=authenticate,
                auth_required=True,
                auth_require_tls=True,
                tls_context=ctx,
                require_starttls=True,
            )

    controller = Controller(box, hostname=HOST, port=_free_port())
    controller.start()
    try:
        yield Server(controller.port, box)
    finally:
        controller.stop()


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sendmailcfg", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def _send(oracle: oracle_mod.Oracle, folder: Path) -> str:
    """Render the folder's .mc with real m4, then have real sendmail send one message."""
    cf, err, rc = oracle.mc2cf((folder / "sendmail.mc").read_text())
    assert rc == 0, err
    (folder / "sendmail.cf").write_text(cf)
    queue = folder / "queue"
    queue.mkdir(exist_ok=True)
    cmd = oracle.wrap(
        [
            str(oracle.sendmail),
            "-C",
            str(folder / "sendmail.cf"),
            f"-OQueueDirectory={queue}",
            "-odi",
            "-v",
            "-f",
            "www@oracle.invalid",
            "ken@elsewhere.example",
        ]
    )
    p = subprocess.run(
        cmd, input=b"Subject: relay test\n\nhello\n", capture_output=True, timeout=120
    )
    return (p.stdout + p.stderr).decode("latin-1")


def _folder(oracle: oracle_mod.Oracle, tmp_path: Path, server: Server, mechs: str) -> Path:
    folder = tmp_path / "mail"
    folder.mkdir()
    os.chmod(folder, 0o755)
    (folder / "sendmail.mc").write_text(oracle.offline_mc(folder, ""))
    p = _cli(
        "relay",
        "set",
        HOST,
        "--port",
        str(server.port),
        "--user",
        USER,
        "--password-env",
        "RELAY_E2E_PASSWORD",
        "--mechanisms",
        mechs,
        "--dir",
        str(folder),
        env={"RELAY_E2E_PASSWORD": PASSWORD},
    )
    assert p.returncode == 0, p.stderr
    assert PASSWORD not in p.stdout + p.stderr
    return folder


def _lint(folder: Path) -> str:
    p = _cli("lint", "--select", "AU,RL", str(folder))
    return p.stdout


@pytest.mark.parametrize("mechanism", ["PLAIN", "LOGIN"])
def test_sendmail_sends_through_the_relay_as_configured(
    oracle: oracle_mod.Oracle, tmp_path: Path, server: Server, mechanism: str
) -> None:
    folder = _folder(oracle, tmp_path, server, mechanism)
    assert " error " not in _lint(folder)
    out = _send(oracle, folder)
    assert f"Connecting to [{HOST}] port {server.port} via relay" in out, out
    assert "Sent (OK)" in out, out
    assert server.box.logins == [(mechanism, USER, True)]
    assert server.box.messages == [(USER, True, ["ken@elsewhere.example"])]  # over TLS


def test_a_port_in_the_authinfo_key_means_no_auth(
    oracle: oracle_mod.Oracle, tmp_path: Path, server: Server
) -> None:
    folder = _folder(oracle, tmp_path, server, "PLAIN LOGIN")
    source = folder / "authinfo"
    source.write_text(
        source.read_text().replace(f"AuthInfo:{HOST}", f"AuthInfo:{HOST}:{server.port}")
    )
    build(str(source))
    report = _lint(folder)
    assert "AU001" in report.splitlines()[0], report  # the linter names it first
    out = _send(oracle, folder)
    assert "530" in out and "Sent (OK)" not in out, out  # no AUTH: the server refuses
    assert server.box.logins == [] and server.box.messages == []


def test_mailer_args_after_mailer_mean_port_25(
    oracle: oracle_mod.Oracle, tmp_path: Path, server: Server
) -> None:
    with socket.socket() as s:
        if s.connect_ex((HOST, 25)) == 0:
            pytest.skip(f"something listens on {HOST}:25")
    folder = _folder(oracle, tmp_path, server, "PLAIN LOGIN")
    mc = folder / "sendmail.mc"
    lines = mc.read_text().splitlines(keepends=True)
    late = [ln for ln in lines if "_MAILER_ARGS" in ln]
    mc.write_text("".join([ln for ln in lines if ln not in late] + late))  # after MAILER(smtp)
    report = _lint(folder)
    assert "RL002" in report.splitlines()[0], report
    out = _send(oracle, folder)
    # no port named: sendmail's default, 25, where nothing listens
    assert f"Connecting to [{HOST}] via relay" in out and "Connection refused" in out, out
    relay = re.search(r"\nMrelay,.*?A=([^\n]*)", (folder / "sendmail.cf").read_text(), re.S)
    assert relay is not None and relay.group(1).strip() == "TCP $h"
    assert "Sent (OK)" not in out
    assert server.box.logins == [] and server.box.messages == []
