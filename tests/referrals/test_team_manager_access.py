"""Team managers see their own team's work (issue 9): a contact referred to the Child Protection
Team is the CPT's, not every team manager's."""

import pytest
from django.urls import reverse

from accounts.models import TeamKind
from accounts.roles import Role
from mash import enquiries
from referrals.selectors import queue_for_team
from tests.factories import TeamFactory, UserFactory, partner_requests


@pytest.fixture
def child_protection_team(db):
    return TeamFactory(name="Test child protection team", kind=TeamKind.SOCIAL_WORK)


@pytest.fixture
def cpt_manager(child_protection_team):
    return UserFactory(username="cptmgr", roles=[Role.TEAM_MANAGER], team=child_protection_team)


@pytest.fixture
def referred_to_cpt(
    havering,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    child_protection_team,
):
    """A MASH enquiry with partner checks, decided as a referral to the CPT."""
    requests = partner_requests(
        profile=havering,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
    )
    enquiry = next(iter(requests.values())).enquiry
    enquiry = enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=mash_social_worker,
        version=enquiry.version,
        summary="Police hold information.",
        analysis="Escalating risk at home.",
        recommended_level=4,
        recommended_action="Refer for a section 47 enquiry.",
    )
    enquiries.enquiry_decide(
        enquiry=enquiry,
        by=mash_manager,
        version=enquiry.version,
        profile=havering,
        final_rag="red",
        final_rationale="Risk of significant harm.",
        next_step="social_work_referral",
        team=child_protection_team,
        assessment_type="cfa",
    )
    return enquiry


def test_another_team_manager_cannot_open_the_contact_its_enquiry_or_its_checks(
    client, team_manager, referred_to_cpt
):
    contact = referred_to_cpt.contact
    client.force_login(team_manager)  # manager of the Children in Need team

    pages = [
        reverse("referrals:contact_detail", args=[contact.pk]),
        reverse("referrals:contact_access_log", args=[contact.pk]),
        reverse("mash:enquiry", args=[referred_to_cpt.pk]),
        *(reverse("mash:partner_request", args=[r.pk]) for r in referred_to_cpt.requests.all()),
    ]
    person = contact.contact_people.first().person
    pages.append(reverse("referrals:person_detail", args=[person.pk]))

    assert {url: client.get(url).status_code for url in pages} == {url: 404 for url in pages}
    assert contact not in queue_for_team(team_manager)


def test_the_receiving_team_manager_opens_the_contact_and_its_access_log(
    client, cpt_manager, referred_to_cpt
):
    contact = referred_to_cpt.contact
    client.force_login(cpt_manager)

    page = client.get(reverse("referrals:contact_detail", args=[contact.pk]))

    assert page.status_code == 200
    assert client.get(reverse("referrals:contact_access_log", args=[contact.pk])).status_code == 200
    assert client.get(reverse("referrals:queue_team")).status_code == 200
    assert contact in queue_for_team(cpt_manager)
    # Still not the MASH's own record: the enquiry and which agencies were asked stay the MASH's.
    assert client.get(reverse("mash:enquiry", args=[referred_to_cpt.pk])).status_code == 404


def test_team_managers_keep_their_dashboard(client, team_manager):
    client.force_login(team_manager)

    assert client.get(reverse("dashboard")).status_code == 200
    assert client.get(reverse("home")).url == reverse("referrals:queue_team")
