"""Early help lists cost the same number of queries whatever their length."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from early_help import selectors, services
from referrals.models import Contact, ContactStatus
from referrals.services import contact_start
from tests.factories import family_work_case, green_contact


@pytest.mark.parametrize("rows", [1, 8])
def test_queue_costs_the_same_queries_whatever_its_length(
    client,
    camden,
    screening_officer,
    senior_practitioner,
    early_help_manager,
    rows,
    django_assert_max_num_queries,
):
    for _ in range(rows):
        green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    client.force_login(early_help_manager)
    client.get(reverse("early_help:queue"))
    # The header's service name is one query on every page (not cached). Finding the page is
    # the walk of the clocks (BEGIN, SET LOCAL, the walk, COMMIT: referrals.urgency) and, when
    # the page is not full of contacts with a clock, those without one.
    with django_assert_max_num_queries(15):
        response = client.get(reverse("early_help:queue"))
    assert response.content.decode().count("Green: to early help") == rows


@pytest.mark.parametrize("rows", [1, 6])
def test_case_list_and_panel_cost_the_same_queries_whatever_their_length(
    client,
    camden,
    screening_officer,
    senior_practitioner,
    early_help_manager,
    family_worker,
    rows,
    django_assert_max_num_queries,
):
    for _ in range(rows):
        family_work_case(
            contact=green_contact(
                officer=screening_officer, senior=senior_practitioner, profile=camden
            ),
            manager=early_help_manager,
            worker=family_worker,
            profile=camden,
        )
        services.early_help_decide(
            contact=green_contact(
                officer=screening_officer, senior=senior_practitioner, profile=camden
            ),
            by=early_help_manager,
            profile=camden,
            outcome="panel",
            rationale="Complex",
        )
    client.force_login(early_help_manager)
    panel = reverse("early_help:panel_next")
    for url in (reverse("early_help:cases"), client.get(panel)["Location"]):
        client.get(url)
        with django_assert_max_num_queries(17):
            response = client.get(url)
        assert response.status_code == 200
    assert len(response.context["items"]) == rows


def test_the_contact_pages_early_help_part_reads_only_the_records_the_contact_has(
    client, camden, screening_officer, senior_practitioner, early_help_manager, family_worker
):
    """One query says which early help records a contact has; only those are then read."""
    untouched = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    with_case = green_contact(officer=screening_officer, senior=senior_practitioner, profile=camden)
    family_work_case(
        contact=with_case, manager=early_help_manager, worker=family_worker, profile=camden
    )
    client.force_login(early_help_manager)
    tables = ("earlyhelpdecision", "stepdown", "stepup", "panelcase", "familyworkcase")

    def early_help_reads(contact):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(contact.get_absolute_url()).content.decode()
        return page, [
            t
            for q in queries
            if q["sql"].lstrip().startswith('SELECT "early_help_')
            for t in tables
            if f'FROM "early_help_{t}"' in q["sql"].split(" WHERE ")[0]
        ]

    page, reads = early_help_reads(untouched)
    assert "Make the early help referral decision" in page  # awaiting, read from the contact
    assert reads == []
    page, reads = early_help_reads(with_case)
    assert with_case.family_work_cases.get().reference in page
    assert set(reads) == {"earlyhelpdecision", "familyworkcase"}


@pytest.mark.parametrize("decided", [False, True])
@pytest.mark.parametrize("status", list(ContactStatus))
def test_awaiting_the_decision_reads_the_same_from_the_contact_as_from_the_database(
    db, screening_officer, status, decided
):
    contact = contact_start(by=screening_officer, source="phone", received_at=timezone.now())
    Contact.objects.filter(pk=contact.pk).update(status=status, early_help_decided=decided)
    contact.refresh_from_db()
    in_queue = Contact.objects.filter(selectors.AWAITING_DECISION, pk=contact.pk).exists()
    assert selectors.is_awaiting_decision(contact) == in_queue
    assert in_queue == (status == ContactStatus.WITH_EARLY_HELP and not decided)
