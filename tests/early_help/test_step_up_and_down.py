"""Step-up: new concerns on family work go to MASH screening. Step-down: a social work team
sends children to early help with its reasons, for the next panel."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification
from early_help import family_work, selectors, services
from early_help.models import PanelSource, StepDown
from early_help.step_down import step_down_request
from referrals import rating
from referrals import services as referral_services
from referrals.models import ContactSource, ContactStatus, Involvement, Service
from tests.factories import PersonFactory, family_work_case, green_contact, open_involvement
from thresholds.models import ClockKind


@pytest.fixture
def case(camden, screening_officer, senior_practitioner, early_help_manager, family_worker):
    contact = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    return family_work_case(
        contact=contact, manager=early_help_manager, worker=family_worker, profile=camden
    )


def step_up(case, by, profile, **kwargs):
    kwargs.setdefault("concerns", "Mum disclosed that her ex-partner is back and hit her.")
    kwargs.setdefault("family_aware", "yes")
    kwargs.setdefault("family_agrees", "no")
    return family_work.family_work_case_step_up(case=case, by=by, profile=profile, **kwargs)


def test_step_up_creates_a_contact_for_screening_about_the_same_children(
    case, family_worker, camden
):
    made = step_up(case, family_worker, camden)
    contact = made.contact
    assert contact.source == ContactSource.STEP_UP
    assert contact.status == ContactStatus.SUBMITTED
    assert set(p.pk for p in contact.people.filter(contact_links__role="child")) == set(
        case.children.values_list("pk", flat=True)
    )
    assert contact.referrer_name == str(family_worker)
    assert contact.concerns.startswith("Mum disclosed")
    assert {link.known_status for link in contact.contact_people.all()} == {"open_eh"}
    assert case.history.filter(history_change_reason__contains=contact.reference).exists()
    assert case.is_open


def test_step_up_is_screened_for_rating_and_the_rating_sends_it_to_the_mash(
    case, family_worker, camden, screening_officer, senior_practitioner
):
    contact = step_up(case, family_worker, camden).contact
    route = referral_services.contact_screen(
        contact=contact, by=screening_officer, profile=camden, rationale=""
    )
    assert route.status == ContactStatus.AWAITING_RATING
    result = rating.contact_rate(
        contact=contact,
        by=senior_practitioner,
        profile=camden,
        rag="amber",
        level=3,
        cp_concerns=False,
        rationale="Domestic abuse disclosed on an early help case",
        outcome="social_work_referral",
    )
    assert result.forced and "step-up" in result.reason


def test_step_up_needs_the_concerns(case, family_worker, camden):
    with pytest.raises(ValidationError) as exc:
        step_up(case, family_worker, camden, concerns="")
    assert "concerns" in exc.value.message_dict


@pytest.fixture
def open_to_team(social_work_team):
    child, sibling = PersonFactory(), PersonFactory()
    for person in (child, sibling):
        open_involvement(person, team=social_work_team)
    return [child, sibling]


def request_step_down(by, profile, children, **kwargs):
    kwargs.setdefault("reasons", "Child in need plan goals met; parents want parenting support.")
    kwargs.setdefault("family_agrees", True)
    kwargs.setdefault("consent_details", "Both parents agreed at the final CIN review.")
    return step_down_request(by=by, profile=profile, children=children, **kwargs)


def test_step_down_goes_on_the_next_panel_agenda(
    team_manager, camden, open_to_team, early_help_manager, social_work_team
):
    made = request_step_down(team_manager, camden, open_to_team)
    contact = made.contact
    assert contact.source == ContactSource.STEP_DOWN
    assert contact.status == ContactStatus.WITH_EARLY_HELP
    item = contact.panel_cases.get()
    assert item.source == PanelSource.STEP_DOWN
    assert item.panel.date == selectors.next_panel_date(timezone.localdate(), camden)
    assert made.from_team == social_work_team
    assert early_help_manager.has_perm("referrals.view_contact", contact)
    assert contact.deadlines.filter(kind=ClockKind.EARLY_HELP_DECISION).exists()
    assert Notification.objects.filter(
        user=early_help_manager, title__contains=contact.reference
    ).exists()
    # Step-downs go to the panel, not to the duty manager's decision queue.
    assert list(selectors.decision_queue(early_help_manager)) == []


def test_step_down_brings_the_carers_with_parental_responsibility(
    team_manager, camden, open_to_team, social_work_team
):
    from referrals.models import PersonRelationship

    mother = PersonFactory(date_of_birth=None)
    PersonRelationship.objects.create(
        person=open_to_team[0],
        relative=mother,
        relationship="mother",
        has_parental_responsibility=True,
    )
    contact = request_step_down(team_manager, camden, open_to_team).contact
    carer = contact.contact_people.get(person=mother)
    assert carer.role == "parent_carer" and carer.has_parental_responsibility


def test_step_down_needs_the_familys_agreement(team_manager, camden, open_to_team):
    with pytest.raises(ValidationError) as exc:
        request_step_down(team_manager, camden, open_to_team, family_agrees=False)
    assert "voluntary" in exc.value.message_dict["family_agrees"][0]
    assert not StepDown.objects.exists()


def test_step_down_only_of_children_open_to_the_managers_team(team_manager, camden):
    elsewhere = PersonFactory()
    open_involvement(elsewhere)
    with pytest.raises(ValidationError) as exc:
        request_step_down(team_manager, camden, [elsewhere])
    assert "children" in exc.value.message_dict


def test_only_a_social_work_team_manager_steps_down(
    early_help_manager, senior_practitioner, camden, open_to_team
):
    for user in (early_help_manager, senior_practitioner):
        with pytest.raises(PermissionDenied):
            request_step_down(user, camden, open_to_team)


def test_panel_taking_a_step_down_closes_the_social_work_involvement(
    team_manager, camden, open_to_team, early_help_manager, family_worker, social_work_team
):
    item = request_step_down(team_manager, camden, open_to_team).contact.panel_cases.get()
    services.panel_record_attendees(
        panel=item.panel, by=early_help_manager, attendees=[early_help_manager], other_attendees=""
    )
    services.panel_decide(
        item=item,
        by=early_help_manager,
        profile=camden,
        decision="brief_assessment",
        rationale="Family work to embed the parenting plan.",
        worker=family_worker,
    )
    still_open = Involvement.objects.filter(
        person__in=open_to_team, service=Service.SOCIAL_CARE, closed_on__isnull=True
    )
    assert not still_open.exists()
    assert item.contact.family_work_cases.get().children.count() == 2
    assert not item.contact.deadlines.filter(
        kind=ClockKind.EARLY_HELP_DECISION, met_at__isnull=True
    ).exists()
