"""Destroying a record with every part hanging off it: a MASH enquiry with partner answers,
an early help case with its team around the family. Nothing personal is left anywhere."""

import datetime as dt

import pytest
from django.utils import timezone

from mash import enquiries
from privacy import services
from privacy.models import RecordKind, RetentionReview, RetentionRule
from tests.factories import PersonFactory, agency_user, family_work_case, green_contact
from tests.factories import partner_requests as make_partner_requests
from tests.privacy.test_destruction import _every_row_mentioning

ANSWER = "Health visitor saw Ottoline Brackenbury on 3 March"
QUESTION = "Is Ottoline Brackenbury registered with a GP?"
TAF = "Wilhelmina Threadneedle"


def _review(contact, profile, kind) -> RetentionReview:
    """A review as the sweep makes it (the sweep itself is tested in test_retention_sweep)."""
    return RetentionReview.objects.create(
        contact=contact,
        rule=RetentionRule.objects.get(profile=profile, kind=kind),
        kind=kind,
        event_on=dt.date(2000, 1, 1),
        due_since=dt.date(2006, 1, 1),
        created_at=timezone.now(),
    )


@pytest.mark.django_db
def test_a_mash_record_with_partner_answers_leaves_nothing_personal(
    camden,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    service_manager,
):
    child = PersonFactory(by=screening_officer, first_name="Ottoline", last_name="Brackenbury")
    made = make_partner_requests(
        profile=camden,
        officer=screening_officer,
        senior=senior_practitioner,
        manager=mash_manager,
        worker=mash_social_worker,
        question=QUESTION,
        children=[child],
    )
    for request in made.values():
        user = agency_user(request.agency)
        draft = enquiries.answer_save_draft(
            request=request,
            by=user,
            information_held=ANSWER,
            analysis="Ottoline is thriving.",
            share_with_receiving_service=True,
            share_with_family=False,
        )
        enquiries.answer_submit(answer=draft, by=user)
    contact = next(iter(made.values())).enquiry.contact
    assert _every_row_mentioning(ANSWER, QUESTION, "Ottoline")
    services.record_destroy(
        review=_review(contact, camden, RecordKind.CIN_CP), reason="Ended", by=service_manager
    )
    assert _every_row_mentioning(ANSWER, QUESTION, "Ottoline", "Brackenbury") == []


@pytest.mark.django_db
def test_an_early_help_record_with_its_team_around_the_family_leaves_nothing_personal(
    camden,
    screening_officer,
    senior_practitioner,
    early_help_manager,
    family_worker,
    service_manager,
):
    from early_help import family_work

    child = PersonFactory(by=screening_officer, first_name="Ottoline", last_name="Brackenbury")
    contact = green_contact(
        officer=screening_officer, senior=senior_practitioner, profile=camden, children=[child]
    )
    case = family_work_case(
        contact=contact, manager=early_help_manager, worker=family_worker, profile=camden
    )
    family_work.taf_member_add(
        case=case, by=family_worker, name=TAF, role="School nurse", organisation="NHS"
    )
    assert _every_row_mentioning(TAF, "Ottoline")
    services.record_destroy(
        review=_review(contact, camden, RecordKind.EARLY_HELP), reason="Ended", by=service_manager
    )
    assert _every_row_mentioning(TAF, "Ottoline", "Brackenbury") == []
