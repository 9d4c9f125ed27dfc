"""A partner sees the adults named on the contact as well as the children, and answers its
requests in order of urgency, each with its clock (issue 12)."""

import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog, AgencyKind
from mash.access import partner_inbox_requests
from referrals.models import ContactRole, RelationshipType
from tests.factories import PersonFactory, agency_user
from tests.mash.records import checks_requested, mash_contact
from thresholds.models import ClockKind, Deadline


@pytest.fixture
def people(db):
    return {
        "child": PersonFactory(first_name="Ada", last_name="Okafor"),
        "mother": PersonFactory(
            first_name="Grace", last_name="Okafor", date_of_birth=dt.date(1990, 3, 14)
        ),
        "suspect": PersonFactory(first_name="Derek", last_name="Vance"),
    }


@pytest.fixture
def make(havering, screening_officer, senior_practitioner, mash_manager, mash_social_worker):
    def make(rag="red", children=None, adults=()):
        contact = mash_contact(
            officer=screening_officer,
            senior=senior_practitioner,
            profile=havering,
            rag=rag,
            children=children,
            adults=adults,
        )
        return checks_requested(
            contact=contact, profile=havering, manager=mash_manager, worker=mash_social_worker
        )

    return make


def test_a_partner_sees_the_adults_named_with_their_role_and_the_read_is_logged(
    client, make, people
):
    _, requests = make(
        children=[people["child"]],
        adults=[
            (people["mother"], ContactRole.PARENT_CARER, RelationshipType.MOTHER),
            (people["suspect"], ContactRole.ALLEGED_PERPETRATOR, ""),
        ],
    )
    police = requests[AgencyKind.POLICE]
    user = agency_user(police.agency)
    client.force_login(user)
    page = client.get(reverse("mash:partner_request", args=[police.pk])).content.decode()
    assert "Adults named" in page
    assert "Grace Okafor" in page and "Derek Vance" in page
    assert "Parent or carer (mother)" in page
    assert "Alleged perpetrator" in page
    assert "14 March 1990" in page
    # Only what the request needs: no phone number, concerns or referrer of the contact.
    assert "Pat Example" not in page
    assert "Child arrived with bruising" not in page
    logged = AccessLog.objects.filter(user=user, content_type__model="person")
    assert {people["mother"].pk, people["suspect"].pk, people["child"].pk} <= set(
        logged.values_list("object_id", flat=True)
    )


def test_a_contact_naming_no_adult_says_so(client, make):
    _, requests = make()
    police = requests[AgencyKind.POLICE]
    client.force_login(agency_user(police.agency))
    page = client.get(reverse("mash:partner_request", args=[police.pk])).content.decode()
    assert "No adults are named on this contact." in page


def test_a_request_carries_its_own_clocks_due_time_and_rag(make):
    _, requests = make(rag="red")
    police = requests[AgencyKind.POLICE]
    clock = Deadline.objects.get(kind=ClockKind.PARTNER_CHECK, subject_id=police.pk)
    assert police.due_at == clock.due_at
    assert police.rag == "red"


def test_a_red_request_due_in_hours_is_above_an_amber_one_asked_earlier(client, make, havering):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=1)):
        _, amber = make(rag="amber")  # asked first, due in one working day
    _, red = make(rag="red")  # asked an hour later, due in 4 hours
    agency = red[AgencyKind.POLICE].agency
    user = agency_user(agency)
    ordered = [r.pk for r in partner_inbox_requests(user)]
    assert ordered == [red[AgencyKind.POLICE].pk, amber[AgencyKind.POLICE].pk]
    client.force_login(user)
    page = client.get(reverse("mash:partner_inbox")).content.decode()
    links = re.findall(r'href="/partner/requests/(\d+)/"', page)
    assert links == [str(red[AgencyKind.POLICE].pk), str(amber[AgencyKind.POLICE].pk)]
    assert re.search(r"\d+ hours?( \d+ minutes?)? left", page)
    assert "Overdue overdue" not in page


def test_an_overdue_request_says_overdue_once(client, make):
    with time_machine.travel(timezone.now() - dt.timedelta(days=3)):
        _, requests = make(rag="red")
    police = requests[AgencyKind.POLICE]
    client.force_login(agency_user(police.agency))
    page = client.get(reverse("mash:partner_inbox")).content.decode()
    assert re.search(r"overdue by \d+ (days?|hours?)", page)
    text = re.sub(r"<[^>]+>", " ", page)  # the words shown, not class names
    assert not re.search(r"overdue\W+overdue", text, re.IGNORECASE)


def test_a_partners_work_tray_shows_their_agencys_clocks_most_urgent_first(client, make):
    with time_machine.travel(timezone.now() - dt.timedelta(hours=1)):
        _, amber = make(rag="amber")
    _, red = make(rag="red")
    user = agency_user(red[AgencyKind.POLICE].agency)
    client.force_login(user)
    page = client.get(reverse("work_tray")).content.decode()
    assert "Your agency&#x27;s requests for checks" in page or "Your agency's requests" in page
    tray = page[page.index('id="partner-clocks"') :]
    links = re.findall(r'href="/partner/requests/(\d+)/"', tray)
    assert links[:2] == [str(red[AgencyKind.POLICE].pk), str(amber[AgencyKind.POLICE].pk)]
    assert "left" in tray


def test_a_mash_workers_work_tray_names_the_agency_of_each_partner_check(
    client, make, mash_manager
):
    make(rag="red")
    client.force_login(mash_manager)
    page = client.get(reverse("work_tray")).content.decode()
    assert "Partner agency check" in page
    assert "Checks from" in page


def test_a_partners_tray_holds_only_open_requests_most_urgent_first_up_to_its_limit(make):
    from mash.models import PartnerRequest, RequestStatus
    from mash.selectors import partner_tray

    with time_machine.travel(timezone.now() - dt.timedelta(hours=1)):
        _, amber = make(rag="amber")
    _, red = make(rag="red")
    _, answered = make(rag="red")
    police = [r[AgencyKind.POLICE] for r in (amber, red, answered)]
    PartnerRequest.objects.filter(pk=police[2].pk).update(status=RequestStatus.ANSWERED)
    user = agency_user(police[0].agency)

    assert [r.pk for r in partner_tray(user)] == [police[1].pk, police[0].pk]
    assert [r.pk for r in partner_tray(user, limit=1)] == [police[1].pk]
    assert all(r.clock is not None for r in partner_tray(user))
