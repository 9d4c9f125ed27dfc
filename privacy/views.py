"""Data protection pages: legal holds on a person, the retention review queue and its decisions."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from accounts.services import access_record
from core.forms import add_service_errors
from referrals.access import get_person_for_user

from . import selectors, services
from .forms import DestroyForm, HoldLiftForm, HoldPlaceForm, KeepForm
from .models import LegalHold, RetentionReview

PAGE_SIZE = 50


def _require_perm(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


# Legal holds ----------------------------------------------------------------------------------


def hold_place(request: HttpRequest, pk: int) -> HttpResponse:
    """Place a legal hold on a person (linked from the person's page)."""
    _require_perm(request, services.PLACE_HOLD)
    person = get_person_for_user(request.user, pk)
    access_record(
        user=request.user,
        obj=person,
        description=f"Person {person.case_number} (legal holds)",
        path=request.path,
    )
    form = HoldPlaceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hold_place(
                person=person,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Legal hold placed on {person.full_name}.")
            return redirect("privacy:hold_place", pk=person.pk)
    return render(
        request,
        "privacy/hold_place.html",
        {"person": person, "form": form, "holds": list(selectors.holds_on(person))},
    )


def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    _require_perm(request, services.PLACE_HOLD)
    hold = get_object_or_404(LegalHold.objects.select_related("person"), pk=pk)
    person = get_person_for_user(request.user, hold.person_id)
    if not hold.in_force:
        raise Http404("This hold has been lifted")
    access_record(
        user=request.user,
        obj=person,
        description=f"Person {person.case_number} (legal holds)",
        path=request.path,
    )
    form = HoldLiftForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.hold_lift(hold=hold, reason=form.cleaned_data["reason"], by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Legal hold on {person.full_name} lifted.")
            return redirect("privacy:hold_place", pk=person.pk)
    return render(request, "privacy/hold_lift.html", {"person": person, "hold": hold, "form": form})


# Retention ------------------------------------------------------------------------------------


def retention_queue(request: HttpRequest) -> HttpResponse:
    """Records past retention awaiting a decision, longest overdue first."""
    _require_perm(request, services.REVIEW)
    page = Paginator(selectors.review_queue(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "privacy/retention_queue.html",
        {"page": page, "can_approve": request.user.has_perm(services.APPROVE)},
    )


def _open_review(request: HttpRequest, pk: int) -> RetentionReview:
    try:
        review = selectors.review_for_decision(pk)
    except RetentionReview.DoesNotExist:
        raise Http404("No such review") from None
    if not review.is_open:
        raise Http404("This review has been decided")
    return review


def retention_destroy(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation page for approving destruction: a reason, and a tick to confirm."""
    _require_perm(request, services.APPROVE)
    review = _open_review(request, pk)
    form = DestroyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_destroy(
                review=review, reason=form.cleaned_data["reason"], by=request.user
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Contact {review.contact.reference} destroyed; its tombstone is kept."
            )
            return redirect("privacy:retention_queue")
    return render(request, "privacy/retention_destroy.html", {"review": review, "form": form})


def retention_keep(request: HttpRequest, pk: int) -> HttpResponse:
    _require_perm(request, services.REVIEW)
    review = _open_review(request, pk)
    form = KeepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_keep(
                review=review,
                reason=form.cleaned_data["reason"],
                review_again_on=form.cleaned_data["review_again_on"],
                by=request.user,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Contact {review.contact.reference} kept.")
            return redirect("privacy:retention_queue")
    return render(request, "privacy/retention_keep.html", {"review": review, "form": form})


def retention_destroyed(request: HttpRequest) -> HttpResponse:
    """The tombstones: how many records were destroyed, per year received and kind."""
    _require_perm(request, services.REVIEW)
    return render(
        request, "privacy/retention_destroyed.html", {"rows": selectors.tombstones_per_year()}
    )
