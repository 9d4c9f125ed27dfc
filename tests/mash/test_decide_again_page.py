"""Deciding again after a disagreement reopened the decision: the decision page sets out the
decision it replaces (what, who, when, why changed, the disagreement), and the child's
chronology shows that earlier decision once."""

from django.urls import reverse
from django.utils.html import escape

from mash.models import PreviousDecision
from referrals import chronology
from tests.mash.reopening import change, decide_again

CHANGED_BECAUSE = "New police information changes the picture."


def test_the_decision_page_after_reopening_shows_the_decision_it_replaces(
    client, disagreed, havering, mash_manager, social_work_team
):
    enquiry, disagreement, _ = disagreed("social_work_referral", social_work_team)
    client.force_login(mash_manager)
    decide_url = reverse("mash:enquiry_decide", args=[enquiry.pk])
    assert "deciding-again" not in client.get(decide_url).content.decode()

    change(disagreement, manager=mash_manager, profile=havering, reasons=CHANGED_BECAUSE)
    page = client.get(decide_url).content.decode()

    previous = PreviousDecision.objects.get()
    assert 'id="deciding-again"' in page
    assert "Previous decision, changed after disagreement" in page
    assert "Risk of significant harm." in page  # the replaced decision's rationale
    assert "Referral to a social work team" in page and escape(str(mash_manager)) in page
    assert CHANGED_BECAUSE in page
    assert reverse("mash:disagreement", args=[disagreement.pk]) in page
    assert previous.withdrawn_referral.team.name in page


def test_the_chronology_shows_the_replaced_decision_once(
    disagreed, havering, mash_manager, mash_social_worker, social_work_team
):
    enquiry, disagreement, _ = disagreed("social_work_referral", social_work_team)
    change(disagreement, manager=mash_manager, profile=havering, reasons=CHANGED_BECAUSE)
    decide_again(
        enquiry=enquiry, profile=havering, manager=mash_manager, next_step="no_further_action"
    )
    child = enquiry.contact.people.get()
    reference = enquiry.contact.reference

    entries = chronology.chronology(user=mash_social_worker, person=child, limit=100)

    decisions = [e.title for e in entries if e.title.startswith(f"MASH decision on {reference}:")]
    assert decisions == [
        f"MASH decision on {reference}: Amber, no further action",
        f"MASH decision on {reference}: Red, referral to a social work team (changed after a disagreement)",
    ]
    reopenings = [e for e in entries if "reopened after a disagreement" in e.title]
    assert len(reopenings) == 1
    # The contact's final ratings, one per decision (every reader of the contact sees them).
    finals = [e for e in entries if e.title.startswith("Final rating")]
    assert len(finals) == 2
