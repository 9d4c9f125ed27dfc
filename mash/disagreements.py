"""Disagreement with a MASH decision (DOMAIN §10, Camden protocol 11): a partner agency or the
team the child was referred to registers it, it is escalated to the MASH manager on its own
clock (the profile's `disagreement` timescale, enforced by the deadline sweep), and the
manager resolves it: the decision upheld, or changed, with reasons. "Changed" takes effect in
the same transaction: the decision is reopened and the manager takes it again (mash.reopen:
what that does, and when it refuses because the work has moved on too far to undo here).
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import TeamKind, User
from accounts.roles import Role
from accounts.selectors import users_with_role
from accounts.services import Notice, notify_many
from referrals.models import Referral
from referrals.rating import profile_team
from thresholds import services as clocks
from thresholds.models import ClockKind, CouncilProfile

from .access import may_enquiry, may_partner_request
from .models import (
    Disagreement,
    DisagreementOutcome,
    DisagreementSource,
    DisagreementStatus,
    Enquiry,
    EnquiryStatus,
    PartnerRequest,
)
from .reopen import decision_reopen

NOT_DECIDED = "The MASH has not made its decision yet: there is nothing to disagree with."
ALREADY_OPEN = "Your disagreement with this decision is already with the MASH manager."
ALREADY_RESOLVED = "This disagreement has already been resolved."


def may_resolve(user: User) -> bool:
    return user.is_active and user.has_perm("mash.resolve_disagreement")


def receiving_referral(user: User, enquiry: Enquiry) -> Referral | None:
    """The referral of the enquiry's contact to the user's own team, if there is one."""
    return receiving_referral_among(user, enquiry.contact.referrals.select_related("team"))


def receiving_referral_among(user: User, referrals: Iterable[Referral]) -> Referral | None:
    """The first of a contact's `referrals` (in their order) that is to the user's own team and
    not withdrawn: a contact page passes those it has read; a queryset is read only for an
    active user with a team."""
    if not (user.is_active and user.team_id):
        return None
    return next(
        (r for r in referrals if r.team_id == user.team_id and r.withdrawn_at is None), None
    )


def _open_from(enquiry: Enquiry, **source) -> bool:
    return enquiry.disagreements.filter(status=DisagreementStatus.OPEN, **source).exists()


def _managers_notices(disagreement: Disagreement, title: str) -> list[Notice]:
    url = reverse("mash:disagreement", args=[disagreement.pk])
    return [
        Notice(user=manager, title=title, url=url) for manager in users_with_role(Role.MASH_MANAGER)
    ]


def _raise(
    *,
    enquiry: Enquiry,
    by: User,
    profile: CouncilProfile,
    reasons: str,
    source: DisagreementSource,
    **who,
) -> Disagreement:
    enquiry = Enquiry.objects.select_for_update().select_related("contact").get(pk=enquiry.pk)
    if enquiry.status != EnquiryStatus.DECIDED:
        raise ValidationError(NOT_DECIDED)
    if not reasons.strip():
        raise ValidationError({"reasons": "Enter why you disagree with the MASH decision"})
    if _open_from(enquiry, **who):
        raise ValidationError(ALREADY_OPEN)
    now = timezone.now()
    disagreement = Disagreement(
        enquiry=enquiry, source=source, reasons=reasons, raised_by=by, raised_at=now, **who
    )
    contact = enquiry.contact
    save_audited(
        disagreement,
        user=by,
        reason=f"Disagreement with the MASH decision escalated to the MASH manager by "
        f"{disagreement.raised_by_name}",
    )
    clocks.deadline_start(
        profile=profile,
        kind=ClockKind.DISAGREEMENT,
        by=by,
        contact=contact,
        subject=disagreement,
        team=profile_team(profile, TeamKind.MASH),
        responsible_role=Role.MASH_MANAGER,
        rag=contact.rag,
        started_at=now,
        description=f"Disagreement from {disagreement.raised_by_name}",
    )
    notify_many(
        notices=_managers_notices(
            disagreement,
            f"Disagreement with the MASH decision on contact {contact.reference} from "
            f"{disagreement.raised_by_name}",
        )
    )
    return disagreement


@transaction.atomic
def disagreement_raise_by_partner(
    *, request: PartnerRequest, by: User, profile: CouncilProfile, reasons: str
) -> Disagreement:
    """A partner agency that was asked for checks disagrees with the MASH's decision."""
    if not may_partner_request(by, "change_partnerrequest", request):
        raise PermissionDenied
    return _raise(
        enquiry=request.enquiry,
        by=by,
        profile=profile,
        reasons=reasons,
        source=DisagreementSource.PARTNER,
        agency=request.agency,
    )


@transaction.atomic
def disagreement_raise_by_team(
    *, enquiry: Enquiry, by: User, profile: CouncilProfile, reasons: str
) -> Disagreement:
    """The team the child was referred to disagrees with the MASH's decision."""
    referral = receiving_referral(by, enquiry)
    if referral is None:
        raise PermissionDenied
    return _raise(
        enquiry=enquiry,
        by=by,
        profile=profile,
        reasons=reasons,
        source=DisagreementSource.RECEIVING_TEAM,
        team=referral.team,
    )


@transaction.atomic
def disagreement_resolve(
    *,
    disagreement: Disagreement,
    by: User,
    profile: CouncilProfile,
    outcome: DisagreementOutcome | str,
    reasons: str,
) -> Disagreement:
    """The MASH manager's answer to an escalated disagreement: the decision upheld or
    changed, with reasons. Meets its clock and tells whoever raised it; "changed" reopens the
    decision (`reopen.decision_reopen`) or, where that is no longer safe, refuses."""
    if not may_resolve(by):
        raise PermissionDenied
    disagreement = (
        Disagreement.objects.select_for_update(of=("self",))
        .select_related("enquiry__contact", "agency", "team", "raised_by")
        .get(pk=disagreement.pk)
    )
    if not disagreement.is_open:
        raise ValidationError(ALREADY_RESOLVED)
    errors = {}
    if outcome not in DisagreementOutcome.values:
        errors["outcome"] = "Select whether the decision is upheld or changed"
    if not reasons.strip():
        errors["outcome_reasons"] = "Enter the reasons for the outcome"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    changed = outcome == DisagreementOutcome.CHANGED
    if changed:
        # First: a refusal leaves nothing half done (the transaction rolls back regardless).
        decision_reopen(disagreement=disagreement, by=by, profile=profile, reasons=reasons, at=now)
    disagreement.status = DisagreementStatus.RESOLVED
    disagreement.outcome, disagreement.outcome_reasons = outcome, reasons
    disagreement.resolved_by, disagreement.resolved_at = by, now
    label = DisagreementOutcome(outcome).label
    save_audited(disagreement, user=by, reason=f"Disagreement resolved: {label.lower()}")
    contact = disagreement.enquiry.contact
    clocks.deadline_meet(
        kind=ClockKind.DISAGREEMENT,
        by=by,
        contact=contact,
        subject=disagreement,
        at=now,
        reason=f"Disagreement from {disagreement.raised_by_name} resolved: {label.lower()}",
    )
    raiser = disagreement.raised_by
    if raiser.is_active:
        title = f"Your disagreement on contact {contact.reference}: {label.lower()}"
        if changed:
            title += ": the MASH is taking the decision again"
        url = _raiser_url(disagreement, changed=changed)
        notify_many(
            notices=[
                Notice(
                    user=raiser,
                    title=title,
                    # Free text only on a notice linked to the record (destroyed with it).
                    body=reasons if url else "Your team's referral was withdrawn.",
                    url=url,
                )
            ]
        )
    return disagreement


def _raiser_url(disagreement: Disagreement, *, changed: bool) -> str:
    if disagreement.agency_id:
        request = disagreement.enquiry.requests.filter(agency_id=disagreement.agency_id).first()
        if request is not None:
            return reverse("mash:partner_request", args=[request.pk])
    if changed:
        # The receiving team's referral was withdrawn with the contact (ADR 0008: the work has
        # moved back to the MASH), so it no longer reads the contact: no link to a 404.
        return ""
    return disagreement.enquiry.contact.get_absolute_url()


# --- Reads -----------------------------------------------------------------------------------


def open_disagreements() -> QuerySet[Disagreement]:
    """Open escalations, oldest first (index disagreement_open)."""
    return (
        Disagreement.objects.filter(
            status=DisagreementStatus.OPEN, enquiry__contact__destroyed_at__isnull=True
        )
        .select_related("enquiry__contact", "agency", "team", "raised_by")
        .order_by("raised_at", "pk")
    )


def get_disagreement_for_user(user: User, pk: int) -> Disagreement:
    """An escalation for MASH staff (404 for anyone else)."""
    disagreement = get_object_or_404(
        Disagreement.objects.select_related(
            "enquiry__contact", "agency", "team", "raised_by", "resolved_by"
        ),
        pk=pk,
        enquiry__contact__destroyed_at__isnull=True,
    )
    if not may_enquiry(user, "view_enquiry", disagreement.enquiry):
        raise Http404("No such disagreement")
    return disagreement
