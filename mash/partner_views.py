"""The partner agency's side of the MASH: its inbox of check requests and its answers.

A partner sees only what the request shows (the children's identifying details and the
question); nothing of the MASH record and nothing of other agencies' answers.
"""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.services import access_record
from core.forms import add_service_errors
from referrals.models import ContactRole
from referrals.person_warnings import selectors as warning_selectors
from thresholds.models import ClockKind, Deadline

from . import enquiries
from .access import get_partner_request_for_user, may_partner_request, partner_inbox_requests
from .models import PartnerRequest, RequestStatus
from .partner_forms import PartnerAnswerForm

PAGE_SIZE = 50


def _clocks_for(requests: list[PartnerRequest]) -> None:
    """Attach each request's partner-check clock as `clock` in one query."""
    if not requests:
        return
    clocks = Deadline.objects.filter(
        kind=ClockKind.PARTNER_CHECK,
        subject_type=ContentType.objects.get_for_model(PartnerRequest),
        subject_id__in=[r.pk for r in requests],
    )
    by_request = {d.subject_id: d for d in clocks}
    for r in requests:
        r.clock = by_request.get(r.pk)


def partner_inbox(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("mash.answer_partnerrequest"):
        raise PermissionDenied
    page = Paginator(partner_inbox_requests(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    page.object_list = list(page.object_list)
    _clocks_for(page.object_list)
    return render(request, "mash/partner/inbox.html", {"page": page})


def partner_request(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        checks = get_partner_request_for_user(request.user, pk, "change_partnerrequest")
        return _answer(request, checks)
    return _render(request, get_partner_request_for_user(request.user, pk))


def _closed(request: HttpRequest, checks: PartnerRequest) -> HttpResponse:
    messages.error(request, enquiries.REQUEST_CLOSED)
    return redirect("mash:partner_request", pk=checks.pk)


def _answer(request: HttpRequest, checks: PartnerRequest) -> HttpResponse:
    if checks.status == RequestStatus.CLOSED:
        return _closed(request, checks)
    submitting = request.POST.get("action") == "submit"
    form = PartnerAnswerForm(request.POST, submitting=submitting)
    if not form.is_valid():
        return _render(request, checks, form)
    try:
        answer = enquiries.answer_save_draft(request=checks, by=request.user, **form.answer_data())
    except ValidationError:
        # The only refusal of a valid form: the MASH decided since the page was loaded.
        return _closed(request, checks)
    if not submitting:
        messages.success(request, f"Draft answer (version {answer.version}) saved.")
        return redirect("mash:partner_request", pk=checks.pk)
    try:
        enquiries.answer_submit(answer=answer, by=request.user)
    except ValidationError as exc:
        if enquiries.REQUEST_CLOSED in exc.messages:
            return _closed(request, checks)
        # The draft is saved; the errors say what is missing before it can be submitted.
        add_service_errors(form, exc)
        return _render(request, checks, form)
    messages.success(request, f"Answer (version {answer.version}) submitted to the MASH.")
    return redirect("mash:partner_request", pk=checks.pk)


def _render(
    request: HttpRequest, checks: PartnerRequest, form: PartnerAnswerForm | None = None
) -> HttpResponse:
    contact = checks.enquiry.contact
    # The page shows children's details, so every showing of it is logged.
    access_record(
        user=request.user,
        obj=contact,
        description=f"Partner request to {checks.agency} on contact {contact.reference}",
        path=request.path,
    )
    children = [
        link.person
        for link in contact.contact_people.filter(role=ContactRole.CHILD)
        .select_related("person__address")
        .order_by("pk")
    ]
    answers = list(checks.answers.select_related("author").order_by("-version"))
    submitted = [a for a in answers if a.is_submitted]
    draft = next((a for a in answers if not a.is_submitted), None)
    may_answer = checks.status != RequestStatus.CLOSED
    if (
        may_answer
        and form is None
        and may_partner_request(request.user, "change_partnerrequest", checks)
    ):
        # A correction starts from the latest submitted version, to be edited.
        form = PartnerAnswerForm(
            initial=PartnerAnswerForm.initial_from(draft or next(iter(submitted), None))
        )
    _clocks_for([checks])
    return render(
        request,
        "mash/partner/request.html",
        {
            "checks": checks,
            "contact": contact,
            "children": children,
            # Staff-safety warnings (and any a manager agreed wording for) on anyone named.
            "warnings": warning_selectors.for_partners(
                warning_selectors.agreed_on_contact(contact)
            ),
            "submitted": submitted,
            "draft": draft,
            "next_version": (answers[0].version + 1) if answers and not draft else None,
            "form": form,
        },
    )
