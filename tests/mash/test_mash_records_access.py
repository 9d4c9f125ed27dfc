"""The pages of what follows a MASH decision (strategy discussions, disagreements): every
URL x every persona -> the status the access rules require."""

import pytest
from django.urls import reverse

from mash import disagreements, enquiries
from tests.access_helpers import check_row, expect, shared_records
from tests.factories import PersonFactory, contact_with_mash

PERSONAS = [
    "anonymous",
    "screening_officer",
    "senior_practitioner",
    "mash_social_worker",
    "mash_manager",
    "partner_user",
    "health_user",
    "early_help_manager",
    "team_manager",
    "social_worker",
    "outsider",
]
MASH = {"mash_social_worker", "mash_manager"}
# Those who may read the contact but are not the team it was referred to.
CONTACT_READERS = {"screening_officer", "senior_practitioner", "mash_social_worker", "mash_manager"}
RECEIVING_TEAM = {"team_manager", "social_worker"}

TABLE = [
    (
        "record a strategy discussion",
        lambda o: reverse("mash:strategy_discussion_new", args=[o["enquiry"].pk]),
        "get",
        expect(MASH, otherwise=404),
    ),
    (
        "open disagreements",
        lambda o: reverse("mash:disagreements"),
        "get",
        expect({"mash_manager"}),
    ),
    (
        "a disagreement",
        lambda o: reverse("mash:disagreement", args=[o["disagreement"].pk]),
        "get",
        expect(MASH, otherwise=404),
    ),
    (
        "resolve a disagreement",
        lambda o: reverse("mash:disagreement", args=[o["disagreement"].pk]),
        "post",
        # An empty post is answered with the form's errors (200), never saved.
        expect({"mash_manager"}, readers={"mash_social_worker"}, otherwise=404),
    ),
    (
        "the receiving team disagrees",
        lambda o: reverse("mash:team_disagree", args=[o["enquiry"].contact_id]),
        "get",
        expect(RECEIVING_TEAM, readers=CONTACT_READERS, otherwise=404),
    ),
    (
        "a partner disagrees",
        lambda o: reverse("mash:partner_disagree", args=[o["partner_request"].pk]),
        "get",
        expect({"partner_user"}, otherwise=404),
    ),
]


def make_records(
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    partner_user,
    police,
    camden,
    social_work_team,
):
    """A red contact's enquiry decided with a referral to the social workers' team, the police
    having answered, and the police's disagreement with the decision escalated."""
    contact = contact_with_mash(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        children=[PersonFactory(last_name="Smith")],
    )
    enquiry = enquiries.enquiry_open(
        contact=contact, by=mash_manager, profile=camden, worker=mash_social_worker
    )
    enquiries.enquiry_record_consent(enquiry=enquiry, by=mash_social_worker, outcome="sought_given")
    (request,) = enquiries.enquiry_request_checks(
        enquiry=enquiry, by=mash_social_worker, profile=camden, agencies=[police], question="?"
    )
    draft = enquiries.answer_save_draft(
        request=request,
        by=partner_user,
        information_held="Two call-outs.",
        analysis="Risk.",
        share_with_receiving_service=True,
        share_with_family=False,
    )
    enquiries.answer_submit(answer=draft, by=partner_user)
    enquiry.refresh_from_db()
    enquiry = enquiries.enquiry_record_analysis(
        enquiry=enquiry,
        by=mash_social_worker,
        version=enquiry.version,
        summary="Police hold information.",
        analysis="Risk.",
        recommended_level=4,
        recommended_action="Refer.",
    )
    enquiry = enquiries.enquiry_decide(
        enquiry=enquiry,
        by=mash_manager,
        version=enquiry.version,
        profile=camden,
        final_rag="red",
        final_rationale="Risk of significant harm.",
        next_step="social_work_referral",
        team=social_work_team,
        assessment_type="cfa",
        primary_need="N1",
    )
    disagreement = disagreements.disagreement_raise_by_partner(
        request=request, by=partner_user, profile=camden, reasons="Section 47 threshold met."
    )
    return {"enquiry": enquiry, "partner_request": request, "disagreement": disagreement}


# What the table's URLs point at; tests/test_every_read_is_logged.py builds the same.
records_once, records = shared_records(make_records, PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,url,method,expectation", TABLE, ids=[row[0] for row in TABLE])
def test_access_table(request, client, records, persona, name, url, method, expectation):
    check_row(request, client, records, persona, name, url, method, expectation)
