"""The MASH analysis, the manager's final rating and next step, and the referral on (DOMAIN §6)."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from accounts.models import AgencyKind, TeamKind
from mash import enquiries
from mash.models import EnquiryStatus, InformationShared
from mash.selectors import shared_with_referrals
from referrals.models import ContactStatus, Rating, RatingStage, Referral
from tests.factories import PersonFactory, TeamFactory, agency_user, contact_with_mash
from thresholds.models import ClockKind, Deadline

SHARED_TEXT = "Police attended twice in March after neighbours heard shouting."
SECRET_TEXT = "Confidential clinic attendance known only to health."


@pytest.fixture
def child(db):
    return PersonFactory(first_name="Zebedee", last_name="Quillfeather")


@pytest.fixture
def enquiry(
    havering, child, screening_officer, senior_practitioner, mash_manager, mash_social_worker
):
    contact = contact_with_mash(
        officer=screening_officer, senior=senior_practitioner, profile=havering, children=[child]
    )
    return enquiries.enquiry_open(
        contact=contact, by=mash_manager, profile=havering, worker=mash_social_worker
    )


@pytest.fixture
def receiving_team(db):
    return TeamFactory(
        name="Test assessment team", kind=TeamKind.SOCIAL_WORK, duty_email="duty@example.org"
    )


def analyse(enquiry, by, **changes):
    fields = dict(
        summary="Police and health hold information.",
        analysis="Escalating risk at home.",
        recommended_level=4,
        recommended_action="Refer for a section 47 enquiry.",
    )
    return enquiries.enquiry_record_analysis(
        enquiry=enquiry, by=by, version=enquiry.version, **{**fields, **changes}
    )


def decide(enquiry, by, profile, **changes):
    fields = dict(final_rag="red", final_rationale="Risk of significant harm.")
    return enquiries.enquiry_decide(
        enquiry=enquiry, by=by, version=enquiry.version, profile=profile, **{**fields, **changes}
    )


def answered(enquiry, havering, worker):
    """Checks answered by police (may be passed on) and health (must not be)."""
    enquiries.enquiry_record_consent(enquiry=enquiry, by=worker, outcome="sought_given")
    requests = enquiries.enquiry_request_checks(
        enquiry=enquiry,
        by=worker,
        profile=havering,
        agencies=enquiries.default_agencies(havering),
        question="What do you hold?",
    )
    by_kind = {r.agency.kind: r for r in requests}
    for kind, text, share in (
        (AgencyKind.POLICE, SHARED_TEXT, True),
        (AgencyKind.HEALTH, SECRET_TEXT, False),
    ):
        request = by_kind[kind]
        user = agency_user(request.agency)
        draft = enquiries.answer_save_draft(
            request=request,
            by=user,
            information_held=text,
            analysis=f"{text} Analysis.",
            share_with_receiving_service=share,
            share_with_family=False,
        )
        enquiries.answer_submit(answer=draft, by=user)
    return by_kind


def test_analysis_needs_a_summary_an_analysis_and_a_level(enquiry, mash_social_worker):
    with pytest.raises(ValidationError) as exc:
        analyse(enquiry, mash_social_worker, summary=" ", analysis="", recommended_level=5)
    assert set(exc.value.message_dict) == {"summary", "analysis", "recommended_level"}
    recorded = analyse(enquiry, mash_social_worker)
    assert recorded.status == EnquiryStatus.ANALYSED and recorded.version == enquiry.version + 1
    assert recorded.history.first().history_change_reason.startswith("Analysis recorded")


def test_only_the_worker_or_a_manager_records_the_analysis(enquiry, outsider):
    with pytest.raises(PermissionDenied):
        analyse(enquiry, outsider)


def test_only_a_mash_manager_decides(enquiry, havering, mash_social_worker, receiving_team):
    enquiry = analyse(enquiry, mash_social_worker)
    with pytest.raises(PermissionDenied):
        decide(
            enquiry,
            mash_social_worker,
            havering,
            next_step="social_work_referral",
            team=receiving_team,
            assessment_type="cfa",
        )


def test_a_decision_needs_the_analysis_and_a_rationale(
    enquiry, havering, mash_manager, mash_social_worker
):
    with pytest.raises(ValidationError, match="analysis and recommendation"):
        decide(enquiry, mash_manager, havering, next_step="no_further_action")
    enquiry = analyse(enquiry, mash_social_worker)
    with pytest.raises(ValidationError) as exc:
        decide(enquiry, mash_manager, havering, next_step="no_further_action", final_rationale="")
    assert "final_rationale" in exc.value.message_dict


def test_a_second_manager_deciding_on_a_stale_version_loses(
    enquiry, havering, mash_manager, mash_social_worker
):
    enquiry = analyse(enquiry, mash_social_worker)
    read = enquiry.version
    decide(enquiry, mash_manager, havering, next_step="no_further_action")
    with pytest.raises(ValidationError, match="changed since you opened it"):
        enquiries.enquiry_decide(
            enquiry=enquiry,
            by=mash_manager,
            version=read,
            profile=havering,
            final_rag="amber",
            final_rationale="A different view.",
            next_step="early_help",
        )
    enquiry.refresh_from_db()
    assert enquiry.final_rag == "red" and enquiry.next_step == "no_further_action"
    assert Rating.objects.filter(contact=enquiry.contact, stage=RatingStage.FINAL).count() == 1


def test_red_decision_writes_a_final_rating_and_meets_the_red_checks_clock(
    enquiry, havering, mash_manager, mash_social_worker, receiving_team
):
    contact = enquiry.contact
    assert Deadline.objects.filter(
        kind=ClockKind.RED_CHECKS, contact=contact, met_at__isnull=True
    ).exists()
    enquiry = analyse(enquiry, mash_social_worker)
    decided = decide(
        enquiry,
        mash_manager,
        havering,
        next_step="social_work_referral",
        team=receiving_team,
        assessment_type="cfa",
    )
    assert decided.status == EnquiryStatus.DECIDED and decided.decided_by == mash_manager
    final = Rating.objects.get(contact=contact, stage=RatingStage.FINAL)
    assert (final.rag, final.level, final.cp_concerns, final.outcome) == (
        "red",
        4,
        True,
        "social_work_referral",
    )
    assert not Deadline.objects.filter(
        kind=ClockKind.RED_CHECKS, contact=contact, met_at__isnull=True
    ).exists()
    contact.refresh_from_db()
    assert contact.status == ContactStatus.REFERRED_TO_SOCIAL_WORK
    assert contact.assigned_team == receiving_team


def test_referral_passes_on_only_the_answers_agencies_agreed_to_share(
    enquiry,
    havering,
    child,
    mash_manager,
    mash_social_worker,
    receiving_team,
    django_capture_on_commit_callbacks,
):
    by_kind = answered(enquiry, havering, mash_social_worker)
    enquiry = analyse(enquiry, mash_social_worker)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide(
            enquiry,
            mash_manager,
            havering,
            next_step="social_work_referral",
            team=receiving_team,
            assessment_type="cfa",
        )
    referral = Referral.objects.get(contact=enquiry.contact)
    assert referral.team == receiving_team and referral.assessment_type == "cfa"
    shared = shared_with_referrals([referral])[referral.pk]
    assert [row.answer for row in shared] == [by_kind[AgencyKind.POLICE].current_answer]
    assert not InformationShared.objects.filter(answer__request=by_kind[AgencyKind.HEALTH]).exists()

    duty = [m for m in mail.outbox if m.to == ["duty@example.org"]]
    assert len(duty) == 1
    message = duty[0]
    assert enquiry.contact.reference in message.subject
    assert child.case_number in message.subject and child.nhs_number in message.subject
    assert by_kind[AgencyKind.POLICE].agency.name in message.body
    assert SHARED_TEXT in message.body and "Red" in message.body
    for sent in mail.outbox:
        text = sent.subject + sent.body
        assert SECRET_TEXT not in text
        assert child.first_name not in text and child.last_name not in text


def test_strategy_discussion_refers_straight_to_the_team_for_section_47(
    enquiry, havering, mash_manager, mash_social_worker, receiving_team
):
    answered(enquiry, havering, mash_social_worker)
    enquiry = analyse(enquiry, mash_social_worker)
    decide(
        enquiry,
        mash_manager,
        havering,
        final_rag="amber",
        next_step="strategy_discussion",
        team=receiving_team,
    )
    referral = Referral.objects.get(contact=enquiry.contact)
    assert referral.assessment_type == "s47" and referral.team == receiving_team
    assert Rating.objects.get(contact=enquiry.contact, stage=RatingStage.FINAL).cp_concerns
    assert len(shared_with_referrals([referral])[referral.pk]) == 1


def test_early_help_without_consent_is_refused(enquiry, havering, mash_manager, mash_social_worker):
    contact = enquiry.contact
    contact.family_agrees = "no"
    contact.save()
    # A refusal can be overridden only once consent was sought and refused.
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="sought_refused")
    enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=mash_manager,
        outcome="overridden",
        ground="immediate_danger",
        rationale="Child at immediate risk",
    )
    enquiry = analyse(enquiry, mash_social_worker)
    with pytest.raises(ValidationError) as exc:
        decide(enquiry, mash_manager, havering, final_rag="green", next_step="early_help")
    assert "next_step" in exc.value.message_dict
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_social_worker, outcome="sought_given")
    decide(enquiry, mash_manager, havering, final_rag="green", next_step="early_help")
    contact.refresh_from_db()
    assert contact.status == ContactStatus.WITH_EARLY_HELP


def test_no_further_action_closes_the_contact(enquiry, havering, mash_manager, mash_social_worker):
    enquiry = analyse(enquiry, mash_social_worker)
    decide(enquiry, mash_manager, havering, final_rag="green", next_step="no_further_action")
    contact = enquiry.contact
    contact.refresh_from_db()
    assert contact.status == ContactStatus.CLOSED_NFA and contact.rag == "green"
    assert not Referral.objects.filter(contact=contact).exists()
    assert not Deadline.objects.filter(
        kind__in=[ClockKind.RED_CHECKS, ClockKind.AMBER_CHECKS],
        contact=contact,
        met_at__isnull=True,
    ).exists()
