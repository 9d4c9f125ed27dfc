"""Lists that grow with a child's history page: the person's contacts, a contact's previous
contacts and its history. Each page costs the same queries however long the list, and a junk,
zero, negative or huge page number shows the first or last page (as every list here does)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from referrals import services, views
from tests.factories import PersonFactory, complete_contact

JUNK = {"abc": 1, "0": "last", "-1": "last", "99999999": "last", "": 1, "1.5": 1}


@pytest.fixture
def small_pages(monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 3)


def submitted(by, profile, child):
    contact = complete_contact(by=by, children=[child])
    services.contact_submit(contact=contact, by=by, profile=profile)
    return contact


def _section(html: str, heading: str) -> str:
    """The page from `heading` to the next level 2 heading."""
    return html.split(heading, 1)[1].split("<h2", 1)[0]


def queries(client, url, **params) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured.captured_queries), response.content.decode()


def test_person_page_lists_contacts_a_page_at_a_time_in_a_fixed_number_of_queries(
    client, small_pages, screening_officer, camden
):
    child = PersonFactory()
    contacts = [submitted(screening_officer, camden, child) for _ in range(2)]
    client.force_login(screening_officer)
    url = reverse("referrals:person_detail", args=[child.pk])
    client.get(url)  # warm the process caches (content types, permissions)
    few, _ = queries(client, url)
    contacts += [submitted(screening_officer, camden, child) for _ in range(5)]

    many, first = queries(client, url)

    assert many == few
    newest = [c.reference for c in reversed(contacts)]
    listed = _section(first, '<h2 class="govuk-heading-m">Contacts</h2>')
    assert all(ref in listed for ref in newest[:3]) and newest[3] not in listed
    assert 'aria-label="Pages of contacts"' in listed and "Page 1 of 3" in listed
    _, last = queries(client, url, contacts=3)
    listed = _section(last, '<h2 class="govuk-heading-m">Contacts</h2>')
    assert newest[6] in listed and newest[5] not in listed and 'rel="prev"' in listed


@pytest.mark.parametrize("number, shows", JUNK.items())
def test_person_page_shows_the_first_or_last_page_for_a_junk_page_number(
    client, small_pages, screening_officer, camden, number, shows
):
    child = PersonFactory()
    for _ in range(4):
        submitted(screening_officer, camden, child)
    client.force_login(screening_officer)

    _, html = queries(client, reverse("referrals:person_detail", args=[child.pk]), contacts=number)

    assert f"Page {1 if shows == 1 else 2} of 2" in html


def test_contact_page_pages_previous_contacts_and_history_in_a_fixed_number_of_queries(
    client, small_pages, screening_officer, camden
):
    child = PersonFactory()
    submitted(screening_officer, camden, child)
    contact = submitted(screening_officer, camden, child)
    client.force_login(screening_officer)
    url = reverse("referrals:contact_detail", args=[contact.pk])
    client.get(url)
    few, _ = queries(client, url)
    earlier = [submitted(screening_officer, camden, child) for _ in range(5)]
    # The contact's own history grows too: every change of the contact is an entry.
    contact.refresh_from_db()

    many, html = queries(client, url)

    assert many == few
    assert 'aria-label="Pages of previous contacts"' in html
    listed = _section(html, "Previous contacts about these people")
    assert sum(ref.reference in listed for ref in earlier) == 3
    assert 'aria-label="Pages of history"' in html
    history = html.split('<ol class="app-timeline"', 1)[1].split("</ol>", 1)[0]
    assert history.count("app-timeline__item") == 3


@pytest.mark.parametrize("number", JUNK)
def test_contact_page_survives_junk_page_numbers_for_both_lists(
    client, small_pages, screening_officer, camden, number
):
    child = PersonFactory()
    for _ in range(4):
        submitted(screening_officer, camden, child)
    contact = submitted(screening_officer, camden, child)
    client.force_login(screening_officer)

    _, html = queries(
        client,
        reverse("referrals:contact_detail", args=[contact.pk]),
        previous=number,
        history=number,
    )

    assert "Previous contacts about these people" in html


def test_history_is_numbered_newest_highest_across_pages(
    client, small_pages, screening_officer, camden
):
    contact = submitted(screening_officer, camden, PersonFactory())
    client.force_login(screening_officer)
    url = reverse("referrals:contact_detail", args=[contact.pk])
    total = client.get(url).context["history_page"].paginator.count
    assert total > 3

    second = client.get(url, {"history": 2}).content.decode()

    assert f'<ol class="app-timeline" reversed start="{total - 3}">' in second


@pytest.mark.parametrize("number", ["1", "2", *JUNK])
def test_the_rating_page_pages_previous_contacts(
    client, small_pages, screening_officer, senior_practitioner, camden, number
):
    child = PersonFactory()
    earlier = [submitted(screening_officer, camden, child) for _ in range(4)]
    contact = submitted(screening_officer, camden, child)
    services.contact_screen(contact=contact, by=screening_officer, profile=camden, rationale="")
    client.force_login(senior_practitioner)

    _, html = queries(client, reverse("referrals:contact_rate", args=[contact.pk]), previous=number)

    listed = sum(c.reference in html for c in earlier)
    assert 'aria-label="Pages of previous contacts"' in html
    assert listed == (3 if number in ("1", "abc", "", "1.5") else 1)
