"""Click-through: the contacts behind a figure row, by the conditions the figure counted."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import (
    Exists,
    OuterRef,
    QuerySet,
)
from django.utils import timezone

from accounts.models import PartnerAgency, Team
from core.enums import Rag
from early_help.models import EarlyHelpDecision, PanelCase
from early_help.models import Outcome as EarlyHelpOutcome
from mash.models import (
    MASH_RECORD_AGENCIES,
    ConsentGround,
    ConsentOutcome,
    EnquiryStatus,
    PartnerRequest,
)
from referrals.models import (
    Contact,
    ContactSource,
    ContactStatus,
    MerlinReport,
    ReferralSource,
)
from thresholds.models import ClockKind

from ..tables import Period
from .conditions import (
    NONE,
    OPEN_CONTACT_STATUSES,
    Scope,
    _answered_agencies,
    _breached_clock,
    _has_clock,
    contacts_in,
    re_referral,
    repeat_contact,
    span_of,
    with_consent,
    with_enquiry,
)
from .contacts import CONVERSION_LABELS, conversion_steps

# --- Click-through: the contacts behind a figure row -------------------------------------


@dataclass(frozen=True)
class Drill:
    """How a figure's rows map to contacts: a row's label (None for a row that does not
    exist) and the contacts behind it."""

    title: str
    label: Callable[[str], str | None]
    contacts: Callable[[QuerySet, str, Scope], QuerySet]
    in_period: bool = True


def _choice(choices, *, none: str | None = None) -> Callable[[str], str | None]:
    labels = dict(choices)

    def label(row: str) -> str | None:
        if row == NONE and none is not None:
            return none
        return labels.get(row)

    return label


def _by_field(field: str) -> Callable[[QuerySet, str, Scope], QuerySet]:
    def contacts(qs: QuerySet, row: str, scope: Scope) -> QuerySet:
        return qs.filter(**{field: "" if row == NONE else row})

    return contacts


def _pk_label(model, none: str | None) -> Callable[[str], str | None]:
    def label(row: str) -> str | None:
        if row == NONE:
            return none
        if not row.isdigit() or len(row) > 18:
            return None
        found = model.objects.filter(pk=int(row)).values_list("name", flat=True).first()
        return found

    return label


def _steps(qs: QuerySet, row: str, scope: Scope) -> QuerySet:
    return qs.filter(conversion_steps(scope.span)[row][1])


def _mash(qs: QuerySet, row: str, scope: Scope) -> QuerySet:
    enquiries = qs.filter(with_enquiry(scope.span))
    if row == "records":
        return enquiries.annotate(agencies=_answered_agencies()).filter(
            agencies__gte=MASH_RECORD_AGENCIES
        )
    if row == "decided":
        return enquiries.filter(enquiry__status=EnquiryStatus.DECIDED)
    return enquiries


def _consent(qs: QuerySet, row: str, scope: Scope) -> QuerySet:
    return with_consent(qs, scope.span).filter(consent="" if row == NONE else row)


def _consent_ground(qs: QuerySet, row: str, scope: Scope) -> QuerySet:
    return with_consent(qs, scope.span).filter(
        consent__in=[ConsentOutcome.NOT_SOUGHT, ConsentOutcome.OVERRIDDEN],
        consent_ground="" if row == NONE else row,
    )


def _partner(qs: QuerySet, row: str, scope: Scope) -> QuerySet:
    return qs.filter(
        Exists(PartnerRequest.objects.filter(enquiry__contact=OuterRef("pk"), agency_id=int(row)))
    )


def _repeats(qs: QuerySet, row: str, scope: Scope) -> QuerySet:
    if row == "repeat":
        return qs.filter(repeat_contact(scope.period, scope.span))
    if row == "re_referral":
        return qs.filter(re_referral(scope.span))
    return qs


def _related(model) -> Callable[[QuerySet, str, Scope], QuerySet]:
    """Contacts with a `model` row (which has `contact` and the figure's field) matching."""

    def build(field: str):
        def contacts(qs: QuerySet, row: str, scope: Scope) -> QuerySet:
            value = "" if row == NONE else row
            return qs.filter(Exists(model.objects.filter(contact=OuterRef("pk"), **{field: value})))

        return contacts

    return build


def _workload(qs: QuerySet, row: str, scope: Scope) -> QuerySet:
    open_contacts = Contact.objects.filter(status__in=OPEN_CONTACT_STATUSES)
    if row == NONE:
        return open_contacts.filter(assigned_team__isnull=True)
    return open_contacts.filter(assigned_team_id=int(row))


def _breaches_by_team(qs: QuerySet, row: str, scope: Scope) -> QuerySet:
    team = {"team__isnull": True} if row == NONE else {"team_id": int(row)}
    return qs.filter(_breached_clock(scope.now, **team))


DRILLS: dict[str, Drill] = {
    "contacts_by_source": Drill(
        "Contacts by how they arrived", _choice(ContactSource.choices), _by_field("source")
    ),
    "contacts_by_referral_source": Drill(
        "Contacts by referral source",
        _choice(ReferralSource.choices, none="Not recorded"),
        _by_field("referral_source"),
    ),
    "contacts_by_outcome": Drill(
        "Contacts by where they are now",
        _choice([c for c in ContactStatus.choices if c[0] != ContactStatus.DRAFT]),
        _by_field("status"),
    ),
    "conversion": Drill(
        "What contacts became",
        lambda row: dict(CONVERSION_LABELS).get(row),
        _steps,
    ),
    "breaches_by_kind": Drill(
        "Breached clocks",
        _choice(ClockKind.choices),
        lambda qs, row, scope: qs.filter(_has_clock(row, scope.now)),
    ),
    "breaches_by_team": Drill(
        "Breached clocks by team", _pk_label(Team, "No team (a role answers)"), _breaches_by_team
    ),
    "mash": Drill(
        "MASH enquiries and records",
        _choice(
            [("enquiries", "MASH enquiries"), ("records", "MASH records"), ("decided", "Decided")]
        ),
        _mash,
    ),
    "consent": Drill(
        "Consent outcomes", _choice(ConsentOutcome.choices, none="Not recorded yet"), _consent
    ),
    "consent_ground": Drill(
        "Consent not sought or overridden",
        _choice(ConsentGround.choices, none="No ground recorded"),
        _consent_ground,
    ),
    "partner": Drill("Partner checks by agency", _pk_label(PartnerAgency, None), _partner),
    "repeats": Drill(
        "Repeat contacts and re-referrals",
        _choice(
            [
                ("all", "Contacts received"),
                ("repeat", "Repeat contacts"),
                ("re_referral", "Re-referrals within 12 months"),
            ]
        ),
        _repeats,
    ),
    "merlin": Drill(
        "Police MERLIN reports by police RAG rating",
        _choice(Rag.choices),
        _related(MerlinReport)("police_rag"),
    ),
    "early_help": Drill(
        "Early help referral decisions",
        _choice(EarlyHelpOutcome.choices),
        _related(EarlyHelpDecision)("outcome"),
    ),
    "panel": Drill(
        "Early Help Panel decisions",
        _choice(EarlyHelpOutcome.choices, none="Awaiting the panel's decision"),
        _related(PanelCase)("decision"),
    ),
    "workload": Drill(
        "Open contacts per team now", _pk_label(Team, "No team"), _workload, in_period=False
    ),
}


def contacts_behind(
    figure: str, row: str, period: Period, *, now: dt.datetime | None = None
) -> tuple[str, str, QuerySet] | None:
    """(figure title, row label, the contacts behind the row), or None for a figure or row
    that does not exist."""
    drill = DRILLS.get(figure)
    if drill is None:
        return None
    label = drill.label(row)
    if label is None:
        return None
    scope = Scope(period, span_of(period), now or timezone.now())
    return drill.title, label, drill.contacts(contacts_in(period), row, scope)
