"""Notices for many at once: notify_select writes what notify() writes, in a few statements."""

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.template import Context, Engine
from django.test.utils import CaptureQueriesContext

from accounts.messages import DEFAULTS, PLACEHOLDERS, _compiled, render_message
from accounts.models import EmailStatus, MessagePurpose, Notification, OutboundEmail
from accounts.services import absolute_url, notify, notify_select
from tests.factories import UserFactory

ENGINE = Engine(autoescape=False)
TRICKY = {
    "title": "Overdue: <b>Red</b> & 'amber' for contact C0000042",
    "body": "  Due {{ soon }}.\n\n",
    "url": "https://example.org/contacts/42/?a=1&b=2",
    "service_name": "Children and Families Contact Service",
    "reference": "C0000042",
    "referrer_name": "Dr O'Neil",
}


@pytest.mark.parametrize(
    "source",
    [
        *(text for pair in DEFAULTS.values() for text in pair),
        "{{ title|upper }}",
        "{% if url %}Link: {{ url }}{% endif %}",
        "{{ nosuchplaceholder }} {{ title }}",
        '{{ "literal" }} {{ title.upper }}',
    ],
)
def test_a_compiled_template_renders_as_the_engine_does(source):
    for purpose, allowed in PLACEHOLDERS.items():
        values = {name: TRICKY.get(name, "") for name in allowed}
        expected = ENGINE.from_string(source).render(Context(values, autoescape=False))
        assert _compiled(ENGINE.from_string(source), allowed)(values) == expected, purpose


def notices_for(users, **kwargs) -> int:
    ids = [u.pk for u in users]
    return notify_select(
        select="SELECT u.id AS user_id, 'Overdue: ' || u.username AS title, "
        "'This clock was due.' AS body, '/contacts/' || u.id || '/' AS url "
        "FROM accounts_user u WHERE u.id = ANY(%(ids)s) ORDER BY u.id",
        params={"ids": ids},
        **kwargs,
    )


@pytest.mark.django_db
def test_notices_for_a_select_are_written_emailed_and_sent_after_commit_as_notify_does(
    django_capture_on_commit_callbacks,
):
    users = [UserFactory(), UserFactory(), UserFactory(email="")]
    with django_capture_on_commit_callbacks(execute=True):
        assert notices_for(users) == 3
        one = notify(user=users[0], title="Overdue: by notify()", body="This clock was due.")
    for user in users:
        [row] = Notification.objects.filter(user=user, title=f"Overdue: {user.username}")
        assert (row.body, row.url) == ("This clock was due.", f"/contacts/{user.pk}/")
        assert row.history.get(history_type="+").history_change_reason == "Notification raised"
    # Emails to those with an address, each about its notice, worded and queued as notify's.
    emails = OutboundEmail.objects.exclude(object_id=one.pk).order_by("to")
    assert [e.to for e in emails] == sorted(u.email for u in users[:2])
    reference = OutboundEmail.objects.get(object_id=one.pk)
    for email in emails:
        notice = Notification.objects.get(pk=email.object_id)
        assert email.subject == notice.title
        context = {"title": notice.title, "body": notice.body, "url": absolute_url(notice.url)}
        context["service_name"] = settings.SERVICE_NAME
        assert email.body == render_message(MessagePurpose.NOTIFICATION, context).body
        assert (email.purpose, email.content_type_id) == (
            reference.purpose,
            reference.content_type_id,
        )
        assert email.history.get(history_type="+").history_change_reason == "Queued: notification"
        assert email.status == EmailStatus.SENT  # sent after commit, by the workers' task
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_notices_without_email_and_the_same_few_statements_for_any_number():
    few, many = [UserFactory() for _ in range(2)], [UserFactory() for _ in range(20)]
    counts = []
    for users in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            assert notices_for(users, email=False) == len(users)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] <= 3  # the statement, in a savepoint
    assert not OutboundEmail.objects.filter(purpose=MessagePurpose.NOTIFICATION).exists()
