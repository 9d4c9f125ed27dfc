"""Reads of the front door's records that more than one view or service needs."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

from dateutil.relativedelta import relativedelta
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from accounts.grants import grant_filter, granted
from accounts.models import Team, TeamKind, User
from core.enums import RatingOutcome
from thresholds.models import Deadline

from .models import (
    COUNTED_EPISODE,
    CinEpisode,
    Contact,
    ContactPerson,
    ContactRole,
    ContactStatus,
    Involvement,
    KnownStatus,
    Person,
    Rating,
    Service,
)
from .person_warnings.selectors import contact_has_warning


@dataclass(frozen=True)
class ChildStatus:
    """Whether a person is open, previously known or not known, with the involvement behind it."""

    status: KnownStatus
    involvement: Involvement | None
    # Other contacts about the person (pages that show the status count them: `known_statuses`).
    contacts: int = 0

    @property
    def known_from_contacts(self) -> bool:
        """Never open to a service, but contacts have been made about them: not "Not known"."""
        return self.status == KnownStatus.NOT_KNOWN and self.contacts > 0

    @property
    def is_open(self) -> bool:
        return self.status in (KnownStatus.OPEN_SOCIAL_CARE, KnownStatus.OPEN_EARLY_HELP)

    @property
    def tag_colour(self) -> str:
        return {
            KnownStatus.OPEN_SOCIAL_CARE: "red",
            KnownStatus.OPEN_EARLY_HELP: "orange",
            KnownStatus.CLOSED_SOCIAL_CARE: "blue",
            KnownStatus.CLOSED_EARLY_HELP: "light-blue",
            KnownStatus.NOT_KNOWN: "grey",
        }[self.status]

    def closed_since(self, day: dt.date, months: int) -> bool:
        """True when the latest involvement closed within `months` before `day`."""
        inv = self.involvement
        return bool(inv and inv.closed_on and inv.closed_on >= day - relativedelta(months=months))


def status_from_involvements(involvements: Iterable[Involvement]) -> ChildStatus:
    """Open social care beats open early help beats the most recently closed involvement."""
    involvements = list(involvements)
    open_ = [i for i in involvements if i.closed_on is None]
    for service, status in (
        (Service.SOCIAL_CARE, KnownStatus.OPEN_SOCIAL_CARE),
        (Service.EARLY_HELP, KnownStatus.OPEN_EARLY_HELP),
    ):
        for inv in sorted(open_, key=lambda i: i.opened_on, reverse=True):
            if inv.service == service:
                return ChildStatus(status, inv)
    closed = sorted(
        (i for i in involvements if i.closed_on), key=lambda i: i.closed_on, reverse=True
    )
    if closed:
        latest = closed[0]
        # Previously known to social care matters more for routing than a later early help closure.
        cssw = next((i for i in closed if i.service == Service.SOCIAL_CARE), None)
        if cssw is not None:
            return ChildStatus(
                KnownStatus.CLOSED_SOCIAL_CARE,
                latest if latest.service == Service.SOCIAL_CARE else cssw,
            )
        return ChildStatus(KnownStatus.CLOSED_EARLY_HELP, latest)
    return ChildStatus(KnownStatus.NOT_KNOWN, None)


def referral_involvements(person_ids: Iterable[int]) -> list[Involvement]:
    """A referral to a social work team opens the child's case there (its CIN episode) until
    the episode closes; these are that period as unsaved involvement rows. Without them a child
    referred on by the MASH or a senior practitioner stayed "Not known" until someone opened
    an involvement by hand (issue 12). A withdrawn referral opened no case: the team never
    kept the work (mash.reopen), so it is left out."""
    out = []
    for episode in CinEpisode.objects.filter(
        COUNTED_EPISODE, person_id__in=list(person_ids)
    ).select_related("referral__team"):
        inv = Involvement(
            person_id=episode.person_id,
            service=Service.SOCIAL_CARE,
            team=episode.referral.team,
            opened_on=episode.referral_date,
            closed_on=episode.closed_on,
            closure_reason=episode.get_closure_reason_display() if episode.closed_on else "",
        )
        inv.from_referral = True
        out.append(inv)
    return out


def involvements_for(person_ids: Iterable[int]) -> dict[int, list[Involvement]]:
    """Each person's involvements, recorded and implied by a referral, in two queries."""
    ids = list(person_ids)
    by_person: dict[int, list[Involvement]] = defaultdict(list)
    for inv in Involvement.objects.filter(person_id__in=ids).select_related(
        "team", "allocated_worker"
    ):
        by_person[inv.person_id].append(inv)
    for inv in referral_involvements(ids):
        recorded = by_person[inv.person_id]
        # The receiving team's own record of the same case (opened when the assessment
        # started) says more than the referral: it names the worker.
        if not any(_same_case(r, inv) for r in recorded if not getattr(r, "from_referral", False)):
            recorded.append(inv)
    return by_person


def _same_case(recorded: Involvement, implied: Involvement) -> bool:
    return (
        recorded.service == implied.service
        and recorded.team_id == implied.team_id
        and (recorded.closed_on is None or recorded.closed_on >= implied.opened_on)
    )


def statuses_for(people: Iterable[Person]) -> dict[int, ChildStatus]:
    """Known/open/closed status for many people in two queries."""
    ids = [p.pk for p in people]
    by_person = involvements_for(ids)
    return {pk: status_from_involvements(by_person.get(pk, [])) for pk in ids}


def known_statuses(
    people: Iterable[Person], *, contact: Contact | None = None
) -> dict[int, ChildStatus]:
    """statuses_for, with how many other contacts (not drafts, not destroyed, not `contact`)
    each person is on, for the pages that show it: a child never open to a service but with
    earlier contacts shows as known from them. One query more, whatever the number of people."""
    statuses = statuses_for(people)
    contacts = Contact.objects.filter(
        contact_people__person_id__in=list(statuses), destroyed_at__isnull=True
    ).exclude(status=ContactStatus.DRAFT)
    if contact is not None:
        contacts = contacts.exclude(pk=contact.pk)
    counts = dict(
        contacts.values_list("contact_people__person_id").annotate(n=Count("pk", distinct=True))
    )
    return {pk: replace(status, contacts=counts.get(pk, 0)) for pk, status in statuses.items()}


@dataclass(frozen=True)
class KnownSummary:
    """What the service knows about a person, computed from the records each time (never a
    stored label that goes stale): the open and closed periods, early help, and contacts."""

    status: ChildStatus
    open: tuple[Involvement, ...]
    last_closed: Involvement | None
    known_to_early_help: bool
    contacts_total: int
    contacts_recent: int
    recent_months: int
    rated_to_mash: int
    in_progress: tuple[Contact, ...]
    # Every period, open and closed (the person page lists them all).
    involvements: tuple[Involvement, ...] = ()

    @property
    def known_from_contacts_only(self) -> bool:
        """Never open to a service, but contacts have been made: not "Not known"."""
        return self.status.status == KnownStatus.NOT_KNOWN and self.contacts_total > 0


def known_summary(
    person: Person,
    *,
    user: User,
    today: dt.date,
    months: int = 12,
    visible: set[int] | None = None,
) -> KnownSummary:
    """The person page's "what the service knows", in a constant number of queries (`visible`:
    the person's contacts the user may open, when the caller has read them already)."""
    involvements = involvements_for([person.pk]).get(person.pk, [])
    status = status_from_involvements(involvements)
    open_ = tuple(
        sorted((i for i in involvements if i.closed_on is None), key=lambda i: i.opened_on)
    )
    closed = [i for i in involvements if i.closed_on]
    last_closed = max(closed, key=lambda i: i.closed_on) if closed else None
    # Counted by the database, not by loading every contact of an adult's 25 years of records.
    contacts = Contact.objects.filter(
        contact_people__person=person, destroyed_at__isnull=True
    ).exclude(status=ContactStatus.DRAFT)
    since = timezone.now() - relativedelta(months=months)
    to_mash = Exists(Rating.objects.filter(contact=OuterRef("pk"), outcome=RatingOutcome.MASH))
    counts = contacts.aggregate(
        total=Count("pk"),
        recent=Count("pk", filter=Q(received_at__gt=since)),
        to_mash=Count("pk", filter=Q(to_mash) | Q(status=ContactStatus.WITH_MASH)),
        with_early_help=Count("pk", filter=Q(status=ContactStatus.WITH_EARLY_HELP)),
    )
    in_progress = list(contacts.filter(status__in=IN_PROGRESS_STATUSES).order_by("-received_at"))
    if visible is None:
        visible = visible_ids(user, in_progress)
    return KnownSummary(
        status=status,
        open=open_,
        last_closed=last_closed,
        known_to_early_help=any(i.service == Service.EARLY_HELP for i in involvements)
        or counts["with_early_help"] > 0,
        contacts_total=counts["total"],
        contacts_recent=counts["recent"],
        recent_months=months,
        rated_to_mash=counts["to_mash"],
        in_progress=tuple(c for c in in_progress if c.pk in visible),
        involvements=tuple(involvements),
    )


# A contact still being worked on at the front door, the MASH or early help.
IN_PROGRESS_STATUSES = frozenset(
    {
        ContactStatus.SUBMITTED,
        ContactStatus.AWAITING_RATING,
        ContactStatus.WITH_MASH,
        ContactStatus.DAILY_DISCUSSION,
        ContactStatus.WITH_EARLY_HELP,
        ContactStatus.INFORMATION_AND_ADVICE,
    }
)


def latest_closed_involvement(person: Person) -> Involvement | None:
    return (
        Involvement.objects.filter(person=person, closed_on__isnull=False)
        .select_related("team")
        .order_by("-closed_on")
        .first()
    )


def profile_team(profile, kind: TeamKind) -> Team | None:
    """The profile's team of a kind (the screening team, the MASH, the early help front door)."""
    return Team.objects.filter(profile=profile, kind=kind, is_active=True).order_by("name").first()


def case_numbers(contact: Contact) -> str:
    """The children's case numbers (and NHS numbers), for subjects that must never name a child."""
    parts = []
    for link in contact.contact_people.filter(role=ContactRole.CHILD).select_related("person"):
        person = link.person
        nhs = f" (NHS {person.nhs_number})" if person.nhs_number else ""
        parts.append(f"{person.case_number}{nhs}")
    return ", ".join(parts)


def names_on(contact: Contact) -> list[str]:
    """Every name of everyone on the contact: none may appear in an email subject."""
    names = []
    for link in contact.contact_people.select_related("person"):
        person = link.person
        names += [person.first_name, person.middle_names, person.last_name, person.known_as]
    return [n for n in names if n]


def contacts_visible_to(user: User) -> QuerySet[Contact]:
    """Every contact the user may see: by role-wide permission or by object permission."""
    return granted(user, "referrals.view_contact", Contact.objects.all())


def contact_visibility(user: User, *, on: str, many: bool = False) -> Q:
    """A filter for rows of another model whose contact (the foreign key `on`, "contact") the
    user may see, probed row by row on the grant tables' index (accounts.grants.grant_filter),
    rather than `contact__in=<every visible contact>`, which read the contacts table whole.
    `many`: every candidate row is read, no page cuts them (accounts.grants.grant_filter)."""
    if not (user.is_authenticated and user.is_active):
        return Q(pk__in=[])
    if user.has_perm("referrals.view_contact"):
        return Q(**{f"{on}__isnull": False})
    return grant_filter(user, "referrals.view_contact", Contact, on=f"{on}_id", many=many)


def previous_contacts_of(contact: Contact, people: list[Person]) -> QuerySet[Contact]:
    """Earlier contacts about any of these people, newest first (a page at a time)."""
    # The links are a subquery, not a join: a contact about two of them is one row without a
    # DISTINCT over every column of the contact and its team (what a page's count sorted).
    return (
        Contact.objects.filter(
            pk__in=ContactPerson.objects.filter(person__in=people).values("contact_id")
        )
        .exclude(pk=contact.pk)
        .exclude(status=ContactStatus.DRAFT)
        .select_related("assigned_team")
        .order_by("-received_at", "-pk")
    )


def visible_ids(user: User, contacts: list[Contact]) -> set[int]:
    """Which of these contacts the user may open (others are listed without a link)."""
    return set(
        contacts_visible_to(user)
        .filter(pk__in=[c.pk for c in contacts])
        .values_list("pk", flat=True)
    )


def queue(qs: QuerySet[Contact]) -> QuerySet[Contact]:
    """A queue's rows with everything a list shows loaded up front (no query per row)."""
    qs = qs.annotate(has_warning=contact_has_warning())
    return qs.select_related("created_by", "assigned_team", "assigned_to").prefetch_related(
        Prefetch(
            "contact_people",
            queryset=ContactPerson.objects.filter(role=ContactRole.CHILD).select_related("person"),
            to_attr="children_links",
        ),
        Prefetch(
            "deadlines",
            queryset=Deadline.objects.open().order_by("due_at"),
            to_attr="open_deadlines",
        ),
    )


def next_due() -> Subquery:
    """The contact's earliest open clock: one probe of index deadline_open_contact_due per
    contact, where a `Min` over the joined clocks grouped every clock of every contact in the
    queue before the page was cut."""
    return Subquery(
        Deadline.objects.open()
        .filter(contact=OuterRef("pk"))
        .order_by("due_at")
        .values("due_at")[:1]
    )


def _most_urgent_first(qs: QuerySet[Contact]) -> QuerySet[Contact]:
    """Order by the earliest open clock (contacts without one last), then arrival."""
    return qs.annotate(next_due=next_due()).order_by(
        F("next_due").asc(nulls_last=True), "received_at"
    )


def queue_for_status(user: User, status: ContactStatus) -> QuerySet[Contact]:
    """Contacts at one step of the process that the user may see, most urgent first. A page
    of it is read through referrals.urgency.MostUrgentFirst, which finds the page by the
    clocks' due-time index instead of ordering every contact in the queue."""
    return queue(_most_urgent_first(contacts_visible_to(user).filter(status=status)))


# What the new-contacts and awaiting-rating queues say of their order: keep each true to its
# order_by (index contact_urgent_screening / contact_urgent_queue).
NEW_QUEUE_ORDER = (
    "Ordered by: urgent contacts first, then police MERLINs rated red by the police, then "
    "amber, then everything else; oldest first within each."
)
RATING_QUEUE_ORDER = "Ordered by: urgent contacts first, then oldest first."


def queue_new(user: User) -> QuerySet[Contact]:
    """Submitted contacts waiting to be screened: urgent, then red then amber police MERLINs,
    then oldest first (NEW_QUEUE_ORDER)."""
    return (
        queue(contacts_visible_to(user).filter(status=ContactStatus.SUBMITTED))
        # The police's own rating, read with the row (a contact without a MERLIN has none): not
        # the whole report, whose absence the page would meet as an exception in every row.
        .annotate(merlin_police_rag=F("merlin__police_rag"))
        .order_by("-urgent", "screening_priority", "received_at")
    )


def queue_in_progress(user: User) -> QuerySet[Contact]:
    """Contacts still being logged, most recently started first."""
    return queue(contacts_visible_to(user).filter(status=ContactStatus.DRAFT)).order_by(
        "-created_at"
    )


def queue_awaiting_rating(user: User) -> QuerySet[Contact]:
    """Screened contacts waiting for a senior practitioner's rating: urgent first, then oldest
    first (RATING_QUEUE_ORDER)."""
    return queue(contacts_visible_to(user).filter(status=ContactStatus.AWAITING_RATING)).order_by(
        "-urgent", "received_at"
    )


def queue_for_team(user: User) -> QuerySet[Contact]:
    """Contacts assigned to the user's team (or to one of its workers), oldest first."""
    if user.team_id is None:
        return Contact.objects.none()
    return queue(
        contacts_visible_to(user)
        .filter(assigned_team_id=user.team_id)
        .exclude(status=ContactStatus.DRAFT)
    ).order_by("received_at")


def queue_assigned_to(user: User) -> QuerySet[Contact]:
    """Contacts passed to this worker personally."""
    return queue(Contact.objects.filter(assigned_to=user)).order_by("-received_at")


def previous_contacts(person: Person, *, exclude: Contact | None = None) -> QuerySet[Contact]:
    """Every submitted contact about this person, newest first."""
    qs = Contact.objects.filter(
        pk__in=ContactPerson.objects.filter(person=person).values("contact_id")
    ).exclude(status=ContactStatus.DRAFT)
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return qs.select_related("assigned_team").order_by("-received_at", "-pk")


def repeat_contact_count(person: Person, *, at: dt.datetime, months: int) -> int:
    """Submitted contacts about the child received in the `months` up to `at` (inclusive)."""
    since = at - relativedelta(months=months)
    return (
        Contact.objects.filter(
            contact_people__person=person,
            contact_people__role=ContactRole.CHILD,
            received_at__gt=since,
            received_at__lte=at,
        )
        .exclude(status=ContactStatus.DRAFT)
        .distinct()
        .count()
    )


def today() -> dt.date:
    return timezone.localdate()


@dataclass(frozen=True)
class TimelineEntry:
    at: dt.datetime
    user: User | None
    reason: str
    changes: tuple[str, ...]


def history_entries(records: list, model) -> list[TimelineEntry]:
    entries, previous = [], None
    for record in records:
        changes: tuple[str, ...] = ()
        if previous is not None:
            delta = record.diff_against(previous)
            changes = tuple(str(model._meta.get_field(c.field).verbose_name) for c in delta.changes)
        entries.append(
            TimelineEntry(
                record.history_date,
                record.history_user,
                record.history_change_reason or "",
                changes,
            )
        )
        previous = record
    return entries


def contact_timeline(contact: Contact) -> list[TimelineEntry]:
    """Who changed what on a contact, and why: its own history and its people links, newest first."""
    own = list(
        contact.history.select_related("history_user").order_by("history_date", "history_id")
    )
    links = list(
        ContactPerson.history.filter(contact_id=contact.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
    )
    entries = history_entries(own, Contact) + [
        TimelineEntry(r.history_date, r.history_user, r.history_change_reason or "", ())
        for r in links
    ]
    return sorted(entries, key=lambda e: e.at, reverse=True)
