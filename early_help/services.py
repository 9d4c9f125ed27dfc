"""State changes in early help (Camden protocol 3, 6.1-6.2; DOMAIN §5, §7, §8): the family's
consent, the duty manager's early help referral decision and the weekly Early Help Panel.

Family work lives in family_work.py and step-downs in step_down.py. Early help is voluntary:
no referral decision or panel decision goes ahead without the family's consent.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import TeamKind, User
from accounts.roles import Role
from accounts.selectors import users_with_role
from accounts.services import notify
from core.enums import Rag, YesNoUnknown
from core.templatetags.govuk import govuk_date
from referrals import lifecycle
from referrals import services as referral_services
from referrals.models import Contact, ContactStatus, Involvement, Service
from referrals.notices.services import is_professional, referrer_notice_after_outcome
from referrals.selectors import profile_team
from thresholds import services as clocks
from thresholds.models import ClockKind, CouncilProfile

from . import selectors
from .access import may_record_consent, require_perm
from .contacts import children_of
from .family_work import family_work_case_open
from .models import (
    DUTY_OUTCOMES,
    PANEL_OUTCOMES,
    CaseSource,
    EarlyHelpDecision,
    EarlyHelpPanel,
    FamilyWorkCase,
    Outcome,
    PanelCase,
    PanelSource,
    StepDown,
)

NO_CONSENT = (
    "This contact is held: early help is voluntary and cannot go ahead until the family's "
    "consent is recorded. Record the family's agreement first (a referral from a member of "
    "the public needs none)."
)
NOT_AWAITING_DECISION = "This contact is not waiting for an early help referral decision."
# Outcomes that end early help's work at the front door.
CLOSING_OUTCOMES = (Outcome.SIGNPOSTING, Outcome.NO_FURTHER_ACTION)


# Consent -------------------------------------------------------------------------------------


@transaction.atomic
def consent_record(
    *, contact: Contact, by: User, family_agrees: YesNoUnknown | str, details: str
) -> Contact:
    """Record whether the family agrees to early help, with who said so and when."""
    if not may_record_consent(by, contact):
        raise PermissionDenied
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if contact.is_draft:
        raise ValidationError(
            "This contact is still being logged: record the family's agreement in its "
            "family section."
        )
    errors = {}
    if family_agrees not in YesNoUnknown.values:
        errors["family_agrees"] = "Select whether the family agrees to early help"
    if not details.strip():
        errors["details"] = "Enter who gave or refused consent, how and when"
    if errors:
        raise ValidationError(errors)
    contact.family_agrees = family_agrees
    if family_agrees == YesNoUnknown.YES:
        contact.family_aware = YesNoUnknown.YES
    contact.family_agreement_details = details
    label = YesNoUnknown(family_agrees).label
    save_audited(contact, user=by, reason=f"Family's consent to early help: {label}. {details}")
    return contact


# Shared checks and effects of a decision ----------------------------------------------------


def _check_outcome(
    errors: dict[str, str],
    *,
    outcome: str,
    worker: User | None,
    service: str,
    profile: CouncilProfile,
) -> None:
    staff = selectors.early_help_staff(profile)
    if outcome == Outcome.INFORMATION_ADVICE_GUIDANCE and (
        worker is None or not staff.filter(pk=worker.pk).exists()
    ):
        errors["worker"] = "Select the early help coordinator who will give the advice"
    if outcome == Outcome.BRIEF_ASSESSMENT and (
        worker is None or not staff.filter(pk=worker.pk).exists()
    ):
        errors["worker"] = "Select the family worker who will do the brief assessment"
    if outcome in (Outcome.SIGNPOSTING, Outcome.TARGETED_SERVICE) and not service.strip():
        errors["service"] = (
            "Enter the services the family is signposted to"
            if outcome == Outcome.SIGNPOSTING
            else "Enter the early help service the family is referred to"
        )


def _carry_out(
    *,
    contact: Contact,
    outcome: Outcome,
    by: User,
    profile: CouncilProfile,
    worker: User | None,
    service: str,
    rationale: str,
    reason: str,
    source: CaseSource,
    now: dt.datetime,
) -> FamilyWorkCase | None:
    """Do what a decision says: move the contact (to its worker, or closed) and open the work."""
    keeps_worker = outcome in (Outcome.INFORMATION_ADVICE_GUIDANCE, Outcome.BRIEF_ASSESSMENT)
    lifecycle.contact_move(
        contact=contact,
        to=ContactStatus.CLOSED_NFA
        if outcome in CLOSING_OUTCOMES
        else ContactStatus.WITH_EARLY_HELP,
        by=by,
        reason=reason,
        worker=worker if keeps_worker else None,
        profile=profile,
        facts={"signposting": service, "early_help_decided": True}
        if outcome in (Outcome.SIGNPOSTING, Outcome.TARGETED_SERVICE)
        else {"early_help_decided": True},
        at=now,
    )
    url = contact.get_absolute_url()
    case = None
    if outcome == Outcome.INFORMATION_ADVICE_GUIDANCE:
        notify(
            user=worker,
            title=f"Contact {contact.reference}: information, advice and guidance to give",
            body="An early help referral decision has assigned this family to you.",
            url=url,
        )
    elif outcome == Outcome.BRIEF_ASSESSMENT:
        case = family_work_case_open(
            contact=contact, family_worker=worker, by=by, profile=profile, source=source, now=now
        )
    elif outcome == Outcome.PANEL:
        panel_add(
            contact=contact,
            source=PanelSource.DECISION,
            reason=rationale,
            by=by,
            profile=profile,
            day=timezone.localdate(now),
        )
    return case


# The early help referral decision ------------------------------------------------------------


@transaction.atomic
def early_help_decide(
    *,
    contact: Contact,
    by: User,
    profile: CouncilProfile,
    outcome: Outcome | str,
    rationale: str,
    worker: User | None = None,
    service: str = "",
    now: dt.datetime | None = None,
) -> EarlyHelpDecision:
    """The duty manager's early help referral decision on a green contact (meets its clocks)."""
    require_perm(by, "early_help.add_earlyhelpdecision")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if (
        contact.status != ContactStatus.WITH_EARLY_HELP
        or EarlyHelpDecision.objects.filter(contact=contact).exists()
        or StepDown.objects.filter(contact=contact).exists()
    ):
        raise ValidationError(NOT_AWAITING_DECISION)
    if not selectors.has_early_help_consent(contact):
        raise ValidationError(NO_CONSENT)
    errors: dict[str, str] = {}
    if outcome not in DUTY_OUTCOMES:
        errors["outcome"] = "Select the early help referral decision"
    if not rationale.strip():
        errors["rationale"] = "Enter the reason for the decision"
    _check_outcome(errors, outcome=outcome, worker=worker, service=service, profile=profile)
    if errors:
        raise ValidationError(errors)
    outcome = Outcome(outcome)
    now = now or timezone.now()
    keeps_worker = outcome in (Outcome.INFORMATION_ADVICE_GUIDANCE, Outcome.BRIEF_ASSESSMENT)
    decision = EarlyHelpDecision(
        contact=contact,
        outcome=outcome,
        rationale=rationale,
        worker=worker if keeps_worker else None,
        service=service if outcome == Outcome.SIGNPOSTING else "",
        decided_by=by,
        decided_at=now,
    )
    save_audited(decision, user=by, reason=f"Early help referral decision: {outcome.label}")
    # The decision answers both clocks the green rating started: the case has reached early
    # help (or been closed there) and its referral decision is made.
    for kind in (ClockKind.GREEN_TO_EARLY_HELP, ClockKind.EARLY_HELP_DECISION):
        clocks.deadline_meet(
            kind=kind, contact=contact, by=by, at=now, reason=f"Early help: {outcome.label}"
        )
    _carry_out(
        contact=contact,
        outcome=outcome,
        by=by,
        profile=profile,
        worker=worker,
        service=service,
        rationale=rationale,
        reason=f"Early help referral decision: {outcome.label}. {rationale}",
        source=CaseSource.DECISION,
        now=now,
    )
    _tell_referrer(contact, outcome=outcome, worker=worker, by=by, profile=profile, now=now)
    return decision


# Stepping a case up to the MASH -------------------------------------------------------------

STEP_UP_RAGS = (Rag.RED, Rag.AMBER)


@transaction.atomic
def early_help_step_up_to_mash(
    *,
    contact: Contact,
    by: User,
    profile: CouncilProfile,
    rag: Rag | str,
    reason: str,
    now: dt.datetime | None = None,
) -> EarlyHelpDecision:
    """The duty manager's decision that a contact rated green needs the MASH (a 16-year-old
    with nowhere to stay tonight): it moves to the MASH manager on the red or amber clock, and
    early help's hold on it ends (lifecycle.contact_move grants and revokes)."""
    require_perm(by, "early_help.add_earlyhelpdecision")
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    if (
        contact.status != ContactStatus.WITH_EARLY_HELP
        or EarlyHelpDecision.objects.filter(contact=contact).exists()
        or StepDown.objects.filter(contact=contact).exists()
    ):
        raise ValidationError(NOT_AWAITING_DECISION)
    errors: dict[str, str] = {}
    if rag not in STEP_UP_RAGS:
        errors["rag"] = "Select red or amber: how soon the MASH must act"
    if not reason.strip():
        errors["reason"] = "Enter why the case needs the MASH"
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    rag = Rag(rag)
    decision = EarlyHelpDecision(
        contact=contact,
        outcome=Outcome.STEP_UP_TO_MASH,
        rationale=reason.strip(),
        rag=rag,
        decided_by=by,
        decided_at=now,
    )
    save_audited(decision, user=by, reason=f"Stepped up to the MASH ({rag.label})")
    for kind in (ClockKind.GREEN_TO_EARLY_HELP, ClockKind.EARLY_HELP_DECISION):
        clocks.deadline_meet(
            kind=kind, contact=contact, by=by, at=now, reason="Early help: stepped up to the MASH"
        )
    lifecycle.contact_move(
        contact=contact,
        to=ContactStatus.WITH_MASH,
        by=by,
        reason=f"Stepped up from early help to the MASH ({rag.label}): {reason.strip()}",
        team=profile_team(profile, TeamKind.MASH),
        worker=None,
        profile=profile,
        facts={"rag": rag, "early_help_decided": True},
        at=now,
    )
    url = contact.get_absolute_url()
    for manager in users_with_role(Role.MASH_MANAGER):
        notify(
            user=manager,
            title=f"{rag.label} contact {contact.reference} stepped up from early help",
            body="The early help duty manager has stepped this contact up to the MASH.",
            url=url,
            email=rag == Rag.RED,
        )
    return decision


# The Early Help Panel ------------------------------------------------------------------------


def panel_for(*, day: dt.date, by: User | None) -> EarlyHelpPanel:
    """The panel meeting on a day, created the first time it is needed."""
    panel = EarlyHelpPanel.objects.filter(date=day).first()
    if panel is None:
        panel = EarlyHelpPanel(date=day)
        save_audited(panel, user=by, reason=f"Early Help Panel for {govuk_date(day)} opened")
    return panel


@transaction.atomic
def panel_add(
    *,
    contact: Contact,
    source: PanelSource | str,
    reason: str,
    by: User,
    profile: CouncilProfile,
    day: dt.date | None = None,
) -> PanelCase:
    """Put a case on the next panel's agenda."""
    # The contact's lock, as its early help decision takes: reopening a MASH decision
    # (mash.reopen, which refuses a case on the agenda) either sees the case here or has
    # already moved the contact back to the MASH before this adds it (its callers check where
    # the contact is under this lock).
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    date = selectors.next_panel_date(day or timezone.localdate(), profile)
    panel = panel_for(day=date, by=by)
    item = PanelCase.objects.filter(panel=panel, contact=contact).first()
    if item is not None:
        return item
    item = PanelCase(panel=panel, contact=contact, source=source, reason=reason)
    save_audited(
        item,
        user=by,
        reason=f"{contact.reference} on the panel agenda: {item.get_source_display()}",
    )
    return item


def _require_chair(by: User) -> None:
    if not by.has_perm("early_help.chair_earlyhelppanel"):
        raise PermissionDenied


@transaction.atomic
def panel_record_attendees(
    *, panel: EarlyHelpPanel, by: User, attendees: list[User], other_attendees: str
) -> EarlyHelpPanel:
    """Minute who attended the panel."""
    _require_chair(by)
    if not attendees and not other_attendees.strip():
        raise ValidationError("Select who attended, or name the other attendees")
    panel.other_attendees = other_attendees
    save_audited(panel, user=by, reason="Panel attendees recorded")
    panel.attendees.set(attendees)
    return panel


@transaction.atomic
def panel_decide(
    *,
    item: PanelCase,
    by: User,
    profile: CouncilProfile,
    decision: Outcome | str,
    rationale: str,
    worker: User | None = None,
    service: str = "",
    now: dt.datetime | None = None,
) -> PanelCase:
    """Minute the panel's decision on one case and carry it out."""
    _require_chair(by)
    item = PanelCase.objects.select_for_update().select_related("contact", "panel").get(pk=item.pk)
    if item.is_decided:
        raise ValidationError("The panel has already decided this case.")
    panel = item.panel
    if not panel.attendees.exists() and not panel.other_attendees:
        raise ValidationError("Record who attended the panel before minuting decisions.")
    contact = Contact.objects.select_for_update().get(pk=item.contact_id)
    if contact.status != ContactStatus.WITH_EARLY_HELP:
        raise ValidationError("This case is no longer with early help.")
    if not selectors.has_early_help_consent(contact):
        raise ValidationError(NO_CONSENT)
    errors: dict[str, str] = {}
    if decision not in PANEL_OUTCOMES:
        errors["decision"] = "Select the panel's decision"
    if not rationale.strip():
        errors["rationale"] = "Enter the reason for the decision"
    _check_outcome(errors, outcome=decision, worker=worker, service=service, profile=profile)
    if errors:
        raise ValidationError(errors)
    decision = Outcome(decision)
    now = now or timezone.now()
    keeps_worker = decision in (Outcome.INFORMATION_ADVICE_GUIDANCE, Outcome.BRIEF_ASSESSMENT)
    item.decision, item.rationale = decision, rationale
    item.worker = worker if keeps_worker else None
    item.service = service if decision in (Outcome.SIGNPOSTING, Outcome.TARGETED_SERVICE) else ""
    item.decided_by, item.decided_at = by, now
    save_audited(item, user=by, reason=f"Panel decided: {decision.label}")
    clocks.deadline_meet(
        kind=ClockKind.EARLY_HELP_DECISION,
        contact=contact,
        by=by,
        at=now,
        reason=f"Early Help Panel: {decision.label}",
    )
    if item.source == PanelSource.STEP_DOWN:
        _close_social_work(contact, by=by, now=now, panel=panel)
    _carry_out(
        contact=contact,
        outcome=decision,
        by=by,
        profile=profile,
        worker=worker,
        service=service,
        rationale=rationale,
        reason=f"Early Help Panel {govuk_date(panel.date)}: {decision.label}. {rationale}",
        source=CaseSource.PANEL,
        now=now,
    )
    if item.source == PanelSource.DECISION:
        # A step-down's "referrer" is the social work team that sent it, which the panel
        # already tells through the case; a green contact's referrer hears the panel's outcome.
        _tell_referrer(contact, outcome=decision, worker=worker, by=by, profile=profile, now=now)
    return item


# What a professional referrer is told of early help's decision (the public hear only that the
# contact was acted on: referrals.notices).
REFERRER_WORDS = {
    Outcome.INFORMATION_ADVICE_GUIDANCE: "Early help will give the family information, advice "
    "and guidance",
    Outcome.BRIEF_ASSESSMENT: "Early help will carry out a brief early help assessment with the "
    "family",
    Outcome.PANEL: "The family's case goes to the weekly Early Help Panel, which matches it to "
    "the right early help service",
    Outcome.TARGETED_SERVICE: "The family is referred to a more intensive early help service",
    Outcome.SIGNPOSTING: "The family has been signposted to universal or community services",
    Outcome.NO_FURTHER_ACTION: "Early help will take no further action",
}


def _tell_referrer(
    contact: Contact,
    *,
    outcome: Outcome,
    worker: User | None,
    by: User,
    profile: CouncilProfile,
    now: dt.datetime,
) -> None:
    """Early help's decision is a new outcome: a professional referrer is owed it within their
    clock. A member of the public was told at the rating all that confidentiality allows."""
    if not is_professional(contact):
        return
    words = REFERRER_WORDS[outcome]
    if worker is not None and worker.team_id and outcome != Outcome.NO_FURTHER_ACTION:
        words += f" ({worker.team})"
    words = f"{words}."[:200]
    deadline = clocks.deadline_start(
        profile=profile,
        kind=ClockKind.REFERRER_TOLD,
        by=by,
        contact=contact,
        responsible_role=Role.EARLY_HELP_DUTY_MANAGER,
        started_at=now,
        description=words,
    )
    if deadline.description != words:
        # The referrer has not yet been told the earlier outcome: they hear the latest one.
        deadline.description = words
        save_audited(deadline, user=by, reason="The outcome the referrer is owed changed")
    referrer_notice_after_outcome(contact=contact, by=by)


def _close_social_work(
    contact: Contact, *, by: User, now: dt.datetime, panel: EarlyHelpPanel
) -> None:
    """The panel has taken the step-down: the social work team's involvement ends."""
    step_down = StepDown.objects.select_related("from_team").get(contact=contact)
    for involvement in Involvement.objects.filter(
        person__in=children_of(contact),
        team=step_down.from_team,
        service=Service.SOCIAL_CARE,
        closed_on__isnull=True,
    ):
        referral_services.involvement_close(
            involvement=involvement,
            closed_on=max(timezone.localdate(now), involvement.opened_on),
            closure_reason=f"Stepped down to early help (panel {govuk_date(panel.date)})",
            by=by,
        )
