"""Every early help URL x every persona -> the status the access rules require."""

import pytest
from django.urls import reverse

from early_help import family_work, services
from early_help.models import PanelCase
from tests.access_helpers import check_row, expect, shared_records
from tests.factories import family_work_case, green_contact

PERSONAS = [
    "anonymous",
    "screening_officer",
    "senior_practitioner",
    "mash_social_worker",
    "mash_manager",
    "partner_user",
    "early_help_manager",
    "family_worker",
    "team_manager",
    "social_worker",
    "outsider",
]
# Who may read any contact (and so is told 403, not 404, where they may not act).
CONTACT_READERS = {
    "screening_officer",
    "senior_practitioner",
    "mash_social_worker",
    "mash_manager",
    # Not "team_manager" since issue 9: they read only their own team's contacts (by grant).
}
EARLY_HELP = {"early_help_manager", "family_worker"}
CHAIR = {"early_help_manager"}


def _case_url(name: str, *extra: str):
    return lambda o: reverse(f"early_help:{name}", args=[o["case"].pk, *(o[e].pk for e in extra)])


TABLE = [
    ("queue", lambda o: reverse("early_help:queue"), "get", expect({"early_help_manager"})),
    (
        "decision",
        lambda o: reverse("early_help:decide", args=[o["green"].pk]),
        "get",
        expect({"early_help_manager"}, readers=CONTACT_READERS, otherwise=404),
    ),
    (
        "step up to the MASH",
        lambda o: reverse("early_help:step_up_to_mash", args=[o["green"].pk]),
        "get",
        expect({"early_help_manager"}, readers=CONTACT_READERS, otherwise=404),
    ),
    (
        "consent",
        lambda o: reverse("early_help:consent", args=[o["green"].pk]),
        "get",
        expect(
            {"early_help_manager", "screening_officer", "senior_practitioner"},
            readers=CONTACT_READERS,
            otherwise=404,
        ),
    ),
    ("cases", lambda o: reverse("early_help:cases"), "get", expect(EARLY_HELP)),
    ("case", _case_url("case"), "get", expect(EARLY_HELP, otherwise=404)),
    ("add to TAF", _case_url("taf_add"), "get", expect(EARLY_HELP, otherwise=404)),
    (
        "change TAF member",
        _case_url("taf_edit", "member"),
        "get",
        expect(EARLY_HELP, otherwise=404),
    ),
    (
        "make lead professional",
        _case_url("taf_make_lead", "member"),
        "post",
        expect(EARLY_HELP, otherwise=404, ok=302),
    ),
    (
        "remove from TAF",
        _case_url("taf_remove", "member"),
        "post",
        expect(EARLY_HELP, otherwise=404, ok=302),
    ),
    ("close case", _case_url("case_close"), "get", expect(EARLY_HELP, otherwise=404)),
    (
        "early help assessment completed",
        _case_url("case_assessment"),
        "get",
        expect(EARLY_HELP, otherwise=404),
    ),
    ("step up", _case_url("case_step_up"), "get", expect(EARLY_HELP, otherwise=404)),
    ("next panel", lambda o: reverse("early_help:panel_next"), "get", expect(EARLY_HELP, ok=302)),
    (
        "panel",
        lambda o: reverse("early_help:panel", args=[o["item"].panel.date.isoformat()]),
        "get",
        expect(EARLY_HELP),
    ),
    (
        "panel attendees",
        lambda o: reverse("early_help:panel_attendees", args=[o["item"].panel.date.isoformat()]),
        "post",
        expect(CHAIR),  # an empty form comes back with its errors
    ),
    (
        "panel decision",
        lambda o: reverse("early_help:panel_decide", args=[o["item"].pk]),
        "get",
        expect(CHAIR),
    ),
    ("step down", lambda o: reverse("early_help:step_down"), "get", expect({"team_manager"})),
]


def make_records(camden, screening_officer, senior_practitioner, early_help_manager, family_worker):
    def green():
        return green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)

    case = family_work_case(
        contact=green(), manager=early_help_manager, worker=family_worker, profile=camden
    )
    member = family_work.taf_member_add(
        case=case, by=family_worker, name="Ruth Ade", role="SENCO", organisation="School"
    )
    panel_contact = green()
    services.early_help_decide(
        contact=panel_contact,
        by=early_help_manager,
        profile=camden,
        outcome="panel",
        rationale="Complex needs",
    )
    return {
        "green": green(),
        "case": case,
        "member": member,
        "item": PanelCase.objects.get(contact=panel_contact),
    }


# What the table's URLs point at; tests/test_every_read_is_logged.py builds the same.
records_once, records = shared_records(make_records, PERSONAS)


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name,url,method,expectation", TABLE, ids=[row[0] for row in TABLE])
def test_access_table(request, client, records, persona, name, url, method, expectation):
    check_row(request, client, records, persona, name, url, method, expectation)


def test_a_family_worker_cannot_open_another_workers_case(client, records, camden):
    from accounts.models import Team
    from accounts.roles import Role
    from tests.factories import UserFactory

    other = UserFactory(
        roles=[Role.EARLY_HELP_WORKER], team=Team.objects.get(name="Family Support Team")
    )
    client.force_login(other)
    assert client.get(records["case"].get_absolute_url()).status_code == 404
    assert list(client.get(reverse("early_help:cases")).context["page"].object_list) == []
