"""The MASH's own pages: its queue, the enquiry and every step from consent to the referral on.

Only MASH social care staff see these pages (`mash.access.get_enquiry_for_user`); what the
services allow each of them to do is decided by the services.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.models import Team
from accounts.services import access_record
from core.db import present as has_records
from core.forms import add_service_errors
from core.paging import lookahead_page
from core.templatetags.govuk import govuk_datetime
from core.text import lower_in_sentence
from referrals import selectors as contact_selectors
from referrals.access import get_contact_for_user
from referrals.forms import referral_teams
from referrals.models import ContactStatus
from referrals.person_warnings import selectors as warning_selectors
from referrals.urgency import MostUrgentFirst
from thresholds.selectors import current_profile, threshold_levels

from . import disagreements, enquiries, selectors, strategy
from .access import get_enquiry_for_user, may_enquiry
from .enquiry_forms import (
    AnalysisForm,
    AssignForm,
    ChecksForm,
    ConsentForm,
    EnquiryDecisionForm,
    OpenEnquiryForm,
)
from .models import MASH_RECORD_AGENCIES, Enquiry, EnquiryStatus, NextStep, RequestStatus

PAGE_SIZE = 50
CHANGED_SINCE = (
    "This enquiry changed while you were working on it. What changed is shown below; your "
    "answers are kept. Check them, then submit again."
)


def _log_read(request: HttpRequest, enquiry: Enquiry, what: str) -> None:
    contact = enquiry.contact
    access_record(
        user=request.user,
        obj=contact,
        description=f"{what} on contact {contact.reference}",
        path=request.path,
    )


def mash_queue(request: HttpRequest) -> HttpResponse:
    if not may_enquiry(request.user, "view_enquiry"):
        raise PermissionDenied
    view = request.GET.get("show", "all")
    if view not in selectors.QUEUE_VIEWS:
        view = "all"
    qs = selectors.mash_queue(request.user, view)
    # The MASH holds tens of thousands of contacts on a large council: counted a few pages ahead.
    page = lookahead_page(MostUrgentFirst(qs), PAGE_SIZE, request.GET.get("page"))
    return render(
        request,
        "mash/enquiry/queue.html",
        {
            "page": page,
            "views": selectors.QUEUE_VIEWS,
            "view": view,
            "record_threshold": MASH_RECORD_AGENCIES,
            "can_open": request.user.has_perm("mash.add_enquiry"),
            "open_escalations": disagreements.open_disagreements().count()
            if disagreements.may_resolve(request.user)
            else None,
        },
    )


def enquiry_open(request: HttpRequest, contact_pk: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, contact_pk)
    if not request.user.has_perm("mash.add_enquiry"):
        raise PermissionDenied
    existing = Enquiry.objects.filter(contact=contact).first()
    if existing is not None:
        messages.info(request, f"Contact {contact.reference} already has a MASH enquiry.")
        return redirect("mash:enquiry", pk=existing.pk)
    if contact.status != ContactStatus.WITH_MASH:
        messages.info(request, f"Contact {contact.reference} is not with the MASH.")
        return redirect(contact.get_absolute_url())
    form = OpenEnquiryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            enquiry = enquiries.enquiry_open(
                contact=contact,
                by=request.user,
                profile=current_profile(),
                worker=form.cleaned_data["worker"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"MASH enquiry opened on contact {contact.reference}.")
            return redirect("mash:enquiry", pk=enquiry.pk)
    return render(request, "mash/enquiry/open.html", {"contact": contact, "form": form})


def enquiry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Most enquiries have no strategy discussion, disagreement or reopened decision: the
    # enquiry's read says which of those this one has, and only those are read.
    enquiry = get_enquiry_for_user(request.user, pk, exists=selectors.seldom_on_enquiry())
    _log_read(request, enquiry, "MASH enquiry read")
    contact = enquiry.contact
    links = list(contact.contact_people.select_related("person", "person__address"))
    people = [link.person for link in links]
    # Grows with the children's history: a page at a time (the same list as the contact page's).
    previous_page = Paginator(
        contact_selectors.previous_contacts_of(contact, people), PAGE_SIZE
    ).get_page(request.GET.get("previous"))
    previous = list(previous_page.object_list)
    requests = selectors.enquiry_requests(enquiry)
    answered = sum(1 for r in requests if r.current is not None)
    referrals = list(contact.referrals.select_related("team", "withdrawn_by"))
    user = request.user
    acts = may_enquiry(user, "change_enquiry", enquiry)
    manager = may_enquiry(user, "decide_enquiry", enquiry)
    open_ = enquiry.status != EnquiryStatus.DECIDED
    # Newest first (ConsentDecision.Meta.ordering): the first is the latest.
    consents = list(enquiry.consent_decisions.select_related("recorded_by"))
    consent = consents[0] if consents else None
    present = has_records(enquiry, selectors.SELDOM_ON_ENQUIRY)
    return render(
        request,
        "mash/enquiry/detail.html",
        {
            "enquiry": enquiry,
            "contact": contact,
            "links": links,
            "statuses": contact_selectors.known_statuses(people, contact=contact),
            "person_warnings": warning_selectors.agreed_for(p.pk for p in people),
            "previous": previous,
            "previous_page": previous_page,
            "visible": contact_selectors.visible_ids(user, previous),
            "consents": consents,
            "consent": consent,
            "requests": requests,
            "answered": answered,
            "asked_again": any(r.rounds > 1 for r in requests),
            # Agencies, not requests: one asked again counts once.
            "is_mash_record": len({r.agency_id for r in requests if r.current is not None})
            >= MASH_RECORD_AGENCIES,
            "record_threshold": MASH_RECORD_AGENCIES,
            "deadlines": list(contact.deadlines.select_related("team", "responsible")),
            "ratings": list(
                contact.ratings.select_related("rated_by").prefetch_related("indicators")
            ),
            "passed_on": _passed_on(referrals, requests),
            "timeline": selectors.enquiry_timeline(
                enquiry,
                present={
                    *present,
                    *(("consent_decisions",) if consents else ()),
                    *(("requests",) if requests else ()),
                    *(("answers",) if any(r.all_answers for r in requests) else ()),
                },
            ),
            "now": timezone.now(),
            "can_assign": manager and open_,
            "can_consent": acts and open_,
            "can_request": acts and open_ and consent is not None and consent.allows_checks,
            "can_analyse": acts and open_,
            "can_decide": manager and enquiry.is_awaiting_decision,
            "strategy_discussions": strategy.strategy_discussions_for(enquiry)
            if "strategy_discussions" in present
            else [],
            "can_record_strategy": strategy.may_record(user, enquiry),
            "disagreements": selectors.disagreements_on(enquiry)
            if "disagreements" in present
            else [],
            "can_resolve": disagreements.may_resolve(user),
            "previous_decisions": selectors.previous_decisions_on(enquiry)
            if "previous_decisions" in present
            else [],
        },
    )


def _passed_on(referrals, requests) -> list[dict]:
    """For each referral: what went to the team, and which agencies' answers were held back."""
    shared = selectors.shared_with_referrals(referrals)
    handovers = selectors.handovers_for(referrals)
    result = []
    for referral in referrals:
        rows = shared[referral.pk]
        sent = {row.answer.request_id for row in rows}
        # Answers to requests made before the referral that did not go with it (an agency
        # asked again after the referral was withdrawn is not "held back" from that referral).
        withheld = [
            r
            for r in requests
            if r.current is not None and r.pk not in sent and r.requested_at <= referral.created_at
        ]
        result.append(
            {
                "referral": referral,
                "shared": rows,
                "withheld": withheld,
                "handover": handovers.get(referral.pk),
            }
        )
    return result


def _done(request: HttpRequest, enquiry: Enquiry, message: str) -> HttpResponse:
    messages.success(request, message)
    return redirect("mash:enquiry", pk=enquiry.pk)


def _closed(request: HttpRequest, enquiry: Enquiry) -> HttpResponse | None:
    """A decided enquiry's forms redirect to it; a post still reaches the service, so someone
    who was typing when another manager decided keeps their words and is told why."""
    if request.method == "GET" and enquiry.status == EnquiryStatus.DECIDED:
        messages.info(request, "This enquiry has been decided; it can no longer change.")
        return redirect("mash:enquiry", pk=enquiry.pk)
    return None


def enquiry_assign(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = get_enquiry_for_user(request.user, pk, "decide_enquiry")
    if (closed := _closed(request, enquiry)) is not None:
        return closed
    form = AssignForm(
        request.POST if request.method == "POST" else None, initial={"worker": enquiry.worker}
    )
    if request.method == "POST" and form.is_valid():
        worker = form.cleaned_data["worker"]
        try:
            enquiries.enquiry_assign(enquiry=enquiry, by=request.user, worker=worker)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, enquiry, f"Enquiry assigned to {worker}.")
    return _step(request, enquiry, form, "Assign the enquiry")


def enquiry_consent(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = get_enquiry_for_user(request.user, pk, "change_enquiry")
    if (closed := _closed(request, enquiry)) is not None:
        return closed
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        refused=enquiries.consent_refused(enquiry),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = enquiries.enquiry_record_consent(
                enquiry=enquiry,
                by=request.user,
                outcome=data["outcome"],
                ground=data["ground"],
                rationale=data["rationale"],
            )
        except PermissionDenied as exc:
            # A worker may record consent sought; setting it aside is a manager's decision.
            form.add_error("outcome", str(exc) or "Only a MASH manager may decide this.")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return _done(request, enquiry, f"Consent recorded: {decision.get_outcome_display()}.")
    return _step(request, enquiry, form, "Consent")


def enquiry_checks(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = get_enquiry_for_user(request.user, pk, "change_enquiry")
    if (closed := _closed(request, enquiry)) is not None:
        return closed
    profile = current_profile()
    # An agency still to answer cannot be asked twice; one that answered (or whose request
    # was closed) can be asked again, but is not preselected: asking again is a choice.
    asked = set(
        enquiry.requests.filter(status=RequestStatus.OPEN).values_list("agency_id", flat=True)
    )
    ever = set(enquiry.requests.values_list("agency_id", flat=True))
    initial = {"agencies": [a for a in enquiries.default_agencies(profile) if a.pk not in ever]}
    form = ChecksForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        profile=profile,
        asked=asked,
    )
    if request.method == "POST" and form.is_valid():
        try:
            made = enquiries.enquiry_request_checks(
                enquiry=enquiry,
                by=request.user,
                profile=profile,
                agencies=list(form.cleaned_data["agencies"]),
                question=form.cleaned_data["question"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            names = ", ".join(r.agency.name for r in made)
            return _done(request, enquiry, f"Checks requested from {names}.")
    return _step(request, enquiry, form, "Ask partner agencies for checks", asked=ever)


def enquiry_analysis(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = get_enquiry_for_user(request.user, pk, "change_enquiry")
    if (closed := _closed(request, enquiry)) is not None:
        return closed
    form = AnalysisForm(
        request.POST if request.method == "POST" else None,
        initial={
            "version": enquiry.version,
            "summary": enquiry.summary,
            "analysis": enquiry.analysis,
            "recommended_level": enquiry.recommended_level,
            "recommended_action": enquiry.recommended_action,
        },
        levels=threshold_levels(),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enquiries.enquiry_record_analysis(
                enquiry=enquiry,
                by=request.user,
                version=data["version"],
                summary=data["summary"],
                analysis=data["analysis"],
                recommended_level=data["recommended_level"],
                recommended_action=data["recommended_action"],
            )
        except ValidationError as exc:
            _stale_or_errors(form, exc, enquiry)
        else:
            return _done(request, enquiry, "Analysis and recommendation saved for the manager.")
    return _step(request, enquiry, form, "Analysis and recommendation", answers=True)


def enquiry_decide(request: HttpRequest, pk: int) -> HttpResponse:
    enquiry = get_enquiry_for_user(request.user, pk, "decide_enquiry")
    if (closed := _closed(request, enquiry)) is not None:
        return closed
    profile = current_profile()
    form = EnquiryDecisionForm(
        request.POST if request.method == "POST" else None,
        initial={"version": enquiry.version},
        profile=profile,
        no_duty_email=_team_without_duty_email(request, profile),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enquiries.enquiry_decide(
                enquiry=enquiry,
                by=request.user,
                version=data["version"],
                profile=profile,
                final_rag=data["final_rag"],
                final_rationale=data["final_rationale"],
                next_step=data["next_step"],
                team=data["team"],
                assessment_type=data["assessment_type"],
                primary_need=data["primary_need"],
                handover=form.handover(),
            )
        except ValidationError as exc:
            _stale_or_errors(form, exc, enquiry)
        else:
            step = NextStep(data["next_step"]).label
            return _done(request, enquiry, f"Decision made: {data['final_rag']}, {step.lower()}.")
    return _step(
        request, enquiry, form, "The manager's decision", answers=True, analysis=True, previous=True
    )


def _team_without_duty_email(request: HttpRequest, profile) -> Team | None:
    """The referral team posted, if it has no duty email address: the form then asks how the
    referral reaches it (a team manager's address or a recorded handover)."""
    if request.method != "POST":
        return None
    pk = request.POST.get("team", "")
    if not pk.isdigit() or len(pk) > 18:
        return None
    team = referral_teams(profile).filter(pk=int(pk)).first()
    return team if team is not None and not team.duty_email else None


def _stale_or_errors(form, exc: ValidationError, enquiry: Enquiry) -> None:
    """A lost race keeps the user's answers and shows the enquiry as it now is."""
    if enquiries.STALE_ENQUIRY in exc.messages:
        enquiry.refresh_from_db()
        if enquiry.status == EnquiryStatus.DECIDED:
            form.add_error(None, _decided_by_another(enquiry))
            return
        form.add_error(None, CHANGED_SINCE)
        # Having seen the change, the user may submit again deliberately.
        data = form.data.copy()
        data["version"] = enquiry.version
        form.data = data
        return
    add_service_errors(form, exc)


def _decided_by_another(enquiry: Enquiry) -> str:
    return (
        f"{enquiry.decided_by} decided this enquiry at "
        f"{govuk_datetime(timezone.localtime(enquiry.decided_at))}: "
        f"{enquiry.get_final_rag_display()}, {lower_in_sentence(enquiry.get_next_step_display())}. "
        "Your answers have not been saved."
    )


def _step(
    request: HttpRequest,
    enquiry: Enquiry,
    form,
    title: str,
    *,
    answers: bool = False,
    analysis: bool = False,
    asked: set[int] | None = None,
    previous: bool = False,
) -> HttpResponse:
    _log_read(request, enquiry, title)
    context = {
        "enquiry": enquiry,
        "contact": enquiry.contact,
        "form": form,
        "title": title,
        "show_analysis": analysis,
    }
    if answers:
        requests = selectors.enquiry_requests(enquiry)
        context["requests"] = requests
        context["answered"] = sum(1 for r in requests if r.current is not None)
        context["asked_again"] = any(r.rounds > 1 for r in requests)
    if previous:
        # Deciding again after a disagreement: the decision it replaces, who took it and why
        # it was changed, in front of the manager.
        context["previous_decisions"] = selectors.previous_decisions_on(enquiry)
    if asked:
        context["already_asked"] = list(
            enquiry.requests.select_related("agency").order_by("agency__name", "requested_at")
        )
    return render(request, "mash/enquiry/step.html", context)
