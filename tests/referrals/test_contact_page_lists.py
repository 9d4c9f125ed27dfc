"""The contact page reads a list (ratings, referrals, corrections, management oversight,
notices to the referrer, duplicate flags) only when the contact has something in it, and shows
each one it has: one query asks which it has."""

import pytest
from django.urls import reverse

from referrals import corrections, services
from tests.factories import PersonFactory, complete_contact, green_contact
from tests.query_helpers import tables_listed

LISTS = {
    "referrals_referral": "referrals",
    "referrals_contactcorrection": "corrections",
    "referrals_managementoversight": "oversight",
    "referrals_rating": "ratings",
    "referrals_referrernotice": "notices to the referrer",
    "referrals_contactduplicate": "duplicate flags",
}


def _lists_read(client, contact) -> tuple[set[str], str]:
    read, response = tables_listed(
        client, reverse("referrals:contact_detail", args=[contact.pk]), LISTS
    )
    return read, response.content.decode()


@pytest.mark.django_db
def test_a_contact_with_none_of_the_lists_reads_none_of_them(
    client, camden, screening_officer, senior_practitioner
):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    client.force_login(senior_practitioner)

    read, _ = _lists_read(client, contact)

    assert read == set()


@pytest.mark.django_db
def test_a_rated_and_corrected_contact_reads_and_shows_those_two_lists_only(
    client, camden, screening_officer, senior_practitioner
):
    contact = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    corrections.contact_correct(
        contact=contact,
        by=senior_practitioner,
        section="concerns",
        data={"concerns": "Bruise on the right arm.", "alleged_perpetrator_details": ""},
        reason="The school rang back: it was the right arm.",
        version=contact.version,
    )
    client.force_login(senior_practitioner)

    read, page = _lists_read(client, contact)

    assert read == {"referrals_rating", "referrals_contactcorrection"}
    assert "Low-level needs: two level 2 indicators." in page
    assert "The school rang back: it was the right arm." in page
