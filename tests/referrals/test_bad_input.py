"""Whatever is posted, every form answers with a page or a redirect, never a server error."""

import pytest
from django.urls import reverse

from referrals import services
from tests.factories import PersonFactory, complete_contact

JUNK = [
    {},
    {
        "source": "not-a-source",
        "received_date_0": "31",
        "received_date_1": "2",
        "received_date_2": "2026",
        "received_time": "noon",
    },
    {
        "received_date_0": "x",
        "received_date_1": "99",
        "received_date_2": "-1",
        "received_time": "99:99pm",
    },
    {"information_only": "maybe", "ecaf_safeguarding": "perhaps", "referrer_is_professional": "2"},
    {
        "referral_source": "ZZ",
        "referrer_email": "@@",
        "referrer_phone": "call me",
        "referrer_name": "x" * 5000,
    },
    {"family_aware": "sometimes", "family_agrees": "", "concerns": "\x00"},
    {
        "first_name": "",
        "last_name": "A" * 500,
        "date_of_birth_0": "0",
        "date_of_birth_1": "0",
        "date_of_birth_2": "0",
        "sex": "X",
        "ethnicity": "NOPE",
        "nhs_number": "abc",
        "postcode": "not a postcode",
        "email": "bad",
    },
    {"role": "child", "relationship_to_children": "pet", "has_parental_responsibility": "1"},
    {"rationale": "y" * 20000, "signposting": ""},
]


@pytest.fixture
def urls(screening_officer, camden):
    child = PersonFactory()
    draft = complete_contact(by=screening_officer, children=[PersonFactory()])
    submitted = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=submitted, by=screening_officer, profile=camden)
    return [
        reverse("referrals:contact_start"),
        *[
            reverse("referrals:contact_section", args=[draft.pk, s])
            for s in ("details", "referrer", "concerns", "family")
        ],
        reverse("referrals:contact_new_person", args=[draft.pk]) + "?role=adult",
        reverse("referrals:contact_new_person", args=[draft.pk]) + "?role=child",
        reverse("referrals:contact_link_person", args=[draft.pk, child.pk]) + "?role=adult",
        reverse("referrals:contact_screen", args=[submitted.pk]),
        reverse("referrals:contact_referrer_notice", args=[submitted.pk]),
        reverse("referrals:contact_referrer_letter_posted", args=[submitted.pk]),
        reverse("referrals:person_edit", args=[child.pk]),
        reverse("login"),
    ]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_never_causes_a_server_error(client, screening_officer, urls, junk):
    client.force_login(screening_officer)
    for url in urls:
        response = client.post(url, junk)
        assert response.status_code in (200, 302), f"{url} -> {response.status_code}"
    for query in (
        "?search=1&date_of_birth_0=40&nhs_number=%00",
        "?search=1&first_name=" + "z" * 3000,
        "?page=-7",
    ):
        assert client.get(reverse("referrals:person_search") + query).status_code == 200
        assert client.get(reverse("referrals:queue_new") + query).status_code == 200
