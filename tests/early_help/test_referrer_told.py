"""Early help's decision is an outcome too: the referrer is told it, once, within their clock."""

import pytest

from accounts.models import OutboundEmail
from early_help import services as early_help
from referrals.models import ReferrerNotice
from tests.factories import PROFESSIONAL_REFERRER, PUBLIC_REFERRER, green_contact
from thresholds.models import ClockKind, Deadline

PUBLIC_WITH_EMAIL = {**PUBLIC_REFERRER, "referrer_email": "sam@example.org"}


@pytest.fixture
def make(camden, screening_officer, senior_practitioner, django_capture_on_commit_callbacks):
    def make(referrer):
        with django_capture_on_commit_callbacks(execute=True):
            return green_contact(
                officer=screening_officer,
                senior=senior_practitioner,
                profile=camden,
                referrer=referrer,
            )

    return make


def decide(contact, manager, worker, profile, capture, outcome="brief_assessment"):
    with capture(execute=True):
        early_help.early_help_decide(
            contact=contact,
            by=manager,
            profile=profile,
            outcome=outcome,
            rationale="Needs a brief early help assessment.",
            worker=worker,
        )


def referrer_emails(contact):
    return [n.email for n in ReferrerNotice.objects.filter(contact=contact).order_by("pk")]


def test_a_professional_referrer_hears_the_early_help_decision_after_the_rating(
    make, camden, early_help_manager, family_worker, django_capture_on_commit_callbacks
):
    contact = make(PROFESSIONAL_REFERRER)
    assert len(referrer_emails(contact)) == 1  # passed to early help, at the rating
    decide(contact, early_help_manager, family_worker, camden, django_capture_on_commit_callbacks)
    first, second = referrer_emails(contact)
    assert "Passed to early help" in first.body
    assert "brief early help assessment" in second.body
    assert str(family_worker.team) in second.body
    clocks = Deadline.objects.filter(contact=contact, kind=ClockKind.REFERRER_TOLD)
    assert clocks.count() == 2 and all(c.met_at for c in clocks)
    for name in (contact.contact_people.get().person.first_name,):
        assert name not in second.subject


def test_a_member_of_the_public_is_not_told_what_early_help_decided(
    make, camden, early_help_manager, family_worker, django_capture_on_commit_callbacks
):
    contact = make(PUBLIC_WITH_EMAIL)
    decide(contact, early_help_manager, family_worker, camden, django_capture_on_commit_callbacks)
    [email] = referrer_emails(contact)  # the acknowledgment at the rating, and no more
    assert "assessment" not in email.body
    assert "early help" not in email.body.lower()
    assert not Deadline.objects.filter(
        contact=contact, kind=ClockKind.REFERRER_TOLD, met_at__isnull=True
    ).exists()


def test_an_untold_earlier_outcome_is_replaced_by_the_latest(
    camden,
    screening_officer,
    senior_practitioner,
    early_help_manager,
    family_worker,
    django_capture_on_commit_callbacks,
):
    # No email address: the rating's notice waits for a person to send a letter or phone.
    contact = green_contact(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        referrer={**PROFESSIONAL_REFERRER, "referrer_email": ""},
    )
    decide(contact, early_help_manager, family_worker, camden, django_capture_on_commit_callbacks)
    clock = Deadline.objects.get(contact=contact, kind=ClockKind.REFERRER_TOLD)
    assert clock.met_at is None
    assert "brief early help assessment" in clock.description
    assert not OutboundEmail.objects.filter(purpose="referrer_notice").exists()
