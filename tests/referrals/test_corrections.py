"""Correcting a submitted contact: a senior practitioner, with a reason, before and after shown
on the contact and kept in its history; a save over a newer version is refused, not lost."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape

from referrals import corrections, services
from referrals.models import ContactCorrection
from tests.factories import PersonFactory, complete_contact


@pytest.fixture
def submitted(camden, screening_officer):
    contact = complete_contact(
        by=screening_officer, children=[PersonFactory()], concerns="Bruise on the left arm."
    )
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    contact.refresh_from_db()
    return contact


def test_a_senior_practitioner_corrects_the_concerns_with_a_reason(submitted, senior_practitioner):
    correction = corrections.contact_correct(
        contact=submitted,
        by=senior_practitioner,
        section="concerns",
        data={"concerns": "Bruise on the right arm.", "alleged_perpetrator_details": ""},
        reason="The school rang back: it was the right arm.",
        version=submitted.version,
    )
    submitted.refresh_from_db()
    assert submitted.concerns == "Bruise on the right arm."
    assert submitted.corrected_at is not None
    assert correction.changes == [
        {
            "field": "concerns",
            "label": "Concerns, in the referrer's words",
            "before": "Bruise on the left arm.",
            "after": "Bruise on the right arm.",
        }
    ]
    latest = submitted.history.first()
    assert latest.history_user == senior_practitioner
    assert "The school rang back" in latest.history_change_reason


def test_a_screening_officer_may_not_correct_a_submitted_contact(submitted, screening_officer):
    with pytest.raises(PermissionDenied):
        corrections.contact_correct(
            contact=submitted,
            by=screening_officer,
            section="concerns",
            data={"concerns": "Changed"},
            reason="Typo",
        )


def test_a_correction_needs_a_reason_and_a_change(submitted, senior_practitioner):
    with pytest.raises(ValidationError) as exc:
        corrections.contact_correct(
            contact=submitted,
            by=senior_practitioner,
            section="concerns",
            data={"concerns": "Changed"},
            reason="  ",
        )
    assert "reason" in exc.value.message_dict
    with pytest.raises(ValidationError):
        corrections.contact_correct(
            contact=submitted,
            by=senior_practitioner,
            section="concerns",
            data={"concerns": submitted.concerns},
            reason="Nothing really",
        )
    assert not ContactCorrection.objects.exists()


def test_how_and_when_a_contact_arrived_cannot_be_corrected(submitted, senior_practitioner):
    with pytest.raises(ValidationError):
        corrections.contact_correct(
            contact=submitted,
            by=senior_practitioner,
            section="details",
            data={"source": "ecaf"},
            reason="Wrong source",
        )


def test_a_correction_over_a_newer_version_is_refused(submitted, senior_practitioner):
    read = submitted.version
    corrections.contact_correct(
        contact=submitted,
        by=senior_practitioner,
        section="family",
        data={"family_aware": "no"},
        reason="Mum did not know",
        version=read,
    )
    with pytest.raises(ValidationError) as exc:
        corrections.contact_correct(
            contact=submitted,
            by=senior_practitioner,
            section="concerns",
            data={"concerns": "Something else"},
            reason="Another",
            version=read,
        )
    assert exc.value.code == "stale"


def test_the_page_keeps_what_the_loser_typed_and_says_who_saved_meanwhile(
    client, submitted, senior_practitioner
):
    stale = submitted.version
    corrections.contact_correct(
        contact=submitted,
        by=senior_practitioner,
        section="concerns",
        data={"concerns": "First correction"},
        reason="First",
        version=stale,
    )
    client.force_login(senior_practitioner)
    response = client.post(
        reverse("referrals:contact_correct", args=[submitted.pk, "concerns"]),
        {"concerns": "My own wording", "reason": "Mine", "version": stale},
    )
    assert response.status_code == 200
    assert "changed by someone else" in response.text
    assert "My own wording" in response.text
    submitted.refresh_from_db()
    assert submitted.concerns == "First correction"


def test_the_contact_page_shows_the_correction_by_whom_and_why(
    client, submitted, senior_practitioner
):
    client.force_login(senior_practitioner)
    response = client.post(
        reverse("referrals:contact_correct", args=[submitted.pk, "concerns"]),
        {
            "concerns": "Bruise on the right arm.",
            "reason": "The school rang back.",
            "version": submitted.version,
        },
    )
    assert response.status_code == 302
    page = client.get(submitted.get_absolute_url()).text
    assert "Corrected" in page
    assert "The school rang back." in page
    assert "Bruise on the left arm." in page and "Bruise on the right arm." in page
    assert escape(str(senior_practitioner)) in page  # "O'Connor" is escaped


def test_a_junk_correction_post_never_500s(client, submitted, senior_practitioner):
    client.force_login(senior_practitioner)
    response = client.post(
        reverse("referrals:contact_correct", args=[submitted.pk, "family"]),
        {"family_aware": "banana", "reason": "x" * 5000, "version": "nonsense"},
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
