"""What a decision reopened after a disagreement leaves on the record: the enquiry page's
"previous decision, changed after disagreement", the chronology's entries (for MASH viewers
only), the subject access disclosure and the resolve page's radios."""

import pytest
from django.urls import reverse

from mash.models import PreviousDecision
from privacy.disclosure import gather, to_pdf
from referrals import chronology
from tests.mash.reopening import change, decide_again
from tests.privacy.cases import open_request
from tests.privacy.test_disclosure import pdf_text

CHANGED_BECAUSE = "Agreed after the police's new information."


@pytest.fixture
def reopened(disagreed, havering, mash_manager, social_work_team):
    enquiry, disagreement, police_user = disagreed("social_work_referral", social_work_team)
    change(disagreement, manager=mash_manager, profile=havering, reasons=CHANGED_BECAUSE)
    decide_again(
        enquiry=enquiry, profile=havering, manager=mash_manager, next_step="no_further_action"
    )
    return enquiry, disagreement


def test_the_resolve_page_offers_upheld_or_changed_with_what_changed_does(
    client, disagreed, mash_manager, social_work_team
):
    enquiry, disagreement, police_user = disagreed("social_work_referral", social_work_team)
    client.force_login(mash_manager)
    url = reverse("mash:disagreement", args=[disagreement.pk])

    page = client.get(url).content.decode()
    assert 'class="govuk-radios"' in page and "govuk-radios__hint" in page
    assert "This reopens the MASH decision and withdraws any referral" in page

    response = client.post(url, {"outcome": "decision_changed", "outcome_reasons": CHANGED_BECAUSE})
    assert response.status_code == 302
    assert response.url == reverse("mash:enquiry_decide", args=[enquiry.pk])


def test_the_enquiry_shows_the_previous_decision_and_the_withdrawn_referral(
    client, reopened, mash_manager, social_work_team
):
    enquiry, disagreement = reopened
    client.force_login(mash_manager)

    page = client.get(reverse("mash:enquiry", args=[enquiry.pk])).content.decode()

    assert "Previous decision, changed after disagreement" in page
    assert reverse("mash:disagreement", args=[disagreement.pk]) in page
    assert "Risk of significant harm." in page  # the previous rationale
    assert f"Referred to {social_work_team}" in page and "Withdrawn" in page
    detail = client.get(reverse("mash:disagreement", args=[disagreement.pk])).content.decode()
    assert "The MASH decision disagreed with, changed" in detail
    assert "Referral to a social work team" in detail  # what was disagreed with, not the new one
    contact_page = client.get(enquiry.contact.get_absolute_url()).content.decode()
    assert "Contact and Referral record" in contact_page
    assert 'govuk-tag--grey">Withdrawn' in contact_page


def test_the_chronology_shows_the_reopening_to_mash_viewers_only(
    reopened, mash_social_worker, early_help_manager
):
    enquiry, _ = reopened
    child = enquiry.contact.people.get()

    titles = [
        e.title for e in chronology.chronology(user=mash_social_worker, person=child, limit=100)
    ]

    reference = enquiry.contact.reference
    assert any(t.startswith(f"MASH decision on {reference} reopened after") for t in titles)
    assert any("(changed after a disagreement)" in t for t in titles)
    assert any(t.startswith("Referral to") and "withdrawn" in t for t in titles)
    # The decision taken again is the enquiry's own entry.
    assert any(t.startswith(f"MASH decision on {reference}: Amber") for t in titles)
    others = [
        e.title for e in chronology.chronology(user=early_help_manager, person=child, limit=100)
    ]
    assert not any("reopened" in t for t in others)


def test_the_disclosure_says_what_the_decision_was_and_that_it_was_reopened(
    reopened, service_manager
):
    enquiry, _ = reopened
    child = enquiry.contact.people.get()
    record = gather(open_request(child=child, by=service_manager))

    [contact] = record["contacts"]
    [disagreement] = contact["mash_enquiry"]["disagreements"]
    assert disagreement["outcome"] == "Decision changed"
    assert disagreement["outcome_reasons"] == CHANGED_BECAUSE
    reopened_from = disagreement["decision_reopened"]
    assert reopened_from["next_step"] == "Referral to a social work team"
    assert reopened_from["final_rationale"] == "Risk of significant harm."
    assert contact["mash_enquiry"]["next_step"] == "No further action"
    [referral] = contact["referrals"]
    assert referral["withdrawn_at"] and CHANGED_BECAUSE in referral["withdrawal_reason"]
    assert any(h["record"].startswith("MASH decision reopened") for h in record["history"])
    text = pdf_text(to_pdf(record))
    assert "was reopened on" in text and "Withdrawn" in text
    assert PreviousDecision.objects.count() == 1
