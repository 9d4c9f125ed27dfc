"""Whatever is posted to the MASH's forms, they answer with a page or a redirect, never a 500."""

import pytest
from django.urls import reverse

from accounts.models import AgencyKind
from tests.factories import agency_user, contact_with_mash, partner_requests

JUNK = [
    {},
    {"worker": "abc", "outcome": "maybe", "ground": "because", "rationale": "\x00"},
    {"worker": "99999999999999999999", "agencies": ["x", "-1", "99999999"], "question": ""},
    {"version": "abc", "summary": "s" * 20000, "recommended_level": "9", "analysis": ""},
    {"version": "99999999999999999999", "recommended_level": "four", "recommended_action": "a"},
    {
        "version": "-1",
        "final_rag": "purple",
        "final_rationale": "x",
        "next_step": "jump",
        "team": "abc",
        "assessment_type": "zzz",
    },
    {"version": "1", "final_rag": "red", "next_step": "early_help", "team": "99999999"},
    {
        "information_held": "\x00",
        "analysis": "a" * 50000,
        "share_with_receiving_service": "perhaps",
        "share_with_family": "2",
        "action": "submit",
    },
]


@pytest.fixture
def urls(havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker):
    made = partner_requests(
        profile=havering,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
    )
    police = made[AgencyKind.POLICE]
    enquiry = police.enquiry
    unopened = contact_with_mash(
        officer=screening_officer, senior=senior_practitioner, profile=havering
    )
    mash = [
        reverse("mash:enquiry_open", args=[unopened.pk]),
        *[
            reverse(f"mash:enquiry_{step}", args=[enquiry.pk])
            for step in ("assign", "consent", "checks", "analysis", "decide")
        ],
    ]
    partner = [reverse("mash:partner_request", args=[police.pk])]
    return {"mash": mash, "partner": partner, "police": agency_user(police.agency)}


@pytest.mark.parametrize("data", JUNK)
def test_junk_posted_to_mash_forms_never_gives_a_server_error(
    client, settings, urls, mash_manager, data
):
    settings.COUNCIL_PROFILE = "havering"
    client.force_login(mash_manager)
    for url in urls["mash"]:
        response = client.post(url, data)
        assert response.status_code in (200, 302), url
    client.force_login(urls["police"])
    for url in urls["partner"]:
        response = client.post(url, data)
        assert response.status_code in (200, 302), url
