"""The enquiry page's timeline reads the history of only the parts the enquiry has (consent,
requests, answers, strategy discussions, disagreements), and shows exactly what reading them
all would show."""

import pytest
from django.urls import reverse

from mash import enquiries
from mash.selectors import enquiry_timeline
from tests.factories import contact_with_mash
from tests.query_helpers import tables_listed

HISTORIES = {
    "mash_historicalconsentdecision",
    "mash_historicalpartnerrequest",
    "mash_historicalpartneranswer",
    "mash_historicalstrategydiscussion",
    "mash_historicaldisagreement",
}


def _page(client, enquiry):
    read, response = tables_listed(client, reverse("mash:enquiry", args=[enquiry.pk]), HISTORIES)
    return read, response.context["timeline"]


def _steps(timeline):
    return [(entry.at, entry.user, entry.reason) for entry in timeline]


@pytest.mark.django_db
def test_a_new_enquiry_reads_none_of_the_parts_histories(
    client, camden, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    contact = contact_with_mash(
        officer=screening_officer, senior=senior_practitioner, profile=camden
    )
    enquiry = enquiries.enquiry_open(
        contact=contact, by=mash_manager, profile=camden, worker=mash_social_worker
    )
    client.force_login(mash_manager)

    read, timeline = _page(client, enquiry)

    assert read == set()
    assert _steps(timeline) == _steps(enquiry_timeline(enquiry))


@pytest.mark.django_db
def test_a_disputed_enquiry_shows_every_part_it_has(client, disagreed, mash_manager):
    enquiry, disagreement, police_user = disagreed("no_further_action")
    client.force_login(mash_manager)

    read, timeline = _page(client, enquiry)

    assert read == HISTORIES - {"mash_historicalstrategydiscussion"}
    assert _steps(timeline) == _steps(enquiry_timeline(enquiry))
