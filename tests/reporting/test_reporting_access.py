"""Every reports and exports URL x every persona: managers only; an export for its owner only."""

import pytest
from django.urls import reverse

from reporting import services
from reporting.models import ReportKind
from tests.access_helpers import expect, with_fixtures

from .conftest import QUARTER

PERSONAS = [
    "anonymous",
    "screening_officer",
    "senior_practitioner",
    "mash_manager",
    "partner_user",
    "early_help_manager",
    "family_worker",
    "team_manager",
    "service_manager",
    "outsider",
]
MANAGERS = {"team_manager", "service_manager"}
SERVICE_MANAGER = {"service_manager"}


def _report(name: str, key: str = "report"):
    return lambda o: reverse(f"reporting:{name}", args=[o[key].pk])


TABLE = [
    ("report_list", lambda o: reverse("reporting:report_list"), "get", expect(MANAGERS)),
    ("report_start", lambda o: reverse("reporting:report_start"), "get", expect(SERVICE_MANAGER)),
    ("report", _report("report"), "get", expect(MANAGERS)),
    ("report_write", _report("report_write"), "get", expect(SERVICE_MANAGER)),
    ("report_sign_off", _report("report_sign_off"), "get", expect(SERVICE_MANAGER)),
    ("report_pdf", _report("report_pdf"), "get", expect(MANAGERS)),
    ("export_list", lambda o: reverse("reporting:export_list"), "get", expect(MANAGERS)),
    # An empty request names no figure: 404 for those who may export, 403 for the rest.
    (
        "export_start",
        lambda o: reverse("reporting:export_start"),
        "post",
        expect(MANAGERS, ok=404),
    ),
    # The service manager's own export: nobody else learns it exists.
    ("export", _report("export", "export"), "get", expect(SERVICE_MANAGER, otherwise=403)),
    (
        "export_download",
        _report("export_download", "export"),
        "get",
        expect(SERVICE_MANAGER, otherwise=403),
    ),
]


def make_records(camden, service_manager):
    report = services.report_start(
        kind=ReportKind.QUARTERLY, period=QUARTER, profile=camden, by=service_manager
    )
    export = services.export_request(
        by=service_manager,
        figure="contacts_by_referral_source",
        period=QUARTER,
        profile=camden,
        fmt="csv",
    )
    # Eager Celery ran the task on commit; in a test transaction, run it here.
    services.export_run(export_id=export.pk)
    return {"report": report, "export": export}


@pytest.fixture
def records(request, db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.COUNCIL_PROFILE = "camden"
    return with_fixtures(request, make_records)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,url,method,expectation", TABLE, ids=[row[0] for row in TABLE])
def test_access_table(request, client, records, persona, name, url, method, expectation):
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    response = getattr(client, method)(url(records))
    want = expectation(persona)
    # The team manager may use exports, but not open the service manager's: 404.
    if persona == "team_manager" and name in ("export", "export_download"):
        want = 404
    assert response.status_code == want, f"{name} as {persona}"


def test_a_partner_and_a_screening_officer_get_403_on_every_reports_url(request, client, records):
    for persona in ("partner_user", "screening_officer"):
        client.force_login(request.getfixturevalue(persona))
        for name, url, method, _ in TABLE:
            assert getattr(client, method)(url(records)).status_code == 403, (name, persona)
