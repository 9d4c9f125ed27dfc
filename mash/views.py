"""The daily discussion: the day's agenda, attendees and the decision minuted per contact."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.forms import add_service_errors
from referrals.models import ContactPerson, ContactRole
from thresholds import clock
from thresholds.models import Deadline
from thresholds.selectors import closure_dates, current_profile

from . import services
from .forms import AttendeesForm, DecisionForm
from .models import DailyDiscussion, DiscussionItem


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise PermissionDenied


def _day(value: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise Http404("No such date") from None
    if not clock.FIRST_DAY <= day <= clock.LAST_DAY:
        raise Http404("No meeting so far from today")
    return day


def discussion_today(request: HttpRequest) -> HttpResponse:
    _require(request, "mash.view_dailydiscussion")
    day = services.next_discussion_date(timezone.localdate())
    return redirect("mash:discussion", day=day.isoformat())


def discussion(request: HttpRequest, day: str) -> HttpResponse:
    _require(request, "mash.view_dailydiscussion")
    return _render_discussion(request, _day(day))


def _render_discussion(
    request: HttpRequest, date: dt.date, form: AttendeesForm | None = None
) -> HttpResponse:
    """The day's agenda and attendees; `form` is a bound attendees form with errors, if any."""
    meeting = DailyDiscussion.objects.filter(date=date).prefetch_related("attendees").first()
    items = []
    if meeting is not None:
        items = list(
            meeting.items.select_related("contact", "decided_by").prefetch_related(
                Prefetch(
                    "contact__contact_people",
                    queryset=ContactPerson.objects.filter(role=ContactRole.CHILD).select_related(
                        "person"
                    ),
                    to_attr="children_links",
                ),
                Prefetch(
                    "contact__deadlines",
                    queryset=Deadline.objects.open().order_by("due_at"),
                    to_attr="open_deadlines",
                ),
            )
        )
    if form is None and request.user.has_perm("mash.chair_dailydiscussion"):
        initial = {}
        if meeting is not None:
            initial = {
                "attendees": list(meeting.attendees.all()),
                "other_attendees": meeting.other_attendees,
            }
        form = AttendeesForm(initial=initial)
    closures = closure_dates()
    return render(
        request,
        "mash/discussion.html",
        {
            "date": date,
            "meeting": meeting,
            "items": items,
            "form": form,
            "previous_day": _step(date, -1, closures),
            "next_day": _step(date, 1, closures),
            "is_working_day": clock.is_working_day(date, closures),
        },
    )


def _step(date: dt.date, direction: int, closures) -> dt.date:
    day = date + dt.timedelta(days=direction)
    while not clock.is_working_day(day, closures):
        day += dt.timedelta(days=direction)
    return day


@require_POST
def discussion_attendees(request: HttpRequest, day: str) -> HttpResponse:
    _require(request, "mash.chair_dailydiscussion")
    date = _day(day)
    form = AttendeesForm(request.POST)
    if form.is_valid():
        with transaction.atomic():  # no discussion opened for attendees that fail to save
            meeting = services.discussion_for(day=date, by=request.user)
            services.discussion_record_attendees(
                discussion=meeting,
                by=request.user,
                attendees=list(form.cleaned_data["attendees"]),
                other_attendees=form.cleaned_data["other_attendees"],
            )
        messages.success(request, "Attendees saved.")
        return redirect("mash:discussion", day=day)
    return _render_discussion(request, date, form)


def discussion_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request, "mash.chair_dailydiscussion")
    item = get_object_or_404(DiscussionItem.objects.select_related("contact", "discussion"), pk=pk)
    if item.is_decided:
        messages.info(request, f"A decision has already been minuted for {item.contact.reference}.")
        return redirect("mash:discussion", day=item.discussion.date.isoformat())
    profile = current_profile()
    form = DecisionForm(request.POST if request.method == "POST" else None, profile=profile)
    if request.method == "POST" and form.is_valid():
        try:
            services.discussion_decide(
                item=item, by=request.user, profile=profile, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"Decision on {item.contact.reference} minuted.")
            return redirect("mash:discussion", day=item.discussion.date.isoformat())
    return render(
        request, "mash/decide.html", {"item": item, "contact": item.contact, "form": form}
    )
