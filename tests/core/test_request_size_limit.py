"""A request body over MAX_REQUEST_BYTES is refused from its length, before anything reads it."""

import socket

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from referrals.merlin.models import MerlinReport
from tests.referrals.merlin_helpers import GOOD_CSV

pytestmark = pytest.mark.django_db


def _unread(response) -> bool:
    """Nothing read the request's body (the test client's input stream was never touched)."""
    return not response.wsgi_request.environ["wsgi.input"].read_started


def test_the_default_limit_is_ten_megabytes(settings):
    assert settings.MAX_REQUEST_BYTES == 10 * 1024 * 1024


@override_settings(COUNCIL_PROFILE="camden")
def test_an_upload_over_the_limit_gets_the_413_page_without_being_read(client, partner_user):
    client.force_login(partner_user)
    big = SimpleUploadedFile("merlins.csv", GOOD_CSV.encode() + b"x" * (10 * 1024 * 1024))
    response = client.post(reverse("referrals:merlin_upload"), {"file": big})
    assert response.status_code == 413
    assert _unread(response)
    text = response.content.decode()
    assert "The file or form is too big" in text
    assert "up to 10 MB" in text
    assert 'class="govuk-heading-l"' in text
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert MerlinReport.objects.count() == 0


@override_settings(COUNCIL_PROFILE="camden")
def test_an_upload_under_the_limit_is_read_as_usual(client, partner_user):
    client.force_login(partner_user)
    upload = SimpleUploadedFile("merlins.csv", GOOD_CSV.encode())
    response = client.post(reverse("referrals:merlin_upload"), {"file": upload})
    assert response.status_code == 302
    assert MerlinReport.objects.count() == 3


def test_any_post_over_the_limit_is_refused_signed_in_or_not(client, settings):
    settings.MAX_REQUEST_BYTES = 1000
    response = client.post(reverse("login"), {"username": "x" * 2000, "password": "y"})
    assert response.status_code == 413
    assert _unread(response)
    assert "up to 1000 bytes" in response.content.decode()
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    response = client.post(
        reverse("login"), b"x" * (1024 * 1024 + 1), content_type="application/octet-stream"
    )
    assert response.status_code == 413
    assert "up to 1 MB" in response.content.decode()


def test_a_body_without_a_length_is_refused_not_silently_dropped(client):
    response = client.post(
        reverse("login"), {"username": "someone"}, HTTP_TRANSFER_ENCODING="chunked"
    )
    assert response.status_code == 411
    assert "The form could not be sent" in response.content.decode()


def test_the_live_server_answers_413_before_the_body_arrives(live_server):
    # Claim 50 MB and send none of it: the answer can only come from the header.
    host, port = live_server.thread.host, live_server.thread.port
    with socket.create_connection((host, port), timeout=10) as sock:
        sock.sendall(
            b"POST /accounts/login/ HTTP/1.1\r\nHost: localhost\r\n"
            b"Content-Type: application/x-www-form-urlencoded\r\n"
            b"Content-Length: 52428800\r\n\r\n"
        )
        received = b""
        while b"</html>" not in received:
            chunk = sock.recv(65536)
            if not chunk:
                break
            received += chunk
    status_line = received.split(b"\r\n", 1)[0]
    assert status_line == b"HTTP/1.1 413 Request Entity Too Large"
    assert b"The file or form is too big" in received
