"""Reporting records: contacts received in two quarters, and a quarterly report."""

import datetime as dt

import pytest
from django.utils import timezone

from referrals import services as referral_services
from reporting import services
from reporting.models import ReportKind
from reporting.tables import Period
from tests.factories import PersonFactory, complete_contact

QUARTER = Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30))


def received(day: dt.date, *, by, profile, referral_source: str = "2A"):
    """A submitted contact received at noon on `day`."""
    at = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
    contact = complete_contact(by=by, children=[PersonFactory()], received_at=at)
    if referral_source != "2A":
        referral_services.contact_update_section(
            contact=contact,
            by=by,
            section="referrer",
            data={
                "referrer_is_professional": True,
                "referrer_name": "Pat Example",
                "referral_source": referral_source,
                "referrer_organisation": "Example",
                "referrer_role": "Officer",
                "referrer_phone": "020 7946 0000",
            },
        )
    return referral_services.contact_submit(contact=contact, by=by, profile=profile)


@pytest.fixture
def two_quarters(camden, screening_officer):
    """Three contacts from schools and one from the police in Q3 2026; one school in Q2."""
    for day in (dt.date(2026, 7, 3), dt.date(2026, 8, 10), dt.date(2026, 9, 30)):
        received(day, by=screening_officer, profile=camden)
    received(dt.date(2026, 8, 11), by=screening_officer, profile=camden, referral_source="6")
    received(dt.date(2026, 6, 30), by=screening_officer, profile=camden)


@pytest.fixture
def report(camden, service_manager):
    return services.report_start(
        kind=ReportKind.QUARTERLY, period=QUARTER, profile=camden, by=service_manager
    )
