# ruff: noqa: S608 -- only table names from the models' metadata are interpolated; values are
# query parameters.
"""Unusual access: reads of a child's record by someone with no work on it, reported weekly.

A **read of a child's record** is an access-log "view" row written by one of the record's
own pages: the person's pages (`/people/<id>/...`) for that person, or a contact's pages
(`/contacts/<id>/...`) for each child on the contact. Rows a queue, list or search page
wrote when it listed the record are not counted: listing is how work arrives, and would
bury the report in noise.

A user **had work on it** when any of these holds:
- they, or a group they are in (their team, their agency), hold an object permission on a
  contact about the child, on the child's person record, on a MASH enquiry into one of those
  contacts, or on a family work case the child is in (grants are how work is given out);
- they created or changed the child's person record, a contact about the child or the
  child's link to a contact (their name is on a history row), or they are the allocated
  worker of one of the child's involvements;
- they read it under a break glass (the read's log row names it; the MASH and team managers
  were told when the glass was broken, and its reason is on record).

Everything else is unusual and goes in the week's report. The query is one statement over
the week's slice of the access log (its `at` index), grouped per user and child, and each
"work" test is an EXISTS probe on indexed foreign keys: no query per row.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import AccessLog, User
from accounts.roles import Role
from accounts.services import Notice, notify_many
from early_help.models import (
    FamilyWorkCase,
    FamilyWorkCaseGroupObjectPermission,
    FamilyWorkCaseUserObjectPermission,
)
from mash.models import Enquiry, EnquiryGroupObjectPermission, EnquiryUserObjectPermission
from referrals.models import (
    Contact,
    ContactGroupObjectPermission,
    ContactPerson,
    ContactRole,
    ContactUserObjectPermission,
    Involvement,
    Person,
    PersonGroupObjectPermission,
    PersonUserObjectPermission,
)

from .models import UnusualAccess, UnusualAccessReport

REPORT_ROLES = (Role.MASH_MANAGER, Role.TEAM_MANAGER, Role.SERVICE_MANAGER)


def _t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _prefix(name: str) -> str:
    """The part of a record page's address before its id: `/people/` for person_detail."""
    marker = 987654321
    url = reverse(name, args=[marker])
    return url[: url.index(str(marker))]


def _reads_cte() -> str:
    log, cp = _t(AccessLog), _t(ContactPerson)
    return f"""
    WITH reads AS (
        SELECT a.user_id, a.object_id AS person_id, a.at
        FROM {log} a
        WHERE a.at >= %(start)s AND a.at < %(end)s AND a.action = 'view'
          AND a.content_type_id = %(person_ct)s
          AND a.path LIKE %(person_prefix)s || a.object_id::text || '/%%'
          AND NOT (a.details ? 'break_glass')
        UNION ALL
        SELECT a.user_id, c.person_id, a.at
        FROM {log} a JOIN {cp} c ON c.contact_id = a.object_id AND c.role = %(child)s
        WHERE a.at >= %(start)s AND a.at < %(end)s AND a.action = 'view'
          AND a.content_type_id = %(contact_ct)s
          AND a.path LIKE %(contact_prefix)s || a.object_id::text || '/%%'
          AND NOT (a.details ? 'break_glass')
    )"""


def _sql() -> str:
    user_groups = connection.ops.quote_name(User.groups.through._meta.db_table)
    fwc_children = connection.ops.quote_name(FamilyWorkCase.children.through._meta.db_table)
    cp = _t(ContactPerson)
    hist_contact, hist_person = _t(Contact.history.model), _t(Person.history.model)
    hist_link = _t(ContactPerson.history.model)

    def granted(user_table: str, group_table: str, object_ids: str) -> str:
        return f"""
        EXISTS (SELECT 1 FROM {user_table} g
                WHERE g.user_id = r.user_id AND g.content_object_id IN ({object_ids}))
        OR EXISTS (SELECT 1 FROM {group_table} g JOIN {user_groups} ug
                     ON ug.group_id = g.group_id AND ug.user_id = r.user_id
                   WHERE g.content_object_id IN ({object_ids}))"""

    contacts_of = f"SELECT c.contact_id FROM {cp} c WHERE c.person_id = r.person_id"
    enquiries_of = f"SELECT e.id FROM {_t(Enquiry)} e WHERE e.contact_id IN ({contacts_of})"
    cases_of = f"SELECT f.familyworkcase_id FROM {fwc_children} f WHERE f.person_id = r.person_id"
    return f"""{_reads_cte()},
    per_child AS (
        SELECT user_id, person_id, count(*) AS reads, min(at) AS first_at, max(at) AS last_at
        FROM reads GROUP BY user_id, person_id
    )
    SELECT r.user_id, r.person_id, r.reads, r.first_at, r.last_at
    FROM per_child r
    WHERE NOT (
        {granted(_t(ContactUserObjectPermission), _t(ContactGroupObjectPermission), contacts_of)}
        OR {granted(_t(PersonUserObjectPermission), _t(PersonGroupObjectPermission), "r.person_id")}
        OR {
        granted(_t(EnquiryUserObjectPermission), _t(EnquiryGroupObjectPermission), enquiries_of)
    }
        OR {
        granted(
            _t(FamilyWorkCaseUserObjectPermission),
            _t(FamilyWorkCaseGroupObjectPermission),
            cases_of,
        )
    }
        OR EXISTS (SELECT 1 FROM {hist_person} h
                   WHERE h.id = r.person_id AND h.history_user_id = r.user_id)
        OR EXISTS (SELECT 1 FROM {hist_link} h
                   WHERE h.person_id = r.person_id AND h.history_user_id = r.user_id)
        OR EXISTS (SELECT 1 FROM {hist_contact} h
                   WHERE h.id IN ({contacts_of}) AND h.history_user_id = r.user_id)
        OR EXISTS (SELECT 1 FROM {_t(Involvement)} i
                   WHERE i.person_id = r.person_id AND i.allocated_worker_id = r.user_id)
    )
    ORDER BY r.user_id, r.person_id
    """


def params(start: dt.datetime, end: dt.datetime) -> dict:
    return {
        "start": start,
        "end": end,
        "person_ct": ContentType.objects.get_for_model(Person).pk,
        "contact_ct": ContentType.objects.get_for_model(Contact).pk,
        "person_prefix": _prefix("referrals:person_detail"),
        "contact_prefix": _prefix("referrals:contact_detail"),
        "child": ContactRole.CHILD.value,
    }


def unusual_reads(start: dt.datetime, end: dt.datetime) -> tuple[list[tuple], int]:
    """(user_id, person_id, reads, first_at, last_at) for each unusual pair, and reads checked."""
    values = params(start, end)
    with connection.cursor() as cursor:
        cursor.execute(_sql(), values)
        rows = cursor.fetchall()
        cursor.execute(f"{_reads_cte()} SELECT count(*) FROM reads", values)
        checked = cursor.fetchone()[0]
    return rows, checked


def week_bounds(week_start: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """Monday 00:00 to the next Monday 00:00, London time, as aware datetimes."""
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(week_start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(week_start + dt.timedelta(days=7), dt.time.min, tzinfo=tz)
    return start, end


def last_full_week(today: dt.date) -> dt.date:
    """The Monday of the last week that has ended by `today`."""
    return today - dt.timedelta(days=today.weekday() + 7)


def unusual_access_report(*, week_start: dt.date | None = None) -> UnusualAccessReport:
    """Make (once) the report of a week's unusual access and tell the managers; idempotent."""
    week_start = week_start or last_full_week(timezone.localdate())
    if week_start.weekday() != 0:
        raise ValueError("A week starts on a Monday.")
    with transaction.atomic():
        existing = UnusualAccessReport.objects.filter(week_start=week_start).first()
        if existing is not None:
            return existing
        start, end = week_bounds(week_start)
        rows, checked = unusual_reads(start, end)
        report = UnusualAccessReport(
            week_start=week_start,
            week_end=week_start + dt.timedelta(days=6),
            made_at=timezone.now(),
            reads_checked=checked,
        )
        report._change_reason = "Weekly unusual access report"
        report.save()
        UnusualAccess.objects.bulk_create(
            UnusualAccess(
                report=report,
                user_id=user_id,
                person_id=person_id,
                reads=reads,
                first_at=first_at,
                last_at=last_at,
            )
            for user_id, person_id, reads, first_at, last_at in rows
        )
        managers = User.objects.filter(
            is_active=True, groups__name__in=[r.value for r in REPORT_ROLES]
        ).distinct()
        people = len({row[1] for row in rows})
        title = (
            f"Unusual access in the week of {week_start:%d %B %Y}: {people} "
            f"{'child' if people == 1 else 'children'} read by staff with no work on them"
        )
        url = reverse("privacy:unusual_access_report", args=[report.pk])
        if rows:  # a quiet week is on the reports page; nobody needs telling
            notify_many(notices=[Notice(user=m, title=title, url=url) for m in managers])
    return report
