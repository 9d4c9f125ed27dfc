"""Subject access requests (list, record, verify, extend, redact, produce, complete, refuse)
and the weekly unusual access reports. Each view: access helper, form, one service, redirect."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.services import access_record
from core.forms import add_service_errors
from referrals.access import get_person_for_user

from . import selectors, services, subject_access
from .access import (
    HANDLE,
    VIEW_UNUSUAL,
    get_disclosure_for_user,
    get_report_for_user,
    get_request_for_user,
    require,
)
from .disclosure import collect
from .forms import (
    DestroyForm,
    ExtendForm,
    HoldLiftForm,
    HoldPlaceForm,
    KeepForm,
    ListFilterForm,
    RefuseForm,
    RequestForm,
    VerifyForm,
)
from .models import DisclosureStatus, LegalHold, RetentionReview, SubjectAccessRequest

# Data protection pages: legal holds on a person, the retention review queue and its decisions.
PAGE_SIZE = 50


def sar_list(request: HttpRequest) -> HttpResponse:
    require(request.user, HANDLE)
    form = ListFilterForm(request.GET or None)
    show = (form.cleaned_data.get("show") or "open") if form.is_valid() else "open"
    today = timezone.localdate()
    page = Paginator(selectors.requests_shown(show, today=today), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(r, selectors.due_state(r, today=today)) for r in page.object_list]
    return render(
        request,
        "privacy/sar_list.html",
        {
            "page": page,
            "rows": rows,
            "show": show,
            "choices": ListFilterForm.base_fields["show"].choices,
            "counts": selectors.sar_counts(today=today),
        },
    )


def sar_create(request: HttpRequest) -> HttpResponse:
    require(request.user, HANDLE)
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            sar = subject_access.sar_open(
                person=data["case_number"],
                requester_name=data["requester_name"],
                requester=data["requester"],
                requester_relationship=data["requester_relationship"],
                received_on=data["received_on"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Request {sar.reference} recorded: due {sar.due_on:%d %B %Y}"
            )
            return redirect("privacy:sar_detail", pk=sar.pk)
    return render(request, "privacy/sar_form.html", {"form": form, "title": "Record a request"})


def sar_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sar = get_request_for_user(request.user, pk)
    return render(
        request,
        "privacy/sar_detail.html",
        {
            "sar": sar,
            "due_state": selectors.due_state(sar, today=timezone.localdate()),
            "disclosures": list(sar.disclosures.select_related("created_by")[:20]),
            "redactions": list(sar.redactions.select_related("decided_by")),
            "keep_hours": settings.SUBJECT_ACCESS_KEEP_HOURS,
            "history": list(sar.history.select_related("history_user").order_by("-history_date")),
        },
    )


def _submitted(request: HttpRequest, form, call, done: str) -> bool:
    """A valid POST runs the service with the form's data; a refusal goes next to the form's
    fields (nothing typed is lost), success into a banner. True when the service succeeded."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        add_service_errors(form, error)
        return False
    messages.success(request, done)
    return True


def _run(request: HttpRequest, call, done: str) -> None:
    """A button with no form: the service's refusal, or success, becomes a banner."""
    try:
        call()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, done)


def _action(request, pk, form_class, call, title: str, done: str) -> HttpResponse:
    sar = get_request_for_user(request.user, pk)
    form = form_class(request.POST or None)
    if _submitted(request, form, lambda data: call(sar, data), done):
        return redirect("privacy:sar_detail", pk=sar.pk)
    return render(request, "privacy/sar_form.html", {"form": form, "title": title, "sar": sar})


def sar_verify(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        VerifyForm,
        lambda sar, d: subject_access.sar_verify_identity(
            request=sar, evidence=d["evidence"], by=request.user
        ),
        "Verify the requester's identity",
        "Identity recorded as verified",
    )


def sar_extend(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        ExtendForm,
        lambda sar, d: subject_access.sar_extend(
            request=sar, months=d["months"], reason=d["reason"], by=request.user
        ),
        "Extend the time limit",
        "Time limit extended",
    )


def sar_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _action(
        request,
        pk,
        RefuseForm,
        lambda sar, d: subject_access.sar_refuse(request=sar, reason=d["reason"], by=request.user),
        "Refuse the request",
        "Request refused; the legal hold is lifted",
    )


@require_POST
def sar_complete(request: HttpRequest, pk: int) -> HttpResponse:
    sar = get_request_for_user(request.user, pk)
    _run(
        request,
        lambda: subject_access.sar_complete(request=sar, by=request.user),
        "Request completed; the legal hold is lifted",
    )
    return redirect("privacy:sar_detail", pk=sar.pk)


def sar_redactions(request: HttpRequest, pk: int) -> HttpResponse:
    """List what the handler may redact; tick and give a reason for each one redacted."""
    sar = get_request_for_user(request.user, pk)
    items = collect(sar.person).items
    saved = {r.item: r.reason for r in sar.redactions.all()}
    errors: dict[str, str] = {}
    if request.method == "POST":
        ticked = {i.key for i in items if request.POST.get(f"redact-{i.key}")}
        chosen = {
            i.key: (i.label, request.POST.get(f"reason-{i.key}", "")[:2000])
            for i in items
            if i.key in ticked
        }
        try:
            subject_access.sar_set_redactions(request=sar, chosen=chosen, by=request.user)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):  # the request closed meanwhile
                for message in error.messages:
                    messages.error(request, message)
                return redirect("privacy:sar_detail", pk=sar.pk)
            errors = {k: v[0] for k, v in error.message_dict.items()}
        else:
            messages.success(
                request, f"{len(chosen)} item{'s' if len(chosen) != 1 else ''} redacted"
            )
            return redirect("privacy:sar_detail", pk=sar.pk)
        shown = {k: request.POST.get(f"reason-{k}", "") for k in {i.key for i in items}}
        ticks = ticked
    else:
        shown, ticks = saved, set(saved)
    rows = [
        {
            "item": i,
            "ticked": i.key in ticks,
            "reason": shown.get(i.key, ""),
            "error": errors.get(i.key),
        }
        for i in items
    ]
    return render(
        request,
        "privacy/sar_redactions.html",
        {"sar": sar, "rows": rows, "errors": errors, "closed": not sar.is_open},
    )


@require_POST
def disclosure_start(request: HttpRequest, pk: int) -> HttpResponse:
    sar = get_request_for_user(request.user, pk)
    _run(
        request,
        lambda: subject_access.disclosure_request(request=sar, by=request.user),
        "The download is being made: it appears below when ready",
    )
    return redirect("privacy:sar_detail", pk=sar.pk)


def disclosure_download(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = get_disclosure_for_user(request.user, pk)
    if disclosure.status != DisclosureStatus.READY or not disclosure.file:
        raise Http404("This download is not ready or has been deleted")
    sar: SubjectAccessRequest = disclosure.request
    try:
        handle = disclosure.file.open("rb")
    except FileNotFoundError:
        raise Http404("This download's file has been deleted") from None
    # Everything held about the person, taken away: logged as a read of their record.
    access_record(
        user=request.user,
        obj=sar.person,
        description=f"Subject access download {sar.reference} taken",
        path=request.path,
        details={"subject_access_request": sar.pk, "disclosure": disclosure.pk},
    )
    return FileResponse(
        handle, as_attachment=True, filename=disclosure.filename, content_type="application/zip"
    )


def unusual_access(request: HttpRequest) -> HttpResponse:
    require(request.user, VIEW_UNUSUAL)
    return render(
        request, "privacy/unusual_access.html", {"reports": list(selectors.recent_reports())}
    )


def unusual_access_report(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    rows = report.rows.select_related("user", "person").order_by("-reads", "user", "person")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "privacy/unusual_access_report.html", {"report": report, "page": page})


# Legal holds ----------------------------------------------------------------------------------


def hold_place(request: HttpRequest, pk: int) -> HttpResponse:
    """Place a legal hold on a person (linked from the person's page)."""
    require(request.user, services.PLACE_HOLD)
    person = get_person_for_user(request.user, pk)
    access_record(
        user=request.user,
        obj=person,
        description=f"Person {person.case_number} (legal holds)",
        path=request.path,
    )
    form = HoldPlaceForm(request.POST or None)
    if _submitted(
        request,
        form,
        lambda data: services.hold_place(
            person=person, reason=data["reason"], details=data["details"], by=request.user
        ),
        f"Legal hold placed on {person.full_name}.",
    ):
        return redirect("privacy:hold_place", pk=person.pk)
    return render(
        request,
        "privacy/hold_place.html",
        {"person": person, "form": form, "holds": list(selectors.holds_on(person))},
    )


def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, services.PLACE_HOLD)
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
    if _submitted(
        request,
        form,
        lambda data: services.hold_lift(hold=hold, reason=data["reason"], by=request.user),
        f"Legal hold on {person.full_name} lifted.",
    ):
        return redirect("privacy:hold_place", pk=person.pk)
    return render(request, "privacy/hold_lift.html", {"person": person, "hold": hold, "form": form})


# Retention ------------------------------------------------------------------------------------


def retention_queue(request: HttpRequest) -> HttpResponse:
    """Records past retention awaiting a decision, longest overdue first."""
    require(request.user, services.REVIEW)
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
    require(request.user, services.APPROVE)
    review = _open_review(request, pk)
    form = DestroyForm(request.POST or None)
    if _submitted(
        request,
        form,
        lambda data: services.record_destroy(review=review, reason=data["reason"], by=request.user),
        f"Contact {review.contact.reference} destroyed; its tombstone is kept.",
    ):
        return redirect("privacy:retention_queue")
    return render(request, "privacy/retention_destroy.html", {"review": review, "form": form})


def retention_keep(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, services.REVIEW)
    review = _open_review(request, pk)
    form = KeepForm(request.POST or None)
    if _submitted(
        request,
        form,
        lambda data: services.review_keep(
            review=review,
            reason=data["reason"],
            review_again_on=data["review_again_on"],
            by=request.user,
        ),
        f"Contact {review.contact.reference} kept.",
    ):
        return redirect("privacy:retention_queue")
    return render(request, "privacy/retention_keep.html", {"review": review, "form": form})


def retention_destroyed(request: HttpRequest) -> HttpResponse:
    """The tombstones: how many records were destroyed, per year received and kind."""
    require(request.user, services.REVIEW)
    return render(
        request, "privacy/retention_destroyed.html", {"rows": selectors.tombstones_per_year()}
    )
