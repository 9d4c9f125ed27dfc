"""The weekly unusual access report finds exactly the reads of a child's record by users with
no work on it, stores them, tells the managers once, and shows them on the managers' page."""

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from guardian.shortcuts import assign_perm

from accounts.models import AccessLog, Notification
from privacy.models import UnusualAccess
from privacy.unusual import last_full_week, unusual_access_report, week_bounds
from tests.factories import PersonFactory, TeamFactory, UserFactory, complete_contact

MONDAY = dt.date(2026, 11, 16)


def read(user, obj, *, path=None, at=None, details=None):
    kind = "people" if obj._meta.model_name == "person" else "contacts"
    row = AccessLog.objects.create(
        user=user,
        action="view",
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        description="Read",
        path=path or f"/{kind}/{obj.pk}/",
        details=details or {},
    )
    start, _ = week_bounds(MONDAY)
    AccessLog.objects.filter(pk=row.pk).update(at=at or start + dt.timedelta(days=2, hours=10))


@pytest.fixture
def scene(db, screening_officer):
    child = PersonFactory()
    adult = PersonFactory()
    contact = complete_contact(by=screening_officer, children=[child])
    from referrals import services

    services.contact_link_person(
        contact=contact, person=adult, by=screening_officer, role="parent_carer"
    )
    nosy, curious, granted, teammate, glass = (
        UserFactory(username=n) for n in ("nosy", "curious", "granted", "teammate", "glass")
    )
    assign_perm("referrals.view_contact", granted, contact)
    team = TeamFactory(name="A team")
    teammate.groups.add(team.group)
    assign_perm("referrals.view_contact", team.group, contact)
    start, end = week_bounds(MONDAY)
    read(nosy, child)  # unusual: the child's record, no work
    read(nosy, child, path=f"/people/{child.pk}/edit/")  # the same pair again
    read(curious, contact)  # unusual: the contact's page, about the child
    read(screening_officer, child)  # wrote the contact: work
    read(granted, contact)  # holds a grant on the contact: work
    read(teammate, child)  # their team holds a grant: work
    read(glass, child, details={"break_glass": 1})  # under a break glass: explained
    read(curious, child, path="/contacts/new/")  # a queue listing it: not a read of the record
    read(nosy, contact, at=start - dt.timedelta(minutes=1))  # before the week
    read(curious, child, at=end)  # after it
    return {"child": child, "adult": adult, "nosy": nosy, "curious": curious}


def test_the_report_finds_exactly_the_reads_without_work(scene, mash_manager, service_manager):
    report = unusual_access_report(week_start=MONDAY)
    found = {(r.user.username, r.person_id, r.reads) for r in report.rows.select_related("user")}
    assert found == {("nosy", scene["child"].pk, 2), ("curious", scene["child"].pk, 1)}
    assert report.reads_checked == 6  # the six reads of record pages, outside a break glass
    # The adult on the contact is not a child: reading the contact is not reading them.
    assert not UnusualAccess.objects.filter(person=scene["adult"]).exists()
    for manager in (mash_manager, service_manager):
        assert (
            Notification.objects.filter(
                user=manager, url=reverse("privacy:unusual_access_report", args=[report.pk])
            ).count()
            == 1
        )


def test_making_a_weeks_report_twice_changes_nothing(scene, mash_manager):
    first = unusual_access_report(week_start=MONDAY)
    again = unusual_access_report(week_start=MONDAY)
    assert first.pk == again.pk and UnusualAccess.objects.count() == 2
    assert Notification.objects.filter(user=mash_manager).count() == 1


def test_the_report_is_for_the_last_full_week():
    assert last_full_week(dt.date(2026, 11, 23)) == MONDAY  # a Monday: the week just ended
    assert last_full_week(dt.date(2026, 11, 29)) == MONDAY  # the Sunday after


def test_managers_see_the_weeks_and_the_rows(client, scene, team_manager):
    report = unusual_access_report(week_start=MONDAY)
    client.force_login(team_manager)
    page = client.get(reverse("privacy:unusual_access")).content.decode()
    assert "16 November 2026" in page
    page = client.get(reverse("privacy:unusual_access_report", args=[report.pk])).content.decode()
    assert scene["child"].case_number in page and "nosy" in page and "curious" in page
