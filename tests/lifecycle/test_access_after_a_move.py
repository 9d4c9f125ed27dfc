"""Regressions from issue 9: access that never ended once the work moved on."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from guardian.shortcuts import get_perms

from accounts.models import TeamKind
from mash import enquiries
from referrals import rating, services
from referrals.access import get_contact_for_user
from tests.factories import (
    PersonFactory,
    TeamFactory,
    UserFactory,
    complete_contact,
    contact_with_mash,
)

from .helpers import fresh


@pytest.fixture
def child(db):
    return PersonFactory()


@pytest.fixture
def enquiry(havering, child, screening_officer, senior_practitioner, mash_manager):
    contact = contact_with_mash(
        officer=screening_officer, senior=senior_practitioner, profile=havering, children=[child]
    )
    return enquiries.enquiry_open(contact=contact, by=mash_manager, profile=havering)


@pytest.fixture
def second_worker(db):
    from accounts.roles import Role

    return UserFactory(username="mashsw2", roles=[Role.MASH_SOCIAL_WORKER])


def test_a_reassigned_mash_worker_can_no_longer_change_or_hold_the_contact(
    enquiry, child, mash_manager, mash_social_worker, second_worker
):
    enquiries.enquiry_assign(enquiry=enquiry, by=mash_manager, worker=mash_social_worker)
    contact = enquiry.contact
    assert get_contact_for_user(fresh(mash_social_worker), contact.pk, "change_contact")

    enquiries.enquiry_assign(enquiry=enquiry, by=mash_manager, worker=second_worker)

    # The MASH worker role still reads every contact role-wide (ADR 0008); the hold is gone.
    with pytest.raises(PermissionDenied):
        get_contact_for_user(fresh(mash_social_worker), contact.pk, "change_contact")
    assert get_perms(fresh(mash_social_worker), contact) == []
    assert "view_person" not in get_perms(fresh(mash_social_worker), child)
    assert get_perms(fresh(mash_social_worker), enquiry) == []
    assert get_contact_for_user(fresh(second_worker), contact.pk, "change_contact")
    contact.refresh_from_db()
    assert contact.assigned_to == second_worker


def test_the_mash_worker_lets_go_of_the_contact_and_enquiry_when_the_mash_decides(
    enquiry, havering, mash_manager, mash_social_worker
):
    enquiry = enquiries.enquiry_assign(enquiry=enquiry, by=mash_manager, worker=mash_social_worker)
    enquiry = enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=mash_social_worker,
        version=enquiry.version,
        summary="Checks done.",
        analysis="Risk at home.",
        recommended_level=4,
        recommended_action="Refer.",
    )
    team = TeamFactory(name="Test assessment team", kind=TeamKind.SOCIAL_WORK)

    enquiries.enquiry_decide(
        enquiry=enquiry,
        by=mash_manager,
        version=enquiry.version,
        profile=havering,
        final_rag="red",
        final_rationale="Significant harm.",
        next_step="social_work_referral",
        team=team,
        assessment_type="cfa",
    )

    assert get_perms(fresh(mash_social_worker), enquiry.contact) == []
    assert get_perms(fresh(mash_social_worker), enquiry) == []
    # The referral the decision made is the one its routing returned, shared answers and all.
    assert enquiry.contact.referrals.get().team == team


def test_a_cin_team_manager_cannot_open_a_contact_referred_to_the_child_protection_team(
    havering, child, screening_officer, senior_practitioner, team_manager
):
    """Passes once the team manager role loses its role-wide read (accounts.roles): until then
    only the object-permission half of this holds."""
    cp_team = TeamFactory(name="Test child protection team", kind=TeamKind.SOCIAL_WORK)
    cp_manager = UserFactory(username="cpmgr", roles=[], team=cp_team)
    contact = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=contact, by=screening_officer, profile=havering)
    services.contact_screen(contact=contact, by=screening_officer, profile=havering, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior_practitioner,
        profile=havering,
        rag="amber",
        level=3,
        cp_concerns=False,
        rationale="Needs assessment.",
        outcome="social_work_referral",
        team=cp_team,
        assessment_type="cfa",
    )

    assert get_perms(fresh(team_manager), contact) == []
    assert "view_person" not in get_perms(fresh(team_manager), child)
    assert "view_contact" in get_perms(fresh(cp_manager), contact)
    assert get_contact_for_user(fresh(cp_manager), contact.pk)
    with pytest.raises(Http404):
        get_contact_for_user(fresh(team_manager), contact.pk)
