"""Early help pages: post/redirect/get through the services, held contacts explained, no query
per queue row."""

import pytest
from django.urls import reverse

from accounts.models import AccessLog
from early_help import services
from early_help.models import EarlyHelpDecision, PanelCase, TafMember
from referrals.models import ContactStatus
from tests.factories import (
    PersonFactory,
    family_work_case,
    green_contact,
    open_involvement,
)


@pytest.fixture
def green(camden, screening_officer, senior_practitioner, early_help_manager):
    return green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)


@pytest.fixture
def case(green, early_help_manager, family_worker, camden):
    return family_work_case(
        contact=green, manager=early_help_manager, worker=family_worker, profile=camden
    )


def test_queue_shows_the_most_urgent_clock_first(
    client, camden, screening_officer, senior_practitioner, early_help_manager
):
    import datetime as dt

    from django.utils import timezone

    later = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    sooner = green_contact(
        officer=screening_officer,
        senior=senior_practitioner,
        profile=camden,
        rated_at=timezone.now() - dt.timedelta(days=2),
    )
    client.force_login(early_help_manager)
    page = client.get(reverse("early_help:queue")).context["page"]
    assert list(page.object_list) == [sooner, later]


def test_held_contact_page_says_why_and_links_to_consent(client, green, early_help_manager):
    services.consent_record(
        contact=green, by=early_help_manager, family_agrees="no", details="Not yet agreed"
    )
    client.force_login(early_help_manager)
    page = client.get(reverse("early_help:decide", args=[green.pk])).content.decode()
    assert "This contact is held" in page
    assert reverse("early_help:consent", args=[green.pk]) in page
    assert "Record the decision" not in page
    response = client.post(
        reverse("early_help:decide", args=[green.pk]), {"outcome": "nfa", "rationale": "x"}
    )
    assert response.status_code == 200
    assert "consent is recorded" in response.content.decode()


def test_consent_page_records_consent_and_returns_to_the_decision(
    client, green, early_help_manager
):
    client.force_login(early_help_manager)
    url = reverse("early_help:consent", args=[green.pk])
    response = client.post(url, {"family_agrees": "yes", "details": "Mum agreed by phone"})
    assert response["Location"] == reverse("early_help:decide", args=[green.pk])
    green.refresh_from_db()
    assert green.family_agrees == "yes"


def test_decision_page_shows_the_threshold_and_records_the_decision(
    client, green, early_help_manager, family_worker
):
    client.force_login(early_help_manager)
    url = reverse("early_help:decide", args=[green.pk])
    page = client.get(url).content.decode()
    assert "Level 2: Early help" in page and "Recorded" in page
    assert AccessLog.objects.filter(user=early_help_manager, object_id=green.pk).exists()
    response = client.post(
        url,
        {"outcome": "brief_assessment", "worker": family_worker.pk, "rationale": "Needs support"},
    )
    case = green.family_work_cases.get()
    assert response["Location"] == case.get_absolute_url()
    assert client.get(url)["Location"] == green.get_absolute_url()  # decided: not again


def test_decision_errors_show_next_to_their_fields(client, green, early_help_manager):
    client.force_login(early_help_manager)
    response = client.post(
        reverse("early_help:decide", args=[green.pk]),
        {"outcome": "brief_assessment", "rationale": "x"},
    )
    assert "Select the family worker" in response.content.decode()
    assert not EarlyHelpDecision.objects.exists()


def test_contact_page_shows_the_early_help_decision(client, case, early_help_manager):
    client.force_login(early_help_manager)
    page = client.get(case.contact.get_absolute_url()).content.decode()
    assert "Early help referral decision" in page
    assert case.get_absolute_url() in page


def test_case_page_edits_the_team_around_the_family(client, case, family_worker):
    client.force_login(family_worker)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Lead professional" in page
    add = reverse("early_help:taf_add", args=[case.pk])
    response = client.post(
        add,
        {
            "name": "Ruth Ade",
            "role": "SENCO",
            "organisation": "Oakley Square Primary",
            "email": "r@example.org",
            "is_lead_professional": "yes",
        },
    )
    assert response["Location"] == case.get_absolute_url()
    ruth = TafMember.objects.get(name="Ruth Ade")
    assert ruth.is_lead_professional
    edit = reverse("early_help:taf_edit", args=[case.pk, ruth.pk])
    client.post(edit, {"name": "Ruth Adeyemi", "role": "SENCO", "organisation": "Oakley"})
    ruth.refresh_from_db()
    assert ruth.name == "Ruth Adeyemi" and ruth.is_lead_professional
    worker_member = case.taf_members.get(user=family_worker)
    client.post(reverse("early_help:taf_make_lead", args=[case.pk, worker_member.pk]))
    client.post(reverse("early_help:taf_remove", args=[case.pk, ruth.pk]))
    assert list(case.taf_members.values_list("name", flat=True)) == [str(family_worker)]


def test_case_page_closes_and_steps_up(client, case, family_worker):
    client.force_login(family_worker)
    response = client.post(
        reverse("early_help:case_step_up", args=[case.pk]),
        {"concerns": "New bruising seen at school", "family_aware": "no", "family_agrees": "no"},
    )
    assert response["Location"] == case.get_absolute_url()
    step_up = case.step_ups.get()
    assert step_up.contact.status == ContactStatus.SUBMITTED
    response = client.post(
        reverse("early_help:case_close", args=[case.pk]), {"reason": "stepped_up"}
    )
    assert response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert not case.is_open
    assert client.get(reverse("early_help:taf_add", args=[case.pk])).status_code == 302


def test_cases_list_shows_the_clock_and_only_the_workers_own_cases(
    client, case, family_worker, early_help_manager
):
    client.force_login(family_worker)
    response = client.get(reverse("early_help:cases"))
    assert list(response.context["page"].object_list) == [case]
    assert "left" in response.content.decode()
    closed = client.get(reverse("early_help:cases") + "?status=closed")
    assert list(closed.context["page"].object_list) == []


def test_panel_pages_record_attendees_and_a_decision(
    client, green, early_help_manager, family_worker, camden
):
    services.early_help_decide(
        contact=green, by=early_help_manager, profile=camden, outcome="panel", rationale="Complex"
    )
    item = PanelCase.objects.get()
    client.force_login(early_help_manager)
    day = item.panel.date.isoformat()
    assert client.get(reverse("early_help:panel_next"))["Location"] == reverse(
        "early_help:panel", args=[day]
    )
    page = client.get(reverse("early_help:panel", args=[day])).content.decode()
    assert green.reference in page
    client.post(
        reverse("early_help:panel_attendees", args=[day]),
        {"attendees": [early_help_manager.pk, family_worker.pk]},
    )
    response = client.post(
        reverse("early_help:panel_decide", args=[item.pk]),
        {"decision": "iag", "worker": family_worker.pk, "rationale": "Advice will do"},
    )
    assert response["Location"] == reverse("early_help:panel", args=[day])
    item.refresh_from_db()
    assert item.decision == "iag"


def test_step_down_form_lists_the_teams_children_and_sends_to_the_panel(
    client, team_manager, social_work_team, camden
):
    child = PersonFactory(first_name="Maya")
    open_involvement(child, team=social_work_team)
    client.force_login(team_manager)
    url = reverse("early_help:step_down")
    assert "Maya" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "children": [child.pk],
            "reasons": "Plan goals met",
            "family_agrees": "yes",
            "consent_details": "Mum agreed at review",
        },
    )
    assert response["Location"] == url
    item = PanelCase.objects.get()
    assert item.source == "step_down"
    assert item.contact.reference in client.get(url).content.decode()
