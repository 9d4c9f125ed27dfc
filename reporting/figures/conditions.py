"""The period's contacts and the conditions a figure and its click-through share."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateTimeField,
    Exists,
    F,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.expressions import WindowFrame
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
    COUNTED_EPISODE,
    COUNTED_REFERRAL,
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


@dataclass(frozen=True)
class Span:
    """The lowest and highest id of the period's contacts.

    A related table (clocks, referrals, enquiries, decisions) knows its contact only by id, so
    "the rows of the period's contacts" can only be found through its `contact_id` index if the
    ids are bounded: without a bound the database reads every row ever made (25 years of
    clocks) or probes an index once per contact. Ids are given in the order contacts are made,
    which is close to the order they are received, so the span holds little besides the
    period's own contacts; a contact inside the span but outside the period is never counted:
    every figure joins on the contact itself, or, where the span knows which contacts those
    are (`strangers`, from `with_strangers`), leaves them out by id.

    A figure reads `within(period, field)` for its rows of the period's contacts."""

    first: int
    last: int
    # The ids within the span of contacts that are not the period's (received before or after
    # it, or drafts); None where not read.
    strangers: tuple[int, ...] | None = None

    def bounding(self, field: str) -> dict[str, int]:
        """Filter arguments that keep `field` (a contact id) within the span."""
        return {f"{field}__gte": self.first, f"{field}__lte": self.last}

    def within(self, period: Period, field: str) -> Q:
        """The rows whose contact (`field`, a contact id such as "contact_id" or
        "referral__contact_id") is one of the period's, read by the span of ids. Where the span
        knows its strangers, by the ids alone, leaving the strangers out, so the contacts are
        not joined (a year's 369,000 clocks were hashed against its 123,000 contacts, a fifth
        of the timeliness figures' time); where not, joined to the contact to check it."""
        bounded = Q(**self.bounding(field))
        if self.strangers is None:
            return bounded & _received_in(period, field.removesuffix("_id") + "__")
        if self.strangers:
            bounded &= ~Q(**{f"{field}__in": self.strangers})
        return bounded

    @property
    def empty(self) -> bool:
        return self.last < self.first

    @classmethod
    def of(cls, firsts: list, lasts: list) -> "Span":
        firsts, lasts = [i for i in firsts if i is not None], [i for i in lasts if i is not None]
        # No contacts: an empty range, so every bounded read finds nothing.
        return cls(min(firsts), max(lasts)) if firsts else cls(0, -1)

    def widened(self, first: int | None, last: int | None) -> "Span":
        if first is None or last is None:
            return self
        if self.empty:
            return Span(first, last)
        # Strangers are one period's: a wider span's are not known.
        return Span(min(self.first, first), max(self.last, last))


# Past this many strangers a span keeps joining the contacts (a list this long would cost more
# to send and check than the join). Ids are given in the order contacts are made, so a
# period's span holds few contacts of other periods, and few drafts.
MOST_STRANGERS = 5_000


def with_strangers(period: Period, span: Span) -> Span:
    """`span` with its strangers: the contacts within it that are not the period's (one read
    of the span's range of the contacts' primary key), or `span` as it was if there are more
    than MOST_STRANGERS."""
    if span.empty:
        return Span(span.first, span.last, ())
    ids = tuple(
        Contact.objects.filter(**span.bounding("pk"))
        .exclude(_received_in(period, ""))
        .order_by()
        .values_list("pk", flat=True)[: MOST_STRANGERS + 1]
    )
    return span if len(ids) > MOST_STRANGERS else Span(span.first, span.last, ids)


def span_of(period: Period) -> Span:
    """The span of the period's contacts in one aggregate (the COUNT keeps PostgreSQL from
    answering MIN and MAX by walking the primary key from either end)."""
    found = contacts_in(period).aggregate(first=Min("pk"), last=Max("pk"), n=Count("pk"))
    return Span.of([found["first"]], [found["last"]])


@dataclass(frozen=True)
class Scope:
    """What a figure or its click-through counts within: the period, the span of its contacts'
    ids and the instant clocks are judged at."""

    period: Period
    span: Span
    now: dt.datetime


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


# The contacts with a referral, enquiry or decision: one range of the related table's
# contact_id index (the span), hashed once, not an index probe per contact of the period.
def _has(model, span: Span) -> Q:
    return Q(pk__in=model.objects.filter(**span.bounding("contact_id")).values("contact_id"))


def referred(span: Span) -> Q:
    # A withdrawn referral (its decision changed after a disagreement) is not one.
    return Q(
        pk__in=Referral.objects.filter(COUNTED_REFERRAL, **span.bounding("contact_id")).values(
            "contact_id"
        )
    )


def with_enquiry(span: Span) -> Q:
    return _has(Enquiry, span)


def early_help_decided(span: Span) -> Q:
    return _has(EarlyHelpDecision, span)


INFORMATION_AND_ADVICE = Q(status=ContactStatus.INFORMATION_AND_ADVICE)
NFA = Q(status=ContactStatus.CLOSED_NFA)
INFORMATION_ONLY = Q(status=ContactStatus.INFORMATION_ONLY)


class GroupsRange(WindowFrame):
    """A frame counted in peer groups (rows at the same instant are one group): `end=-1` is
    every row strictly before the current one's instant. The same rows as RANGE ... EXCLUDE
    GROUP, but the frame only grows, so PostgreSQL adds each row to the running MAX instead of
    recomputing it for every row (a quarter of the window's time over a year's children).
    PostgreSQL 11+ and SQLite 3.28+ have GROUPS; Django names only ROWS and RANGE."""

    frame_type = "GROUPS"

    def window_frame_start_end(self, connection, start, end):
        return connection.ops.window_frame_rows_start_end(start, end)


def repeat_contacts(period: Period, span: Span) -> QuerySet:
    """The ids of the contacts received in the period (and some before it) on which a child had
    another contact in the 12 months before.

    One pass over the children on the contacts of the period and the year before it: for each,
    the latest earlier contact of the same child (a window over the child's contacts in date
    order, those at the same instant left out). The links carry their contact's received time
    (`ContactPerson.received_at`, NULL on a draft), so the pass reads one range of one index
    (`contact_person_child_received`) and never the contacts: joined to the contacts for their
    dates, a year's figures at a large council's size spent a second hashing 345,000 links to
    their contacts (issue 13). Probing each child's earlier contacts instead reads all of them,
    every year back. (`span` is not needed here; the click-through passes it to every
    condition.)"""
    start, end = bounds(period)
    # A day more than the window: Python's calendar arithmetic across a clock change can land an
    # hour away from the database's, and the condition below is the database's.
    since = start - REPEAT_WINDOW - dt.timedelta(days=1)
    children = ContactPerson.objects.filter(
        role=ContactRole.CHILD, received_at__gte=since, received_at__lt=end
    )
    previous = Window(
        Max("received_at"),
        partition_by=[F("person_id")],
        order_by=F("received_at").asc(),
        frame=GroupsRange(start=None, end=-1),
    )
    # Only the period's links are answers (the year before is there to be looked back on). The
    # condition is one comparison with the window's result, so the database applies all of it
    # after the window; a separate `received_at >= start` would narrow the window's rows.
    back_to = Case(
        When(received_at__gte=start, then=F("received_at") - REPEAT_WINDOW),
        output_field=DateTimeField(),
    )
    return children.annotate(previous=previous).filter(previous__gte=back_to).values("contact_id")


def repeat_contact_count(period: Period, span: Span) -> int:
    """How many contacts of the period `repeat_contacts` finds, counted from the links alone:
    a link carries its contact's received time only once the contact is submitted, so the
    links of the period are those of the period's contacts (no hash of the contacts)."""
    return repeat_contacts(period, span).aggregate(n=Count("contact_id", distinct=True))["n"]


def repeat_contact(period: Period, span: Span) -> Q:
    """A child on the contact had another contact in the 12 months before it."""
    return Q(pk__in=repeat_contacts(period, span))


def _earlier_episode() -> Exists:
    """An episode of the same child referred in the 12 months before this one (CIN)."""
    return Exists(
        CinEpisode.objects.filter(
            COUNTED_EPISODE,
            person=OuterRef("person"),
            referral_date__lt=OuterRef("referral_date"),
            referral_date__gte=OuterRef("referral_date") - REPEAT_WINDOW,
        )
    )


def re_referral(span: Span) -> Q:
    """A child on the contact was referred again within 12 months of an earlier referral."""
    return Q(
        pk__in=CinEpisode.objects.filter(COUNTED_EPISODE, **span.bounding("referral__contact_id"))
        .filter(_earlier_episode())
        .values("referral__contact_id")
    )


def _answered_agencies(enquiry: str = "enquiry__contact") -> Coalesce:
    """How many agencies submitted information on the contact's enquiry (an agency asked again
    counts once).
    `enquiry` is the path from a request to the outer row: its contact (the default), or
    "enquiry" when the outer rows are enquiries."""
    answered = (
        PartnerRequest.objects.filter(**{enquiry: OuterRef("pk")})
        .filter(
            Exists(
                PartnerAnswer.objects.filter(request=OuterRef("pk"), status=AnswerStatus.SUBMITTED)
            )
        )
        .order_by()
        .values("enquiry")
        .annotate(n=Count("agency", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(answered, output_field=IntegerField()), Value(0))


def _latest_consent(field: str, enquiry: str = "enquiry__contact") -> Subquery:
    return Subquery(
        ConsentDecision.objects.filter(**{enquiry: OuterRef("pk")})
        .order_by("-recorded_at", "-pk")
        .values(field)[:1]
    )


def standing_consent(enquiries: QuerySet) -> QuerySet:
    """Enquiries with the consent decision that stands on each (as `with_consent` gives their
    contacts) and how many agencies answered. Read from the enquiries themselves, each
    subquery finds its rows by the enquiry's id, not by first finding the enquiry again from
    its contact (three probes of the enquiry table per contact of a year, issue 13)."""
    return enquiries.annotate(
        consent=Coalesce(_latest_consent("outcome", "enquiry"), Value("")),
        consent_ground=Coalesce(_latest_consent("ground", "enquiry"), Value("")),
        agencies=_answered_agencies("enquiry"),
    )


def with_consent(contacts: QuerySet, span: Span) -> QuerySet:
    return contacts.filter(with_enquiry(span)).annotate(
        consent=Coalesce(_latest_consent("outcome"), Value("")),
        consent_ground=Coalesce(_latest_consent("ground"), Value("")),
    )
