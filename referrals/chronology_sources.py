"""The front door's own entries in a person's chronology (registered in ReferralsConfig.ready):
contacts and their source, ratings and who gave them, referrals on, notices to the referrer,
MERLIN reports and warnings. Each reads only contacts the viewer may open (`Scope.contacts`:
`contacts_visible_to`, the one rule for reading a contact, read once per timeline), in one
query per kind, and none when the viewer may open none of the person's contacts."""

from django.db.models import F, Q, Window
from django.db.models.functions import Lag

from core.text import lower_in_sentence

from .chronology import Entry, Scope, contact_url, short, source_register
from .merlin.models import MerlinReport
from .models import Contact, Rating, Referral, ReferrerNotice
from .person_warnings.models import WarningStatus


def contact_entries(*, scope: Scope, limit: int) -> list[Entry]:
    if not scope.contacts:
        return []
    rows = (
        Contact.objects.filter(pk__any=scope.contacts)
        .only(
            "reference",
            "received_at",
            "source",
            "concerns",
            "referrer_organisation",
            "referrer_role",
            "referrer_relationship",
            "created_by_id",
        )
        .order_by("-received_at")[:limit]
    )
    out = []
    for c in rows:
        referrer = ", ".join(
            p for p in (c.referrer_organisation, c.referrer_role or c.referrer_relationship) if p
        )
        out.append(
            Entry(
                at=c.received_at,
                kind="contacts",
                title=f"Contact {c.reference} received: {c.get_source_display().lower()}",
                detail=f"From {referrer}. {short(c.concerns)}" if referrer else short(c.concerns),
                by_id=c.created_by_id,
                url=contact_url(c.pk),
            )
        )
    return out


def move_entries(*, scope: Scope, limit: int) -> list[Entry]:
    """Each time one of the person's contacts moved on (its status changed), from the contact's
    history: where it went, why and who moved it. The status says where the work went, not
    what another service recorded there (so no reason: a MASH decision's reason is MASH content,
    and an early help worker may see the contact it sent them)."""
    if not scope.contacts:
        return []
    rows = (
        Contact.history.filter(id__any=scope.contacts)
        .annotate(
            before=Window(
                Lag("status"),
                partition_by=[F("id")],
                order_by=[F("history_date").asc(), F("history_id").asc()],
            )
        )
        .filter(~Q(before=F("status")), before__isnull=False)
        .only("id", "reference", "status", "history_date", "history_id", "history_user_id")
        .order_by("-history_date", "-history_id")[:limit]
    )
    return [
        Entry(
            at=h.history_date,
            kind="moves",
            title=f"Contact {h.reference} moved on: {lower_in_sentence(h.get_status_display())}",
            by_id=h.history_user_id,
            url=contact_url(h.id),
        )
        for h in rows
    ]


def rating_entries(*, scope: Scope, limit: int) -> list[Entry]:
    if not scope.contacts:
        return []
    rows = (
        Rating.objects.filter(contact_id__any=scope.contacts)
        .only(
            "stage",
            "rag",
            "level",
            "outcome",
            "rationale",
            "rated_at",
            "contact_id",
            "rated_by_id",
        )
        .order_by("-rated_at")[:limit]
    )
    return [
        Entry(
            at=r.rated_at,
            kind="ratings",
            title=f"{r.get_stage_display()}: {r.get_rag_display()}, level {r.level} "
            f"({scope.references[r.contact_id]})",
            detail=f"{r.get_outcome_display()}. {short(r.rationale)}",
            by_id=r.rated_by_id,
            url=contact_url(r.contact_id),
        )
        for r in rows
    ]


def referral_entries(*, scope: Scope, limit: int) -> list[Entry]:
    if not scope.contacts:
        return []
    rows = (
        Referral.objects.filter(contact_id__any=scope.contacts)
        .select_related("team")
        .order_by("-created_at")[:limit]
    )
    out = []
    for r in rows:
        reference, url = scope.references[r.contact_id], contact_url(r.contact_id)
        out.append(
            Entry(
                at=r.created_at,
                kind="passed_on",
                title=f"Referred to {r.team} ({reference})",
                detail=f"{r.get_assessment_type_display()}. {short(r.reason)}",
                by_id=r.created_by_id,
                url=url,
            )
        )
        if r.is_withdrawn:
            out.append(
                Entry(
                    at=r.withdrawn_at,
                    kind="passed_on",
                    title=f"Referral to {r.team} withdrawn ({reference})",
                    detail=short(r.withdrawal_reason),
                    by_id=r.withdrawn_by_id,
                    url=url,
                )
            )
    return out


def notice_entries(*, scope: Scope, limit: int) -> list[Entry]:
    if not scope.contacts:
        return []
    rows = (
        ReferrerNotice.objects.filter(contact_id__any=scope.contacts)
        .only("channel", "outcome", "audience", "created_at", "contact_id", "created_by_id")
        .order_by("-created_at")[:limit]
    )
    return [
        Entry(
            at=n.created_at,
            kind="notices",
            title=f"Referrer told the outcome by {n.get_channel_display().lower()} "
            f"({scope.references[n.contact_id]})",
            detail=f"{n.get_outcome_display()}. {n.get_audience_display()}",
            by_id=n.created_by_id,
            url=contact_url(n.contact_id),
        )
        for n in rows
    ]


def merlin_entries(*, scope: Scope, limit: int) -> list[Entry]:
    if not scope.contacts:
        return []
    rows = (
        MerlinReport.objects.filter(subjects__person=scope.person, contact_id__any=scope.contacts)
        .distinct()
        .order_by("-submitted_at")[:limit]
    )
    return [
        Entry(
            at=m.submitted_at,
            kind="merlin",
            title=f"Police MERLIN {m.reference}: {m.get_category_display().lower()}, "
            f"police RAG {m.get_police_rag_display().lower()}",
            detail=short(m.summary),
            by=f"{m.decision_maker_rank} {m.decision_maker_name}",
            url=contact_url(m.contact_id),
        )
        for m in rows
    ]


def warning_entries(*, scope: Scope, limit: int) -> list[Entry]:
    """A warning's proposal, agreement and end. Whoever may open the person may open them."""
    out = []
    for w in scope.warnings[:limit]:
        kind = w.get_kind_display()
        url = w.get_absolute_url()
        out.append(
            Entry(
                w.proposed_at,
                "warnings",
                f"{kind} warning proposed",
                url,
                short(w.reason),
                by_id=w.proposed_by_id,
            )
        )
        if w.agreed_at:
            out.append(
                Entry(
                    w.agreed_at,
                    "warnings",
                    f"{kind} warning agreed",
                    url,
                    f"Review by {w.review_on:%d %B %Y}",
                    by_id=w.agreed_by_id,
                )
            )
        if w.status == WarningStatus.ENDED:
            out.append(
                Entry(
                    w.ended_at,
                    "warnings",
                    f"{kind} warning ended",
                    url,
                    short(w.end_reason),
                    by_id=w.ended_by_id,
                )
            )
    return out


def register() -> None:
    source_register("contacts", "Contacts", contact_entries, order=10)
    source_register(
        "ratings",
        "Ratings",
        rating_entries,
        order=20,
        present=lambda ids: Rating.objects.filter(contact_id__any=ids),
    )
    source_register("moves", "Where contacts went", move_entries, order=30)
    source_register(
        "passed_on",
        "Passed on",
        referral_entries,
        order=40,
        present=lambda ids: Referral.objects.filter(contact_id__any=ids),
    )
    source_register(
        "notices",
        "Notices to the referrer",
        notice_entries,
        order=60,
        present=lambda ids: ReferrerNotice.objects.filter(contact_id__any=ids),
    )
    source_register(
        "merlin",
        "Police MERLIN reports",
        merlin_entries,
        order=70,
        present=lambda ids: MerlinReport.objects.filter(contact_id__any=ids),
    )
    source_register("warnings", "Warnings", warning_entries, order=80)
