"""Pages for the records a MASH decision leads to: the strategy discussion, and a partner's or
the receiving team's disagreement with the decision, escalated to the MASH manager."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts.services import access_record
from core.forms import add_service_errors
from referrals.access import get_contact_for_user
from referrals.models import Contact
from thresholds.models import ClockKind, Deadline
from thresholds.selectors import current_profile

from . import disagreements, strategy
from .access import get_enquiry_for_user, get_partner_request_for_user
from .models import (
    Disagreement,
    DisagreementOutcome,
    Enquiry,
    EnquiryStatus,
    PreviousDecision,
)
from .record_forms import (
    ROW_ERROR_FIELDS,
    DisagreementForm,
    ResolveDisagreementForm,
    StrategyDiscussionForm,
)


def _log(request: HttpRequest, contact: Contact, what: str) -> None:
    access_record(
        user=request.user,
        obj=contact,
        description=f"{what} on contact {contact.reference}",
        path=request.path,
    )


def strategy_discussion_new(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = get_enquiry_for_user(request.user, pk)
    if not strategy.may_record(request.user, enquiry):
        raise PermissionDenied
    form = StrategyDiscussionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            strategy.strategy_discussion_record(
                enquiry=enquiry,
                by=request.user,
                held_at=data["held_at"],
                attendees=form.attendees(),
                decision=data["decision"],
                section_47=data["section_47"],
                actions=form.actions(),
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                exc = ValidationError(
                    {ROW_ERROR_FIELDS.get(k, k): v for k, v in exc.error_dict.items()}
                )
            add_service_errors(form, exc)
        else:
            messages.success(request, "Strategy discussion recorded.")
            return redirect("mash:enquiry", pk=enquiry.pk)
    _log(request, enquiry.contact, "Strategy discussion form")
    return render(
        request,
        "mash/strategy/new.html",
        {"enquiry": enquiry, "contact": enquiry.contact, "form": form},
    )


# --- Disagreement ---------------------------------------------------------------------------


def _decision_context(enquiry: Enquiry) -> dict:
    """What a partner or the receiving team is told of the decision: its outcome, no more."""
    return {
        "next_step": enquiry.get_next_step_display(),
        "decided_at": enquiry.decided_at,
    }


def partner_disagree(request: HttpRequest, pk: int) -> HttpResponse:
    """A partner agency that was asked for checks disagrees with the MASH's decision."""
    checks = get_partner_request_for_user(request.user, pk, "change_partnerrequest")
    if checks.enquiry.status != EnquiryStatus.DECIDED:
        raise Http404("The MASH has not decided yet")
    back = reverse("mash:partner_request", args=[checks.pk])
    return _disagree(
        request,
        enquiry=checks.enquiry,
        raise_=lambda reasons: disagreements.disagreement_raise_by_partner(
            request=checks, by=request.user, profile=current_profile(), reasons=reasons
        ),
        back_url=back,
        read=f"Disagreement form for {checks.agency}",
    )


def team_disagree(request: HttpRequest, contact_pk: int) -> HttpResponse:
    """The team the child was referred to disagrees with the MASH's decision."""
    contact = get_contact_for_user(request.user, contact_pk)
    enquiry = Enquiry.objects.filter(contact=contact, status=EnquiryStatus.DECIDED).first()
    if enquiry is None:
        raise Http404("No MASH decision on this contact")
    if disagreements.receiving_referral(request.user, enquiry) is None:
        raise PermissionDenied
    return _disagree(
        request,
        enquiry=enquiry,
        raise_=lambda reasons: disagreements.disagreement_raise_by_team(
            enquiry=enquiry, by=request.user, profile=current_profile(), reasons=reasons
        ),
        back_url=contact.get_absolute_url(),
        read="Disagreement form for the receiving team",
    )


def _disagree(
    request: HttpRequest,
    *,
    enquiry: Enquiry,
    raise_: Callable[[str], object],
    back_url: str,
    read: str,
) -> HttpResponse:
    """The disagreement form, whoever raises it: on success back where they came from."""
    form = DisagreementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            raise_(form.cleaned_data["reasons"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Your disagreement has been escalated to the MASH manager.")
            return redirect(back_url)
    contact = enquiry.contact
    _log(request, contact, read)
    return render(
        request,
        "mash/disagreement/raise.html",
        {"contact": contact, "form": form, "back_url": back_url, **_decision_context(enquiry)},
    )


def disagreement_queue(request: HttpRequest) -> HttpResponse:
    """Open escalations for the MASH manager, oldest first, each with its clock."""
    if not disagreements.may_resolve(request.user):
        raise PermissionDenied
    rows = list(disagreements.open_disagreements()[:200])
    _attach_clocks(rows)
    return render(request, "mash/disagreement/queue.html", {"rows": rows, "now": timezone.now()})


def _attach_clocks(rows: list[Disagreement]) -> None:
    clocks = Deadline.objects.filter(
        kind=ClockKind.DISAGREEMENT,
        subject_type=ContentType.objects.get_for_model(Disagreement),
        subject_id__in=[d.pk for d in rows],
    )
    by_id = {c.subject_id: c for c in clocks}
    for row in rows:
        row.clock = by_id.get(row.pk)


def disagreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    disagreement = disagreements.get_disagreement_for_user(request.user, pk)
    may_resolve = disagreements.may_resolve(request.user) and disagreement.is_open
    form = None
    if request.method == "POST":
        if not disagreements.may_resolve(request.user):
            raise PermissionDenied
        form = ResolveDisagreementForm(request.POST)
        if form.is_valid():
            try:
                disagreements.disagreement_resolve(
                    disagreement=disagreement,
                    by=request.user,
                    profile=current_profile(),
                    outcome=form.cleaned_data["outcome"],
                    reasons=form.cleaned_data["outcome_reasons"],
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                if form.cleaned_data["outcome"] == DisagreementOutcome.CHANGED:
                    messages.success(
                        request,
                        "The decision has been reopened and is back with you: take it again.",
                    )
                    return redirect("mash:enquiry_decide", pk=disagreement.enquiry_id)
                messages.success(request, "The outcome of the disagreement has been recorded.")
                return redirect("mash:disagreement", pk=disagreement.pk)
    elif may_resolve:
        form = ResolveDisagreementForm()
    _attach_clocks([disagreement])
    enquiry = disagreement.enquiry
    previous = PreviousDecision.objects.filter(disagreement=disagreement).first()
    _log(request, enquiry.contact, "Disagreement with the MASH decision read")
    return render(
        request,
        "mash/disagreement/detail.html",
        {
            "disagreement": disagreement,
            "enquiry": enquiry,
            # After "decision changed" the decision disagreed with is this, not the enquiry's.
            "decision": previous or enquiry,
            "reopened": previous,
            "contact": enquiry.contact,
            "form": form if (may_resolve or form is not None) else None,
            "now": timezone.now(),
        },
    )
