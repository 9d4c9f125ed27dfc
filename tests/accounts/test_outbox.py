"""The email outbox: every email is a row until it is sent, sent once, retried, never lost."""

import datetime as dt
import time

import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.db import transaction
from django.utils import timezone

from accounts import services
from accounts.models import EmailStatus, OutboundEmail
from accounts.roles import Role
from accounts.services import email_queue, email_resend_due, email_send, notify
from tests.celery_helpers import real_worker, wait_for
from tests.factories import UserFactory
from tests.smtp_helpers import free_port, smtp_server, use_smtp


def queue(**kwargs) -> OutboundEmail:
    fields = {
        "to": "duty@example.org",
        "subject": "Contact C0000042: outcome",
        "body": "The outcome.",
        "purpose": "test",
    }
    return email_queue(**{**fields, **kwargs})


@pytest.mark.django_db
def test_queued_email_is_sent_after_commit_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and email.attempts == 1 and email.sent_at
    assert len(mail.outbox) == 1
    assert mail.outbox[0].extra_headers["Message-ID"] == email.message_id
    # A repeated task (a re-queue, a redelivery) finds it sent and sends nothing.
    assert email_send(email_id=email.pk) is None
    assert len(mail.outbox) == 1
    assert email.history.filter(history_change_reason__startswith="Sent").count() == 1


@pytest.mark.django_db
def test_nothing_is_sent_when_the_transaction_rolls_back(django_capture_on_commit_callbacks):
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        queue()
        raise RuntimeError("the decision failed")
    assert callbacks == [] and len(mail.outbox) == 0
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "subject",
    ["Amelia's contact C0000042", "Contact about AMELIA", "C0000042 smith-jones", "Re: Jones"],
)
def test_a_subject_naming_a_child_is_refused(subject):
    with pytest.raises(ValueError, match="child's name"):
        queue(subject=subject, forbidden_names=["Amelia", "Smith-Jones"])
    assert not OutboundEmail.objects.exists()


@pytest.mark.django_db
def test_names_match_whole_words_only(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        queue(subject="Ameliaville school: contact C0000042", forbidden_names=["Amelia Li"])
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_failed_attempt_is_recorded_and_the_email_stays_pending(settings):
    use_smtp(settings, free_port())  # nothing listens there: connection refused
    email = queue()
    with pytest.raises(services.EmailNotSent) as failure:
        email_send(email_id=email.pk)
    email.refresh_from_db()
    assert email.status == EmailStatus.PENDING and email.attempts == 1
    assert "refused" in email.last_error.lower()
    assert failure.value.retry_in == 60
    assert email.next_attempt_at > timezone.now() + dt.timedelta(seconds=60)


@pytest.mark.django_db
def test_after_its_last_attempt_an_email_is_failed_until_an_administrator_resends_it(
    settings, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(services, "MAX_ATTEMPTS", 2)
    use_smtp(settings, free_port())
    email = queue()
    with pytest.raises(services.EmailNotSent):
        email_send(email_id=email.pk)
    assert email_send(email_id=email.pk) is None  # gave up: no retry
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED and email.next_attempt_at is None
    assert email_resend_due(now=timezone.now() + dt.timedelta(days=2)) == []

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    with django_capture_on_commit_callbacks(execute=True):
        assert services.email_resend(email=email, by=admin) is True
    email.refresh_from_db()
    assert email.status == EmailStatus.SENT and len(mail.outbox) == 1
    assert email.history.filter(history_user=admin, history_change_reason__startswith="Resent")


@pytest.mark.django_db
def test_an_email_that_can_never_be_sent_is_failed_at_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue(to="duty@example.org\nBcc: everyone@example.org")
    email.refresh_from_db()
    assert email.status == EmailStatus.FAILED and "BadHeaderError" in email.last_error
    assert len(mail.outbox) == 0
    assert email_resend_due(now=timezone.now() + dt.timedelta(days=1)) == []


@pytest.mark.django_db
def test_the_sweep_requeues_only_pending_emails_that_are_overdue(
    django_capture_on_commit_callbacks,
):
    overdue, not_yet = queue(), queue(to="other@example.org")
    later = timezone.now() + dt.timedelta(minutes=5)
    OutboundEmail.objects.filter(pk=not_yet.pk).update(next_attempt_at=later)
    with django_capture_on_commit_callbacks(execute=True):
        assert email_resend_due(now=timezone.now() + dt.timedelta(minutes=2)) == [overdue.pk]
    assert [m.to for m in mail.outbox] == [["duty@example.org"]]
    with django_capture_on_commit_callbacks(execute=True):
        assert email_resend_due(now=timezone.now() + dt.timedelta(minutes=2)) == []
    assert len(mail.outbox) == 1


def test_the_resend_sweep_is_on_the_one_beat_schedule():
    entry = django_settings.CELERY_BEAT_SCHEDULE["outbox-resend"]
    assert entry == {"task": "accounts.tasks.resend_due_emails", "schedule": 60.0}


@pytest.mark.django_db
def test_a_notification_email_goes_through_the_outbox(
    social_worker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        notice = notify(user=social_worker, title="Contact C0000042 for you", url="/contacts/1/")
    email = OutboundEmail.objects.get(object_id=notice.pk, purpose="notification")
    assert email.about == notice and email.status == EmailStatus.SENT
    assert mail.outbox[0].subject == "Contact C0000042 for you"
    assert mail.outbox[0].body.endswith("/contacts/1/")


@pytest.mark.django_db(transaction=True)
def test_with_the_mail_server_down_an_email_is_retried_and_sent_once_when_it_returns(settings):
    port = free_port()
    use_smtp(settings, port)
    with real_worker():
        with transaction.atomic():
            email = queue()
        # The worker's attempt is refused: recorded, still pending, a retry scheduled.
        assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).attempts == 1)
        email.refresh_from_db()
        assert email.status == EmailStatus.PENDING and "refused" in email.last_error.lower()
        with smtp_server(port) as inbox:
            # The mail server is back; beat's sweep re-queues the email once it is due.
            assert email_resend_due(now=email.next_attempt_at) == [email.pk]
            assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).sent_at is not None)
            assert wait_for(lambda: len(inbox.messages) == 1)
            assert email_resend_due(now=timezone.now() + dt.timedelta(hours=3)) == []
            time.sleep(1)
            assert len(inbox.messages) == 1
    assert inbox.messages[0].rcpt_tos == ["duty@example.org"]
    assert b"Subject: Contact C0000042: outcome" in inbox.messages[0].original_content


def test_links_in_notification_emails_are_absolute_addresses(db, settings, screening_officer):
    settings.SITE_URL = "https://contact.example.gov.uk"
    notify(user=screening_officer, title="Something for you", url="/contacts/42/")
    email = OutboundEmail.objects.latest("pk")
    assert "https://contact.example.gov.uk/contacts/42/" in email.body
