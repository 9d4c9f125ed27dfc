"""Early help's entries in a person's chronology (registered with referrals.chronology in
EarlyHelpConfig.ready): the early help referral decision on each contact, and family work
cases opened, stepped up and closed. A decision shows to whoever may open its contact (it is
on the contact's page); a case to whoever may open the case (`early_help.view_familyworkcase`
role-wide or on the case, as `may_case` asks)."""

from accounts.grants import granted
from referrals.chronology import Entry, Scope, beyond_reference, short, source_register

from .models import EarlyHelpDecision, FamilyWorkCase, PanelCase, StepUp


def decision_entries(*, scope: Scope, limit: int) -> list[Entry]:
    if not scope.contacts:
        return []
    rows = (
        EarlyHelpDecision.objects.filter(contact_id__in=scope.contacts)
        .select_related("contact", "decided_by", "worker")
        .defer(*beyond_reference("contact"))
        .order_by("-decided_at")[:limit]
    )
    return [
        Entry(
            d.decided_at,
            "early_help",
            f"Early help decision on {d.contact.reference}: {d.get_outcome_display().lower()}",
            d.contact.get_absolute_url(),
            short(d.rationale),
            str(d.decided_by),
        )
        for d in rows
    ]


def panel_entries(*, scope: Scope, limit: int) -> list[Entry]:
    """The Early Help Panel's decisions on the person's contacts (shown on the contact's page,
    so to whoever may open the contact)."""
    if not scope.contacts:
        return []
    rows = (
        PanelCase.objects.filter(contact_id__in=scope.contacts, decided_at__isnull=False)
        .select_related("contact", "panel", "decided_by")
        .defer(*beyond_reference("contact"))
        .order_by("-decided_at")[:limit]
    )
    return [
        Entry(
            p.decided_at,
            "early_help",
            f"Early Help Panel decision on {p.contact.reference}: "
            f"{p.get_decision_display().lower()}",
            p.contact.get_absolute_url(),
            short(p.rationale),
            str(p.decided_by or ""),
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
        .select_related("family_worker", "opened_by", "closed_by", "team")
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
                str(case.opened_by),
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
                    str(case.closed_by or ""),
                )
            )
    for step in (
        StepUp.objects.filter(case_id__in=ids)
        .select_related("case", "raised_by", "contact")
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
                str(step.raised_by),
            )
        )
    return out


def register() -> None:
    source_register(
        "early_help",
        "Early help",
        decision_entries,
        order=50,
        present=lambda ids: EarlyHelpDecision.objects.filter(contact_id__in=ids),
    )
    source_register("early_help", "Early help", case_entries, order=50)
    source_register(
        "early_help",
        "Early help",
        panel_entries,
        order=50,
        present=lambda ids: PanelCase.objects.filter(contact_id__in=ids, decided_at__isnull=False),
    )
