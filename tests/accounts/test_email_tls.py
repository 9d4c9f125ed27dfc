"""Email to the relay goes encrypted, to a relay whose certificate checks out, or not at all.

A real SMTP server (aiosmtpd) with a certificate made for the test; the outbox sends through
Django's SMTP backend exactly as production does.
"""

import contextlib

import pytest

from accounts import services
from accounts.models import EmailStatus, OutboundEmail
from accounts.services import email_queue, email_send
from tests.smtp_helpers import free_port, self_signed_certificate, smtp_server, use_smtp

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(tmp_path):
    return self_signed_certificate(tmp_path)


@pytest.fixture
def trusted(certificate, monkeypatch):
    """The relay's certificate trusted as a council's own CA would be: SSL_CERT_FILE."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    return certificate


def _queue() -> OutboundEmail:
    return email_queue(
        to="duty@example.org",
        subject="Contact C0000042 (NHS 943 476 5919): outcome",
        body="The outcome.",
        purpose="test",
    )


def _send(email: OutboundEmail) -> OutboundEmail:
    with contextlib.suppress(services.EmailNotSent):  # A refusal is recorded on the row.
        email_send(email_id=email.pk)
    email.refresh_from_db()
    return email


def test_an_email_goes_to_the_relay_over_starttls(settings, trusted):
    port = free_port()
    use_smtp(settings, port, starttls=True)
    with smtp_server(port, starttls=trusted) as inbox:
        email = _send(_queue())
    assert email.status == EmailStatus.SENT
    assert inbox.encrypted == [True]
    assert b"NHS 943 476 5919" in inbox.messages[0].original_content


def test_an_email_goes_to_the_relay_over_tls_from_the_first_byte(settings, trusted):
    port = free_port()
    use_smtp(settings, port, tls=True)
    with smtp_server(port, tls=trusted) as inbox:
        email = _send(_queue())
    assert email.status == EmailStatus.SENT
    assert inbox.encrypted == [True]


def test_a_relay_whose_certificate_does_not_check_out_gets_nothing(settings, certificate):
    # The same relay, its certificate not trusted: the email waits, it is not sent anyway.
    port = free_port()
    use_smtp(settings, port, starttls=True)
    with smtp_server(port, starttls=certificate) as inbox:
        email = _send(_queue())
    assert inbox.messages == []
    assert email.status == EmailStatus.PENDING and email.sent_at is None
    assert "certificate verify failed" in email.last_error


def test_a_relay_that_offers_no_encryption_gets_nothing(settings):
    port = free_port()
    use_smtp(settings, port, starttls=True)
    with smtp_server(port) as inbox:
        email = _send(_queue())
    assert inbox.messages == []
    assert email.status == EmailStatus.PENDING
    assert "STARTTLS" in email.last_error
