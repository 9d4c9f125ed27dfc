"""The enquiry page lists the children's previous contacts a page at a time, like the contact
page, and a junk page number shows the first or last page."""

import pytest
from django.urls import reverse

from mash import enquiries, enquiry_views
from referrals import services
from tests.factories import PersonFactory, complete_contact, contact_with_mash


@pytest.mark.parametrize(
    "number, listed", [("1", 2), ("2", 1), ("abc", 2), ("-1", 1), ("9" * 9, 1)]
)
def test_the_enquiry_page_pages_previous_contacts(
    client,
    monkeypatch,
    camden,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    number,
    listed,
):
    monkeypatch.setattr(enquiry_views, "PAGE_SIZE", 2)
    child = PersonFactory()
    earlier = []
    for _ in range(3):
        contact = complete_contact(by=screening_officer, children=[child])
        services.contact_submit(contact=contact, by=screening_officer, profile=camden)
        earlier.append(contact)
    contact = contact_with_mash(
        officer=screening_officer, senior=senior_practitioner, profile=camden, children=[child]
    )
    enquiry = enquiries.enquiry_open(
        contact=contact, by=mash_manager, profile=camden, worker=mash_social_worker
    )
    client.force_login(mash_manager)

    response = client.get(reverse("mash:enquiry", args=[enquiry.pk]), {"previous": number})

    assert response.status_code == 200
    html = response.content.decode()
    assert 'aria-label="Pages of previous contacts"' in html
    assert sum(c.reference in html for c in earlier) == listed
