"""Message templates: administrators edit the wording; a mistake is a form error, never a 500."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.messages import DEFAULTS, render_message, validate_template
from accounts.models import EmailStatus, MessagePurpose, MessageTemplate, OutboundEmail
from accounts.roles import Role
from accounts.services import email_queue
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = MessagePurpose.REFERRER_PUBLIC


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="admin", roles=[Role.ADMINISTRATOR]))
    return client


def change_url(purpose: str) -> str:
    return reverse(
        "admin:accounts_messagetemplate_change",
        args=[MessageTemplate.objects.get(purpose=purpose).pk],
    )


def test_the_shipped_templates_are_seeded_and_valid():
    assert set(MessageTemplate.objects.values_list("purpose", flat=True)) == set(
        MessagePurpose.values
    )
    for row in MessageTemplate.objects.all():
        validate_template(row.purpose, subject=row.subject, body=row.body)
        assert (row.subject, row.body) == DEFAULTS[row.purpose]


def test_rendering_uses_only_the_purposes_placeholders():
    message = render_message(
        PUBLIC, {"reference": "C0000042", "outcome": "Referred to Highbury", "team": "Highbury"}
    )
    assert "C0000042" in message.subject
    assert "Highbury" not in message.subject + message.body


def test_a_template_syntax_error_is_a_form_error_in_the_admin(admin_client):
    url = change_url(PUBLIC)
    response = admin_client.post(url, {"subject": "{% if reference %}Contact", "body": "Hello"})
    assert response.status_code == 200
    assert "The template has an error" in response.content.decode()
    assert MessageTemplate.objects.get(purpose=PUBLIC).body == DEFAULTS[PUBLIC][1]


@pytest.mark.parametrize(
    "body,error",
    [
        ("We decided: {{ outcome }}", "cannot use {{ outcome }}"),
        ("{{ reference|nosuchfilter }}", "The template has an error"),
        ("{% debug %}", "cannot be used in a message"),
        ('{% include "base.html" %}', "cannot be used in a message"),
        ("{% load static %}", "cannot be used in a message"),
    ],
)
def test_the_public_template_cannot_reach_beyond_what_confidentiality_allows(
    admin_client, body, error
):
    response = admin_client.post(change_url(PUBLIC), {"subject": "Contact", "body": body})
    assert response.status_code == 200
    assert error in response.content.decode()


def test_a_subject_must_be_one_line():
    with pytest.raises(ValidationError) as exc:
        validate_template(PUBLIC, subject="Contact\n{{ reference }}", body="Hello")
    assert "single line" in str(exc.value)


def test_an_administrators_edit_is_used_and_kept_in_history(admin_client):
    url = change_url(PUBLIC)
    response = admin_client.post(
        url, {"subject": "About your call: {{ reference }}", "body": "Thank you. {{ reference }}"}
    )
    assert response.status_code == 302
    message = render_message(PUBLIC, {"reference": "C0000042"})
    assert message.subject == "About your call: C0000042"
    assert message.body == "Thank you. C0000042"
    assert MessageTemplate.objects.get(purpose=PUBLIC).history.count() == 1
    assert admin_client.get(url).status_code == 200


def test_templates_cannot_be_deleted_in_the_admin(admin_client):
    row = MessageTemplate.objects.get(purpose=PUBLIC)
    url = reverse("admin:accounts_messagetemplate_delete", args=[row.pk])
    assert admin_client.post(url, {"post": "yes"}).status_code == 403
    assert MessageTemplate.objects.filter(pk=row.pk).exists()


def test_without_a_row_the_shipped_wording_is_used():
    MessageTemplate.objects.all().delete()
    message = render_message(MessagePurpose.NOTIFICATION, {"title": "Contact C1", "url": "/c/1/"})
    assert message.subject == "Contact C1"


def test_the_outbox_is_read_only_in_the_admin_and_failed_emails_can_be_resent(
    admin_client, django_capture_on_commit_callbacks
):
    email = email_queue(to="a@example.org", subject="Contact C1", body="x", purpose="test")
    OutboundEmail.objects.filter(pk=email.pk).update(status=EmailStatus.FAILED)
    changelist = reverse("admin:accounts_outboundemail_changelist")
    assert "Contact C1" in admin_client.get(changelist).content.decode()
    assert admin_client.get(reverse("admin:accounts_outboundemail_add")).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            changelist, {"action": "send_again", "_selected_action": [email.pk]}
        )
    assert response.status_code == 302
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT
