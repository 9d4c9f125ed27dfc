"""Pages: logging through forms, errors that keep what was typed, the access log, queues."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from referrals import services
from referrals.models import Contact, ContactStatus, Person
from tests.factories import PersonFactory, complete_contact


def test_start_contact_rejects_future_time_and_keeps_answers(client, screening_officer):
    client.force_login(screening_officer)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("referrals:contact_start"),
        {
            "source": "phone",
            "received_date_0": tomorrow.day,
            "received_date_1": tomorrow.month,
            "received_date_2": tomorrow.year,
            "received_time": "9:30am",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "must be in the past" in body
    assert 'value="9:30am"' in body
    assert not Contact.objects.exists()


def test_start_contact_rejects_nonsense_time(client, screening_officer):
    client.force_login(screening_officer)
    today = timezone.localdate()
    response = client.post(
        reverse("referrals:contact_start"),
        {
            "source": "phone",
            "received_date_0": today.day,
            "received_date_1": today.month,
            "received_date_2": today.year,
            "received_time": "25:99",
        },
    )
    assert "Enter a real time" in response.content.decode()


def test_start_contact_creates_draft_and_opens_task_list(client, screening_officer):
    client.force_login(screening_officer)
    today = timezone.localdate()
    response = client.post(
        reverse("referrals:contact_start"),
        {
            "source": "ecaf",
            "received_date_0": today.day,
            "received_date_1": today.month,
            "received_date_2": today.year,
            "received_time": "00:05",
            "ecaf_safeguarding": "yes",
        },
    )
    contact = Contact.objects.get()
    assert response.url == reverse("referrals:contact_task_list", args=[contact.pk])
    assert contact.status == ContactStatus.DRAFT and contact.ecaf_safeguarding is True


def test_new_person_with_invalid_nhs_number_is_refused_next_to_the_field(client, screening_officer):
    client.force_login(screening_officer)
    contact = services.contact_start(
        by=screening_officer, source="phone", received_at=timezone.now()
    )
    response = client.post(
        reverse("referrals:contact_new_person", args=[contact.pk]) + "?role=child",
        {
            "first_name": "Noah",
            "last_name": "Green",
            "sex": "M",
            "ethnicity": "WBRI",
            "nhs_number": "943 476 5918",
        },
    )
    body = response.content.decode()
    assert "Enter a valid NHS number" in body
    assert 'value="Noah"' in body
    assert not Person.objects.filter(last_name="Green").exists()


def test_new_person_with_an_existing_nhs_number_points_to_the_record(client, screening_officer):
    existing = PersonFactory()
    client.force_login(screening_officer)
    contact = services.contact_start(
        by=screening_officer, source="phone", received_at=timezone.now()
    )
    response = client.post(
        reverse("referrals:contact_new_person", args=[contact.pk]) + "?role=child",
        {
            "first_name": "Other",
            "last_name": "Name",
            "sex": "U",
            "ethnicity": "NOBT",
            "nhs_number": existing.nhs_number,
        },
    )
    assert existing.case_number in response.content.decode()


def test_new_adult_is_created_and_linked_with_parental_responsibility(client, screening_officer):
    client.force_login(screening_officer)
    contact = services.contact_start(
        by=screening_officer, source="phone", received_at=timezone.now()
    )
    response = client.post(
        reverse("referrals:contact_new_person", args=[contact.pk]) + "?role=adult",
        {
            "role": "parent_carer",
            "relationship_to_children": "father",
            "has_parental_responsibility": "yes",
            "lives_with_children": "no",
            "first_name": "Tom",
            "last_name": "Baker",
            "sex": "M",
            "ethnicity": "WBRI",
            "line_1": "1 Camden Road",
            "postcode": "nw1 9aa",
        },
    )
    assert response.status_code == 302
    link = contact.contact_people.get()
    assert link.has_parental_responsibility is True and link.lives_with_children is False
    assert link.person.address.postcode == "NW1 9AA"


def test_viewing_contact_and_person_is_logged_and_managers_see_who(
    client, screening_officer, mash_manager, camden
):
    child = PersonFactory()
    contact = complete_contact(by=screening_officer, children=[child])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    client.force_login(screening_officer)
    client.get(reverse("referrals:contact_detail", args=[contact.pk]))
    client.get(reverse("referrals:person_detail", args=[child.pk]))
    assert AccessLog.objects.filter(user=screening_officer, object_id=contact.pk).exists()
    assert AccessLog.objects.filter(user=screening_officer, object_id=child.pk).exists()
    client.force_login(mash_manager)
    page = client.get(reverse("referrals:person_access_log", args=[child.pk])).content.decode()
    assert screening_officer.username in page


def test_searches_are_logged_with_the_people_they_returned(client, screening_officer):
    child = PersonFactory(last_name="Okonkwo")
    client.force_login(screening_officer)
    client.get(reverse("referrals:person_search"), {"search": "1", "last_name": "Okonkwo"})
    entry = AccessLog.objects.get(action="search")
    assert entry.details["results"] == [child.case_number]


def test_empty_search_asks_for_something_to_search_for(client, screening_officer):
    client.force_login(screening_officer)
    body = client.get(reverse("referrals:person_search"), {"search": "1"}).content.decode()
    assert "Enter a name, date of birth or NHS number" in body


def test_draft_submitted_elsewhere_sends_editor_to_contact_page(client, screening_officer, camden):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    client.force_login(screening_officer)
    response = client.get(reverse("referrals:contact_section", args=[contact.pk, "concerns"]))
    assert response.url == contact.get_absolute_url()


@pytest.mark.parametrize("rows", [1, 15])
def test_queue_issues_the_same_number_of_queries_whatever_its_length(
    client, screening_officer, camden, rows
):
    children = [PersonFactory() for _ in range(2)]
    for _ in range(rows):
        contact = complete_contact(by=screening_officer, children=children)
        services.contact_submit(contact=contact, by=screening_officer, profile=camden)
    client.force_login(screening_officer)
    client.get(reverse("referrals:queue_new"))  # process-wide caches (content types) warm
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("referrals:queue_new"))
    assert response.status_code == 200
    assert response.content.decode().count("govuk-table__row") == rows + 1
    # Session, user, roles, the header's service name, count, rows + prefetch, the open
    # duplicate flags both ways round (these contacts are all about the same children, so each
    # is flagged), one access-log insert: constant.
    assert len(ctx.captured_queries) <= 14, "\n".join(q["sql"][:90] for q in ctx.captured_queries)


def test_person_details_are_corrected_with_history(client, screening_officer):
    person = PersonFactory(first_name="Jon", last_name="Smith")
    client.force_login(screening_officer)
    form = client.get(reverse("referrals:person_edit", args=[person.pk]))
    assert 'value="Jon"' in form.content.decode()
    response = client.post(
        reverse("referrals:person_edit", args=[person.pk]),
        {
            "first_name": "John",
            "last_name": "Smith",
            "sex": "M",
            "ethnicity": "WBRI",
            "nhs_number": person.nhs_number,
            "date_of_birth_0": person.date_of_birth.day,
            "date_of_birth_1": person.date_of_birth.month,
            "date_of_birth_2": person.date_of_birth.year,
            # The page's hidden version: the edit is of the record as the page showed it.
            "version": person.version,
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.first_name == "John" and person.first_name_key == "J500"
    latest = person.history.first()
    assert (
        latest.history_user == screening_officer
        and latest.history_change_reason == "Details corrected"
    )


def _awaiting(officer, profile):
    contact = complete_contact(by=officer, children=[PersonFactory()])
    services.contact_submit(contact=contact, by=officer, profile=profile)
    services.contact_screen(contact=contact, by=officer, profile=profile, rationale="")
    return contact


def test_rating_page_shows_thresholds_and_keeps_answers_on_error(
    client, screening_officer, senior_practitioner, camden
):
    contact = _awaiting(screening_officer, camden)
    client.force_login(senior_practitioner)
    page = client.get(reverse("referrals:contact_rate", args=[contact.pk])).content.decode()
    assert "Level 4: Child protection" in page and "Levels of need" in page
    response = client.post(
        reverse("referrals:contact_rate", args=[contact.pk]),
        {
            "rag": "amber",
            "level": "3",
            "cp_concerns": "no",
            "outcome": "social_work_referral",
            "rationale": "Kept text",
        },
    )
    body = response.content.decode()
    assert "Select the social work team" in body and "Kept text" in body
    contact.refresh_from_db()
    assert contact.status == ContactStatus.AWAITING_RATING


def test_rating_red_sends_contact_to_mash_and_shows_its_clock(
    client, screening_officer, senior_practitioner, camden
):
    contact = _awaiting(screening_officer, camden)
    client.force_login(senior_practitioner)
    response = client.post(
        reverse("referrals:contact_rate", args=[contact.pk]),
        {"rag": "red", "level": "4", "cp_concerns": "yes", "rationale": "Bruising to a baby"},
    )
    assert response.status_code == 302
    page = client.get(contact.get_absolute_url()).content.decode()
    assert "With the MASH manager" in page and "Red: partner checks and decision" in page
    assert "3 hours 59 minutes left" in page or "4 hours left" in page


def test_every_page_showing_a_contact_logs_the_read(
    client, screening_officer, senior_practitioner, camden
):
    draft = complete_contact(by=screening_officer, children=[PersonFactory()])
    client.force_login(screening_officer)
    client.get(reverse("referrals:contact_task_list", args=[draft.pk]))
    client.get(reverse("referrals:contact_check", args=[draft.pk]))
    submitted = complete_contact(by=screening_officer, children=[PersonFactory()])
    services.contact_submit(contact=submitted, by=screening_officer, profile=camden)
    client.get(reverse("referrals:contact_screen", args=[submitted.pk]))
    services.contact_screen(contact=submitted, by=screening_officer, profile=camden, rationale="")
    client.force_login(senior_practitioner)
    client.get(reverse("referrals:contact_rate", args=[submitted.pk]))
    paths = set(AccessLog.objects.filter(action="view").values_list("path", flat=True))
    assert paths == {
        reverse("referrals:contact_task_list", args=[draft.pk]),
        reverse("referrals:contact_check", args=[draft.pk]),
        reverse("referrals:contact_screen", args=[submitted.pk]),
        reverse("referrals:contact_rate", args=[submitted.pk]),
    }


def _namesakes(n):
    for i in range(n):
        PersonFactory(
            first_name="Liam", last_name="Jones", date_of_birth=dt.date(2010, 1, 1 + i % 28)
        )


@pytest.mark.parametrize("namesakes, warned", [(26, True), (3, False)])
def test_a_name_search_with_more_namesakes_than_shown_says_so(
    client, screening_officer, namesakes, warned
):
    """A list cut at its limit must not read as "everyone who matches": the officer could
    create a duplicate record for a child already known."""
    _namesakes(namesakes)
    client.force_login(screening_officer)
    draft = complete_contact(by=screening_officer, children=[])
    query = {"search": "1", "first_name": "Liam", "last_name": "Jones"}
    for url in (
        reverse("referrals:person_search"),
        reverse("referrals:contact_find_person", args=[draft.pk]),
    ):
        body = client.get(url, query).content.decode()
        assert "Liam Jones" in body
        assert ("More people may match these details than the 25 shown" in body) is warned
