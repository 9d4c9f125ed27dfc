"""Reads of MASH enquiries reused by pages: the queue, the enquiry page and what was passed on."""

from collections import Counter
from collections.abc import Collection, Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, IntegerField, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from referrals import rating
from referrals.models import Contact, ContactStatus, Referral
from referrals.selectors import TimelineEntry, history_entries, queue_for_status
from thresholds.models import ClockKind, Deadline

from .access import partner_inbox_requests
from .models import (
    AWAITING_DECISION,
    AnswerStatus,
    ConsentDecision,
    ConsentOutcome,
    Disagreement,
    Enquiry,
    InformationShared,
    PartnerAnswer,
    PartnerRequest,
    PreviousDecision,
    ReferralHandover,
    RequestStatus,
    StrategyDiscussion,
)

QUEUE_VIEWS = {
    "all": "Everything with the MASH",
    "unopened": "Waiting for an enquiry to be opened",
    "mine": "Enquiries assigned to me",
    "awaiting_decision": "Analysed: waiting for a manager's decision",
}


def mash_queue(user: User, view: str = "all") -> QuerySet[Contact]:
    """Contacts with the MASH, most urgent clock first, each with its enquiry and answer counts."""
    qs = queue_for_status(user, ContactStatus.WITH_MASH)
    if view == "unopened":
        qs = qs.filter(enquiry__isnull=True)
    elif view == "mine":
        qs = qs.filter(enquiry__worker=user)
    elif view == "awaiting_decision":
        qs = qs.filter(AWAITING_DECISION)
    # Correlated counts, not Count() over a join: a join's GROUP BY counted every request of
    # every contact with the MASH before the page was cut; a subquery in the select list runs
    # for the rows shown only.
    # The enquiry and its worker are fetched for the page's rows (prefetch), not joined to every
    # contact with the MASH before the page is cut.
    return qs.prefetch_related("enquiry__worker").annotate(
        agencies_asked=_requests_count(),
        agencies_answered=_requests_count(status=RequestStatus.ANSWERED),
    )


def _requests_count(**filters) -> Coalesce:
    """How many agencies the contact's enquiry asked (with `filters`), per contact."""
    counted = (
        PartnerRequest.objects.filter(enquiry__contact=OuterRef("pk"), **filters)
        .order_by()
        .values("enquiry__contact")
        # An agency asked again (after a decision is reopened) is one agency.
        .annotate(n=Count("agency", distinct=True))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def attach_partner_clocks(requests: list[PartnerRequest]) -> None:
    """Attach each request's partner-check clock as `clock`, in one query."""
    if not requests:
        return
    clocks = Deadline.objects.filter(
        kind=ClockKind.PARTNER_CHECK,
        subject_type=ContentType.objects.get_for_model(PartnerRequest),
        subject_id__in=[r.pk for r in requests],
    )
    by_request = {d.subject_id: d for d in clocks}
    for r in requests:
        r.clock = by_request.get(r.pk)


def partner_tray(user: User, limit: int = 20) -> list[PartnerRequest]:
    """A partner's work tray: their agency's requests still awaiting an answer, most urgent
    first, each with its clock."""
    # The inbox's order puts every open request before any other, so its first `limit` rows
    # hold the first `limit` open ones: read that way, PostgreSQL walks the inbox's urgency
    # index and stops after a page. Filtered on the status, it read every open request the
    # agency has (2,481 for a police team at full size), probing each one's grants, to sort
    # them for 20 (17 ms).
    requests = [r for r in partner_inbox_requests(user)[:limit] if r.status == RequestStatus.OPEN]
    attach_partner_clocks(requests)
    return requests


def enquiry_requests(enquiry: Enquiry) -> list[PartnerRequest]:
    """The enquiry's requests, each with `clock`, `current` (latest submitted answer), and
    `round` of `rounds` (an agency asked again after a decision was reopened has more than
    one request, oldest first), in a fixed number of queries."""
    requests = list(
        enquiry.requests.select_related("agency", "requested_by")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=PartnerAnswer.objects.select_related("author").order_by("-version"),
                to_attr="all_answers",
            )
        )
        .order_by("agency__name", "requested_at", "pk")
    )
    clocks = Deadline.objects.filter(
        kind=ClockKind.PARTNER_CHECK,
        subject_type=ContentType.objects.get_for_model(PartnerRequest),
        subject_id__in=[r.pk for r in requests],
    )
    by_request = {d.subject_id: d for d in clocks}
    for r in requests:
        r.clock = by_request.get(r.pk)
        submitted = [a for a in r.all_answers if a.status == AnswerStatus.SUBMITTED]
        r.current = submitted[0] if submitted else None
        r.corrections = len(submitted) - 1 if submitted else 0
    rounds = Counter(r.agency_id for r in requests)
    seen: Counter[int] = Counter()
    for r in requests:
        seen[r.agency_id] += 1
        r.round, r.rounds = seen[r.agency_id], rounds[r.agency_id]
    return requests


def shared_with_referrals(referrals: list[Referral]) -> dict[int, list[InformationShared]]:
    """What was passed on with each referral, by referral id."""
    shared: dict[int, list[InformationShared]] = {r.pk: [] for r in referrals}
    for row in InformationShared.objects.filter(referral__in=referrals).select_related(
        "answer__request__agency", "shared_by"
    ):
        shared[row.referral_id].append(row)
    return shared


def may_read_shared(user: User, referral: Referral) -> bool:
    """MASH staff, and the receiving team once the child is referred to it."""
    return user.has_perm("mash.view_enquiry") or (
        user.team_id is not None and user.team_id == referral.team_id
    )


def enquiry_timeline(
    enquiry: Enquiry, *, present: Collection[str] | None = None
) -> list[TimelineEntry]:
    """Every step of the enquiry, newest first: the enquiry, consent, requests and answers.

    `present`: which of its parts ("consent_decisions", "requests", "strategy_discussions",
    "disagreements", "answers") the enquiry has any record of, when the page already knows
    (None: read them all). A part's history is read only if it has records: they are
    never deleted while the enquiry's contact lives (only destroying the whole contact does),
    so a part with no records has no history either."""
    entries = history_entries(
        list(enquiry.history.select_related("history_user").order_by("history_date", "history_id")),
        Enquiry,
    )
    request_ids = PartnerRequest.objects.filter(enquiry_id=enquiry.pk).values("pk")
    for part, model, rows in (
        (
            "consent_decisions",
            ConsentDecision,
            ConsentDecision.history.filter(enquiry_id=enquiry.pk),
        ),
        ("requests", PartnerRequest, PartnerRequest.history.filter(enquiry_id=enquiry.pk)),
        (
            "strategy_discussions",
            StrategyDiscussion,
            StrategyDiscussion.history.filter(enquiry_id=enquiry.pk),
        ),
        ("disagreements", Disagreement, Disagreement.history.filter(enquiry_id=enquiry.pk)),
        # An agency's drafts are its own until submitted.
        (
            "answers",
            PartnerAnswer,
            PartnerAnswer.history.filter(request_id__in=request_ids, status=AnswerStatus.SUBMITTED),
        ),
    ):
        if present is not None and part not in present:
            continue
        for record in rows.select_related("history_user").order_by("history_date", "history_id"):
            who = record.history_user
            reason = record.history_change_reason or f"{model._meta.verbose_name} changed"
            entries.append(TimelineEntry(record.history_date, who, reason, ()))
    return sorted(entries, key=lambda e: e.at, reverse=True)


def handovers_for(referrals: list[Referral]) -> dict[int, ReferralHandover]:
    """How each referral to a team with no duty email reached it, by referral id."""
    return {
        h.referral_id: h
        for h in ReferralHandover.objects.filter(referral__in=referrals).select_related(
            "team_manager", "recorded_by"
        )
    }


# What most enquiries have none of: a page asks which of these one has as it reads it.
SELDOM_ON_ENQUIRY = ("strategy_discussions", "disagreements", "previous_decisions")


def seldom_on_enquiry() -> dict[str, QuerySet]:
    """SELDOM_ON_ENQUIRY's records of the enquiry being read (core.db.exists_columns)."""
    return {
        name: Enquiry._meta.get_field(name).related_model.objects.filter(enquiry=OuterRef("pk"))
        for name in SELDOM_ON_ENQUIRY
    }


def disagreements_on(enquiry: Enquiry) -> list[Disagreement]:
    return list(enquiry.disagreements.select_related("agency", "team", "raised_by", "resolved_by"))


def previous_decisions_on(enquiry: Enquiry) -> list[PreviousDecision]:
    """Decisions reopened after a disagreement, newest first."""
    return list(
        enquiry.previous_decisions.select_related(
            "decided_by",
            "reopened_by",
            "disagreement__agency",
            "disagreement__team",
            "withdrawn_referral__team",
        )
    )


def _mash_consent_given(contacts: Iterable[Contact]) -> set[int]:
    """Contacts whose MASH enquiry's latest consent decision is 'sought and given' (one query)."""
    latest: dict[int, str] = {}
    rows = (
        ConsentDecision.objects.filter(enquiry__contact__in=[c.pk for c in contacts])
        .order_by("enquiry__contact_id", "-recorded_at", "-pk")
        .values_list("enquiry__contact_id", "outcome")
    )
    for contact_id, outcome in rows:
        latest.setdefault(contact_id, outcome)
    return {pk for pk, outcome in latest.items() if outcome == ConsentOutcome.SOUGHT_GIVEN}


def early_help_consent_for(contacts: Iterable[Contact]) -> dict[int, bool]:
    """The one consent rule for early help, per contact: the family agreed (on the contact or
    to the MASH: its latest consent decision is 'sought and given'), or the referrer is a member
    of the public. The MASH decision, the early help queue and decision all ask it."""
    contacts = list(contacts)
    undecided = [c for c in contacts if not rating.has_consent(c)]
    via_mash = _mash_consent_given(undecided) if undecided else set()
    return {c.pk: rating.has_consent(c) or c.pk in via_mash for c in contacts}
