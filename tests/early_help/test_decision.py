"""The early help referral decision: consent first, then each outcome does what it says."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.models import Notification
from early_help import selectors
from early_help import services as early_help
from early_help.models import EarlyHelpDecision, Outcome, PanelCase, PanelSource
from referrals.models import ContactStatus
from tests.factories import PersonFactory, green_contact
from thresholds.models import ClockKind


@pytest.fixture
def green(camden, screening_officer, senior_practitioner, early_help_manager):
    return green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)


def decide(contact, by, profile, outcome, **kwargs):
    kwargs.setdefault("rationale", "Two level 2 indicators; the family want support.")
    return early_help.early_help_decide(
        contact=contact, by=by, profile=profile, outcome=outcome, **kwargs
    )


def open_clocks(contact) -> set[str]:
    return set(contact.deadlines.filter(met_at__isnull=True).values_list("kind", flat=True))


def test_green_contact_waits_in_the_queue_with_both_early_help_clocks(green, early_help_manager):
    assert list(selectors.decision_queue(early_help_manager)) == [green]
    assert {ClockKind.GREEN_TO_EARLY_HELP, ClockKind.EARLY_HELP_DECISION} <= open_clocks(green)


def test_decision_without_consent_is_held_with_a_clear_message(
    green, early_help_manager, camden, family_worker
):
    # The family changed their mind after the referral was rated.
    early_help.consent_record(
        contact=green, by=early_help_manager, family_agrees="no", details="Mum withdrew by phone"
    )
    with pytest.raises(ValidationError) as exc:
        decide(green, early_help_manager, camden, "brief_assessment", worker=family_worker)
    assert "held" in exc.value.messages[0] and "consent" in exc.value.messages[0]
    assert not EarlyHelpDecision.objects.exists()
    assert ClockKind.EARLY_HELP_DECISION in open_clocks(green)


def test_recording_consent_lets_the_decision_go_ahead(
    green, early_help_manager, camden, family_worker
):
    early_help.consent_record(
        contact=green, by=early_help_manager, family_agrees="no", details="Not yet asked"
    )
    early_help.consent_record(
        contact=green, by=early_help_manager, family_agrees="yes", details="Dad agreed in person"
    )
    decision = decide(green, early_help_manager, camden, "brief_assessment", worker=family_worker)
    assert decision.outcome == Outcome.BRIEF_ASSESSMENT
    history = green.history.filter(history_change_reason__startswith="Family's consent")
    assert history.count() == 2


def test_a_referral_from_a_member_of_the_public_needs_no_recorded_consent(
    camden, screening_officer, senior_practitioner, early_help_manager
):
    from referrals import rating, services
    from tests.factories import complete_contact

    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_update_section(
        contact=contact,
        by=screening_officer,
        section="referrer",
        data={"referrer_is_professional": False, "referral_source": "1A"},
    )
    services.contact_update_section(
        contact=contact,
        by=screening_officer,
        section="family",
        data={"family_aware": "yes", "family_agrees": "unknown"},
    )
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior_practitioner,
        profile=camden,
        rag="green",
        level=2,
        cp_concerns=False,
        rationale="Grandmother asks for support",
        outcome="early_help",
    )
    assert selectors.has_early_help_consent(contact)
    assert decide(contact, early_help_manager, camden, "nfa").outcome == Outcome.NO_FURTHER_ACTION


def test_decision_meets_the_green_and_referral_decision_clocks(green, early_help_manager, camden):
    decide(green, early_help_manager, camden, "nfa")
    met = green.deadlines.filter(
        kind__in=[ClockKind.GREEN_TO_EARLY_HELP, ClockKind.EARLY_HELP_DECISION]
    )
    assert met.count() == 2 and all(d.met_at for d in met)


def test_brief_assessment_opens_family_work_with_its_twelve_week_clock(
    green, early_help_manager, camden, family_worker
):
    decide(green, early_help_manager, camden, "brief_assessment", worker=family_worker)
    case = green.family_work_cases.get()
    assert case.family_worker == family_worker
    assert set(case.children.all()) == {link.person for link in green.contact_people.all()}
    clock = green.deadlines.get(kind=ClockKind.FAMILY_WORK)
    assert (clock.due_at - clock.started_at).days in (83, 84)  # 12 weeks, across a DST change
    assert clock.responsible == family_worker
    green.refresh_from_db()
    assert green.assigned_to == family_worker


def test_information_advice_and_guidance_is_assigned_to_a_coordinator(
    green, early_help_manager, camden, family_worker
):
    decide(green, early_help_manager, camden, "iag", worker=family_worker)
    green.refresh_from_db()
    assert green.assigned_to == family_worker
    assert family_worker.has_perm("referrals.view_contact", green)
    notice = Notification.objects.get(user=family_worker)
    assert green.reference in notice.title
    for link in green.contact_people.select_related("person"):
        assert link.person.first_name not in notice.title


def test_worker_must_be_early_help_staff(green, early_help_manager, camden, senior_practitioner):
    with pytest.raises(ValidationError) as exc:
        decide(green, early_help_manager, camden, "brief_assessment", worker=senior_practitioner)
    assert "family worker" in exc.value.message_dict["worker"][0]


def test_panel_outcome_puts_the_case_on_the_next_panel_agenda(green, early_help_manager, camden):
    decide(green, early_help_manager, camden, "panel", rationale="Complex: needs the panel.")
    item = PanelCase.objects.get(contact=green)
    assert item.source == PanelSource.DECISION
    assert item.reason == "Complex: needs the panel."
    assert item.panel.date == selectors.next_panel_date(timezone.localdate(), camden)
    green.refresh_from_db()
    assert green.status == ContactStatus.WITH_EARLY_HELP
    assert list(selectors.decision_queue(early_help_manager)) == []


def test_signposting_records_the_services_and_closes_the_contact(green, early_help_manager, camden):
    with pytest.raises(ValidationError) as exc:
        decide(green, early_help_manager, camden, "signposting")
    assert "service" in exc.value.message_dict
    decide(
        green, early_help_manager, camden, "signposting", service="Kentish Town children's centre"
    )
    green.refresh_from_db()
    assert green.status == ContactStatus.CLOSED_NFA
    assert green.signposting == "Kentish Town children's centre"


def test_the_panel_only_outcome_is_not_a_duty_decision(green, early_help_manager, camden):
    with pytest.raises(ValidationError) as exc:
        decide(green, early_help_manager, camden, "targeted_service", service="IYSS")
    assert "outcome" in exc.value.message_dict


def test_a_contact_is_decided_once(green, early_help_manager, camden):
    decide(green, early_help_manager, camden, "nfa")
    with pytest.raises(ValidationError, match="not waiting"):
        decide(green, early_help_manager, camden, "nfa")


def test_only_the_duty_manager_decides(green, senior_practitioner, family_worker, camden):
    for user in (senior_practitioner, family_worker):
        with pytest.raises(PermissionDenied):
            decide(green, user, camden, "nfa")


def test_a_rationale_is_required(green, early_help_manager, camden):
    with pytest.raises(ValidationError) as exc:
        decide(green, early_help_manager, camden, "nfa", rationale=" ")
    assert exc.value.message_dict["rationale"] == ["Enter the reason for the decision"]


@pytest.mark.parametrize("code", ["camden", "havering", "islington"])
def test_every_profile_reaches_early_help_and_opens_family_work(
    request, code, screening_officer, senior_practitioner, early_help_manager
):
    from accounts.models import Team
    from tests.factories import UserFactory

    profile = request.getfixturevalue(code)
    worker = UserFactory(
        roles=[], team=Team.objects.filter(profile=profile, kind="early_help_triage").first()
    )
    contact = green_contact(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=profile,
        children=[PersonFactory(), PersonFactory()],
    )
    decide(contact, early_help_manager, profile, "brief_assessment", worker=worker)
    case = contact.family_work_cases.get()
    assert case.children.count() == 2
    assert case.team.profile == profile
    assert contact.deadlines.filter(kind=ClockKind.FAMILY_WORK, met_at__isnull=True).exists()


def test_consent_given_to_the_mash_counts_for_early_help(
    camden, screening_officer, senior_practitioner, mash_manager, early_help_manager
):
    from mash import enquiries
    from tests.factories import contact_with_mash

    contact = contact_with_mash(
        officer=screening_officer, senior=senior_practitioner, profile=camden
    )
    contact = early_help.consent_record(
        contact=contact, by=senior_practitioner, family_agrees="unknown", details="Not asked yet"
    )
    assert not selectors.has_early_help_consent(contact)
    enquiry = enquiries.enquiry_open(contact=contact, by=mash_manager, profile=camden)
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="sought_given")
    assert selectors.has_early_help_consent(contact)
    # A refusal can be overridden only once consent was sought and refused.
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="sought_refused")
    enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=mash_manager,
        outcome="overridden",
        ground="immediate_danger",
        rationale="Risk",
    )
    assert not selectors.has_early_help_consent(contact)
