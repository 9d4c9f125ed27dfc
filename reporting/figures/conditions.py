"""The period's contacts and the conditions a figure and its click-through share."""

import datetime as dt

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from early_help.models import EarlyHelpDecision
from mash.models import (
    AnswerStatus,
    ConsentDecision,
    Enquiry,
    PartnerAnswer,
    PartnerRequest,
)
from referrals.models import (
    CinEpisode,
    Contact,
    ContactPerson,
    ContactRole,
    ContactStatus,
    Referral,
)
from thresholds.models import Deadline

from ..tables import Period

# "Within 12 months" (repeat contacts, re-referrals), counted in days as Annex A does.
REPEAT_WINDOW = dt.timedelta(days=365)
# Where the front door's part of the work is still to do: workload counts these.
OPEN_CONTACT_STATUSES = [
    ContactStatus.SUBMITTED,
    ContactStatus.PASSED_TO_ALLOCATED_WORKER,
    ContactStatus.ASSIGNED_TO_PREVIOUS_TEAM,
    ContactStatus.AWAITING_RATING,
    ContactStatus.WITH_MASH,
    ContactStatus.DAILY_DISCUSSION,
    ContactStatus.WITH_EARLY_HELP,
]
NONE = "none"  # the click-through row for "not recorded" / "no team"


def bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    """The period as [start, end) instants: local midnight to the midnight after its last day."""
    zone = timezone.get_current_timezone()
    start = timezone.make_aware(dt.datetime.combine(period.start, dt.time.min), zone)
    end = timezone.make_aware(
        dt.datetime.combine(period.end + dt.timedelta(days=1), dt.time.min), zone
    )
    return start, end


def contacts_in(period: Period) -> QuerySet:
    """The contacts received in the period (every figure's population)."""
    start, end = bounds(period)
    return Contact.objects.filter(received_at__gte=start, received_at__lt=end).exclude(
        status=ContactStatus.DRAFT
    )


def _received_in(period: Period, prefix: str) -> Q:
    start, end = bounds(period)
    return Q(**{f"{prefix}received_at__gte": start, f"{prefix}received_at__lt": end}) & ~Q(
        **{f"{prefix}status": ContactStatus.DRAFT}
    )


# --- Conditions shared by a figure and its click-through --------------------------------


def breached(now: dt.datetime) -> Q:
    """A clock that went past its due time: marked by the sweep, met late, or still running
    and overdue now."""
    return (
        Q(breached_at__isnull=False)
        | Q(met_at__gt=F("due_at"))
        | Q(met_at__isnull=True, closed_at__isnull=True, due_at__lt=now)
    )


ON_TIME = Q(met_at__isnull=False, met_at__lte=F("due_at"), breached_at__isnull=True)


def _has_clock(kind: str, now: dt.datetime, **extra) -> Q:
    return Q(
        Exists(
            Deadline.objects.filter(contact=OuterRef("pk"), kind=kind, **extra).filter(
                breached(now)
            )
        )
    )


def _breached_clock(now: dt.datetime, **where) -> Q:
    return Q(Exists(Deadline.objects.filter(contact=OuterRef("pk"), **where).filter(breached(now))))


# One index probe per contact of the period. Uncorrelated IN lists (hashed once) measured
# slower at 500,000 contacts: each parallel worker hashes every referral ever made.
REFERRED = Q(Exists(Referral.objects.filter(contact=OuterRef("pk"))))
WITH_ENQUIRY = Q(Exists(Enquiry.objects.filter(contact=OuterRef("pk"))))
EARLY_HELP_DECIDED = Q(Exists(EarlyHelpDecision.objects.filter(contact=OuterRef("pk"))))
INFORMATION_AND_ADVICE = Q(status=ContactStatus.INFORMATION_AND_ADVICE)
NFA = Q(status=ContactStatus.CLOSED_NFA)
INFORMATION_ONLY = Q(status=ContactStatus.INFORMATION_ONLY)


def repeat_contact() -> Q:
    """A child on the contact had another contact in the 12 months before it."""
    earlier = ContactPerson.objects.filter(
        person=OuterRef("person"),
        role=ContactRole.CHILD,
        contact__received_at__lt=OuterRef(OuterRef("received_at")),
        contact__received_at__gte=OuterRef(OuterRef("received_at")) - REPEAT_WINDOW,
    ).exclude(contact__status=ContactStatus.DRAFT)
    return Q(
        Exists(
            ContactPerson.objects.filter(contact=OuterRef("pk"), role=ContactRole.CHILD).filter(
                Exists(earlier)
            )
        )
    )


def _earlier_episode() -> Exists:
    """An episode of the same child referred in the 12 months before this one (CIN)."""
    return Exists(
        CinEpisode.objects.filter(
            person=OuterRef("person"),
            referral_date__lt=OuterRef("referral_date"),
            referral_date__gte=OuterRef("referral_date") - REPEAT_WINDOW,
        )
    )


def re_referral() -> Q:
    """A child on the contact was referred again within 12 months of an earlier referral."""
    return Q(
        Exists(
            CinEpisode.objects.filter(referral__contact=OuterRef("pk")).filter(_earlier_episode())
        )
    )


def _answered_agencies() -> Coalesce:
    """How many agencies submitted information on the contact's enquiry (one request each)."""
    answered = (
        PartnerRequest.objects.filter(enquiry__contact=OuterRef("pk"))
        .filter(
            Exists(
                PartnerAnswer.objects.filter(request=OuterRef("pk"), status=AnswerStatus.SUBMITTED)
            )
        )
        .order_by()
        .values("enquiry")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(answered, output_field=IntegerField()), Value(0))


def _latest_consent(field: str) -> Subquery:
    return Subquery(
        ConsentDecision.objects.filter(enquiry__contact=OuterRef("pk"))
        .order_by("-recorded_at", "-pk")
        .values(field)[:1]
    )


def with_consent(contacts: QuerySet) -> QuerySet:
    return contacts.filter(WITH_ENQUIRY).annotate(
        consent=Coalesce(_latest_consent("outcome"), Value("")),
        consent_ground=Coalesce(_latest_consent("ground"), Value("")),
    )
