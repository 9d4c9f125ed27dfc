"""Whatever is posted to an early help form, the answer is a page or a redirect, never a 500."""

import pytest
from django.urls import reverse

from early_help import family_work, services
from early_help.models import PanelCase
from tests.factories import PersonFactory, family_work_case, green_contact, open_involvement

JUNK = [
    {},
    {"outcome": "zzz", "decision": "panel", "worker": "abc", "rationale": ""},
    {"outcome": "iag", "decision": "iag", "worker": "999999", "rationale": "x" * 20000},
    {"outcome": "signposting", "decision": "signposting", "service": "\x00", "worker": "-1"},
    {"family_agrees": "maybe", "details": "\x00", "family_aware": "sometimes"},
    {
        "name": "N" * 5000,
        "role": "",
        "organisation": "\x00",
        "email": "@@",
        "phone": "call me",
        "is_lead_professional": "perhaps",
    },
    {"reason": "bored", "details": "y" * 20000},
    {"concerns": "", "family_aware": "", "family_agrees": "2"},
    {"children": ["abc", "99999999"], "reasons": "", "family_agrees": "perhaps"},
    {"attendees": ["x", "-5"], "other_attendees": "z" * 400},
]


@pytest.fixture
def pages(
    camden,
    screening_officer,
    senior_practitioner,
    early_help_manager,
    family_worker,
    social_work_team,
):
    def green():
        return green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)

    case = family_work_case(
        contact=green(), manager=early_help_manager, worker=family_worker, profile=camden
    )
    member = family_work.taf_member_add(
        case=case, by=early_help_manager, name="Ruth", role="SENCO", organisation="School"
    )
    panel_contact = green()
    services.early_help_decide(
        contact=panel_contact, by=early_help_manager, profile=camden, outcome="panel", rationale="x"
    )
    item = PanelCase.objects.get(contact=panel_contact)
    open_involvement(PersonFactory(), team=social_work_team)
    undecided = green()
    return [
        reverse("early_help:decide", args=[undecided.pk]),
        reverse("early_help:consent", args=[undecided.pk]),
        reverse("early_help:taf_add", args=[case.pk]),
        reverse("early_help:taf_edit", args=[case.pk, member.pk]),
        reverse("early_help:case_step_up", args=[case.pk]),
        reverse("early_help:case_close", args=[case.pk]),
        reverse("early_help:panel_attendees", args=[item.panel.date.isoformat()]),
        reverse("early_help:panel_decide", args=[item.pk]),
    ]


@pytest.mark.parametrize("junk", JUNK)
def test_junk_never_causes_a_server_error(client, early_help_manager, team_manager, pages, junk):
    client.force_login(early_help_manager)
    for url in pages:
        response = client.post(url, junk)
        assert response.status_code in (200, 302), f"{url} -> {response.status_code}"
    client.force_login(team_manager)
    response = client.post(reverse("early_help:step_down"), junk)
    assert response.status_code == 200


@pytest.mark.parametrize("day", ["2026-13-45", "yesterday", "0000-00-00", "9" * 40])
def test_a_bad_panel_date_is_not_found(client, early_help_manager, day):
    client.force_login(early_help_manager)
    assert client.get(reverse("early_help:panel", args=[day])).status_code == 404
    assert client.post(reverse("early_help:panel_attendees", args=[day])).status_code == 404


def test_bad_page_numbers_and_filters_show_the_list(client, early_help_manager):
    client.force_login(early_help_manager)
    for url in (reverse("early_help:queue"), reverse("early_help:cases")):
        assert client.get(url + "?page=-7&status=%00").status_code == 200
