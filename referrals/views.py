"""Pages for logging, matching, screening and reading contacts and people.

Each view: load through an access helper, bind the form, call one service, message, redirect.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import reads
from accounts.grants import granted
from accounts.models import AccessAction
from accounts.services import access_record
from core.db import present
from core.enums import Rag
from core.forms import add_service_errors, bool_initial, with_version
from core.paging import lookahead_page
from core.text import plural
from thresholds.selectors import current_profile, threshold_levels

from . import (
    chronology,
    cin,
    corrections,
    duplicates,
    edit_races,
    extensions,
    merging,
    oversight,
    rating,
    search,
    selectors,
    services,
)
from .access import (
    get_contact_for_user,
    get_contact_person_for_user,
    get_person_for_user,
    may_contact,
    may_person,
)
from .forms import (
    SECTION_FORMS,
    DetailsForm,
    DuplicateDecisionForm,
    FindPersonForm,
    InformationAndAdviceForm,
    LinkAdultForm,
    MergeChooseForm,
    MergeConfirmForm,
    PersonForm,
    PersonSearchForm,
    PersonWithLinkForm,
    RatingForm,
    ReferrerToldForm,
    ScreenForm,
    WrittenFollowUpForm,
)
from .matching import SearchTerms, cut_at_limit
from .merlin.models import MerlinReport
from .models import (
    Contact,
    ContactCorrection,
    ContactDuplicate,
    ContactRole,
    ContactSource,
    ContactStatus,
    ManagementOversight,
    Person,
    PersonMerge,
    PersonRelationship,
    Rating,
    Referral,
    ReferrerNotice,
)
from .person_warnings import access as warning_access
from .person_warnings import selectors as warning_selectors

PAGE_SIZE = 50
# How many of the newest chronology entries a person's page shows.
LATEST = 10


def _paged(rows, request: HttpRequest, param: str):
    """One page of a list that grows with a child's history; a junk, zero, negative or too
    large page number shows the first or last page, as every paged list here does."""
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get(param))


def _require_perm(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


# Queues -------------------------------------------------------------------------------------


def _queue(
    request: HttpRequest,
    qs: QuerySet[Contact],
    *,
    title: str,
    description: str,
    empty: str,
    order: str = "",
    show_police_rag: bool = False,
    show_duplicate_flags: bool = False,
    count_ahead: bool = False,
) -> HttpResponse:
    number = request.GET.get("page")
    # A queue of one step of the process is counted whole (its index holds only that step); a
    # team's queue holds the team's whole history, so it is counted only a few pages ahead.
    page = (
        lookahead_page(qs, PAGE_SIZE, number)
        if count_ahead
        else Paginator(qs, PAGE_SIZE).get_page(number)
    )
    return render(
        request,
        "referrals/queue.html",
        {
            "page": page,
            "title": title,
            "description": description,
            "empty": empty,
            "order": order,
            "show_police_rag": show_police_rag,
            "show_duplicate_flags": show_duplicate_flags,
        },
    )


def queue_new(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "referrals.screen_contact")
    return _queue(
        request,
        duplicates.with_open_flags(selectors.queue_new(request.user)),
        title="New contacts",
        description="Contacts logged and waiting to be screened. Each has a clock from when it "
        "was received.",
        empty="There are no contacts waiting to be screened.",
        order=selectors.NEW_QUEUE_ORDER,
        show_police_rag=True,
        show_duplicate_flags=True,
    )


def queue_in_progress(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "referrals.add_contact")
    return _queue(
        request,
        selectors.queue_in_progress(request.user),
        title="Contacts in progress",
        description="Contacts still being logged. Anyone in the team can pick one up.",
        empty="There are no contacts in progress.",
    )


def queue_awaiting_rating(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "referrals.view_contact")
    return _queue(
        request,
        selectors.queue_awaiting_rating(request.user),
        title="Awaiting initial rating",
        description="Screened contacts about children not open to a service, waiting for a senior "
        "practitioner's initial RAG rating.",
        empty="There are no contacts awaiting a rating.",
        order=selectors.RATING_QUEUE_ORDER,
    )


def queue_mash(request: HttpRequest) -> HttpResponse:
    """The MASH queue lives in the mash app, with each contact's enquiry."""
    _require_perm(request, "mash.view_enquiry")
    return redirect("mash:queue")


def queue_early_help(request: HttpRequest) -> HttpResponse:
    """The early help duty manager's queue now lives in the early_help app."""
    _require_perm(request, "early_help.add_earlyhelpdecision")
    return redirect("early_help:queue")


def queue_team(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "referrals.view_team_contacts")
    return _queue(
        request,
        selectors.queue_for_team(request.user),
        title=f"Contacts for {request.user.team}" if request.user.team else "Team contacts",
        description="Contacts passed or assigned to your team, oldest first.",
        empty="There are no contacts for your team.",
        count_ahead=True,
    )


# Logging a contact --------------------------------------------------------------------------


def contact_start(request: HttpRequest) -> HttpResponse:
    _require_perm(request, "referrals.add_contact")
    now = timezone.localtime()
    form = DetailsForm(
        request.POST if request.method == "POST" else None,
        initial={"received_date": now.date(), "received_time": f"{now:%H:%M}"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.section_data()
        # One transaction: a failure saving the details leaves no orphan draft behind.
        with transaction.atomic():
            contact = services.contact_start(
                by=request.user, source=data["source"], received_at=data["received_at"]
            )
            services.contact_update_section(
                contact=contact, by=request.user, section="details", data=data
            )
        messages.success(request, f"Contact {contact.reference} started. It is saved as you go.")
        return redirect("referrals:contact_task_list", pk=contact.pk)
    return render(request, "referrals/contact_start.html", {"form": form})


def _log_read(request: HttpRequest, contact: Contact) -> None:
    """Every page that shows a contact's details records who read it."""
    if request.method == "GET":
        access_record(
            user=request.user,
            obj=contact,
            description=f"Contact {contact.reference}",
            path=request.path,
        )


def _draft_for(request: HttpRequest, pk: int) -> Contact:
    contact = get_contact_for_user(request.user, pk, "change_contact")
    if not contact.is_draft:
        raise _AlreadySubmitted(contact)
    return contact


class _AlreadySubmitted(Exception):
    def __init__(self, contact: Contact):
        self.contact = contact


def _draft_view(view):
    """Send the user to the contact page if it was submitted meanwhile."""

    def wrapped(request: HttpRequest, pk: int, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, pk, *args, **kwargs)
        except _AlreadySubmitted as exc:
            messages.info(
                request,
                f"Contact {exc.contact.reference} has been submitted and can no longer be changed.",
            )
            return redirect(exc.contact.get_absolute_url())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _sections(contact: Contact) -> list[dict]:
    missing = services.contact_missing_answers(contact)
    links = list(contact.contact_people.select_related("person"))
    children = [link for link in links if link.is_child]
    adults = [link for link in links if not link.is_child]
    rows = [
        (
            "details",
            "About the contact",
            reverse("referrals:contact_section", args=[contact.pk, "details"]),
        ),
        (
            "referrer",
            "The referrer",
            reverse("referrals:contact_section", args=[contact.pk, "referrer"]),
        ),
        (
            "children",
            "Children",
            reverse("referrals:contact_find_person", args=[contact.pk]) + "?role=child",
        ),
        (
            "adults",
            "Parents, household and other adults",
            reverse("referrals:contact_find_person", args=[contact.pk]) + "?role=adult",
        ),
        (
            "concerns",
            "The concerns",
            reverse("referrals:contact_section", args=[contact.pk, "concerns"]),
        ),
        (
            "family",
            "The family's knowledge and agreement",
            reverse("referrals:contact_section", args=[contact.pk, "family"]),
        ),
    ]
    result = []
    for key, label, url in rows:
        if key == "adults":
            status, hint = ("optional", f"{len(adults)} added" if adults else "Optional")
        elif key in missing:
            status, hint = "incomplete", "; ".join(missing[key])
        else:
            status, hint = "complete", f"{len(children)} added" if key == "children" else ""
        result.append({"key": key, "label": label, "url": url, "status": status, "hint": hint})
    return result


@_draft_view
def contact_task_list(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _draft_for(request, pk)
    _log_read(request, contact)
    links = list(contact.contact_people.select_related("person"))
    return render(
        request,
        "referrals/contact_task_list.html",
        {
            "contact": contact,
            "sections": _sections(contact),
            "links": links,
            "statuses": selectors.known_statuses((link.person for link in links), contact=contact),
            "ready": not services.contact_missing_answers(contact),
        },
    )


@_draft_view
def contact_section(request: HttpRequest, pk: int, section: str) -> HttpResponse:
    if section not in SECTION_FORMS:
        raise Http404
    contact = _draft_for(request, pk)
    form_class, title = SECTION_FORMS[section]
    form = with_version(
        form_class(
            request.POST if request.method == "POST" else None,
            initial=_section_initial(form_class, contact),
        ),
        contact.version,
    )
    changed = None
    if request.method == "POST" and form.is_valid():
        data = form.section_data() if isinstance(form, DetailsForm) else dict(form.cleaned_data)
        data.pop("version", None)
        try:
            services.contact_update_section(
                contact=contact,
                by=request.user,
                section=section,
                data=data,
                version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form, changed = edit_races.refused(
                form, exc, contact, lambda: _section_initial(form_class, contact)
            )
        else:
            messages.success(request, f"{title} saved.")
            return redirect("referrals:contact_task_list", pk=contact.pk)
    return render(
        request,
        "referrals/contact_section.html",
        {"contact": contact, "form": form, "title": title, "changed": changed},
    )


def _section_initial(form_class, contact: Contact) -> dict:
    if form_class is DetailsForm:
        return DetailsForm.initial_from(contact)
    initial = {}
    for name in form_class.base_fields:
        value = getattr(contact, name)
        initial[name] = bool_initial(value) if isinstance(value, bool) or value is None else value
    return initial


def _role_param(request: HttpRequest) -> str:
    return "adult" if request.GET.get("role", request.POST.get("role")) == "adult" else "child"


def _search(request: HttpRequest, form: PersonSearchForm) -> tuple[list, dict]:
    """Run a person search, log it, and return candidates with their known/open status."""
    terms = SearchTerms(
        first_name=form.cleaned_data.get("first_name", ""),
        last_name=form.cleaned_data.get("last_name", ""),
        date_of_birth=form.cleaned_data.get("date_of_birth"),
        nhs_number=form.cleaned_data.get("nhs_number", ""),
        middle_names=form.cleaned_data.get("middle_names", ""),
        looking_for=_role_param(request),
    )
    # Matching scores hundreds of records to show the best few: log only those shown.
    with reads.unlogged():
        candidates = search.find_people(terms)
    reads.note_shown(c.person for c in candidates)
    access_record(
        user=request.user,
        obj=None,
        action=AccessAction.SEARCH,
        description=f"Person search ({plural(len(candidates), 'result')})",
        path=request.path,
        details={"results": [c.person.case_number for c in candidates]},
    )
    return candidates, selectors.known_statuses(c.person for c in candidates)


@_draft_view
def contact_find_person(request: HttpRequest, pk: int) -> HttpResponse:
    """Search before creating anyone: link a match, or create a new record from the terms."""
    contact = _draft_for(request, pk)
    role = _role_param(request)
    searched = "search" in request.GET
    form = PersonSearchForm(request.GET if searched else None)
    candidates, statuses = [], {}
    if searched and form.is_valid():
        candidates, statuses = _search(request, form)
    on_contact = set(contact.contact_people.values_list("person_id", flat=True))
    return render(
        request,
        "referrals/contact_find_person.html",
        {
            "contact": contact,
            "form": form,
            "role": role,
            "searched": searched and form.is_valid(),
            "candidates": candidates,
            "candidates_cut": cut_at_limit(candidates),
            "statuses": statuses,
            "on_contact": on_contact,
            "new_person_query": request.GET.urlencode(),
        },
    )


@_draft_view
def contact_link_person(request: HttpRequest, pk: int, person_pk: int) -> HttpResponse:
    contact = _draft_for(request, pk)
    person = get_person_for_user(request.user, person_pk)
    role = _role_param(request)
    form = (
        LinkAdultForm(request.POST if request.method == "POST" else None)
        if role == "adult"
        else None
    )
    if request.method == "POST" and (form is None or form.is_valid()):
        data = form.cleaned_data if form is not None else {"role": ContactRole.CHILD}
        try:
            services.contact_link_person(contact=contact, person=person, by=request.user, **data)
        except ValidationError as exc:
            messages.error(request, exc.messages[0])
            return redirect("referrals:contact_task_list", pk=contact.pk)
        messages.success(request, f"{person.full_name} added to the contact.")
        return redirect("referrals:contact_task_list", pk=contact.pk)
    if form is None:
        # Linking a child is a single POST from the search results.
        return redirect(reverse("referrals:contact_find_person", args=[contact.pk]) + "?role=child")
    status = selectors.statuses_for([person])[person.pk]
    return render(
        request,
        "referrals/contact_link_adult.html",
        {"contact": contact, "person": person, "form": form, "status": status},
    )


@_draft_view
def contact_new_person(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _draft_for(request, pk)
    _require_perm(request, "referrals.add_person")
    role = _role_param(request)
    initial = {
        k: request.GET.get(k, "") for k in ("first_name", "middle_names", "last_name", "nhs_number")
    }
    if request.GET.get("date_of_birth_0"):
        initial["date_of_birth"] = [request.GET.get(f"date_of_birth_{i}", "") for i in range(3)]
    form = PersonWithLinkForm(
        request.POST if request.method == "POST" else None, initial=initial, adult=role == "adult"
    )
    if request.method == "POST" and form.is_valid():
        data, address = form.person_data()
        existing = (
            Person.objects.filter(nhs_number=data.get("nhs_number")).first()
            if data.get("nhs_number")
            else None
        )
        if existing is not None:
            form.add_error(
                "nhs_number",
                f"{existing.case_number} already has this NHS number: search for them and add them instead",
            )
        else:
            try:
                # One transaction: a person whose link fails is not left behind, unlinked.
                with transaction.atomic():
                    person = services.person_create(
                        by=request.user,
                        reason=f"Created while logging {contact.reference}",
                        address=address,
                        **data,
                    )
                    services.contact_link_person(
                        contact=contact, person=person, by=request.user, **form.link_data()
                    )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"New record {person.case_number} created for {person.full_name} and added.",
                )
                return redirect("referrals:contact_task_list", pk=contact.pk)
    return render(
        request,
        "referrals/contact_new_person.html",
        {"contact": contact, "form": form, "role": role},
    )


@require_POST
@_draft_view
def contact_unlink_person(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    contact = _draft_for(request, pk)
    link = get_contact_person_for_user(request.user, contact, link_pk)
    services.contact_unlink_person(link=link, by=request.user)
    messages.success(request, f"{link.person.full_name} removed from the contact.")
    return redirect("referrals:contact_task_list", pk=contact.pk)


@_draft_view
def contact_check(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _draft_for(request, pk)
    _log_read(request, contact)
    missing = services.contact_missing_answers(contact)
    if request.method == "POST" and not missing:
        try:
            services.contact_submit(contact=contact, by=request.user, profile=current_profile())
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"Contact {contact.reference} submitted for screening.")
            return redirect(contact.get_absolute_url())
    links = list(contact.contact_people.select_related("person", "person__address"))
    return render(
        request,
        "referrals/contact_check.html",
        {
            "contact": contact,
            "missing": missing,
            "sections": _sections(contact),
            "links": links,
            "statuses": selectors.known_statuses((link.person for link in links), contact=contact),
            "show_errors": request.method == "POST",
        },
    )


# Reading and screening ---------------------------------------------------------------------


def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lists = _contact_lists()
    contact = get_contact_for_user(request.user, pk, exists=lists)
    if contact.is_draft and may_contact(request.user, "change_contact", contact):
        return redirect("referrals:contact_task_list", pk=contact.pk)
    _log_read(request, contact)
    links = list(contact.contact_people.select_related("person", "person__address"))
    people = [link.person for link in links]
    # Both lists grow with the children's history: each pages on its own parameter.
    previous_page = _paged(selectors.previous_contacts_of(contact, people), request, "previous")
    previous = list(previous_page.object_list)
    history = _paged(selectors.contact_timeline(contact), request, "history")
    has = present(contact, lists)
    referrals = (
        list(contact.referrals.select_related("team", "withdrawn_by")) if "referrals" in has else []
    )
    census = cin.census_rows(request.user, contact) if referrals else []
    return render(
        request,
        "referrals/contact_detail.html",
        {
            "contact": contact,
            "merlin": _merlin_for_screening(request, contact),
            "corrections": (
                list(contact.corrections.select_related("corrected_by"))
                if "corrections" in has
                else []
            ),
            "can_correct": corrections.may_correct(request.user, contact),
            **oversight.contact_page(request.user, contact, any_yet="oversights" in has),
            "links": links,
            "statuses": selectors.known_statuses(people, contact=contact),
            "person_warnings": warning_selectors.agreed_for(p.pk for p in people),
            "previous": previous,
            "visible": selectors.visible_ids(request.user, previous),
            "previous_page": previous_page,
            "timeline": history.object_list,
            "history_page": history,
            # The history is numbered newest = highest, across pages.
            "history_start": history.paginator.count - history.start_index() + 1,
            "can_screen": contact.status == ContactStatus.SUBMITTED
            and may_contact(request.user, "screen_contact", contact),
            "can_rate": contact.status == ContactStatus.AWAITING_RATING
            and may_contact(request.user, "rate_contact", contact),
            "deadlines": list(contact.deadlines.select_related("team", "responsible")),
            "ratings": (
                list(contact.ratings.select_related("rated_by").prefetch_related("indicators"))
                if "ratings" in has
                else []
            ),
            "referrals": referrals,
            "census": census,
            "now": timezone.now(),
            "can_change": may_contact(request.user, "change_contact", contact),
            "can_see_access_log": request.user.has_perm("accounts.view_accesslog"),
            "referrer_notices": (
                list(contact.referrer_notices.select_related("email", "created_by", "posted_by"))
                if "referrer_notices" in has
                else []
            ),
            "duplicate_flags": duplicates.flags_for(contact) if "duplicate_flags" in has else [],
            "can_decide_duplicates": duplicates.may_decide(request.user, contact),
            # The MASH enquiry and what went with each referral (mash.contact_page).
            **extensions.contact_page_context(request, contact=contact, referrals=referrals),
        },
    )


def _contact_lists() -> dict[str, QuerySet]:
    """The contact page's lists, asked whether the contact has anything in each as it is read
    (core.db.exists_columns): most contacts have no corrections, management oversight, notices
    to the referrer or duplicate flags, and one not yet rated or referred has neither; each
    list is then read only when it has rows (a query each, ~1-2 ms of Python apiece, saved)."""
    on = OuterRef("pk")
    return {
        "referrals": Referral.objects.filter(contact=on),
        "corrections": ContactCorrection.objects.filter(contact=on),
        "oversights": ManagementOversight.objects.filter(contact=on),
        "ratings": Rating.objects.filter(contact=on),
        "referrer_notices": ReferrerNotice.objects.filter(contact=on),
        "duplicate_flags": ContactDuplicate.objects.filter(Q(contact=on) | Q(duplicate_of=on)),
    }


def contact_print(request: HttpRequest, pk: int, referral_pk: int | None = None) -> HttpResponse:
    """The contact's record laid out for paper (or one referral's Contact and Referral record);
    printing it is reading it, so it is logged like the page."""
    contact = get_contact_for_user(request.user, pk)
    if contact.is_draft:
        raise Http404("A contact in progress has no record to print yet.")
    referrals = list(contact.referrals.select_related("team", "withdrawn_by"))
    if referral_pk is not None:
        referrals = [ref for ref in referrals if ref.pk == referral_pk]
        if not referrals:
            raise Http404("No such referral on this contact.")
    what = f"Contact and Referral record {contact.reference}" if referral_pk else None
    access_record(
        user=request.user,
        obj=contact,
        description=f"{what or f'Contact {contact.reference}'} (print view)",
        path=request.path,
    )
    links = list(contact.contact_people.select_related("person", "person__address"))
    return render(
        request,
        "referrals/contact_print.html",
        {
            "contact": contact,
            "links": links,
            "statuses": selectors.known_statuses([link.person for link in links], contact=contact),
            "referrals": referrals,
            "only_referral": referral_pk is not None,
            "title": what or f"Contact record {contact.reference}",
            "timeline": selectors.contact_timeline(contact) if referral_pk is None else [],
            "ratings": list(
                contact.ratings.select_related("rated_by").prefetch_related("indicators")
            ),
            "printed_at": timezone.now(),
            "record_url": request.build_absolute_uri(contact.get_absolute_url()),
            **extensions.contact_page_context(request, contact=contact, referrals=referrals),
        },
    )


def contact_duplicate(request: HttpRequest, pk: int, flag_pk: int) -> HttpResponse:
    """Screening decides whether two flagged contacts report one incident: link or dismiss."""
    contact = get_contact_for_user(request.user, pk)
    flag = get_object_or_404(
        ContactDuplicate.objects.filter(Q(contact=contact) | Q(duplicate_of=contact)), pk=flag_pk
    )
    if not duplicates.may_decide(request.user, contact):
        raise PermissionDenied
    other = get_contact_for_user(
        request.user, flag.duplicate_of_id if flag.contact_id == contact.pk else flag.contact_id
    )
    _log_read(request, contact)
    _log_read(request, other)
    if not flag.is_open:
        messages.info(
            request, f"This flag was already decided: {flag.get_status_display().lower()}."
        )
        return redirect(contact.get_absolute_url())
    form = DuplicateDecisionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            duplicates.contact_duplicate_decide(
                flag=flag,
                by=request.user,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            flag.refresh_from_db()
            messages.success(
                request,
                f"{contact.reference} and {other.reference}: {flag.get_status_display().lower()}.",
            )
            return redirect(contact.get_absolute_url())
    pair = []
    for c in (contact, other):
        links = list(c.contact_people.filter(role=ContactRole.CHILD).select_related("person"))
        pair.append({"contact": c, "children": [link.person for link in links]})
    return render(
        request,
        "referrals/contact_duplicate.html",
        {
            "contact": contact,
            "other": other,
            "flag": flag,
            "form": form,
            "pair": pair,
            "hours": current_profile().duplicate_contact_window_hours,
        },
    )


def _merlin_for_screening(request: HttpRequest, contact: Contact):
    """The police MERLIN behind a contact, for screening staff (its police RAG, category,
    incident, officer and background checks on the adults); None for anyone else."""
    if contact.source != ContactSource.POLICE_MERLIN or not request.user.has_perm(
        "referrals.screen_contact"
    ):
        return None
    return (
        MerlinReport.objects.filter(contact=contact)
        .select_related("submitted_by", "submitted_by__agency")
        .prefetch_related("subjects__person")
        .first()
    )


def contact_screen(request: HttpRequest, pk: int) -> HttpResponse:
    contact = get_contact_for_user(request.user, pk, "screen_contact")
    _log_read(request, contact)
    if contact.status != ContactStatus.SUBMITTED:
        messages.info(request, f"Contact {contact.reference} has already been screened.")
        return redirect(contact.get_absolute_url())
    profile = current_profile()
    route = services.screening_route(contact, profile=profile, today=timezone.localdate())
    form = ScreenForm(
        request.POST if request.method == "POST" else None,
        information_only=route.status == ContactStatus.INFORMATION_ONLY,
    )
    if request.method == "POST" and form.is_valid():
        try:
            result = services.contact_screen(
                contact=contact,
                by=request.user,
                profile=profile,
                rationale=form.cleaned_data["rationale"],
                signposting=form.cleaned_data.get("signposting", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Contact {contact.reference}: {result.status.label}.")
            return redirect(contact.get_absolute_url())
    links = list(contact.contact_people.select_related("person"))
    return render(
        request,
        "referrals/contact_screen.html",
        {
            "contact": contact,
            "form": form,
            "route": route,
            "links": links,
            "statuses": selectors.known_statuses((link.person for link in links), contact=contact),
        },
    )


def contact_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """The senior practitioner's initial RAG rating, with the threshold table alongside."""
    contact = get_contact_for_user(request.user, pk, "rate_contact")
    _log_read(request, contact)
    if contact.status != ContactStatus.AWAITING_RATING:
        messages.info(request, f"Contact {contact.reference} is not waiting for an initial rating.")
        return redirect(contact.get_absolute_url())
    profile = current_profile()
    levels = threshold_levels()
    # The early-help consent warning means something only for a contact that could go to
    # early help: never on a red one (rated red before, or being rated red now).
    red = Rag.RED in (contact.rag, request.POST.get("rag"))
    form = RatingForm(
        request.POST if request.method == "POST" else None,
        profile=profile,
        levels=levels,
        show_consent_warning=not red and not rating.has_consent(contact),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            route = rating.contact_rate(
                contact=contact,
                by=request.user,
                profile=profile,
                rag=data["rag"],
                level=data["level"],
                cp_concerns=data["cp_concerns"],
                rationale=data["rationale"],
                indicators=list(data["indicators"]),
                outcome=data["outcome"] or None,
                team=data["team"],
                assessment_type=data["assessment_type"],
                primary_need=data["primary_need"],
                borderline=data["borderline"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"Contact {contact.reference} rated {data['rag']}: {route.reason}"
            )
            return redirect(contact.get_absolute_url())
    links = list(contact.contact_people.select_related("person", "person__address"))
    people = [link.person for link in links]
    previous_page = _paged(selectors.previous_contacts_of(contact, people), request, "previous")
    previous = list(previous_page.object_list)
    return render(
        request,
        "referrals/contact_rate.html",
        {
            "contact": contact,
            "form": form,
            "links": links,
            "statuses": selectors.known_statuses(people, contact=contact),
            "person_warnings": warning_selectors.agreed_for(p.pk for p in people),
            "previous": previous,
            "previous_page": previous_page,
            "visible": selectors.visible_ids(request.user, previous),
            "levels": levels,
        },
    )


def _record_action(request, pk, form_class, action, title):
    contact = get_contact_for_user(request.user, pk, "change_contact")
    form = form_class(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            action(contact=contact, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, f"{title}: recorded on {contact.reference}.")
        return redirect(contact.get_absolute_url())
    return render(
        request, "referrals/contact_action.html", {"contact": contact, "form": form, "title": title}
    )


def contact_referrer_told(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_action(
        request,
        pk,
        ReferrerToldForm,
        services.contact_record_referrer_told,
        "Referrer told the outcome",
    )


def contact_written_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_action(
        request,
        pk,
        WrittenFollowUpForm,
        services.contact_record_written_follow_up,
        "Written follow-up received",
    )


def contact_information_and_advice(request: HttpRequest, pk: int) -> HttpResponse:
    return _record_action(
        request,
        pk,
        InformationAndAdviceForm,
        services.contact_complete_information_and_advice,
        "Provision of information and advice completed",
    )


def person_search(request: HttpRequest) -> HttpResponse:
    """Find a person by name, date of birth, NHS number, reference, address or postcode.

    Anyone who may search sees who is known (existing rule: a team manager checks before a
    meeting); a person links to their page only for those who may open it, and a contact found
    by reference is shown only to those who may see that contact."""
    _require_perm(request, "referrals.search_person")
    searched = "search" in request.GET
    form = FindPersonForm(request.GET if searched else None)
    context: dict = {"candidates": [], "statuses": {}, "contacts": [], "more": False}
    if searched and form.is_valid():
        context = search.find_for_user(request.user, form.cleaned_data)
        shown = [c.person for c in context["candidates"]]
        shown += [link.person for c in context["contacts"] for link in c.children_links]
        reads.note_shown(shown)
        reads.note_shown(context["contacts"])
        access_record(
            user=request.user,
            obj=None,
            action=AccessAction.SEARCH,
            description=f"Person search ({len(context['candidates'])} people, "
            f"{len(context['contacts'])} contacts)",
            path=request.path,
            details={
                "results": [c.person.case_number for c in context["candidates"]],
                "contacts": [c.reference for c in context["contacts"]],
            },
        )
    return render(
        request,
        "referrals/person_search.html",
        {"form": form, "searched": searched and form.is_valid(), **context},
    )


def _merged_away(request: HttpRequest, person: Person) -> HttpResponse | None:
    """A merged-away record's pages lead to the record that was kept."""
    if person.merged_into_id is None:
        return None
    messages.info(
        request,
        f"{person.case_number} was merged into {person.merged_into.case_number}: "
        "this is the record that was kept.",
    )
    return redirect(person.merged_into.get_absolute_url())


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Half of the people have no relationship recorded, and hardly any record was kept in a
    # merge: asked as the person is read, and each list read only when it has rows.
    on = OuterRef("pk")
    lists = {
        "relationships": PersonRelationship.objects.filter(person=on),
        "merges": PersonMerge.objects.filter(kept=on),
    }
    person = get_person_for_user(request.user, pk, exists=lists)
    has = present(person, lists)
    if (to_kept := _merged_away(request, person)) is not None:
        return to_kept
    access_record(
        user=request.user, obj=person, description=f"Person {person.case_number}", path=request.path
    )
    # The person's contacts the user may open, read once for the lists and the chronology.
    scope = chronology.Scope(user=request.user, person=person)
    known = selectors.known_summary(
        person, user=request.user, today=timezone.localdate(), visible=scope.visible
    )
    involvements = sorted(known.involvements, key=lambda inv: inv.opened_on, reverse=True)
    relationships = (
        list(person.relationships.select_related("relative")) if "relationships" in has else []
    )
    households = list(
        person.household_memberships.filter(left_on__isnull=True)
        .select_related("household__address")
        .prefetch_related("household__members__person")
    )
    contacts_page = _paged(selectors.previous_contacts(person), request, "contacts")
    contacts = list(contacts_page.object_list)
    warnings = warning_selectors.current_first(scope.warnings)
    # Relatives and household members are named; only those the user may open are linked.
    kin = {r.relative_id for r in relationships} | {
        m.person_id for h in households for m in h.household.members.all()
    }
    openable_kin = (
        set(
            granted(
                request.user, "referrals.view_person", Person.objects.filter(pk__in=kin)
            ).values_list("pk", flat=True)
        )
        if kin
        else set()
    )
    return render(
        request,
        "referrals/person_detail.html",
        {
            "person": person,
            "status": known.status,
            "known": known,
            # How many contacts went to the MASH is for those who read every contact.
            "sees_every_contact": may_contact(request.user, "view_contact"),
            "involvements": involvements,
            "relationships": relationships,
            "households": households,
            "openable_kin": openable_kin,
            "contacts": contacts,
            "contacts_page": contacts_page,
            "visible": scope.visible,
            "can_see_access_log": request.user.has_perm("accounts.view_accesslog"),
            "can_edit": may_person(request.user, "change_person", person),
            "can_merge": request.user.has_perm("referrals.merge_person"),
            "merges": list(person.merges_kept.select_related("merged", "merged_by"))
            if "merges" in has
            else [],
            "disabilities": cin.disability_labels(person.disabilities),
            "warnings": warnings,
            # The newest entries of the chronology (its own page filters, pages and prints).
            "latest": [
                (e, chronology.label_of(e.kind))
                for e in chronology.chronology(
                    user=request.user, person=person, limit=LATEST, scope=scope
                )
            ],
            "known_warnings": [w for w in warnings if w.is_agreed],
            "can_propose_warning": warning_access.may_propose(request.user, person),
        },
    )


def _person_initial(person: Person) -> dict:
    initial = {
        name: getattr(person, name) for name in PersonForm.base_fields if hasattr(person, name)
    }
    initial["interpreter_needed"] = bool_initial(person.interpreter_needed)
    if person.address:
        initial.update(
            {
                name: getattr(person.address, name)
                for name in ("line_1", "line_2", "town", "postcode")
            }
        )
    return initial


def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_person_for_user(request.user, pk, "change_person")
    if (to_kept := _merged_away(request, person)) is not None:
        return to_kept
    if request.method == "GET":
        access_record(
            user=request.user,
            obj=person,
            description=f"Person {person.case_number}",
            path=request.path,
        )
    initial = _person_initial(person)
    form = with_version(
        PersonForm(request.POST if request.method == "POST" else None, initial=initial),
        person.version,
    )
    form.submit_label = "Save changes"
    changed = None
    if request.method == "POST" and form.is_valid():
        data, address = form.person_data()
        version = data.pop("version")
        clash = (
            data.get("nhs_number")
            and Person.objects.filter(nhs_number=data["nhs_number"]).exclude(pk=person.pk).first()
        )
        if clash:
            form.add_error("nhs_number", f"{clash.case_number} already has this NHS number")
        else:
            try:
                services.person_update(
                    person=person,
                    by=request.user,
                    reason="Details corrected",
                    address=address,
                    version=version,
                    **data,
                )
            except ValidationError as exc:
                form, changed = edit_races.refused(
                    form, exc, person, lambda: _person_initial(person)
                )
            else:
                messages.success(request, f"Details of {person.case_number} saved.")
                return redirect(person.get_absolute_url())
    return render(
        request,
        "referrals/person_edit.html",
        {"person": person, "form": form, "changed": changed},
    )


# Merging two records of one person -----------------------------------------------------------


def _mergeable(request: HttpRequest, pk: int) -> Person:
    _require_perm(request, "referrals.merge_person")
    person = get_person_for_user(request.user, pk)
    if person.merged_into_id:
        raise Http404("Merged already")
    return person


def person_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """A manager names the other record of the same person (by case number)."""
    person = _mergeable(request, pk)
    access_record(
        user=request.user, obj=person, description=f"Person {person.case_number}", path=request.path
    )
    form = MergeChooseForm(request.GET if "case_number" in request.GET else None)
    if form.is_bound and form.is_valid():
        number = form.cleaned_data["case_number"]
        other = (
            Person.objects.filter(case_number=number, destroyed_at__isnull=True)
            .exclude(pk=person.pk)
            .values_list("pk", "merged_into_id")
            .first()
        )
        if other is None or not may_person(request.user, "view_person", Person(pk=other[0])):
            form.add_error("case_number", f"No other record {number} that you may see")
        elif other[1]:
            form.add_error("case_number", f"{number} has already been merged into another record")
        else:
            return redirect("referrals:person_merge_confirm", pk=person.pk, other_pk=other[0])
    return render(request, "referrals/person_merge.html", {"person": person, "form": form})


def person_merge_confirm(request: HttpRequest, pk: int, other_pk: int) -> HttpResponse:
    """Both records side by side; the manager chooses the one to keep and says why."""
    person = _mergeable(request, pk)
    other = _mergeable(request, other_pk)
    if person.pk == other.pk:
        raise Http404("The same record")
    pair = [person, other]
    if request.method == "GET":
        for p in pair:
            access_record(
                user=request.user, obj=p, description=f"Person {p.case_number}", path=request.path
            )
    choices = [(str(p.pk), f"Keep {p.case_number} ({p.full_name})") for p in pair]
    form = MergeConfirmForm(
        request.POST if request.method == "POST" else None,
        choices=choices,
        initial={"keep": str(person.pk)},
    )
    if request.method == "POST" and form.is_valid():
        kept = person if form.cleaned_data["keep"] == str(person.pk) else other
        merged = other if kept is person else person
        try:
            record = merging.person_merge(
                kept=kept, merged=merged, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                f"{merged.case_number} was merged into {kept.case_number}: "
                f"{len(record.moved)} links moved.",
            )
            return redirect(kept.get_absolute_url())
    statuses = selectors.statuses_for(pair)
    sides = [
        {
            "person": p,
            "status": statuses[p.pk],
            "contacts": list(selectors.previous_contacts(p)[:20]),
            "relationships": list(p.relationships.select_related("relative")),
        }
        for p in pair
    ]
    return render(
        request,
        "referrals/person_merge_confirm.html",
        {"person": person, "other": other, "sides": sides, "form": form},
    )


def person_merge_record(request: HttpRequest, pk: int) -> HttpResponse:
    """What a merge moved, who did it and why: readable by whoever may see the kept record."""
    record = get_object_or_404(
        PersonMerge.objects.select_related("kept", "merged", "merged_by"), pk=pk
    )
    kept = get_person_for_user(request.user, record.kept_id)
    access_record(
        user=request.user, obj=kept, description=f"Person {kept.case_number}", path=request.path
    )
    return render(request, "referrals/person_merge_record.html", {"record": record, "kept": kept})
