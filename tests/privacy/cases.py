"""A child's contact through the MASH, built as production builds it: an adult on it, police
information the family may see and health information it may not (tests/privacy)."""

import datetime as dt

from accounts.models import AgencyKind
from mash import enquiries
from privacy import subject_access
from tests.factories import PersonFactory, agency_user, complete_contact

SHAREABLE = "Police attended the home twice in March."
SECRET = "Health visitor reports the mother's confidential diagnosis."


def people():
    child = PersonFactory(first_name="Robin", last_name="Subjectchild")
    adult = PersonFactory(
        first_name="Morgan", last_name="Thirdparty", date_of_birth=dt.date(1980, 1, 1)
    )
    return child, adult


def make_case(
    *,
    havering,
    child,
    adult,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
):
    """The contact, as production makes it, with an adult on it and both partners' answers."""
    from referrals import rating, services

    contact = complete_contact(by=screening_officer, children=[child])
    services.contact_link_person(
        contact=contact, person=adult, by=screening_officer, role="parent_carer"
    )
    services.contact_submit(contact=contact, by=screening_officer, profile=havering)
    services.contact_screen(contact=contact, by=screening_officer, profile=havering, rationale="")
    rating.contact_rate(
        contact=contact,
        by=senior_practitioner,
        profile=havering,
        rag="red",
        level=4,
        cp_concerns=True,
        rationale="Bruising needs a MASH enquiry.",
        outcome="mash",
    )
    enquiry = enquiries.enquiry_open(
        contact=contact, by=mash_manager, profile=havering, worker=mash_social_worker
    )
    # A refusal can be overridden only once consent was sought and refused.
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_manager, outcome="sought_refused")
    enquiries.enquiry_record_consent(
        enquiry=enquiry,
        by=mash_manager,
        outcome="overridden",
        ground="immediate_danger",
        rationale="Child at immediate risk",
    )
    made = enquiries.enquiry_request_checks(
        enquiry=enquiry,
        by=mash_social_worker,
        profile=havering,
        agencies=enquiries.default_agencies(havering),
        question="What do you hold?",
    )
    requests = {r.agency.kind: r for r in made}
    answers = {}
    for kind, text, family in (
        (AgencyKind.POLICE, SHAREABLE, True),
        (AgencyKind.HEALTH, SECRET, False),
    ):
        request = requests[kind]
        user = agency_user(request.agency)
        draft = enquiries.answer_save_draft(
            request=request,
            by=user,
            information_held=text,
            analysis="What it means.",
            share_with_receiving_service=True,
            share_with_family=family,
        )
        answers[kind] = enquiries.answer_submit(answer=draft, by=user)
    contact.refresh_from_db()
    return {"contact": contact, "answers": answers, "requests": requests}


def open_request(*, child, by):
    return subject_access.sar_open(
        person=child,
        requester_name="Alex Parent",
        requester="parent",
        requester_relationship="Mother",
        received_on=dt.date.today() - dt.timedelta(days=3),
        by=by,
    )
