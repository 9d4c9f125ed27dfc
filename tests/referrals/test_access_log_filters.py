"""Who has looked at this child: the person's log covers their contacts too, filters by
date, user, action and contact, and exports the filtered rows as formula-safe CSV."""

import csv
import datetime as dt
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog
from referrals.models import Contact, Person
from tests.factories import PersonFactory, UserFactory, complete_contact


def read(user, obj, *, days_ago=0, action="view", description="Read"):
    row = AccessLog.objects.create(
        user=user,
        action=action,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        description=description,
        path="/somewhere/",
    )
    AccessLog.objects.filter(pk=row.pk).update(at=timezone.now() - dt.timedelta(days=days_ago))
    return row


@pytest.fixture
def log(db, screening_officer):
    child = PersonFactory()
    first = complete_contact(by=screening_officer, children=[child])
    second = complete_contact(by=screening_officer, children=[child])
    other = complete_contact(by=screening_officer, children=[PersonFactory()])
    nosy = UserFactory(username="nosy", first_name="Nosy", last_name="Parker")
    sneaky = UserFactory(username="sneaky", first_name="=HYPERLINK(1)", last_name="")
    rows = {
        "old person read": read(nosy, child, days_ago=40),
        "first contact read": read(nosy, first, days_ago=2),
        "second contact search": read(sneaky, second, days_ago=1, action="search"),
        "person read": read(sneaky, child, description="=cmd|' /C calc'!A0"),
        "unrelated": read(nosy, other),
    }
    return {
        "child": child,
        "first": first,
        "second": second,
        "nosy": nosy,
        "sneaky": sneaky,
        "rows": rows,
    }


def shown(response) -> set[int]:
    return {row.pk for row in response.context["page"].object_list}


def test_the_persons_log_lists_reads_of_them_and_of_every_contact_they_are_on(
    client, mash_manager, log
):
    client.force_login(mash_manager)
    url = reverse("referrals:person_access_log", args=[log["child"].pk])
    rows = log["rows"]
    got = shown(client.get(url))
    want = {r.pk for k, r in rows.items() if k != "unrelated"}
    assert want <= got and rows["unrelated"].pk not in got


@pytest.mark.parametrize(
    "query,expected",
    [
        ("user={nosy}", {"old person read", "first contact read"}),
        ("action=search", {"second contact search"}),
        ("contact={first}", {"first contact read"}),
        (
            "date_from_0={d.day}&date_from_1={d.month}&date_from_2={d.year}&user={nosy}",
            {"first contact read"},
        ),
        ("date_to_0={e.day}&date_to_1={e.month}&date_to_2={e.year}", {"old person read"}),
    ],
)
def test_the_log_filters_by_date_user_action_and_contact(
    client, mash_manager, log, query, expected
):
    client.force_login(mash_manager)
    today = timezone.localdate()
    query = query.format(
        nosy=log["nosy"].pk,
        first=log["first"].pk,
        d=today - dt.timedelta(days=5),
        e=today - dt.timedelta(days=30),
    )
    url = reverse("referrals:person_access_log", args=[log["child"].pk]) + "?" + query
    got = shown(client.get(url))
    assert got == {log["rows"][k].pk for k in expected}


def test_a_nonsense_filter_is_answered_on_the_page_not_with_an_error(client, mash_manager, log):
    client.force_login(mash_manager)
    url = reverse("referrals:person_access_log", args=[log["child"].pk])
    response = client.get(
        url + "?user=abc&date_from_0=99&date_from_1=1&date_from_2=2026&contact=999999"
    )
    assert response.status_code == 200
    assert response.context["form"].errors


def test_the_export_is_the_filtered_rows_as_formula_safe_csv_and_is_logged(
    client, mash_manager, log
):
    client.force_login(mash_manager)
    child = log["child"]
    url = reverse("referrals:person_access_log_export", args=[child.pk])
    response = client.get(url + f"?user={log['sneaky'].pk}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["When", "Who", "Username", "Action", "Record", "Page"]
    assert len(rows) == 3
    assert {r[1] for r in rows[1:]} == {"'=HYPERLINK(1)"}
    assert "'=cmd|' /C calc'!A0" in {r[4] for r in rows[1:]}
    assert AccessLog.objects.filter(
        user=mash_manager,
        content_type=ContentType.objects.get_for_model(Person),
        object_id=child.pk,
        description__startswith="Access log of",
    ).exists()


def test_the_log_page_and_export_take_a_fixed_number_of_queries(client, mash_manager, log):
    client.force_login(mash_manager)
    child, contact = log["child"], log["first"]
    url = reverse("referrals:person_access_log", args=[child.pk])
    export = reverse("referrals:person_access_log_export", args=[child.pk])

    def count(target):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(target)
            if hasattr(response, "streaming_content"):
                b"".join(response.streaming_content)
        return len(queries)

    before = (count(url), count(export))
    for n in range(30):
        read(UserFactory(username=f"reader{n}"), contact)
    assert (count(url), count(export)) == before


def test_the_contact_log_has_no_contact_filter(client, mash_manager, log):
    client.force_login(mash_manager)
    response = client.get(reverse("referrals:contact_access_log", args=[log["first"].pk]))
    assert "contact" not in response.context["form"].fields
    assert shown(response) == {log["rows"]["first contact read"].pk}
    assert Contact.objects.filter(pk=log["first"].pk).exists()
