"""The statutory returns pages: for team managers and the service manager only."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from referrals.models import Person
from thresholds.selectors import current_profile

from . import services
from .annex_a import annex_a_lists, annex_a_workbook
from .cin_census import collection_year_of
from .forms import AnnexAForm, CensusYearForm
from .models import CensusRun, RunStatus
from .validator import validator_python

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def index(request: HttpRequest) -> HttpResponse:
    services.require_returns(request.user)
    return render(request, "returns/index.html")


@require_http_methods(["GET", "POST"])
def cin_census(request: HttpRequest) -> HttpResponse:
    services.require_returns(request.user)
    today = timezone.localdate()
    form = CensusYearForm(
        request.POST if request.method == "POST" else None,
        today=today,
        initial={"year": collection_year_of(today).year},
    )
    if request.method == "POST" and form.is_valid():
        run = services.census_run_request(
            by=request.user, year=form.cleaned_data["year"], profile=current_profile()
        )
        return redirect("returns:census_run", pk=run.pk)
    runs = CensusRun.objects.select_related("requested_by").defer("xml", "issues", "person_ids")[
        :10
    ]
    return render(
        request,
        "returns/cin_census.html",
        {"form": form, "runs": runs, "validator_installed": validator_python().exists()},
    )


def _run_or_404(pk: int) -> CensusRun:
    run = CensusRun.objects.select_related("requested_by", "profile").filter(pk=pk).first()
    if run is None:
        raise Http404("No such census run")
    return run


def census_run(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_returns(request.user)
    run = _run_or_404(pk)
    # The children with issues, by name (loading them logs that this user saw them).
    people = Person.objects.in_bulk({i["person_id"] for i in run.issues if i.get("person_id")})
    by_child: dict[str, dict] = {}
    for issue in run.issues:
        child = by_child.setdefault(
            issue["child_id"],
            {
                "child_id": issue["child_id"],
                "person": people.get(issue.get("person_id")),
                "rules": {},
            },
        )
        rule = child["rules"].setdefault(
            issue["rule_code"],
            {
                "code": issue["rule_code"],
                "type": issue["rule_type"],
                "description": issue["description"],
                "locations": [],
                "contacts": {},
            },
        )
        rule["locations"].append(issue)
        if issue.get("contact_id"):
            rule["contacts"][issue["contact_id"]] = issue["contact_reference"]
    children = sorted(
        by_child.values(),
        key=lambda c: (not any(r["type"] == "ERROR" for r in c["rules"].values()), c["child_id"]),
    )
    for child in children:
        child["rules"] = sorted(child["rules"].values(), key=lambda r: (r["type"], r["code"]))
    return render(
        request,
        "returns/census_run.html",
        {
            "run": run,
            "children": children,
            "in_progress": not run.is_finished,
            "RunStatus": RunStatus,
        },
    )


def census_download(request: HttpRequest, pk: int) -> HttpResponse:
    services.require_returns(request.user)
    run = _run_or_404(pk)
    if not run.may_download:
        messages.error(request, "This census has errors to fix first, or is not finished.")
        return redirect("returns:census_run", pk=run.pk)
    body = services.census_download(run=run, by=request.user, path=request.path)
    response = HttpResponse(body, content_type="application/xml")
    name = f"cin_census_{run.profile.la_code}_{run.year}_run{run.pk}.xml"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_http_methods(["GET", "POST"])
def annex_a(request: HttpRequest) -> HttpResponse:
    services.require_returns(request.user)
    today = timezone.localdate()
    form = AnnexAForm(
        request.POST if request.method == "POST" else None,
        today=today,
        initial={"as_of": today},
    )
    if request.method == "POST" and form.is_valid():
        as_of = form.cleaned_data["as_of"]
        annex = annex_a_lists(as_of=as_of)
        body = annex_a_workbook(annex)
        services.log_export(
            user=request.user,
            person_ids=sorted(annex.person_ids),
            description=f"Exported in Ofsted Annex A lists 1 to 3 to {as_of:%-d %B %Y}",
            details={"export": "annex_a", "as_of": as_of.isoformat()},
            path=request.path,
        )
        response = HttpResponse(body, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="annex_a_{as_of:%Y-%m-%d}.xlsx"'
        return response
    return render(request, "returns/annex_a.html", {"form": form})
