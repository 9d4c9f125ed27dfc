"""Builders shared by the tests of what follows a MASH decision: named adults, strategy
discussions, disagreements and referrals to a team without a duty email address."""

from django.utils import timezone

from accounts.models import AgencyKind
from mash import enquiries, strategy
from referrals import rating, services
from tests.factories import PersonFactory, agency_user, complete_contact


def mash_contact(*, officer, senior, profile, rag="red", children=None, adults=()):
    """A contact with the MASH, its children and adults (person, role, relationship) named."""
    contact = complete_contact(by=officer, children=children or [PersonFactory()])
    for person, role, relationship in adults:
        services.contact_link_person(
            contact=contact,
            person=person,
            by=officer,
            role=role,
            relationship_to_children=relationship,
        )
    services.contact_submit(contact=contact, by=officer, profile=profile)
    services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior,
        profile=profile,
        rag=rag,
        level=4 if rag == "red" else 3,
        cp_concerns=True,
        rationale="Test rating",
        outcome="mash",
    )
    contact.refresh_from_db()
    return contact


def checks_requested(*, contact, profile, manager, worker, agencies=None):
    """An enquiry on the contact with consent sought and given and checks asked."""
    enquiry = enquiries.enquiry_open(contact=contact, by=manager, profile=profile, worker=worker)
    enquiries.enquiry_record_consent(enquiry=enquiry, by=worker, outcome="sought_given")
    made = enquiries.enquiry_request_checks(
        enquiry=enquiry,
        by=worker,
        profile=profile,
        agencies=agencies or enquiries.default_agencies(profile),
        question="What do you hold on the children and adults named?",
    )
    return enquiry, {r.agency.kind: r for r in made}


def analysed(
    *,
    enquiry,
    worker,
    held="Two call-outs in March.",
    police_analysis="Escalating risk.",
    summary="Police hold information.",
    analysis="Risk of significant harm.",
    level=4,
    action="Refer for assessment.",
):
    """The police answer (sharing with the receiving service) and the worker records the
    analysis: the enquiry awaiting the manager's decision, and the police user."""
    police = next(r for r in enquiry.requests.all() if r.agency.kind == AgencyKind.POLICE)
    user = agency_user(police.agency)
    answer_checks(police, user, held=held, share=True, analysis=police_analysis)
    enquiry.refresh_from_db()
    enquiry = enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=worker,
        version=enquiry.version,
        summary=summary,
        analysis=analysis,
        recommended_level=level,
        recommended_action=action,
    )
    return enquiry, user


def decided(
    *, enquiry, profile, manager, worker, team, handover=None, next_step="social_work_referral"
):
    """The police answer, the worker analyses and the manager refers the child to `team`."""
    enquiry, user = analysed(enquiry=enquiry, worker=worker)
    return enquiries.enquiry_decide(
        enquiry=enquiry,
        by=manager,
        version=enquiry.version,
        profile=profile,
        final_rag="red",
        final_rationale="Risk of significant harm.",
        next_step=next_step,
        team=team,
        assessment_type="cfa",
        primary_need="N1",
        handover=handover,
    ), user


def referred_by_the_mash(*, officer, senior, profile, manager, worker, team):
    """A red contact through the MASH to a decision referring the child to `team`: the decided
    enquiry, its requests by agency kind and the police user who answered."""
    contact = mash_contact(officer=officer, senior=senior, profile=profile)
    enquiry, requests = checks_requested(
        contact=contact, profile=profile, manager=manager, worker=worker
    )
    enquiry, police_user = decided(
        enquiry=enquiry, profile=profile, manager=manager, worker=worker, team=team
    )
    return enquiry, requests, police_user


def strategy_held(*, enquiry, by):
    """A strategy discussion held now on the enquiry, deciding on section 47 enquiries."""
    return strategy.strategy_discussion_record(
        enquiry=enquiry,
        by=by,
        held_at=timezone.now(),
        attendees=[strategy.Attendee("Police", "DS Nair")],
        decision="Section 47.",
        section_47=True,
        actions=[strategy.Action("Visit", "Social worker", timezone.localdate())],
    )


def answer_checks(request, user, *, held, share, analysis="Raises the risk."):
    """The agency's answer to `request`, submitted: shared with the receiving service or not."""
    draft = enquiries.answer_save_draft(
        request=request,
        by=user,
        information_held=held,
        analysis=analysis,
        share_with_receiving_service=share,
        share_with_family=False,
    )
    return enquiries.answer_submit(answer=draft, by=user)
