"""The MASH's entries in a person's chronology (registered with referrals.chronology in
MashConfig.ready): enquiries and what was decided (and a decision reopened after a
disagreement, with what it had been), consent, checks asked of partners and their
answers, information passed on with a referral, and the daily discussion's decisions.

Enquiry entries are for MASH social care staff only (`may_enquiry`), as the enquiry page is;
what was passed on is for them and the receiving team (`may_read_shared`), as on the contact
page; a discussion's decision for those who may open the day's discussion and the contact."""

from django.db.models import Exists, OuterRef

from core.urls import reverse_pk
from referrals.chronology import Entry, Scope, contact_url, named, short, source_register
from referrals.models import ContactPerson

from .access import may_enquiry
from .models import (
    AnswerStatus,
    ConsentDecision,
    DiscussionItem,
    Enquiry,
    InformationShared,
    PartnerAnswer,
    PartnerRequest,
    PreviousDecision,
)
from .selectors import may_read_shared


def _url(enquiry_pk: int) -> str:
    return reverse_pk("mash:enquiry", enquiry_pk)


def _enquiries(person) -> list[Enquiry]:
    """Every enquiry on the person's contacts, newest first, with what its entries show of it
    and its contact's reference (one query; most people have none, a child known for years a
    handful): the consent, checks and answers are then read by these enquiries' ids.
    `reopened`: whether a decision of it was reopened after a disagreement (most never were:
    their previous decisions are not looked for)."""
    return list(
        Enquiry.objects.filter(
            contact_id__in=ContactPerson.objects.filter(person=person).values("contact_id"),
            contact__destroyed_at__isnull=True,
        )
        .annotate(reopened=Exists(PreviousDecision.objects.filter(enquiry_id=OuterRef("pk"))))
        .select_related("contact", "worker")
        .only(
            "opened_at",
            "opened_by_id",
            "decided_at",
            "decided_by_id",
            "final_rag",
            "next_step",
            "final_rationale",
            "contact__reference",
            *named("worker"),
        )
        .order_by("-opened_at", "-pk")
    )


def enquiry_entries(*, scope: Scope, limit: int) -> list[Entry]:
    if not may_enquiry(scope.user, "view_enquiry"):
        return []
    enquiries = _enquiries(scope.person)
    if not enquiries:
        return []
    references = {e.pk: e.contact.reference for e in enquiries}
    ids = list(references)
    out = []
    for e in enquiries[:limit]:
        url, reference = _url(e.pk), references[e.pk]
        out.append(
            Entry(
                e.opened_at,
                "mash",
                f"MASH enquiry opened on {reference}",
                url,
                f"Social worker: {e.worker}" if e.worker else "No social worker assigned",
                by_id=e.opened_by_id,
            )
        )
        if e.decided_at:
            out.append(
                Entry(
                    e.decided_at,
                    "mash",
                    f"MASH decision on {reference}: {e.get_final_rag_display()}, "
                    f"{e.get_next_step_display().lower()}",
                    url,
                    short(e.final_rationale),
                    by_id=e.decided_by_id,
                )
            )
    # A decision reopened after a disagreement: what was decided, and its reopening.
    # Most enquiries were never reopened (`reopened`, read with them): their rows are looked
    # for only when some were, without the joins (ten tables cost PostgreSQL about 9 ms to
    # plan, whatever they hold), and read with them only when there are some.
    reopened_of = [e.pk for e in enquiries if e.reopened]
    reopened_ids = (
        list(
            PreviousDecision.objects.filter(enquiry_id__any=reopened_of)
            .order_by("-reopened_at")
            .values_list("pk", flat=True)[:limit]
        )
        if reopened_of
        else []
    )
    reopened = (
        PreviousDecision.objects.filter(pk__in=reopened_ids)
        .select_related(
            "disagreement__agency",
            "disagreement__team",
            "withdrawn_referral__team",
        )
        .order_by("-reopened_at")
        if reopened_ids
        else []
    )
    for p in reopened:
        url, reference = _url(p.enquiry_id), references[p.enquiry_id]
        out.append(
            Entry(
                p.decided_at,
                "mash",
                f"MASH decision on {reference}: {p.get_final_rag_display()}, "
                f"{p.get_next_step_display().lower()} (changed after a disagreement)",
                url,
                short(p.final_rationale),
                by_id=p.decided_by_id,
            )
        )
        withdrawn = (
            f" Referral to {p.withdrawn_referral.team} withdrawn." if p.withdrawn_referral else ""
        )
        out.append(
            Entry(
                p.reopened_at,
                "mash",
                f"MASH decision on {reference} reopened after a disagreement from "
                f"{p.disagreement.raised_by_name}",
                url,
                f"Back with the MASH manager to decide again.{withdrawn}",
                by_id=p.reopened_by_id,
            )
        )
    consents = (
        ConsentDecision.objects.filter(enquiry_id__any=ids)
        .only("enquiry_id", "outcome", "rationale", "recorded_at", "recorded_by_id")
        .order_by("-recorded_at")[:limit]
    )
    for c in consents:
        out.append(
            Entry(
                c.recorded_at,
                "mash",
                f"Consent {c.get_outcome_display().lower()} ({references[c.enquiry_id]})",
                _url(c.enquiry_id),
                short(c.rationale),
                by_id=c.recorded_by_id,
            )
        )
    requests = (
        PartnerRequest.objects.filter(enquiry_id__any=ids)
        .select_related("agency")
        .only("enquiry_id", "agency__name", "question", "requested_at", "requested_by_id")
        .order_by("-requested_at")[:limit]
    )
    for r in requests:
        out.append(
            Entry(
                r.requested_at,
                "mash",
                f"Checks asked of {r.agency} ({references[r.enquiry_id]})",
                _url(r.enquiry_id),
                short(r.question),
                by_id=r.requested_by_id,
            )
        )
    answers = (
        PartnerAnswer.objects.filter(request__enquiry_id__any=ids, status=AnswerStatus.SUBMITTED)
        .select_related("request__agency")
        .only(
            "version",
            "analysis",
            "information_held",
            "submitted_at",
            "author_id",
            "request__enquiry_id",
            "request__agency__name",
        )
        .order_by("-submitted_at")[:limit]
    )
    for a in answers:
        out.append(
            Entry(
                a.submitted_at,
                "mash",
                f"{a.request.agency} answered the checks, version {a.version} "
                f"({references[a.request.enquiry_id]})",
                _url(a.request.enquiry_id),
                short(a.analysis or a.information_held),
                by_id=a.author_id,
            )
        )
    return out


def shared_entries(*, scope: Scope, limit: int) -> list[Entry]:
    """Partner information passed on with a referral: what the receiving team was given."""
    if not scope.contacts:
        return []
    user = scope.user
    rows = (
        InformationShared.objects.filter(referral__contact_id__any=scope.contacts)
        .select_related("referral__team", "answer__request__agency")
        .only(
            "shared_at",
            "shared_by_id",
            "referral__contact_id",
            "referral__team__name",
            "answer__request__agency__name",
        )
        .order_by("-shared_at")[:limit]
    )
    return [
        Entry(
            s.shared_at,
            "passed_on",
            f"{s.answer.request.agency}'s information passed on to {s.referral.team} "
            f"({scope.references[s.referral.contact_id]})",
            contact_url(s.referral.contact_id),
            "",
            by_id=s.shared_by_id,
        )
        for s in rows
        if may_read_shared(user, s.referral)
    ]


def discussion_entries(*, scope: Scope, limit: int) -> list[Entry]:
    if not scope.user.has_perm("mash.view_dailydiscussion") or not scope.contacts:
        return []
    rows = (
        DiscussionItem.objects.filter(contact_id__any=scope.contacts, decided_at__isnull=False)
        .only("contact_id", "decision", "rationale", "decided_at", "decided_by_id")
        .order_by("-decided_at")[:limit]
    )
    return [
        Entry(
            i.decided_at,
            "discussion",
            f"Daily discussion of {scope.references[i.contact_id]}: "
            f"{i.get_decision_display().lower()}",
            contact_url(i.contact_id),
            short(i.rationale),
            by_id=i.decided_by_id,
        )
        for i in rows
    ]


def register() -> None:
    source_register("mash", "MASH enquiries", enquiry_entries, order=30)
    source_register(
        "passed_on",
        "Passed on",
        shared_entries,
        order=40,
        present=lambda ids: InformationShared.objects.filter(referral__contact_id__any=ids),
    )
    source_register(
        "discussion",
        "Daily discussion",
        discussion_entries,
        order=35,
        present=lambda ids: DiscussionItem.objects.filter(
            contact_id__any=ids, decided_at__isnull=False
        ),
    )
