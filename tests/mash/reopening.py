"""Builders for the tests of a MASH decision reopened by a disagreement resolved "decision
changed" (mash.reopen): a decided enquiry with the police's disagreement, and deciding again."""

from accounts.models import AgencyKind
from mash import disagreements, enquiries
from tests.mash.records import analysed, checks_requested, decided, mash_contact

# The MASH decision's next step -> what `decided` is given for it.
STEPS = {
    "social_work_referral": {"final_rag": "red"},
    "early_help": {"final_rag": "amber"},
    "no_further_action": {"final_rag": "amber"},
}


def decided_case(*, next_step, profile, officer, senior, manager, worker, team):
    """A red contact through the MASH to a decision with `next_step`: the decided enquiry,
    the police request and the police user who answered it."""
    contact = mash_contact(officer=officer, senior=senior, profile=profile)
    enquiry, requests = checks_requested(
        contact=contact, profile=profile, manager=manager, worker=worker
    )
    if next_step == "social_work_referral":
        enquiry, police_user = decided(
            enquiry=enquiry, profile=profile, manager=manager, worker=worker, team=team
        )
    else:
        enquiry, police_user = decided_without_referral(
            enquiry=enquiry, profile=profile, manager=manager, worker=worker, next_step=next_step
        )
    return enquiry, requests[AgencyKind.POLICE], police_user


def decided_without_referral(*, enquiry, profile, manager, worker, next_step):
    enquiry, user = analysed(
        enquiry=enquiry,
        worker=worker,
        held="One call-out.",
        police_analysis="Low risk.",
        summary="Police hold a little.",
        analysis="Needs are low.",
        level=2,
        action="Early help or no further action.",
    )
    return decide_again(
        enquiry=enquiry, profile=profile, manager=manager, next_step=next_step
    ), user


def decide_again(*, enquiry, profile, manager, next_step, team=None, final_rag=None):
    """The manager's decision on the enquiry as it now is (a first one, or after a reopening)."""
    enquiry.refresh_from_db()
    referral = next_step == "social_work_referral"
    return enquiries.enquiry_decide(
        enquiry=enquiry,
        by=manager,
        version=enquiry.version,
        profile=profile,
        final_rag=final_rag or STEPS[next_step]["final_rag"],
        final_rationale=f"Decided: {next_step}.",
        next_step=next_step,
        team=team if referral else None,
        assessment_type="cfa" if referral else "",
        primary_need="N1" if referral else None,
    )


def disagreed_case(*, next_step="social_work_referral", profile, **people):
    """`decided_case`, and then the police disagree with the decision: the decided enquiry,
    the disagreement and the police user."""
    enquiry, request, police_user = decided_case(next_step=next_step, profile=profile, **people)
    disagreement = police_disagrees(request=request, user=police_user, profile=profile)
    return enquiry, disagreement, police_user


def police_disagrees(*, request, user, profile, reasons="The threshold is not met."):
    return disagreements.disagreement_raise_by_partner(
        request=request, by=user, profile=profile, reasons=reasons
    )


def change(disagreement, *, manager, profile, reasons="Agreed: the decision was wrong."):
    return disagreements.disagreement_resolve(
        disagreement=disagreement,
        by=manager,
        profile=profile,
        outcome="decision_changed",
        reasons=reasons,
    )


def reopening(disagreement, *, manager, profile):
    """`change` as a call for another thread (tests.interleave): the disagreement re-read there."""
    return lambda: change(
        type(disagreement).objects.get(pk=disagreement.pk), manager=manager, profile=profile
    )
