"""Destroying a record past retention: nothing personal is left, its tombstone is, and the
year's figures still count it; a legal hold refuses destruction."""

import datetime as dt

import pytest
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import AccessLog, Notification, OutboundEmail
from accounts.services import access_record
from privacy import services
from privacy.models import RecordKind, RetentionReview, ReviewStatus, Tombstone
from referrals.models import Contact, Person, Rating
from reporting.figures import sections_for
from reporting.tables import Period
from tests.privacy.conftest import NFA_ON

SIX_YEARS_ON = dt.date(2021, 3, 10)
YEAR = Period(dt.date(2015, 1, 1), dt.date(2015, 12, 31), label="2015")
FIXED_NOW = dt.datetime(2026, 6, 1, 12, tzinfo=dt.UTC)
CHILD = {"first_name": "Zephyrine", "last_name": "Quillfeather", "nhs_number": "9434765919"}


@pytest.fixture
def review(in_islington, screening_officer, senior_practitioner, service_manager):
    from tests.privacy.records import closed_nfa

    contact = closed_nfa(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=in_islington,
        on=NFA_ON,
        **CHILD,
    )
    # Somebody read it, was emailed and notified about it.
    access_record(user=service_manager, obj=contact, description="Contact read")
    access_record(user=service_manager, obj=contact.people.get(), description="Person read")
    OutboundEmail.objects.create(
        to="worker@example.org",
        subject="About Zephyrine Quillfeather",
        body="Zephyrine",
        purpose="notification",
        content_type=ContentType.objects.get_for_model(Contact),
        object_id=contact.pk,
    )
    Notification.objects.create(
        user=service_manager, title="Zephyrine", url=contact.get_absolute_url()
    )
    services.retention_sweep(today=SIX_YEARS_ON)
    return RetentionReview.objects.get(contact=contact)


def _every_row_mentioning(*needles: str) -> list[str]:
    """Every row of every table (history and access log included) with any needle in it."""
    found = []
    for model in apps.get_models():
        for row in model.objects.values():
            text = str(row)
            if any(needle in text for needle in needles):
                found.append(f"{model._meta.label}: {text[:200]}")
    return found


PERSONAL = (
    "Zephyrine",
    "Quillfeather",
    "9434765919",
    "Pat Example",
    "Child arrived with bruising",
    "Mrs Smith",
    "Example Primary School",
)


def test_destruction_leaves_no_personal_data_anywhere(review, service_manager):
    assert _every_row_mentioning(*PERSONAL)  # the needles are really there before
    services.record_destroy(review=review, reason="Retention ended", by=service_manager)
    assert _every_row_mentioning(*PERSONAL) == []


def test_destruction_removes_history_and_access_log_rows_and_keeps_one_destruction_row(
    review, service_manager
):
    contact = review.contact
    person = contact.people.get()
    rating_ids = list(Rating.objects.filter(contact=contact).values_list("pk", flat=True))
    assert Contact.history.filter(id=contact.pk).count() > 1
    services.record_destroy(review=review, reason="Retention ended", by=service_manager)
    contact_rows = Contact.history.filter(id=contact.pk)
    assert contact_rows.count() == 1
    assert "Destroyed at the end of retention" in contact_rows.get().history_change_reason
    assert contact_rows.get().concerns == ""
    assert Person.history.filter(id=person.pk).count() == 1
    assert Rating.history.filter(id__in=rating_ids).count() == 0
    for obj in (contact, person):
        ct = ContentType.objects.get_for_model(obj)
        assert not AccessLog.objects.filter(content_type=ct, object_id=obj.pk).exists()
    assert not OutboundEmail.objects.filter(object_id=contact.pk).exists()
    assert not Notification.objects.filter(url=contact.get_absolute_url()).exists()
    person.refresh_from_db()
    assert person.destroyed_at and person.date_of_birth is None and person.nhs_number is None


def test_a_tombstone_keeps_the_statistical_facts_and_who_approved(review, service_manager):
    contact = review.contact
    tombstone = services.record_destroy(review=review, reason="Retention ended", by=service_manager)
    assert Tombstone.objects.get() == tombstone
    assert tombstone.kind == RecordKind.NFA_ADVICE
    assert tombstone.received_on == NFA_ON
    assert tombstone.council.code == "islington"
    assert (tombstone.source, tombstone.referral_source, tombstone.rag) == ("phone", "2A", "green")
    assert tombstone.outcome == "closed_nfa" and tombstone.children == 1
    assert tombstone.approved_by == service_manager and tombstone.review == review
    review.refresh_from_db()
    assert review.status == ReviewStatus.DESTROYED and review.decided_by == service_manager
    contact.refresh_from_db()
    assert contact.destroyed_at == tombstone.destroyed_at


def test_the_years_figures_are_the_same_after_destruction(review, service_manager, in_islington):
    before = sections_for(YEAR, in_islington, now=FIXED_NOW)
    services.record_destroy(review=review, reason="Retention ended", by=service_manager)
    after = sections_for(YEAR, in_islington, now=FIXED_NOW)
    assert after == before
    assert before[0].tables[0].rows  # the year has figures to compare


def test_a_legal_hold_refuses_destruction_and_changes_nothing(review, service_manager):
    services.hold_place(
        person=review.contact.people.get(), reason="litigation", details="Claim", by=service_manager
    )
    with pytest.raises(services.RecordHeld, match="legal hold is in force"):
        services.record_destroy(review=review, reason="Retention ended", by=service_manager)
    review.refresh_from_db()
    assert review.is_open and not Tombstone.objects.exists()
    assert Person.objects.filter(first_name="Zephyrine").exists()


def test_destruction_needs_the_permission_a_reason_and_an_undecided_review(
    review, service_manager, screening_officer
):
    with pytest.raises(PermissionDenied):
        services.record_destroy(review=review, reason="x", by=screening_officer)
    with pytest.raises(ValidationError):
        services.record_destroy(review=review, reason=" ", by=service_manager)
    services.record_destroy(review=review, reason="Retention ended", by=service_manager)
    with pytest.raises(ValidationError, match="already been decided"):
        services.record_destroy(review=review, reason="Again", by=service_manager)


def test_nobody_can_open_a_destroyed_contact_or_person(client, review, service_manager):
    contact, person = review.contact, review.contact.people.get()
    services.record_destroy(review=review, reason="Retention ended", by=service_manager)
    client.force_login(service_manager)
    assert client.get(reverse("referrals:contact_detail", args=[contact.pk])).status_code == 404
    assert client.get(reverse("referrals:person_detail", args=[person.pk])).status_code == 404


def test_a_person_on_another_retained_contact_keeps_their_record(
    review, service_manager, screening_officer, senior_practitioner, in_islington
):
    from tests.privacy.records import closed_nfa

    person = review.contact.people.get()
    later = closed_nfa(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=in_islington,
        on=dt.date(2024, 1, 5),
        child=person,
    )
    services.record_destroy(review=review, reason="Retention ended", by=service_manager)
    person.refresh_from_db()
    assert person.destroyed_at is None and person.first_name == "Zephyrine"
    assert list(review.contact.people.all()) == []
    assert list(later.people.all()) == [person]


def test_the_figures_click_through_lists_a_destroyed_contact_without_a_link(
    client, review, service_manager
):
    contact = review.contact
    services.record_destroy(review=review, reason="Retention ended", by=service_manager)
    client.force_login(service_manager)
    page = client.get(
        "/reporting/contacts/?figure=conversion&row=all&from=2015-01-01&to=2015-12-31"
    ).content.decode()
    assert contact.reference in page and "(past retention)" in page
    assert reverse("referrals:contact_detail", args=[contact.pk]) not in page
    assert CHILD["last_name"] not in page
