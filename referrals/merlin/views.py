"""Pages for police Public Protection Desk staff: submit a MERLIN, upload a CSV, see what was sent."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from core.forms import add_service_errors
from core.text import plural
from thresholds.selectors import current_profile

from . import services as merlin
from .forms import MerlinForm, MerlinUploadForm

RACED = (
    "A report with the same MERLIN reference was submitted at the same moment, so nothing was "
    "saved. Check your list of reports before trying again."
)


def _police_only(request: HttpRequest) -> None:
    if not merlin.can_submit_merlin(request.user):
        raise PermissionDenied


def merlin_list(request: HttpRequest) -> HttpResponse:
    _police_only(request)
    reports = list(merlin.reports_submitted_by(request.user)[:200])
    return render(request, "referrals/merlin/list.html", {"reports": reports})


def merlin_new(request: HttpRequest) -> HttpResponse:
    _police_only(request)
    form = MerlinForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        try:
            report = merlin.merlin_submit(
                by=request.user, profile=current_profile(), data=form.report_data()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except IntegrityError:
            # Two submissions of one reference at the same moment: the unique constraint wins.
            form.add_error(None, RACED)
        else:
            messages.success(
                request, f"MERLIN {report.reference} submitted: {report.get_route_display()}"
            )
            return redirect("referrals:merlin_list")
    return render(request, "referrals/merlin/new.html", {"form": form})


def merlin_upload(request: HttpRequest) -> HttpResponse:
    _police_only(request)
    form = MerlinUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if form.is_valid():
        try:
            reports = merlin.merlin_import_csv(
                by=request.user, profile=current_profile(), file=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        except IntegrityError:
            # Two submissions of one reference at the same moment: the unique constraint wins.
            form.add_error(None, RACED)
        else:
            messages.success(request, f"{plural(len(reports), 'MERLIN report')} imported")
            return redirect("referrals:merlin_list")
    return render(
        request,
        "referrals/merlin/upload.html",
        {"form": form, "columns": merlin.CSV_COLUMNS},
    )
