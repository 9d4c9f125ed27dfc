"""The partner agency's side of the MASH: its inbox of check requests and its answers.

A partner sees only what the request shows (the children's identifying details and the
question); nothing of the MASH record and nothing of other agencies' answers.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.services import access_record
from core.forms import add_service_errors
from core.paging import lookahead_page
from referrals.models import ContactRole
from referrals.person_warnings import selectors as warning_selectors

from . import enquiries, selectors
from .access import get_partner_request_for_user, may_partner_request, partner_inbox_requests
from .models import EnquiryStatus, PartnerRequest, RequestStatus
from .partner_forms import PartnerAnswerForm

PAGE_SIZE = 50


def partner_inbox(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm("mash.answer_partnerrequest"):
        raise PermissionDenied
    # Every request the agency was ever sent: counted only a few pages ahead.
    page = lookahead_page(partner_inbox_requests(request.user), PAGE_SIZE, request.GET.get("page"))
    page.object_list = list(page.object_list)
    selectors.attach_partner_clocks(page.object_list)
    return render(request, "mash/partner/inbox.html", {"page": page, "now": timezone.now()})


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
    enquiry = checks.enquiry
    contact = enquiry.contact
    # The page shows children's details, so every showing of it is logged.
    access_record(
        user=request.user,
        obj=contact,
        description=f"Partner request to {checks.agency} on contact {contact.reference}: "
        "children and adults named",
        path=request.path,
    )
    # The question asks about the children and adults named: the request shows each one's
    # name, date of birth, address and (for an adult) role on the contact, and nothing else.
    links = list(contact.contact_people.select_related("person__address").order_by("pk"))
    children = [link.person for link in links if link.role == ContactRole.CHILD]
    adults = [link for link in links if link.role != ContactRole.CHILD]
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
    selectors.attach_partner_clocks([checks])
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
            "adults": adults,
            # The decision's outcome (no more of the MASH record) and this agency's own
            # disagreements with it, so the agency can escalate if it disagrees.
            "decided": enquiry.status == EnquiryStatus.DECIDED,
            "enquiry": enquiry,
            # Kept after a disagreement reopened the decision: the agency sees its outcome.
            "disagreements": list(
                enquiry.disagreements.filter(agency=checks.agency).select_related(
                    "agency", "team", "raised_by", "resolved_by"
                )
            ),
            "can_disagree": enquiry.status == EnquiryStatus.DECIDED
            and may_partner_request(request.user, "change_partnerrequest", checks),
            "submitted": submitted,
            "draft": draft,
            "next_version": (answers[0].version + 1) if answers and not draft else None,
            "form": form,
        },
    )
