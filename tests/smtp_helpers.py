"""A real SMTP server for tests (aiosmtpd), on a port that can also have nothing listening;
with STARTTLS or TLS from the first byte, under a certificate made for the test."""

import contextlib
import socket
import ssl
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller


def free_port() -> int:
    """A local port nothing listens on (until the test starts its server there)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Inbox:
    """What the server received: one entry per message accepted."""

    messages: list = field(default_factory=list)
    # For each message, whether it arrived over TLS.
    encrypted: list = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append(envelope)
        # STARTTLS sets session.ssl; TLS from the first byte shows on the transport.
        over_tls = server.transport.get_extra_info("ssl_object") is not None
        self.encrypted.append(session.ssl is not None or over_tls)
        return "250 Message accepted for delivery"


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (and its key), signed by itself, made with the openssl CLI."""
    cert, key = folder / "relay.crt", folder / "relay.key"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
        check=True,
        capture_output=True,
    )
    return cert, key


def _server_context(certificate: tuple[Path, Path]) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*certificate)
    return context


@contextlib.contextmanager
def smtp_server(
    port: int, *, starttls: tuple[Path, Path] | None = None, tls: tuple[Path, Path] | None = None
):
    """Run an SMTP server on 127.0.0.1:port; yields its Inbox.

    starttls=(cert, key): offers STARTTLS and refuses mail until the client has used it.
    tls=(cert, key): TLS from the first byte (as on port 465).
    """
    inbox = Inbox()
    options = {}
    if starttls:
        options = {"tls_context": _server_context(starttls), "require_starttls": True}
    if tls:
        options = {"ssl_context": _server_context(tls)}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()


def use_smtp(settings, port: int, *, starttls: bool = False, tls: bool = False) -> None:
    """Point Django's mail at 127.0.0.1:port over SMTP (pytest-django's settings fixture)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = starttls
    settings.EMAIL_USE_SSL = tls
    settings.EMAIL_TIMEOUT = 5
