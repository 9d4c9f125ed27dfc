"""Early help pages: the duty manager's queue and referral decision, consent, family work with
its team around the family, the weekly panel and the step-down form.

Each view: load through an access helper, bind the form, call one service, message, redirect.
"""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.services import access_record
from core.db import without_parallel_workers
from core.forms import add_service_errors
from core.paging import lookahead_page
from core.templatetags.govuk import govuk_date
from referrals import selectors as referral_selectors
from referrals.access import may_contact
from referrals.models import Contact, ContactStatus, Involvement, Person, Service
from referrals.urgency import MostUrgentFirst
from thresholds import clock
from thresholds.models import ThresholdLevel
from thresholds.selectors import current_profile

from . import access, family_work, selectors, services, step_down
from .forms import (
    AssessmentCompletedForm,
    CloseCaseForm,
    ConsentForm,
    DecisionForm,
    PanelAttendeesForm,
    PanelDecisionForm,
    StepDownForm,
    StepUpForm,
    StepUpToMashForm,
    TafMemberForm,
)
from .models import CaseStatus, EarlyHelpPanel, Outcome, StepDown

PAGE_SIZE = 50
# Children listed on one page of the step-down form.
STEP_DOWN_PAGE_SIZE = 50


def _log_read(request: HttpRequest, obj, description: str) -> None:
    """Every page that shows a child's record records who read it."""
    if request.method == "GET":
        access_record(user=request.user, obj=obj, description=description, path=request.path)


# The duty manager's queue and decision -------------------------------------------------------


def queue(request: HttpRequest) -> HttpResponse:
    access.require_perm(request.user, "early_help.add_earlyhelpdecision")
    # Every contact waiting for a decision is a grant probe to count: counted a few pages ahead.
    page = lookahead_page(
        MostUrgentFirst(selectors.decision_queue(request.user)),
        PAGE_SIZE,
        request.GET.get("page"),
    )
    for contact in page.object_list:
        contact.early_help_clocks = [
            d for d in contact.open_deadlines if d.kind in selectors.EARLY_HELP_CLOCKS
        ]
    return render(
        request,
        "early_help/queue.html",
        {
            "page": page,
            "consent": selectors.consent_for(page.object_list),
            "now": timezone.now(),
        },
    )


def step_up_to_mash(request: HttpRequest, pk: int) -> HttpResponse:
    """The duty manager steps a contact up to the MASH instead of deciding early help."""
    contact = access.get_contact_for_decision(request.user, pk)
    if not selectors.is_awaiting_decision(contact):
        messages.info(request, f"Contact {contact.reference} is not waiting for a decision.")
        return redirect(contact.get_absolute_url())
    _log_read(request, contact, f"Contact {contact.reference}")
    form = StepUpToMashForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.early_help_step_up_to_mash(
                contact=contact,
                by=request.user,
                profile=current_profile(),
                rag=form.cleaned_data["rag"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"Contact {contact.reference} stepped up to the MASH. It is no longer in the "
                "early help queue.",
            )
            return redirect("early_help:queue")
    return render(request, "early_help/step_up_to_mash.html", {"contact": contact, "form": form})


def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """The early help referral decision: the contact, its rating, consent and clocks."""
    contact = access.get_contact_for_decision(request.user, pk)
    if not selectors.is_awaiting_decision(contact):
        messages.info(request, f"Contact {contact.reference} is not waiting for a decision.")
        return redirect(contact.get_absolute_url())
    _log_read(request, contact, f"Contact {contact.reference}")
    profile = current_profile()
    form = DecisionForm(request.POST if request.method == "POST" else None, profile=profile)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.early_help_decide(
                contact=contact,
                by=request.user,
                profile=profile,
                outcome=data["outcome"],
                rationale=data["rationale"],
                worker=data["worker"],
                service=data["service"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Contact {contact.reference}: {decision.get_outcome_display()}."
            )
            case = contact.family_work_cases.first()
            if decision.outcome == Outcome.BRIEF_ASSESSMENT and case is not None:
                return redirect(case.get_absolute_url())
            return redirect("early_help:queue")
    links = list(contact.contact_people.select_related("person", "person__address"))
    rating = contact.ratings.select_related("rated_by").first()
    return render(
        request,
        "early_help/decide.html",
        {
            "contact": contact,
            "form": form,
            "links": links,
            "statuses": referral_selectors.known_statuses(
                (link.person for link in links), contact=contact
            ),
            "rating": rating,
            "level": ThresholdLevel.objects.filter(number=contact.level).first(),
            "consent": selectors.has_early_help_consent(contact),
            "may_record_consent": access.may_record_consent(request.user, contact),
            "deadlines": list(contact.deadlines.select_related("team", "responsible")),
            "now": timezone.now(),
        },
    )


def consent(request: HttpRequest, pk: int) -> HttpResponse:
    contact = access.get_contact_for_consent(request.user, pk)
    _log_read(request, contact, f"Contact {contact.reference}")
    form = ConsentForm(
        request.POST if request.method == "POST" else None,
        initial={
            "family_agrees": contact.family_agrees,
            "details": contact.family_agreement_details,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(contact=contact, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"The family's consent is recorded on {contact.reference}.")
            return redirect(_after_consent(request, contact))
    return render(request, "early_help/consent.html", {"contact": contact, "form": form})


def _after_consent(request: HttpRequest, contact: Contact) -> str:
    """Back to the step consent was holding up."""
    user = request.user
    if contact.status == ContactStatus.AWAITING_RATING and may_contact(
        user, "rate_contact", contact
    ):
        return reverse("referrals:contact_rate", args=[contact.pk])
    if user.has_perm("early_help.add_earlyhelpdecision") and selectors.is_awaiting_decision(
        contact
    ):
        return reverse("early_help:decide", args=[contact.pk])
    return contact.get_absolute_url()


# Family work ---------------------------------------------------------------------------------


def cases(request: HttpRequest) -> HttpResponse:
    access.require_case_list(request.user)
    status = CaseStatus.CLOSED if request.GET.get("status") == "closed" else CaseStatus.OPEN
    page = Paginator(selectors.cases_for(request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request, "early_help/cases.html", {"page": page, "status": status, "now": timezone.now()}
    )


def case(request: HttpRequest, pk: int) -> HttpResponse:
    case = access.get_case_for_user(request.user, pk)
    _log_read(request, case, f"Family work case {case.reference}")
    return render(
        request,
        "early_help/case.html",
        {
            "case": case,
            "children": list(case.children.all()),
            "members": list(case.taf_members.all()),
            "step_ups": list(case.step_ups.select_related("contact", "raised_by")),
            "deadlines": selectors.case_clocks(case),
            "can_change": case.is_open
            and access.may_case(request.user, "change_familyworkcase", case),
            # The assessment date is for the Annex A return: it may follow the closure.
            "can_record_assessment": access.may_case(request.user, "change_familyworkcase", case),
            "now": timezone.now(),
        },
    )


def _case_action(request, case, form, action, *, template, title, success, **extra):
    """Bind, call the service, message and redirect to the case; or show the form again."""
    if request.method == "POST" and form.is_valid():
        try:
            result = action(**form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success(result) if callable(success) else success)
            return redirect(case.get_absolute_url())
    return render(request, template, {"case": case, "form": form, "title": title, **extra})


def _open_case_for_change(request: HttpRequest, pk: int):
    case = access.get_case_for_user(request.user, pk, "change_familyworkcase")
    if not case.is_open:
        messages.info(request, f"Family work case {case.reference} is closed.")
    return case


def taf_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = _open_case_for_change(request, pk)
    if not case.is_open:
        return redirect(case.get_absolute_url())
    form = TafMemberForm(request.POST if request.method == "POST" else None)

    def add(**data):
        data["is_lead_professional"] = bool(data.get("is_lead_professional"))
        return family_work.taf_member_add(case=case, by=request.user, **data)

    return _case_action(
        request,
        case,
        form,
        add,
        template="early_help/case_form.html",
        title="Add to the team around the family",
        success="Added to the team around the family.",
    )


def taf_edit(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    member = access.get_taf_member_for_user(request.user, pk, member_pk)
    case = member.case
    if not case.is_open:
        messages.info(request, f"Family work case {case.reference} is closed.")
        return redirect(case.get_absolute_url())
    initial = {n: getattr(member, n) for n in ("name", "role", "organisation", "phone", "email")}
    form = TafMemberForm(
        request.POST if request.method == "POST" else None, initial=initial, editing=True
    )
    return _case_action(
        request,
        case,
        form,
        lambda **data: family_work.taf_member_update(member=member, by=request.user, **data),
        template="early_help/case_form.html",
        title=f"Change {member.name}'s details",
        success=f"{member.name}'s details saved.",
    )


@require_POST
def taf_make_lead(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    member = access.get_taf_member_for_user(request.user, pk, member_pk)
    try:
        family_work.taf_member_make_lead(member=member, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{member.name} is now the lead professional.")
    return redirect(member.case.get_absolute_url())


@require_POST
def taf_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    member = access.get_taf_member_for_user(request.user, pk, member_pk)
    try:
        family_work.taf_member_remove(member=member, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{member.name} removed from the team around the family.")
    return redirect(member.case.get_absolute_url())


def case_assessment(request: HttpRequest, pk: int) -> HttpResponse:
    """Record when the early help assessment was completed (open or closed case)."""
    case = access.get_case_for_user(request.user, pk, "change_familyworkcase")
    initial = {"completed_on": case.assessment_completed_on}
    form = AssessmentCompletedForm(
        request.POST if request.method == "POST" else None, initial=initial
    )
    return _case_action(
        request,
        case,
        form,
        lambda **data: family_work.family_work_record_assessment_completed(
            case=case, by=request.user, **data
        ),
        template="early_help/case_form.html",
        title="When was the early help assessment completed?",
        success="Early help assessment date saved.",
    )


def case_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _open_case_for_change(request, pk)
    if not case.is_open:
        return redirect(case.get_absolute_url())
    form = CloseCaseForm(request.POST if request.method == "POST" else None)
    return _case_action(
        request,
        case,
        form,
        lambda **data: family_work.family_work_case_close(case=case, by=request.user, **data),
        template="early_help/case_form.html",
        title="Close the family work case",
        success=f"Family work case {case.reference} closed.",
    )


def case_step_up(request: HttpRequest, pk: int) -> HttpResponse:
    case = _open_case_for_change(request, pk)
    if not case.is_open:
        return redirect(case.get_absolute_url())
    form = StepUpForm(request.POST if request.method == "POST" else None)
    profile = current_profile()

    return _case_action(
        request,
        case,
        form,
        lambda **data: family_work.family_work_case_step_up(
            case=case, by=request.user, profile=profile, **data
        ),
        template="early_help/case_form.html",
        title="Step up: new concerns to MASH screening",
        success=lambda made: f"New contact {made.contact.reference} sent to MASH screening.",
        intro="The concerns go to the Contact Service screening officers as a new contact "
        "about the children on this case, and on to the MASH to decide whether social work is "
        "needed. The family work case stays open meanwhile.",
    )


# The Early Help Panel ------------------------------------------------------------------------


def _day(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise Http404("No such date") from None
    if not clock.FIRST_DAY <= day <= clock.LAST_DAY:
        raise Http404("No meeting so far from today")
    return day


def panel_next(request: HttpRequest) -> HttpResponse:
    access.require_perm(request.user, "early_help.view_earlyhelppanel")
    day = selectors.next_panel_date(timezone.localdate(), current_profile())
    return redirect("early_help:panel", day=day.isoformat())


def panel(request: HttpRequest, day: str) -> HttpResponse:
    access.require_perm(request.user, "early_help.view_earlyhelppanel")
    return _render_panel(request, _day(day))


def _render_panel(
    request: HttpRequest, date: dt.date, form: PanelAttendeesForm | None = None
) -> HttpResponse:
    profile = current_profile()
    meeting = EarlyHelpPanel.objects.filter(date=date).prefetch_related("attendees").first()
    can_chair = request.user.has_perm("early_help.chair_earlyhelppanel")
    if form is None and can_chair:
        initial = {}
        if meeting is not None:
            initial = {
                "attendees": list(meeting.attendees.all()),
                "other_attendees": meeting.other_attendees,
            }
        form = PanelAttendeesForm(initial=initial, profile=profile)
    return render(
        request,
        "early_help/panel.html",
        {
            "date": date,
            "name": selectors.panel_name(profile),
            "meeting": meeting,
            "items": selectors.panel_agenda(meeting),
            "carried_over": selectors.carried_over(date),
            "form": form,
            "can_chair": can_chair,
            "previous_week": date - dt.timedelta(days=7),
            "next_week": date + dt.timedelta(days=7),
            "now": timezone.now(),
        },
    )


@require_POST
def panel_attendees(request: HttpRequest, day: str) -> HttpResponse:
    access.require_perm(request.user, "early_help.chair_earlyhelppanel")
    date = _day(day)
    form = PanelAttendeesForm(request.POST, profile=current_profile())
    if form.is_valid():
        with transaction.atomic():  # no panel opened for attendees that fail to save
            meeting = services.panel_for(day=date, by=request.user)
            services.panel_record_attendees(panel=meeting, by=request.user, **form.cleaned_data)
        messages.success(request, "Attendees saved.")
        return redirect("early_help:panel", day=day)
    return _render_panel(request, date, form)


def panel_decide(request: HttpRequest, pk: int) -> HttpResponse:
    item = access.get_panel_case_for_chair(request.user, pk)
    back = reverse("early_help:panel", args=[item.panel.date.isoformat()])
    if item.is_decided:
        messages.info(request, f"The panel has already decided on {item.contact.reference}.")
        return redirect(back)
    _log_read(request, item.contact, f"Contact {item.contact.reference}")
    profile = current_profile()
    form = PanelDecisionForm(request.POST if request.method == "POST" else None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.panel_decide(item=item, by=request.user, profile=profile, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Decision on {item.contact.reference} minuted.")
            return redirect(back)
    return render(
        request,
        "early_help/panel_decide.html",
        {"item": item, "contact": item.contact, "form": form, "back": back},
    )


# Step-down -----------------------------------------------------------------------------------


def step_down_form(request: HttpRequest) -> HttpResponse:
    """A social work team manager steps children open to their team down to early help."""
    access.require_perm(request.user, "early_help.add_stepdown")
    team = request.user.team
    open_to_team = Involvement.objects.filter(
        team=team, service=Service.SOCIAL_CARE, closed_on__isnull=True
    ).values("person_id")
    children = (
        Person.objects.filter(pk__in=open_to_team).order_by("last_name", "first_name", "pk")
        if team
        else Person.objects.none()
    )
    # A team has thousands of children open to it: the form lists a page of them (and only
    # those rows are read and logged); a choice from any page is accepted.
    paginator = Paginator(children, STEP_DOWN_PAGE_SIZE)
    # Counted on the involvements' index alone: every involvement's person exists.
    paginator.count = open_to_team.distinct().count() if team else 0
    page = paginator.get_page(request.GET.get("page"))
    # The page is read in name order (person_name_order) and stops at its rows.
    with without_parallel_workers():
        shown = list(page.object_list)
    form = StepDownForm(
        request.POST if request.method == "POST" else None, children=children, shown=shown
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = step_down.step_down_request(
                by=request.user,
                profile=current_profile(),
                children=list(data["children"]),
                reasons=data["reasons"],
                family_agrees=data["family_agrees"],
                consent_details=data["consent_details"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            item = made.contact.panel_cases.select_related("panel").get()
            messages.success(
                request,
                f"Contact {made.contact.reference} sent to the panel on "
                f"{govuk_date(item.panel.date)}.",
            )
            return redirect("early_help:step_down")
    recent = (
        StepDown.objects.filter(from_team=team)
        .select_related("contact", "requested_by")
        .prefetch_related("contact__panel_cases__panel")[:20]
        if team
        else []
    )
    return render(
        request,
        "early_help/step_down.html",
        {
            "form": form,
            "team": team,
            "recent": recent,
            "page": page,
            "has_children": page.paginator.count > 0,
        },
    )
