"""Period reports (list, start, read, write, sign off, print, PDF) and exports (ask, progress,
download). Viewing needs reporting.view_management_information; everyone else gets 403."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.services import access_record
from core.forms import add_service_errors, with_version
from core.pdf import html_to_pdf, pdf_unavailable
from referrals.models import Contact
from thresholds.selectors import current_profile

from . import services
from .access import get_export_for_user, get_report_for_user, require_mi
from .charts import compared_chart
from .exports import CONTENT_TYPES
from .forms import ExportForm, ReportStartForm, ReportWriteForm
from .models import Export, ExportStatus, Report
from .reports import report_period, report_sections


def report_list(request: HttpRequest) -> HttpResponse:
    require_mi(request.user)
    reports = Report.objects.select_related("signed_off_by", "created_by").filter(
        profile=current_profile()
    )
    return render(
        request,
        "reporting/report_list.html",
        {"reports": reports, "may_write": request.user.has_perm(services.WRITE)},
    )


def report_start(request: HttpRequest) -> HttpResponse:
    require_mi(request.user)
    if not request.user.has_perm(services.WRITE):
        raise PermissionDenied("Only the service manager starts a report")
    form = ReportStartForm(
        request.POST if request.method == "POST" else None, today=timezone.localdate()
    )
    if request.method == "POST" and form.is_valid():
        kind, period = form.chosen()
        try:
            report = services.report_start(
                kind=kind, period=period, profile=current_profile(), by=request.user
            )
        except ValidationError as exc:
            form.add_error("report", exc.messages)
        else:
            messages.success(request, f"{report} started.")
            return redirect("reporting:report", pk=report.pk)
    return render(request, "reporting/report_start.html", {"form": form})


def _report_context(request: HttpRequest, report: Report, *, for_pdf: bool = False) -> dict:
    sections = [
        {
            "section": section,
            "figures": [{"table": t, "chart": compared_chart(t)} for t in section.tables],
        }
        for section in report_sections(report)
    ]
    return {
        "report": report,
        "period": report_period(report),
        "previous": report_period(report).previous(),
        "sections": sections,
        "for_pdf": for_pdf,
        "pdf_unavailable": pdf_unavailable(),
        "may_write": request.user.has_perm(services.WRITE) and not report.is_signed_off,
        "may_sign_off": request.user.has_perm(services.SIGN_OFF) and not report.is_signed_off,
        "written": [
            (Report._meta.get_field(name).verbose_name, getattr(report, name))
            for name in services.SECTIONS
        ],
        "history": report.history.select_related("history_user").order_by("-history_date")[:20],
    }


def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    return render(request, "reporting/report.html", _report_context(request, report))


def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk)
    why = pdf_unavailable()
    if why:
        return render(
            request,
            "reporting/report_pdf_unavailable.html",
            {"report": report, "why": why},
            status=503,
        )
    html = render_to_string(
        "reporting/report.html", _report_context(request, report, for_pdf=True), request=request
    )
    pdf = html_to_pdf(html, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{report.kind}-report-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def report_write(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk, services.WRITE)
    if report.is_signed_off:
        messages.info(request, "This report has been signed off and can no longer be changed.")
        return redirect("reporting:report", pk=report.pk)
    initial = {name: getattr(report, name) for name in services.SECTIONS}
    form = with_version(
        ReportWriteForm(request.POST if request.method == "POST" else None, initial=initial),
        report.version,
    )
    stale = False
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            services.report_write(report=report, by=request.user, version=version, **data)
        except ValidationError as exc:
            if getattr(exc, "code", None) == services.STALE:
                # Keep what they typed; saving again now replaces the other save on purpose.
                report.refresh_from_db()
                stale = True
                data = request.POST.copy()
                data["version"] = str(report.version)
                form = with_version(ReportWriteForm(data, initial=initial), report.version)
                form.is_valid()
                form.add_error(None, exc.message)
            else:
                add_service_errors(form, exc)
        else:
            messages.success(request, "The report's sections have been saved.")
            return redirect("reporting:report", pk=report.pk)
    return render(
        request,
        "reporting/report_write.html",
        {"report": report, "form": form, "stale": stale},
    )


def report_sign_off(request: HttpRequest, pk: int) -> HttpResponse:
    report = get_report_for_user(request.user, pk, services.SIGN_OFF)
    if report.is_signed_off:
        return redirect("reporting:report", pk=report.pk)
    errors: list[str] = []
    if request.method == "POST":
        try:
            version = int(request.POST.get("version", "0"))
        except ValueError:
            version = 0
        try:
            services.report_sign_off(report=report, by=request.user, version=version)
        except ValidationError as exc:
            errors = exc.messages
            report.refresh_from_db()
        else:
            messages.success(request, f"{report} signed off.")
            return redirect("reporting:report", pk=report.pk)
    missing = [
        Report._meta.get_field(name).verbose_name
        for name in services.SECTIONS
        if not getattr(report, name).strip()
    ]
    return render(
        request,
        "reporting/report_sign_off.html",
        {"report": report, "errors": errors, "missing": missing},
    )


# Exports.


@require_POST
def export_start(request: HttpRequest) -> HttpResponse:
    """Ask for a figure as CSV or XLSX: the worker makes it; the progress page follows it."""
    require_mi(request.user)
    form = ExportForm(request.POST)
    if not form.is_valid():
        raise Http404("No such figure or period")
    try:
        export = services.export_request(
            by=request.user,
            figure=form.cleaned_data["figure"],
            period=form.period(),
            profile=current_profile(),
            fmt=form.cleaned_data["format"],
            compare=form.cleaned_data["compare"],
            title=form.cleaned_data["title"],
            row=form.cleaned_data["row"],
        )
    except ValidationError:
        raise Http404("No such figure") from None
    return redirect("reporting:export", pk=export.pk)


def export_detail(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for_user(request.user, pk)
    context = {"export": export, "keep_hours": settings.EXPORT_KEEP_HOURS}
    if request.htmx:
        return render(request, "reporting/includes/_export_status.html", context)
    return render(request, "reporting/export.html", context)


def export_list(request: HttpRequest) -> HttpResponse:
    require_mi(request.user)
    exports = Export.objects.filter(created_by=request.user).order_by("-created_at")[:50]
    return render(request, "reporting/export_list.html", {"exports": exports})


def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    export = get_export_for_user(request.user, pk)
    if export.status != ExportStatus.READY or not export.file:
        raise Http404("This export is not ready or has been deleted")
    if export.personal:
        # The rows name people: who took them, and which, goes in the access log (ADR 0009).
        access_record(
            user=request.user,
            obj=export,
            description=f"Exported {export.title or export.figure} ({export.format.upper()})"[:200],
            path=request.path,
            details={
                "export": export.pk,
                "figure": export.figure,
                "period": [export.period_start.isoformat(), export.period_end.isoformat()],
                "format": export.format,
                "rows": export.rows,
                **({"row": export.row} if export.row else {}),
            },
        )
        # A list of contacts: taking it is a read of each contact it names. Loading them is
        # what logs them (accounts.reads); only the label fields are read.
        list(Contact.objects.filter(pk__in=export.contact_ids).only("pk", "reference"))
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404("This export's file has been deleted") from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=export.filename,
        content_type=CONTENT_TYPES[export.format],
    )
