"""An urgent contact: flagged with a required reason when logged, it tops the screening and
rating queues with its reason shown; the queues say how they are ordered, and it is true."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from referrals import selectors, services
from referrals.models import Contact
from tests.factories import PersonFactory, complete_contact
from tests.referrals.merlin_helpers import report


def _urgent(contact, officer, reason="Child says she cannot go home tonight"):
    services.contact_update_section(
        contact=contact,
        by=officer,
        section="details",
        data={"urgent": True, "urgent_reason": reason},
    )
    return contact


def test_an_urgent_flag_needs_a_reason(screening_officer):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    with pytest.raises(ValidationError) as exc:
        _urgent(contact, screening_officer, reason="   ")
    assert "urgent_reason" in exc.value.message_dict
    contact.refresh_from_db()
    assert not contact.urgent


def test_the_details_page_asks_for_the_reason_next_to_the_field(client, screening_officer):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    client.force_login(screening_officer)
    now = timezone.localtime()
    response = client.post(
        reverse("referrals:contact_section", args=[contact.pk, "details"]),
        {
            "source": "phone",
            "received_date_0": now.day,
            "received_date_1": now.month,
            "received_date_2": now.year,
            "received_time": "09:00",
            "information_only": "no",
            "urgent": "yes",
            "urgent_reason": "",
            "version": contact.version,
        },
    )
    assert response.status_code == 200
    assert "Enter why the contact is urgent" in response.text
    assert 'href="#id_urgent_reason"' in response.text


def test_unflagging_clears_the_reason(screening_officer):
    contact = _urgent(
        complete_contact(by=screening_officer, children=[PersonFactory()]), screening_officer
    )
    services.contact_update_section(
        contact=contact,
        by=screening_officer,
        section="details",
        data={"urgent": False, "urgent_reason": "left over"},
    )
    contact.refresh_from_db()
    assert (contact.urgent, contact.urgent_reason) == (False, "")


def _submitted(officer, profile, *, hours_ago: int, urgent=False):
    contact = complete_contact(
        by=officer,
        children=[PersonFactory()],
        received_at=timezone.now() - dt.timedelta(hours=hours_ago),
    )
    if urgent:
        _urgent(contact, officer)
    services.contact_submit(contact=contact, by=officer, profile=profile)
    return contact


def test_an_urgent_contact_tops_the_new_contacts_queue_above_red_merlins(
    camden, screening_officer, partner_user
):
    from referrals.merlin import services as merlin

    old = _submitted(screening_officer, camden, hours_ago=10)
    red = merlin.merlin_submit(by=partner_user, profile=camden, data=report("MER-R", rag="red"))
    urgent = _submitted(screening_officer, camden, hours_ago=1, urgent=True)
    order = [c.pk for c in selectors.queue_new(screening_officer)]
    assert order == [urgent.pk, red.contact.pk, old.pk]


def test_an_urgent_contact_tops_the_senior_practitioners_rating_queue_with_its_reason(
    client, camden, screening_officer, senior_practitioner
):
    old = _submitted(screening_officer, camden, hours_ago=10)
    urgent = _submitted(screening_officer, camden, hours_ago=1, urgent=True)
    for contact in (old, urgent):
        services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
    client.force_login(senior_practitioner)
    response = client.get(reverse("referrals:queue_awaiting_rating"))
    rows = [c.pk for c in response.context["page"].object_list]
    assert rows == [urgent.pk, old.pk]
    assert "Child says she cannot go home tonight" in response.text
    assert "Ordered by: urgent contacts first, then oldest first." in response.text


def test_the_new_contacts_queue_says_how_it_is_ordered(client, screening_officer):
    client.force_login(screening_officer)
    response = client.get(reverse("referrals:queue_new"))
    assert selectors.NEW_QUEUE_ORDER in response.text


def test_the_queues_order_is_served_by_an_index(screening_officer):
    names = {index.name for index in Contact._meta.indexes}
    assert {"contact_urgent_screening", "contact_urgent_queue"} <= names
    by_name = {index.name: index for index in Contact._meta.indexes}
    assert by_name["contact_urgent_screening"].fields == [
        "status",
        "-urgent",
        "screening_priority",
        "received_at",
    ]


def test_the_new_contacts_queue_costs_no_query_per_row(
    client, camden, screening_officer, partner_user, django_assert_max_num_queries
):
    from referrals.merlin import services as merlin

    for i in range(3):
        _submitted(screening_officer, camden, hours_ago=i, urgent=bool(i % 2))
        merlin.merlin_submit(by=partner_user, profile=camden, data=report(f"MER-{i}"))
    client.force_login(screening_officer)
    client.get(reverse("referrals:queue_new"))
    with django_assert_max_num_queries(20):
        response = client.get(reverse("referrals:queue_new"))
    assert response.status_code == 200
