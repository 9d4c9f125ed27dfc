"""The management-information figures for a period (a minimal set: contacts by source and by
status). The full set, and the MI page, replace this module; callers rely only on
`sections_for(period, profile) -> list[Section]`.

Every figure is counted in SQL (GROUP BY), one query per table, whatever the period's size.
"""

import datetime as dt

from django.db.models import Count
from django.utils import timezone

from referrals.models import Contact, ContactStatus, ReferralSource
from thresholds.models import CouncilProfile

from .tables import Column, Period, Section, Table


def _received_in(period: Period):
    """Contacts received in the period (local days), drafts aside: they have not arrived."""
    zone = timezone.get_current_timezone()
    start = dt.datetime.combine(period.start, dt.time.min, tzinfo=zone)
    end = dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
    return Contact.objects.filter(received_at__gte=start, received_at__lt=end).exclude(
        status=ContactStatus.DRAFT
    )


def _counted(period: Period, field: str, labels: dict[str, str], blank: str) -> list[dict]:
    counts = dict(
        _received_in(period)
        .order_by()
        .values_list(field)
        .annotate(n=Count("pk"))
        .values_list(field, "n")
    )
    rows = [
        {"label": label, "count": counts.get(code, 0)}
        for code, label in labels.items()
        if counts.get(code, 0)
    ]
    if counts.get("", 0):
        rows.append({"label": blank, "count": counts[""]})
    return rows


def contacts_by_source(period: Period, profile: CouncilProfile) -> Table:
    return Table(
        key="contacts_by_source",
        title="Contacts by referral source",
        caption="Contacts received in the period, by CIN census referral source",
        columns=(Column("label", "Referral source"), Column("count", "Contacts", numeric=True)),
        rows=_counted(period, "referral_source", dict(ReferralSource.choices), "Not recorded"),
        label_key="label",
        value_key="count",
    )


def contacts_by_status(period: Period, profile: CouncilProfile) -> Table:
    return Table(
        key="contacts_by_status",
        title="Contacts by where they are now",
        caption="Contacts received in the period, by their status today",
        columns=(Column("label", "Status"), Column("count", "Contacts", numeric=True)),
        rows=_counted(period, "status", dict(ContactStatus.choices), "Unknown"),
        label_key="label",
        value_key="count",
    )


def sections_for(period: Period, profile: CouncilProfile) -> list[Section]:
    """Every figure for the period, in the order the MI page and the reports show them."""
    return [
        Section(
            key="contacts",
            title="Contacts",
            tables=[contacts_by_source(period, profile), contacts_by_status(period, profile)],
        )
    ]
