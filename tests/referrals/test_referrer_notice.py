"""Telling the referrer: the outcome for a professional, only an acknowledgement for the public,
once per outcome, by email through the outbox or by a letter to post."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import EmailStatus, MessagePurpose, MessageTemplate, OutboundEmail
from accounts.services import email_resend_due
from referrals import services
from referrals.models import NoticeAudience, NoticeChannel, ReferrerNotice
from referrals.notices import services as notices
from tests.celery_helpers import real_worker, wait_for
from tests.factories import (
    PROFESSIONAL_REFERRER,
    PUBLIC_REFERRER,
    PersonFactory,
    contact_with_referrer,
)
from tests.smtp_helpers import free_port, smtp_server, use_smtp
from thresholds.models import ClockKind, Deadline

NO_EMAIL = {"referrer_email": "", "referrer_address": "1 Example Street\nLondon N1 1AA"}


@pytest.fixture
def make(screening_officer, senior_practitioner, camden, social_work_team):
    def make(referrer=PROFESSIONAL_REFERRER, *, referred=True, children=None):
        return contact_with_referrer(
            officer=screening_officer,
            senior=senior_practitioner,
            profile=camden,
            referrer=referrer,
            team=social_work_team if referred else None,
            children=children,
        )

    return make


def to_referrer() -> list:
    """The emails to the referrer (a referral to a team also emails the team's duty address)."""
    return [m for m in mail.outbox if not m.to[0].endswith("-duty@example.org")]


def clock(contact) -> Deadline:
    return Deadline.objects.get(contact=contact, kind=ClockKind.REFERRER_TOLD)


def previewed(contact) -> str:
    """What the preview page names as shown: the clock and the outcome."""
    contact.refresh_from_db()
    return f"{clock(contact).pk}-{contact.status}"


@pytest.mark.django_db
def test_a_professional_is_emailed_the_outcome_and_team_when_it_is_decided(
    make, django_capture_on_commit_callbacks
):
    child = PersonFactory(first_name="Amelia", last_name="Hartley")
    with django_capture_on_commit_callbacks(execute=True):
        contact = make(children=[child])
    notice = ReferrerNotice.objects.get(contact=contact)
    assert notice.audience == NoticeAudience.PROFESSIONAL
    assert notice.channel == NoticeChannel.EMAIL and notice.email.status == EmailStatus.SENT
    (sent,) = to_referrer()
    assert sent.to == ["pat.example@school.example.org"]
    assert contact.reference in sent.subject and child.case_number in sent.subject
    assert "Referred to a children's social work team" in sent.body
    assert "Allocated to: Test children in need team" in sent.body
    assert "Child and Family Assessment" in sent.body
    for name in ("Amelia", "Hartley"):
        assert name not in sent.subject and name not in sent.body
    contact.refresh_from_db()
    assert clock(contact).met_at is not None and contact.referrer_told_at is not None


@pytest.mark.django_db
def test_a_member_of_the_public_is_told_only_that_the_contact_was_acted_on(
    make, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = make(PUBLIC_REFERRER)
    (sent,) = to_referrer()
    assert ReferrerNotice.objects.get(contact=contact).audience == NoticeAudience.PUBLIC
    assert contact.reference in sent.subject
    assert "acted on" in sent.body and "cannot tell you what we have decided" in sent.body
    for revealing in ("Outcome", "social work", "Test children in need team", "Assessment"):
        assert revealing not in sent.body and revealing not in sent.subject
    for person in contact.people.all():
        assert person.case_number not in sent.body + sent.subject


@pytest.mark.django_db
def test_a_notice_is_sent_once_per_outcome(
    make, screening_officer, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = make()
    with pytest.raises(ValidationError, match="already been told"):
        notices.contact_notify_referrer(contact=contact, by=screening_officer)
    client.force_login(screening_officer)
    url = reverse("referrals:contact_referrer_notice", args=[contact.pk])
    page = client.get(url).content.decode()
    assert "already been told the latest outcome" in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {"previewed": previewed(contact)})
    assert len(to_referrer()) == 1 and ReferrerNotice.objects.count() == 1
    assert OutboundEmail.objects.filter(purpose="referrer_notice").count() == 1


@pytest.mark.django_db
def test_the_officer_checks_the_message_then_sends_it(
    make, screening_officer, client, django_capture_on_commit_callbacks
):
    contact = make()  # outside on-commit capture: nothing sent automatically
    assert not ReferrerNotice.objects.exists()
    client.force_login(screening_officer)
    detail = client.get(contact.get_absolute_url()).content.decode()
    assert "Send the outcome to the referrer" in detail
    url = reverse("referrals:contact_referrer_notice", args=[contact.pk])
    page = client.get(url).content.decode()
    assert "Check the message before sending it" in page
    assert "pat.example@school.example.org" in page and "Allocated to" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"previewed": previewed(contact)})
    assert response.status_code == 302
    (sent,) = to_referrer()
    notice = ReferrerNotice.objects.get(contact=contact)
    assert notice.created_by == screening_officer and notice.body == sent.body
    assert "What the referrer was sent" in client.get(contact.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_a_stale_preview_is_not_sent(make, screening_officer, client):
    contact = make()
    client.force_login(screening_officer)
    url = reverse("referrals:contact_referrer_notice", args=[contact.pk])
    response = client.post(url, {"previewed": f"{clock(contact).pk}-with_mash"})
    assert response.status_code == 200
    assert "The outcome has changed" in response.content.decode()
    assert not ReferrerNotice.objects.exists()


@pytest.mark.django_db
def test_a_referrer_without_an_email_gets_a_letter_to_post(
    make, screening_officer, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = make({**PROFESSIONAL_REFERRER, **NO_EMAIL})
    assert not ReferrerNotice.objects.exists() and clock(contact).met_at is None
    client.force_login(screening_officer)
    url = reverse("referrals:contact_referrer_notice", args=[contact.pk])
    assert "Prepare the letter to post" in client.get(url).content.decode()
    response = client.post(url, {"previewed": previewed(contact)}, follow=True)
    notice = ReferrerNotice.objects.get(contact=contact)
    assert notice.channel == NoticeChannel.LETTER and notice.email is None
    page = response.content.decode()
    assert "Letter waiting to be posted" in page and "1 Example Street" in page
    assert clock(contact).met_at is None  # told only once it is posted
    posted = reverse("referrals:contact_referrer_letter_posted", args=[contact.pk])
    assert client.post(posted, {"notice": notice.pk}).status_code == 302
    notice.refresh_from_db()
    assert notice.posted_by == screening_officer and clock(contact).met_at is not None
    assert to_referrer() == []


@pytest.mark.django_db
def test_with_no_email_or_address_the_officer_is_told_to_phone(make, screening_officer, client):
    contact = make({**PROFESSIONAL_REFERRER, "referrer_email": "", "referrer_phone": "020"})
    client.force_login(screening_officer)
    page = client.get(reverse("referrals:contact_referrer_notice", args=[contact.pk]))
    assert "tell them by phone" in page.content.decode()


@pytest.mark.django_db
def test_a_subject_naming_a_child_is_refused_with_a_clear_error(
    make, screening_officer, client, django_capture_on_commit_callbacks
):
    MessageTemplate.objects.filter(purpose=MessagePurpose.REFERRER_PROFESSIONAL).update(
        subject="Contact {{ reference }} about Amelia"
    )
    child = PersonFactory(first_name="Amelia")
    with django_capture_on_commit_callbacks(execute=True):
        contact = make(children=[child])  # the automatic send is refused too
    assert not OutboundEmail.objects.filter(purpose="referrer_notice").exists()
    client.force_login(screening_officer)
    url = reverse("referrals:contact_referrer_notice", args=[contact.pk])
    response = client.post(url, {"previewed": previewed(contact)})
    assert response.status_code == 200
    assert "must not contain a child&#x27;s name" in response.content.decode()
    assert not ReferrerNotice.objects.exists() and clock(contact).met_at is None


def mash_refers(contact, *, manager, profile, team) -> None:
    """The MASH manager's decision: a new outcome for the contact (referral to `team`)."""
    from mash import enquiries

    enquiry = enquiries.enquiry_open(contact=contact, by=manager, profile=profile)
    enquiry = enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=manager,
        version=enquiry.version,
        summary="Checks done.",
        analysis="Needs assessment.",
        recommended_level=3,
        recommended_action="Refer for assessment",
    )
    enquiries.enquiry_decide(
        enquiry=enquiry,
        by=manager,
        version=enquiry.version,
        profile=profile,
        final_rag="amber",
        final_rationale="Child in need.",
        next_step="social_work_referral",
        team=team,
        assessment_type="cfa",
    )


@pytest.mark.django_db
def test_the_mash_decision_is_a_new_outcome_told_once_more(
    make, mash_manager, camden, social_work_team, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        contact = make(referred=False)  # red: to the MASH
    with django_capture_on_commit_callbacks(execute=True):
        mash_refers(contact, manager=mash_manager, profile=camden, team=social_work_team)
    first, second = ReferrerNotice.objects.order_by("created_at")
    assert (first.outcome, second.outcome) == ("with_mash", "referred_to_social_work")
    told = [m for m in mail.outbox if m.to == [PROFESSIONAL_REFERRER["referrer_email"]]]
    assert len(told) == 2 and second.created_by == mash_manager
    assert "Multi-Agency Safeguarding Hub" in told[0].body
    assert "Allocated to: Test children in need team" in told[1].body
    assert not Deadline.objects.filter(kind=ClockKind.REFERRER_TOLD, met_at__isnull=True)


@pytest.mark.django_db
def test_a_letter_superseded_by_a_new_outcome_does_not_tell_the_new_one(
    make, screening_officer, mash_manager, camden, social_work_team
):
    contact = make({**PROFESSIONAL_REFERRER, **NO_EMAIL}, referred=False)
    old = notices.contact_notify_referrer(contact=contact, by=screening_officer)
    mash_refers(contact, manager=mash_manager, profile=camden, team=social_work_team)
    contact.refresh_from_db()
    notices.referrer_notice_mark_posted(notice=old, by=screening_officer)
    assert clock(contact).met_at is None  # the referral is still to be told
    new = notices.contact_notify_referrer(contact=contact, by=screening_officer)
    assert new.outcome == "referred_to_social_work" and "Test children in need team" in new.body
    notices.referrer_notice_mark_posted(notice=new, by=screening_officer)
    assert clock(contact).met_at is not None


@pytest.mark.django_db
def test_a_phone_call_can_still_be_recorded_and_then_nothing_is_sent(make, screening_officer):
    contact = make()
    services.contact_record_referrer_told(contact=contact, by=screening_officer, how="phone")
    with pytest.raises(ValidationError):
        notices.contact_notify_referrer(contact=contact, by=screening_officer)


@pytest.mark.django_db
def test_only_those_who_may_change_the_contact_send_notices(make, mash_manager, client):
    contact = make()
    with pytest.raises(PermissionDenied):
        notices.contact_notify_referrer(contact=contact, by=mash_manager)
    client.force_login(mash_manager)
    url = reverse("referrals:contact_referrer_notice", args=[contact.pk])
    assert client.post(url, {"previewed": previewed(contact)}).status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_referrer_notice_is_sent_once_and_retried_while_the_mail_server_is_down(
    settings, screening_officer, senior_practitioner, camden, social_work_team
):
    port = free_port()
    use_smtp(settings, port)
    with real_worker():
        with transaction.atomic():
            contact = contact_with_referrer(
                officer=screening_officer,
                senior=senior_practitioner,
                profile=camden,
                referrer=PROFESSIONAL_REFERRER,
                team=social_work_team,
            )
        email = ReferrerNotice.objects.get(contact=contact).email
        assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).attempts == 1)
        email.refresh_from_db()
        assert email.status == EmailStatus.PENDING
        referrer = [PROFESSIONAL_REFERRER["referrer_email"]]
        with smtp_server(port) as inbox:

            def told() -> int:  # the team's duty address is emailed the referral too
                return sum(1 for m in inbox.messages if m.rcpt_tos == referrer)

            email_resend_due(now=email.next_attempt_at)
            assert wait_for(lambda: told() == 1)
            assert wait_for(lambda: OutboundEmail.objects.get(pk=email.pk).sent_at is not None)
            email_resend_due(now=timezone.now() + dt.timedelta(hours=3))
            assert not wait_for(lambda: told() > 1, timeout=1.5)
    assert ReferrerNotice.objects.filter(contact=contact).count() == 1
