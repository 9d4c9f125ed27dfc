"""The management information page and the click-through to the contacts behind a figure."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from thresholds.selectors import current_profile

from . import figures
from .access import require_mi
from .contact_lists import contact_list
from .forms import PeriodForm, default_period, period_from

PAGE_SIZE = 50


def management_information(request: HttpRequest) -> HttpResponse:
    """Every figure for the period chosen (last quarter unless another is asked for)."""
    require_mi(request.user)
    today = timezone.localdate()
    # The form is bound only once a period was chosen, so the first visit shows last quarter.
    bound = "period" in request.GET
    form = PeriodForm(request.GET if bound else None, today=today)
    period, sections = None, []
    if not bound:
        period = default_period(today)
    elif form.is_valid():
        period = form.chosen()
    if period is not None:
        sections = figures.sections_for(period, current_profile())
    return render(
        request,
        "reporting/management_information.html",
        {"form": form, "period": period, "sections": sections},
    )


def figure_contacts(request: HttpRequest) -> HttpResponse:
    """The contacts behind one row of a figure that this user may open, a page at a time, and
    how many more are behind it that they may not."""
    require_mi(request.user)
    today = timezone.localdate()
    period = period_from(request.GET.get("from", ""), request.GET.get("to", ""), today)
    if period is None:
        raise Http404("No such period")
    figure, row = request.GET.get("figure", ""), request.GET.get("row", "")
    found = contact_list(request.user, figure, row, period)
    if found is None:
        raise Http404("No such figure")
    page = Paginator(found.visible, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/figure_contacts.html",
        {
            "title": found.title,
            "label": found.label,
            "period": period if found.in_period else None,
            "asked": period,
            "row": row,
            # What the export buttons name: this figure's row, as a list of contacts.
            "export": {"key": figure, "title": f"{found.title}: {found.label}"},
            "page": page,
            "hidden": found.hidden,
        },
    )
