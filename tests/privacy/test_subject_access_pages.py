"""The pages: record a request, its clock on the list and the dashboard, verify, redact."""

import datetime as dt

import time_machine
from django.urls import reverse
from django.utils.html import escape

from privacy.models import Redaction, SubjectAccessRequest


def test_a_handler_records_a_request_by_case_number(client, case, child, service_manager):
    client.force_login(service_manager)
    day = dt.date.today() - dt.timedelta(days=1)
    response = client.post(
        reverse("privacy:sar_create"),
        {
            "case_number": child.case_number,
            "requester_name": "Alex Parent",
            "requester": "parent",
            "requester_relationship": "Mother",
            "received_on_0": day.day,
            "received_on_1": day.month,
            "received_on_2": day.year,
        },
    )
    sar = SubjectAccessRequest.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{sar.pk}/")
    assert sar.person == child and sar.hold.in_force


def test_a_wrong_case_number_is_an_error_on_the_form_and_keeps_what_was_typed(
    client, service_manager
):
    client.force_login(service_manager)
    response = client.post(
        reverse("privacy:sar_create"),
        {"case_number": "NOPE", "requester_name": "Alex Typed", "requester": "subject"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is no person with that case number" in page and "Alex Typed" in page


def test_overdue_and_due_soon_requests_show_on_the_list_and_the_dashboard(
    client, sar, service_manager
):
    with time_machine.travel(dt.datetime.combine(sar.due_on, dt.time(12)) - dt.timedelta(days=2)):
        client.force_login(service_manager)
        assert "Due soon" in client.get(reverse("privacy:sar_list")).content.decode()
    with time_machine.travel(dt.datetime.combine(sar.due_on, dt.time(12)) + dt.timedelta(days=1)):
        client.force_login(service_manager)
        listed = client.get(reverse("privacy:sar_list") + "?show=overdue")
        assert [r.pk for r, _ in listed.context["rows"]] == [sar.pk]
        assert "Overdue" in listed.content.decode()
        dashboard = client.get(reverse("dashboard"))
        panel = dashboard.context["subject_access"]
        assert (
            panel["counts"].overdue == 1 and "Subject access requests" in dashboard.content.decode()
        )
    client.force_login(service_manager)
    assert client.get(reverse("privacy:sar_list") + "?show=completed").context["rows"] == []


def test_the_dashboard_has_no_panel_for_a_manager_without_the_permission(client, mash_manager):
    client.force_login(mash_manager)
    assert "subject_access" not in client.get(reverse("dashboard")).context


def test_the_redaction_page_lists_third_parties_and_saves_ticks_with_reasons(
    client, sar, case, adult, service_manager
):
    client.force_login(service_manager)
    url = reverse("privacy:sar_redactions", args=[sar.pk])
    page = client.get(url).content.decode()
    assert escape(adult.full_name) in page and "Pat Example" in page
    key = f"person:{case['contact'].pk}:{adult.pk}"
    response = client.post(url, {f"redact-{key}": "1", f"reason-{key}": ""})
    assert response.status_code == 200 and "Say why this is redacted" in response.content.decode()
    assert not Redaction.objects.exists()
    response = client.post(url, {f"redact-{key}": "1", f"reason-{key}": "Third party"})
    assert response.status_code == 302
    assert Redaction.objects.get().item == key


def test_verifying_identity_records_who_and_when(client, sar, service_manager):
    client.force_login(service_manager)
    client.post(reverse("privacy:sar_verify", args=[sar.pk]), {"evidence": "Passport seen"})
    sar.refresh_from_db()
    assert sar.identity_verified_by == service_manager and sar.is_verified


def test_redacting_on_a_closed_request_is_refused_without_an_error_page(
    client, sar, service_manager
):
    from privacy import subject_access

    subject_access.sar_refuse(request=sar, reason="Repeat request", by=service_manager)
    client.force_login(service_manager)
    response = client.post(reverse("privacy:sar_redactions", args=[sar.pk]), {})
    assert response.status_code == 302
    assert not Redaction.objects.exists()
