"""Every subject access and unusual access URL x every persona: handlers of subject access
requests (the service manager) only; the unusual access reports for the managers."""

import datetime as dt

import pytest
from django.urls import reverse

from privacy import subject_access, unusual
from tests.access_helpers import check_row, expect, shared_records

from .cases import make_case, open_request, people

PERSONAS = [
    "anonymous",
    "screening_officer",
    "senior_practitioner",
    "mash_social_worker",
    "mash_manager",
    "partner_user",
    "early_help_manager",
    "team_manager",
    "service_manager",
    "outsider",
]
HANDLERS = {"service_manager"}
MANAGERS = {"mash_manager", "team_manager", "service_manager"}


def _sar(name: str):
    return lambda o: reverse(f"privacy:{name}", args=[o["sar"].pk])


TABLE = [
    ("sar_list", lambda o: reverse("privacy:sar_list"), "get", expect(HANDLERS)),
    (
        "sar_list overdue",
        lambda o: reverse("privacy:sar_list") + "?show=overdue",
        "get",
        expect(HANDLERS),
    ),
    ("sar_create", lambda o: reverse("privacy:sar_create"), "get", expect(HANDLERS)),
    ("sar_detail", _sar("sar_detail"), "get", expect(HANDLERS)),
    ("sar_verify", _sar("sar_verify"), "get", expect(HANDLERS)),
    ("sar_extend", _sar("sar_extend"), "get", expect(HANDLERS)),
    ("sar_refuse", _sar("sar_refuse"), "get", expect(HANDLERS)),
    ("sar_redactions", _sar("sar_redactions"), "get", expect(HANDLERS)),
    # Not yet verified: the handler is sent back to the request with the reason.
    ("sar_complete", _sar("sar_complete"), "post", expect(HANDLERS, ok=302)),
    ("disclosure_start", _sar("disclosure_start"), "post", expect(HANDLERS, ok=302)),
    ("unusual_access", lambda o: reverse("privacy:unusual_access"), "get", expect(MANAGERS)),
    (
        "unusual_access_report",
        lambda o: reverse("privacy:unusual_access_report", args=[o["report"].pk]),
        "get",
        expect(MANAGERS),
    ),
]
# A file, not a page (tests/test_every_read_is_logged.py does not open it).
DOWNLOADS = [
    (
        "disclosure_download",
        lambda o: reverse("privacy:disclosure_download", args=[o["disclosure"].pk]),
        "get",
        expect(HANDLERS),
    ),
]


def make_records(
    havering,
    screening_officer,
    senior_practitioner,
    mash_manager,
    mash_social_worker,
    service_manager,
):
    child, adult = people()
    make_case(
        havering=havering,
        child=child,
        adult=adult,
        screening_officer=screening_officer,
        senior_practitioner=senior_practitioner,
        mash_manager=mash_manager,
        mash_social_worker=mash_social_worker,
    )
    sar = open_request(child=child, by=service_manager)
    monday = dt.date.today() - dt.timedelta(days=dt.date.today().weekday() + 7)
    return {"sar": sar, "report": unusual.unusual_access_report(week_start=monday)}


# What the table's URLs point at, built once for the module.
records_once, records = shared_records(make_records, PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,url,method,expectation", TABLE, ids=[row[0] for row in TABLE])
def test_access_table(request, client, records, persona, name, url, method, expectation):
    check_row(request, client, records, persona, name, url, method, expectation)


@pytest.mark.parametrize("persona", PERSONAS)
def test_only_a_handler_may_take_a_download(request, client, records, persona, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    service_manager = request.getfixturevalue("service_manager")
    disclosure = subject_access.disclosure_request(request=records["sar"], by=service_manager)
    disclosure = subject_access.disclosure_run(disclosure_id=disclosure.pk)
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    for name, url, method, expectation in DOWNLOADS:
        response = getattr(client, method)(url({**records, "disclosure": disclosure}))
        assert response.status_code == expectation(persona), f"{name} as {persona}"
