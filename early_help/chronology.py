"""Early help's entries in a person's chronology (registered with referrals.chronology in
EarlyHelpConfig.ready): the early help referral decision on each contact, and family work
cases opened, stepped up and closed. A decision shows to whoever may open its contact (it is
on the contact's page); a case to whoever may open the case (`early_help.view_familyworkcase`
role-wide or on the case, as `may_case` asks)."""

from django.db.models import OuterRef

from accounts.grants import granted
from referrals.chronology import Entry, Scope, beyond_reference, contact_url, short, source_register

from .models import EarlyHelpDecision, FamilyWorkCase, PanelCase, StepUp


def decision_entries(*, scope: Scope, limit: int) -> list[Entry]:
    if not scope.contacts:
        return []
    rows = (
        EarlyHelpDecision.objects.filter(contact_id__any=scope.contacts)
        .only("contact_id", "outcome", "rationale", "decided_at", "decided_by_id")
        .order_by("-decided_at")[:limit]
    )
    return [
        Entry(
            d.decided_at,
            "early_help",
            f"Early help decision on {scope.references[d.contact_id]}: "
            f"{d.get_outcome_display().lower()}",
            contact_url(d.contact_id),
            short(d.rationale),
            by_id=d.decided_by_id,
        )
        for d in rows
    ]


def panel_entries(*, scope: Scope, limit: int) -> list[Entry]:
    """The Early Help Panel's decisions on the person's contacts (shown on the contact's page,
    so to whoever may open the contact)."""
    if not scope.contacts:
        return []
    rows = (
        PanelCase.objects.filter(contact_id__any=scope.contacts, decided_at__isnull=False)
        .only("contact_id", "decision", "rationale", "decided_at", "decided_by_id")
        .order_by("-decided_at")[:limit]
    )
    return [
        Entry(
            p.decided_at,
            "early_help",
            f"Early Help Panel decision on {scope.references[p.contact_id]}: "
            f"{p.get_decision_display().lower()}",
            contact_url(p.contact_id),
            short(p.rationale),
            by_id=p.decided_by_id,
        )
        for p in rows
    ]


def _cases(user, person):
    return granted(
        user,
        "early_help.view_familyworkcase",
        FamilyWorkCase.objects.filter(children=person, contact__destroyed_at__isnull=True),
    )


def case_entries(*, scope: Scope, limit: int) -> list[Entry]:
    # Most people have no family work case: one probe of ids, then the rows only if any.
    ids = list(_cases(scope.user, scope.person).order_by().values_list("pk", flat=True))
    if not ids:
        return []
    out = []
    for case in (
        FamilyWorkCase.objects.filter(pk__in=ids)
        .select_related("family_worker", "team")
        .order_by("-opened_at")[:limit]
    ):
        url = case.get_absolute_url()
        out.append(
            Entry(
                case.opened_at,
                "early_help",
                f"Family work case {case.reference} opened",
                url,
                f"Family worker: {case.family_worker}" + (f" ({case.team})" if case.team else ""),
                by_id=case.opened_by_id,
            )
        )
        if case.closed_at:
            out.append(
                Entry(
                    case.closed_at,
                    "early_help",
                    f"Family work case {case.reference} closed: "
                    f"{case.get_closure_reason_display().lower()}",
                    url,
                    short(case.closure_details),
                    by_id=case.closed_by_id,
                )
            )
    for step in (
        StepUp.objects.filter(case_id__in=ids)
        .select_related("case", "contact")
        .defer(*beyond_reference("contact"))
        .order_by("-raised_at")[:limit]
    ):
        out.append(
            Entry(
                step.raised_at,
                "early_help",
                f"Family work case {step.case.reference} stepped up: new contact "
                f"{step.contact.reference}",
                step.case.get_absolute_url(),
                "",
                by_id=step.raised_by_id,
            )
        )
    return out


def register() -> None:
    source_register(
        "early_help",
        "Early help",
        decision_entries,
        order=50,
        present=lambda ids: EarlyHelpDecision.objects.filter(contact_id__any=ids),
    )
    # A family work case is the person's (its children), not a contact's: asked of the person,
    # the row the gate's one question reads. Most people have none.
    source_register(
        "early_help",
        "Early help",
        case_entries,
        order=50,
        present=lambda ids: FamilyWorkCase.objects.filter(children=OuterRef("pk")),
    )
    source_register(
        "early_help",
        "Early help",
        panel_entries,
        order=50,
        present=lambda ids: PanelCase.objects.filter(contact_id__any=ids, decided_at__isnull=False),
    )
