"""Reads early help's pages and services share: consent, queues, staff, the panel's dates."""

import datetime as dt
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from accounts.grants import granted
from accounts.models import TeamKind, User
from mash.selectors import early_help_consent_for
from referrals.models import Contact, ContactPerson, ContactRole, ContactStatus
from referrals.selectors import queue_for_status
from thresholds import clock
from thresholds.models import ClockKind, CouncilProfile, Deadline
from thresholds.selectors import closure_dates

from .models import CaseStatus, EarlyHelpPanel, FamilyWorkCase, PanelCase

EARLY_HELP_TEAM_KINDS = (TeamKind.EARLY_HELP, TeamKind.EARLY_HELP_TRIAGE)
# The clocks early help answers for before a case opens (the referrer-told clock is screening's).
EARLY_HELP_CLOCKS = (ClockKind.GREEN_TO_EARLY_HELP, ClockKind.EARLY_HELP_DECISION)

# The seeds give no weekday for the weekly panel (Camden protocol 3 says only "weekly"), so
# every council meets on Wednesday unless listed here: mid-week leaves the duty managers two
# working days to prepare the agenda. Monday=0 ... Sunday=6.
DEFAULT_PANEL_WEEKDAY = 2
PANEL_WEEKDAYS: dict[str, int] = {}
# Islington's CSCT procedure calls its allocation meeting for early help by another name.
PANEL_NAMES = {"islington": "Targeted Allocation Meeting"}


def panel_name(profile: CouncilProfile) -> str:
    return PANEL_NAMES.get(profile.code, "Early Help Panel")


def next_panel_date(day: dt.date, profile: CouncilProfile) -> dt.date:
    """The panel a case joins: the next panel weekday on or after `day`, moved to the next
    working day when that is a bank holiday or closure day."""
    weekday = PANEL_WEEKDAYS.get(profile.code, DEFAULT_PANEL_WEEKDAY)
    date = day + dt.timedelta(days=(weekday - day.weekday()) % 7)
    closures = closure_dates()
    if not clock.is_working_day(date, closures):
        date = clock.next_working_day(date, closures)
    return date


def consent_for(contacts: Iterable[Contact]) -> dict[int, bool]:
    """Whether early help may go ahead for each contact (the rule lives with the MASH, whose
    consent decision counts: mash.selectors.early_help_consent_for)."""
    return early_help_consent_for(contacts)


def has_early_help_consent(contact: Contact) -> bool:
    return consent_for([contact])[contact.pk]


# The one definition of "awaiting the early help referral decision": with the duty manager, not
# decided, and not a step-down (those go to the panel instead). The queue filters on it; the
# contact page and the decision page ask `is_awaiting_decision`. `early_help_decided` is set
# by the move that settles it (the decision, a step-up to the MASH, a step-down), in the same
# transaction as the decision or step-down row, so the queue reads only the waiting contacts
# through index contact_early_help_awaiting instead of joining every decided contact early
# help still holds to its decision and throwing it away.
AWAITING_DECISION = Q(status=ContactStatus.WITH_EARLY_HELP, early_help_decided=False)


def is_awaiting_decision(contact: Contact) -> bool:
    """AWAITING_DECISION of the contact as loaded (its two fields; every caller has just read
    it, and the services check again under the contact's lock)."""
    return contact.status == ContactStatus.WITH_EARLY_HELP and not contact.early_help_decided


def decision_queue(user: User) -> QuerySet[Contact]:
    """Contacts awaiting the early help referral decision that the user may see, most urgent
    clock first."""
    return queue_for_status(user, ContactStatus.WITH_EARLY_HELP).filter(AWAITING_DECISION)


def early_help_staff(profile: CouncilProfile) -> QuerySet[User]:
    """Coordinators and family workers: active members of the council's early help teams."""
    return (
        User.objects.filter(is_active=True, team__kind__in=EARLY_HELP_TEAM_KINDS)
        .filter(Q(team__profile=profile) | Q(team__profile__isnull=True))
        .select_related("team")
        .order_by("first_name", "last_name")
    )


def is_early_help_staff(user: User) -> bool:
    return bool(user.team_id and user.team.kind in EARLY_HELP_TEAM_KINDS)


def _open_clock(field: str):
    return Subquery(
        Deadline.objects.filter(
            kind=ClockKind.FAMILY_WORK,
            met_at__isnull=True,
            closed_at__isnull=True,
            subject_type=ContentType.objects.get_for_model(FamilyWorkCase),
            subject_id=OuterRef("pk"),
        )
        .order_by("due_at")
        .values(field)[:1]
    )


def _children_prefetch(prefix: str = "") -> Prefetch:
    return Prefetch(
        f"{prefix}contact_people",
        queryset=ContactPerson.objects.filter(role=ContactRole.CHILD).select_related("person"),
        to_attr="children_links",
    )


def cases_for(user: User, *, status: str = CaseStatus.OPEN) -> QuerySet[FamilyWorkCase]:
    """Family work cases the user may see (all for the duty manager, their own for a worker),
    with the 12-week clock annotated and the children prefetched: no query per row."""
    return (
        granted(user, "early_help.view_familyworkcase", FamilyWorkCase.objects.all())
        .filter(status=status)
        .select_related("contact", "family_worker", "team")
        .prefetch_related("children")
        .annotate(clock_due_at=_open_clock("due_at"), clock_breached_at=_open_clock("breached_at"))
        .order_by("opened_at" if status == CaseStatus.OPEN else "-closed_at", "pk")
    )


def case_clocks(case: FamilyWorkCase) -> list[Deadline]:
    return list(
        Deadline.objects.filter(
            subject_type=ContentType.objects.get_for_model(FamilyWorkCase), subject_id=case.pk
        ).select_related("team", "responsible")
    )


def panel_agenda(panel: EarlyHelpPanel | None) -> list[PanelCase]:
    if panel is None:
        return []
    return list(_panel_cases(PanelCase.objects.filter(panel=panel)))


def carried_over(date: dt.date) -> list[PanelCase]:
    """Cases still undecided from earlier panels."""
    return list(
        _panel_cases(PanelCase.objects.filter(panel__date__lt=date, decided_at__isnull=True))
    )


def _panel_cases(qs: QuerySet[PanelCase]) -> QuerySet[PanelCase]:
    return qs.select_related(
        "contact", "panel", "decided_by", "worker", "contact__step_down__from_team"
    ).prefetch_related(
        _children_prefetch("contact__"),
        Prefetch(
            "contact__deadlines",
            queryset=Deadline.objects.open().filter(kind__in=EARLY_HELP_CLOCKS).order_by("due_at"),
            to_attr="open_deadlines",
        ),
    )
