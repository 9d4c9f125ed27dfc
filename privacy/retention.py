"""Retention: what kind of record a contact is, when its period ends, and which contacts are past it.

A *record* for retention is one contact with everything hanging off it (ratings, the MASH
enquiry, consent, partner requests and answers, discussion items, referrals and CIN
episodes, notices, the information response, early help decisions and cases, clocks,
emails and notifications about it). Its kind is the longest-kept kind that fits:

- children in need / child protection: referred to social work, a MASH enquiry, or a red or
  amber rating;
- early help: an early help decision, panel case or family work case;
- no further action / information and advice: closed at the front door.

A contact still being worked on (a draft, or still open at the front door, or with a CIN
episode, enquiry or family work case still open) is never past retention.

The period is counted from the rule's event. The *closure* of a record is the last thing
that closed it: the latest of the date received, screened, information and advice given,
the MASH decision, the early help decision, the CIN episodes' and family work cases'
closure. The youngest child's *18th birthday* uses the date of birth or expected date of
birth; when no child on the record has either, the date received stands in for it (the
child cannot have been born later than that, so the record is kept at least as long).

Every query here is set-based: the sweep is one SELECT over the contacts received before
the earliest possible cutoff (the `contact_received` index), whatever the table's size.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import (
    DateField,
    Exists,
    F,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Cast, Coalesce, Greatest, TruncDate
from django.utils import timezone

from core.enums import Rag
from early_help.models import CaseStatus, EarlyHelpDecision, FamilyWorkCase, PanelCase
from mash.models import Enquiry, EnquiryStatus
from referrals.models import (
    CinEpisode,
    Contact,
    ContactPerson,
    ContactRole,
    ContactStatus,
    Rating,
    Referral,
)

from .models import (
    LegalHold,
    RecordKind,
    RetentionEvent,
    RetentionReview,
    ReviewStatus,
)

ADULT_AGE = 18

# Where the front door's work is still to do: never past retention.
STILL_OPEN = [
    ContactStatus.DRAFT,
    ContactStatus.SUBMITTED,
    ContactStatus.PASSED_TO_ALLOCATED_WORKER,
    ContactStatus.ASSIGNED_TO_PREVIOUS_TEAM,
    ContactStatus.AWAITING_RATING,
    ContactStatus.WITH_MASH,
    ContactStatus.DAILY_DISCUSSION,
    ContactStatus.WITH_EARLY_HELP,
]
CLOSED_AT_FRONT_DOOR = [
    ContactStatus.CLOSED_NFA,
    ContactStatus.INFORMATION_AND_ADVICE,
    ContactStatus.INFORMATION_ONLY,
]

# Dates -------------------------------------------------------------------------------------


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` plus whole years; 29 February becomes 1 March in a common year (as an 18th birthday does)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return dt.date(day.year + years, 3, 1)


def subtract_years(day: dt.date, years: int) -> dt.date:
    """The latest date d with add_years(d, years) <= day."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return dt.date(day.year - years, 2, 28)


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


# The record's kind, as conditions on Contact ---------------------------------------------------


def _exists(model, **where) -> Q:
    return Q(Exists(model.objects.filter(**where)))


def kind_conditions() -> dict[str, Q]:
    """One condition per kind; each excludes the longer-kept kinds, so a contact has one kind."""
    cin_cp = (
        Q(status=ContactStatus.REFERRED_TO_SOCIAL_WORK)
        | Q(rag__in=[Rag.RED, Rag.AMBER])
        | _exists(Referral, contact=OuterRef("pk"))
        | _exists(Enquiry, contact=OuterRef("pk"))
    )
    early_help = (
        _exists(EarlyHelpDecision, contact=OuterRef("pk"))
        | _exists(FamilyWorkCase, contact=OuterRef("pk"))
        | _exists(PanelCase, contact=OuterRef("pk"))
    )
    front_door = Q(status__in=CLOSED_AT_FRONT_DOOR)
    return {
        RecordKind.CIN_CP: cin_cp,
        RecordKind.EARLY_HELP: early_help & ~cin_cp,
        RecordKind.NFA_ADVICE: front_door & ~cin_cp & ~early_help,
    }


def _max_of(qs: QuerySet, expression) -> Subquery:
    """The largest value of `expression` over `qs` (correlated to the outer contact), or NULL.

    MAX without GROUP BY folds the subquery to one row.
    """
    value = Func(expression, function="MAX", output_field=DateField())
    return Subquery(qs.order_by().annotate(v=value).values("v")[:1], output_field=DateField())


def _day(field: str):
    return TruncDate(field)


def with_dates(qs: QuerySet) -> QuerySet:
    """Annotate each contact with `closed_on` and `youngest_born_on` (see the module docstring)."""
    closure = Greatest(
        _day("received_at"),
        Coalesce(_day("screened_at"), _day("received_at")),
        Coalesce(_day("information_and_advice_done_at"), _day("received_at")),
        Coalesce(
            _max_of(CinEpisode.objects.filter(referral__contact=OuterRef("pk")), F("closed_on")),
            _day("received_at"),
        ),
        Coalesce(
            _max_of(
                FamilyWorkCase.objects.filter(contact=OuterRef("pk")),
                Cast(TruncDate("closed_at"), DateField()),
            ),
            _day("received_at"),
        ),
        Coalesce(
            _max_of(
                EarlyHelpDecision.objects.filter(contact=OuterRef("pk")),
                Cast(TruncDate("decided_at"), DateField()),
            ),
            _day("received_at"),
        ),
        Coalesce(
            _max_of(
                Enquiry.objects.filter(contact=OuterRef("pk")),
                Cast(TruncDate("decided_at"), DateField()),
            ),
            _day("received_at"),
        ),
        Coalesce(
            _max_of(
                Rating.objects.filter(contact=OuterRef("pk")),
                Cast(TruncDate("rated_at"), DateField()),
            ),
            _day("received_at"),
        ),
        output_field=DateField(),
    )
    youngest = Coalesce(
        _max_of(
            ContactPerson.objects.filter(contact=OuterRef("pk"), role=ContactRole.CHILD),
            Coalesce(F("person__date_of_birth"), F("person__expected_date_of_birth")),
        ),
        _day("received_at"),
        output_field=DateField(),
    )
    return qs.annotate(
        received_on=_day("received_at"), closed_on=closure, youngest_born_on=youngest
    )


def still_open() -> Q:
    """Work still going on the record: it is not past retention whatever its dates."""
    return (
        Q(status__in=STILL_OPEN)
        # A withdrawn referral's episode is never closed, and no work goes on under it.
        | _exists(
            CinEpisode,
            referral__contact=OuterRef("pk"),
            closed_on__isnull=True,
            referral__withdrawn_at__isnull=True,
        )
        | _exists(FamilyWorkCase, contact=OuterRef("pk"), status=CaseStatus.OPEN)
        | _exists(Enquiry, contact=OuterRef("pk"), status__in=_OPEN_ENQUIRY)
    )


_OPEN_ENQUIRY = [s for s in EnquiryStatus.values if s != EnquiryStatus.DECIDED]


def held() -> Q:
    """A legal hold is in force on somebody on the record."""
    return Q(
        Exists(
            LegalHold.objects.filter(
                lifted_at__isnull=True,
                person__contact_links__contact=OuterRef("pk"),
            )
        )
    )


def already_reviewed(today: dt.date) -> Q:
    """A review is open (or the record is destroyed), or a manager kept it until a later date.

    A NOT IN over the reviews, not a correlated EXISTS: PostgreSQL hashes the reviewed ids
    once and, the cheapest test, checks it first, so a daily re-run skips the reviewed rows
    before computing any of their dates (benchmarks/retention_benchmark.py).
    """
    reviewed = RetentionReview.objects.filter(
        Q(status__in=[ReviewStatus.PENDING, ReviewStatus.HELD, ReviewStatus.DESTROYED])
        | Q(status=ReviewStatus.KEPT, review_again_on__gt=today)
    ).values("contact_id")
    return Q(pk__in=reviewed)


@dataclass(frozen=True)
class Due:
    contact_id: int
    event_on: dt.date
    due_since: dt.date
    held: bool


def event_and_due(
    counted_from: str, years: int, *, received_on, closed_on, youngest_born_on
) -> tuple[dt.date, dt.date]:
    """The date the period is counted from, and the date it ends."""
    eighteenth = add_years(youngest_born_on, ADULT_AGE)
    event = {
        RetentionEvent.CLOSURE: closed_on,
        RetentionEvent.RECEIVED: received_on,
        RetentionEvent.EIGHTEENTH_BIRTHDAY: eighteenth,
        RetentionEvent.EIGHTEENTH_OR_CLOSURE: max(eighteenth, closed_on),
    }[counted_from]
    # Counted from the date of birth in one step, so the date agrees with the sweep's filter.
    adult_due = add_years(youngest_born_on, ADULT_AGE + years)
    due = {
        RetentionEvent.EIGHTEENTH_BIRTHDAY: adult_due,
        RetentionEvent.EIGHTEENTH_OR_CLOSURE: max(adult_due, add_years(closed_on, years)),
    }.get(counted_from) or add_years(event, years)
    return event, due


def past_retention(rule, *, today: dt.date) -> list[Due]:
    """The contacts of the rule's kind past its period on `today`, not yet reviewed: one query."""
    cutoff = subtract_years(today, rule.years)
    # Every event is on or after the date received: contacts received after the cutoff cannot
    # be due, and the received_at index narrows the scan to the old ones.
    qs = (
        Contact.objects.filter(received_at__lt=_local_midnight(cutoff + dt.timedelta(days=1)))
        .filter(destroyed_at__isnull=True)
        .filter(kind_conditions()[rule.kind])
        .exclude(still_open())
        .exclude(already_reviewed(today))
    )
    qs = with_dates(qs)
    adult_cutoff = subtract_years(today, rule.years + ADULT_AGE)
    qs = {
        RetentionEvent.CLOSURE: qs.filter(closed_on__lte=cutoff),
        RetentionEvent.RECEIVED: qs,
        RetentionEvent.EIGHTEENTH_BIRTHDAY: qs.filter(youngest_born_on__lte=adult_cutoff),
        RetentionEvent.EIGHTEENTH_OR_CLOSURE: qs.filter(
            closed_on__lte=cutoff, youngest_born_on__lte=adult_cutoff
        ),
    }[rule.counted_from]
    rows = qs.annotate(is_held=held()).values_list(
        "pk", "received_on", "closed_on", "youngest_born_on", "is_held"
    )
    found = []
    for pk, received_on, closed_on, born_on, is_held in rows.order_by("received_at"):
        event, due = event_and_due(
            rule.counted_from,
            rule.years,
            received_on=received_on,
            closed_on=closed_on,
            youngest_born_on=born_on,
        )
        found.append(Due(pk, event, due, is_held))
    return found
