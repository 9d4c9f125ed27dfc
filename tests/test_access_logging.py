"""Every page that shows a child's record writes who read it to the access log."""

import pytest
from django.urls import reverse

from accounts.models import AccessLog, AgencyKind
from mash import enquiries
from tests.factories import (
    PROFESSIONAL_REFERRER,
    agency_user,
    complete_contact,
    contact_with_mash,
    contact_with_referrer,
    green_contact,
    partner_requests,
)


@pytest.fixture
def pages(
    camden,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    early_help_manager,
):
    mash_contact = contact_with_mash(
        officer=screening_officer, senior=senior_practitioner, profile=camden
    )
    enquiry = enquiries.enquiry_open(
        contact=mash_contact, by=mash_manager, profile=camden, worker=mash_social_worker
    )
    told = contact_with_referrer(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        referrer={**PROFESSIONAL_REFERRER, "referrer_email": ""},
    )
    green = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    checks = partner_requests(
        profile=camden,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
    )
    police_request = checks[AgencyKind.POLICE]
    police_officer = agency_user(police_request.agency)
    logged = complete_contact(by=screening_officer, children=[])
    return [
        (screening_officer, logged.get_absolute_url(), logged),
        (mash_social_worker, reverse("mash:enquiry", args=[enquiry.pk]), mash_contact),
        (mash_manager, reverse("mash:enquiry_decide", args=[enquiry.pk]), mash_contact),
        (
            screening_officer,
            reverse("referrals:contact_referrer_notice", args=[told.pk]),
            told,
        ),
        (early_help_manager, reverse("early_help:decide", args=[green.pk]), green),
        (
            police_officer,
            reverse("mash:partner_request", args=[police_request.pk]),
            police_request.enquiry.contact,
        ),
    ]


def test_reading_a_child_s_record_is_logged_on_every_page_that_shows_it(client, pages):
    for user, url, contact in pages:
        client.force_login(user)
        before = AccessLog.objects.filter(user=user, object_id=contact.pk).count()
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        after = AccessLog.objects.filter(user=user, object_id=contact.pk).count()
        assert after > before, url
