"""Every chronology and warning URL x every persona: who may read a person reads their
chronology and warnings and proposes one; a manager who may read the person agrees (not their
own proposal), reviews and ends; everyone else is told the person does not exist."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from referrals import services
from referrals.person_warnings import services as warnings
from tests.access_helpers import check_row, expect, shared_records
from tests.factories import PersonFactory, complete_contact

PERSONAS = [
    "anonymous",
    "screening_officer",
    "senior_practitioner",
    "mash_social_worker",
    "mash_manager",
    "partner_user",
    "early_help_manager",
    "team_manager",
    "service_manager",
    "outsider",
]
# Role-wide readers of every person.
VIEWERS = {
    "screening_officer",
    "senior_practitioner",
    "mash_social_worker",
    "mash_manager",
    "service_manager",
}
MANAGERS = {"mash_manager", "service_manager"}


def _warning(name: str, key: str):
    return lambda o: reverse(f"referrals:{name}", args=[o[key].pk])


TABLE = [
    (
        "chronology",
        lambda o: reverse("referrals:person_chronology", args=[o["person"].pk]),
        "get",
        expect(VIEWERS, otherwise=404),
    ),
    (
        "chronology filtered and printed",
        lambda o: (
            reverse("referrals:person_chronology", args=[o["person"].pk])
            + "?kind=warnings&kind=contacts&view=print"
        ),
        "get",
        expect(VIEWERS, otherwise=404),
    ),
    (
        "propose a warning",
        lambda o: reverse("referrals:person_warning_new", args=[o["person"].pk]),
        "get",
        expect(VIEWERS, otherwise=404),
    ),
    ("warning", _warning("person_warning", "agreed"), "get", expect(VIEWERS, otherwise=404)),
    (
        "agree a warning",
        _warning("person_warning_agree", "proposed"),
        "get",
        expect(MANAGERS, readers=VIEWERS, otherwise=404),
    ),
    (
        "review a warning",
        _warning("person_warning_review", "agreed"),
        "get",
        expect(MANAGERS, readers=VIEWERS, otherwise=404),
    ),
    (
        "end a warning",
        _warning("person_warning_end", "agreed"),
        "get",
        expect(MANAGERS, readers=VIEWERS, otherwise=404),
    ),
    (
        "end a warning (empty post)",
        _warning("person_warning_end", "agreed"),
        "post",
        # An empty reason is answered with the page and its error.
        expect(MANAGERS, readers=VIEWERS, otherwise=404),
    ),
]


def make_records(screening_officer, senior_practitioner, mash_manager, camden):
    person = PersonFactory(first_name="Warren", last_name="Warned")
    contact = complete_contact(by=screening_officer, children=[person])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    review_on = timezone.localdate() + dt.timedelta(days=60)
    proposed = warnings.warning_propose(
        person=person,
        by=screening_officer,
        kind="risk_to_others",
        reason="Threatened a neighbour",
        review_on=review_on,
    )
    agreed = warnings.warning_propose(
        person=person,
        by=senior_practitioner,
        kind="staff_safety",
        reason="Threatened a social worker",
        partner_summary="Visit in pairs",
        review_on=review_on,
    )
    warnings.warning_agree(
        warning=agreed, by=mash_manager, partner_summary="Visit in pairs", review_on=review_on
    )
    return {"person": person, "proposed": proposed, "agreed": agreed}


# What the table's URLs point at, built once for the module.
records_once, records = shared_records(make_records, PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,url,method,expectation", TABLE, ids=[row[0] for row in TABLE])
def test_access_table(request, client, records, persona, name, url, method, expectation):
    check_row(request, client, records, persona, name, url, method, expectation)
