"""The screening rules (DOMAIN §4) under each council profile."""

import datetime as dt

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification
from accounts.roles import Role
from referrals import services
from referrals.models import ContactStatus, KnownStatus, Service
from tests.factories import (
    PersonFactory,
    UserFactory,
    closed_involvement,
    complete_contact,
    open_involvement,
)

PROFILES = ["camden", "havering", "islington"]


def _submit_and_screen(officer, profile, children, **screen_kwargs):
    contact = complete_contact(by=officer, children=children)
    services.contact_submit(contact=contact, by=officer, profile=profile)
    services.contact_screen(
        contact=contact, by=officer, profile=profile, rationale="Checked LCS", **screen_kwargs
    )
    contact.refresh_from_db()
    return contact


@pytest.mark.parametrize("code", PROFILES)
def test_child_open_to_social_care_is_passed_to_allocated_worker_with_an_alert(
    request,
    code,
    screening_officer,
    social_worker,
    social_work_team,
    django_capture_on_commit_callbacks,
):
    profile = request.getfixturevalue(code)
    child = PersonFactory()
    open_involvement(child, team=social_work_team, worker=social_worker)
    with django_capture_on_commit_callbacks(execute=True):
        contact = _submit_and_screen(screening_officer, profile, [child])
    assert contact.status == ContactStatus.PASSED_TO_ALLOCATED_WORKER
    assert contact.assigned_to == social_worker
    assert social_worker.has_perm("referrals.view_contact", contact)
    notice = Notification.objects.get(user=social_worker)
    assert contact.reference in notice.title
    # The alert email quotes case numbers, never the child's name.
    assert len(mail.outbox) == 1
    assert child.first_name not in mail.outbox[0].subject + mail.outbox[0].body
    assert child.case_number in mail.outbox[0].body


@pytest.mark.parametrize("code", PROFILES)
def test_child_open_to_early_help_is_passed_to_the_family_worker(
    request, code, screening_officer, social_worker
):
    profile = request.getfixturevalue(code)
    child = PersonFactory()
    open_involvement(child, service=Service.EARLY_HELP, worker=social_worker)
    contact = _submit_and_screen(screening_officer, profile, [child])
    assert contact.status == ContactStatus.PASSED_TO_ALLOCATED_WORKER
    assert contact.contact_people.get().known_status == KnownStatus.OPEN_EARLY_HELP


@pytest.mark.parametrize("code", PROFILES)
def test_unknown_child_goes_to_senior_practitioners_for_rating(request, code, screening_officer):
    profile = request.getfixturevalue(code)
    contact = _submit_and_screen(screening_officer, profile, [PersonFactory()])
    assert contact.status == ContactStatus.AWAITING_RATING
    assert contact.contact_people.get().known_status == KnownStatus.NOT_KNOWN


def test_havering_sends_child_closed_within_three_months_to_the_last_team(
    havering, screening_officer, social_work_team, team_manager
):
    child = PersonFactory()
    closed_involvement(
        child, team=social_work_team, closed_on=timezone.localdate() - dt.timedelta(days=60)
    )
    contact = _submit_and_screen(screening_officer, havering, [child])
    assert contact.status == ContactStatus.ASSIGNED_TO_PREVIOUS_TEAM
    assert contact.assigned_team == social_work_team
    # The team (through its group) can now see it; its manager is alerted.
    assert team_manager.has_perm("referrals.view_contact", contact)
    assert Notification.objects.filter(
        user=team_manager, title__contains=contact.reference
    ).exists()


@pytest.mark.parametrize("code", ["camden", "islington"])
def test_other_councils_rate_a_recently_closed_child_afresh(
    request, code, screening_officer, social_work_team
):
    profile = request.getfixturevalue(code)
    child = PersonFactory()
    closed_involvement(
        child, team=social_work_team, closed_on=timezone.localdate() - dt.timedelta(days=60)
    )
    contact = _submit_and_screen(screening_officer, profile, [child])
    assert contact.status == ContactStatus.AWAITING_RATING
    assert contact.contact_people.get().known_status == KnownStatus.CLOSED_SOCIAL_CARE


def test_havering_rates_a_child_closed_more_than_three_months_ago(
    havering, screening_officer, social_work_team
):
    child = PersonFactory()
    closed_involvement(
        child, team=social_work_team, closed_on=timezone.localdate() - dt.timedelta(days=100)
    )
    contact = _submit_and_screen(screening_officer, havering, [child])
    assert contact.status == ContactStatus.AWAITING_RATING


def test_information_only_call_is_signposted_and_closed(camden, screening_officer):
    contact = services.contact_start(
        by=screening_officer, source="phone", received_at=timezone.now()
    )
    services.contact_update_section(
        contact=contact, by=screening_officer, section="details", data={"information_only": True}
    )
    services.contact_update_section(
        contact=contact,
        by=screening_officer,
        section="referrer",
        data={
            "referral_source": "1A",
            "referrer_name": "A parent",
            "referrer_is_professional": False,
            "referrer_phone": "07700 900982",
        },
    )
    services.contact_update_section(
        contact=contact,
        by=screening_officer,
        section="concerns",
        data={"concerns": "How do I find a parenting course?"},
    )
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    with pytest.raises(ValidationError):
        services.contact_screen(
            contact=contact, by=screening_officer, profile=camden, rationale="", signposting=" "
        )
    services.contact_screen(
        contact=contact,
        by=screening_officer,
        profile=camden,
        rationale="",
        signposting="Family Hub parenting courses",
    )
    contact.refresh_from_db()
    assert contact.status == ContactStatus.INFORMATION_ONLY
    assert contact.signposting == "Family Hub parenting courses"


def test_third_contact_in_twelve_months_flags_consider_assessment(camden, screening_officer):
    child = PersonFactory()
    now = timezone.now()
    for days_ago in (300, 100):
        old = complete_contact(
            by=screening_officer, children=[child], received_at=now - dt.timedelta(days=days_ago)
        )
        services.contact_submit(contact=old, by=screening_officer, profile=camden)
        assert not old.consider_assessment
    third = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=third, by=screening_officer, profile=camden)
    assert third.consider_assessment


def test_contacts_older_than_twelve_months_do_not_count_towards_the_flag(camden, screening_officer):
    child = PersonFactory()
    now = timezone.now()
    for days_ago in (400, 100):
        old = complete_contact(
            by=screening_officer, children=[child], received_at=now - dt.timedelta(days=days_ago)
        )
        services.contact_submit(contact=old, by=screening_officer, profile=camden)
    third = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=third, by=screening_officer, profile=camden)
    assert not third.consider_assessment


def test_contact_cannot_be_screened_twice(camden, screening_officer):
    contact = _submit_and_screen(screening_officer, camden, [PersonFactory()])
    with pytest.raises(ValidationError):
        services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")


def test_only_front_door_roles_may_screen(camden, screening_officer, mash_social_worker):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    with pytest.raises(PermissionDenied):
        services.contact_screen(
            contact=contact, by=mash_social_worker, profile=camden, rationale=""
        )


def test_incomplete_contact_cannot_be_submitted(camden, screening_officer):
    contact = services.contact_start(
        by=screening_officer, source="ecaf", received_at=timezone.now()
    )
    with pytest.raises(ValidationError) as exc:
        services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    messages = " ".join(exc.value.messages)
    assert "safeguarding box" in messages
    assert "Add at least one child" in messages


def test_submission_records_household_and_parental_responsibility(camden, screening_officer):
    child = PersonFactory()
    mother = PersonFactory(first_name="Grace")
    contact = complete_contact(by=screening_officer, children=[child])
    services.contact_link_person(
        contact=contact,
        person=mother,
        by=screening_officer,
        role="parent_carer",
        relationship_to_children="mother",
        has_parental_responsibility=True,
        lives_with_children=True,
    )
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    rel = child.relationships.get()
    assert rel.relative == mother and rel.has_parental_responsibility
    assert set(contact.household.members.values_list("person_id", flat=True)) == {
        child.pk,
        mother.pk,
    }


def test_submitted_contact_can_no_longer_be_edited(camden, screening_officer):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    with pytest.raises(ValidationError):
        services.contact_update_section(
            contact=contact, by=screening_officer, section="concerns", data={"concerns": "x"}
        )


def test_every_service_write_records_user_and_reason(camden, screening_officer):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    for record in contact.history.all():
        assert record.history_user == screening_officer
        assert record.history_change_reason


def test_partner_user_cannot_log_contacts(partner_user):
    with pytest.raises(PermissionDenied):
        services.contact_start(by=partner_user, source="phone", received_at=timezone.now())


def test_senior_practitioner_may_also_screen(camden, senior_practitioner):
    contact = _submit_and_screen(senior_practitioner, camden, [PersonFactory()])
    assert contact.screened_by == senior_practitioner


def test_open_case_without_allocated_worker_goes_to_its_team(
    camden, screening_officer, social_work_team, team_manager
):
    child = PersonFactory()
    open_involvement(child, team=social_work_team, worker=None)
    contact = _submit_and_screen(screening_officer, camden, [child])
    assert contact.status == ContactStatus.PASSED_TO_ALLOCATED_WORKER
    assert contact.assigned_team == social_work_team
    assert team_manager.has_perm("referrals.view_contact", contact)


def test_user_roles_come_from_groups(db):
    user = UserFactory(roles=[Role.SCREENING_OFFICER, Role.SENIOR_PRACTITIONER])
    assert user.roles == {Role.SCREENING_OFFICER, Role.SENIOR_PRACTITIONER}


def test_step_up_from_early_help_is_rated_not_passed_back_to_the_family_worker(
    camden, screening_officer, social_worker
):
    child = PersonFactory()
    open_involvement(child, service=Service.EARLY_HELP, worker=social_worker)
    contact = complete_contact(by=screening_officer, children=[child], source="step_up")
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_RATING


def test_long_screening_rationale_is_kept_in_history(camden, screening_officer):
    rationale = "Spoke to the school DSL and the health visitor; " * 10
    contact = _submit_and_screen(screening_officer, camden, [PersonFactory()])
    assert contact  # screened with a short note above; now a long one on another contact
    other = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_submit(contact=other, by=screening_officer, profile=camden)
    services.contact_screen(
        contact=other, by=screening_officer, profile=camden, rationale=rationale
    )
    assert rationale.strip() in other.history.first().history_change_reason


@pytest.mark.parametrize(
    "source,code",
    [
        ("police_merlin", "6"),
        ("edt_report", "5A"),
        ("information_request", "7"),
        ("step_up", "5D"),
        ("step_down", "5A"),
        ("phone", ""),
    ],
)
def test_each_way_in_implies_its_cin_referral_source(screening_officer, source, code):
    contact = services.contact_start(
        by=screening_officer, source=source, received_at=timezone.now()
    )
    assert contact.referral_source == code


def test_anonymous_referrer_needs_no_name_and_is_public(camden, screening_officer):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_update_section(
        contact=contact,
        by=screening_officer,
        section="referrer",
        data={"referral_source": "9", "referrer_name": "", "referrer_phone": ""},
    )
    assert "referrer" not in services.contact_missing_answers(contact)
    assert contact.is_from_public
