"""Family work: a brief early help assessment by a family worker, the team around the family,
closure within 12 weeks, and step-up of new concerns to MASH screening (Camden protocol 2.2, 3, 8.1)."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from accounts.audit import delete_audited, save_audited
from accounts.models import User
from accounts.roles import Role
from accounts.services import notify
from core.enums import YesNoUnknown
from core.templatetags.govuk import govuk_date
from referrals import services as referral_services
from referrals.models import Contact, ContactRole, ContactSource, Involvement, Service
from thresholds import services as clocks
from thresholds.models import ClockKind, CouncilProfile

from . import selectors
from .access import require_case
from .contacts import children_of, front_door, new_contact
from .models import (
    CaseSource,
    CaseStatus,
    ClosureReason,
    FamilyWorkCase,
    StepUp,
    TafMember,
)

_CASE_PERMS = ("early_help.view_familyworkcase", "early_help.change_familyworkcase")


@transaction.atomic
def family_work_case_open(
    *,
    contact: Contact,
    family_worker: User,
    by: User,
    profile: CouncilProfile,
    source: CaseSource,
    now: dt.datetime,
) -> FamilyWorkCase:
    """Open family work: the children become open to early help, the family worker leads the
    team around the family until they hand over, and the 12-week clock starts."""
    if not (
        by.has_perm("early_help.add_earlyhelpdecision")
        or by.has_perm("early_help.chair_earlyhelppanel")
    ):
        raise PermissionDenied
    team = family_worker.team
    if team is None or team.kind not in selectors.EARLY_HELP_TEAM_KINDS:
        team = front_door(profile)
    case = FamilyWorkCase(
        contact=contact,
        family_worker=family_worker,
        team=team,
        source=source,
        opened_at=now,
        opened_by=by,
    )
    save_audited(case, user=by, reason=f"Family work opened from contact {contact.reference}")
    children = children_of(contact)
    case.children.set(children)
    lead = TafMember(
        case=case,
        name=str(family_worker),
        role=family_worker.job_title or "Family worker",
        organisation=str(team) if team else "Early help",
        email=family_worker.email,
        is_lead_professional=True,
        user=family_worker,
    )
    save_audited(lead, user=by, reason="The family worker leads the team around the family")
    for child in children:
        referral_services.involvement_open(
            person=child,
            service=Service.EARLY_HELP,
            team=team,
            allocated_worker=family_worker,
            opened_on=timezone.localdate(now),
            by=by,
            reason=f"Family work case {case.reference} opened",
        )
    for perm in _CASE_PERMS:
        assign_perm(perm, family_worker, case)
    clocks.deadline_start(
        profile=profile,
        kind=ClockKind.FAMILY_WORK,
        by=by,
        contact=contact,
        subject=case,
        team=team,
        responsible=family_worker,
        responsible_role=Role.EARLY_HELP_DUTY_MANAGER,
        rag=contact.rag,
        started_at=now,
        description=f"Family work case {case.reference}: open at most 12 weeks",
    )
    notify(
        user=family_worker,
        title=f"Family work case {case.reference} allocated to you (contact {contact.reference})",
        body="Complete a brief early help assessment and convene the team around the family.",
        url=case.get_absolute_url(),
    )
    return case


def _lock_open_case(case: FamilyWorkCase, by: User) -> FamilyWorkCase:
    require_case(by, "change_familyworkcase", case)
    case = FamilyWorkCase.objects.select_for_update().select_related("contact").get(pk=case.pk)
    if not case.is_open:
        raise ValidationError(f"Family work case {case.reference} is closed.")
    return case


@transaction.atomic
def family_work_case_close(
    *,
    case: FamilyWorkCase,
    by: User,
    reason: ClosureReason | str,
    details: str = "",
    now: dt.datetime | None = None,
) -> FamilyWorkCase:
    """Close family work (meets its 12-week clock); the children's early help involvement ends."""
    case = _lock_open_case(case, by)
    errors = {}
    if reason not in ClosureReason.values:
        errors["reason"] = "Select why the case is closing"
    elif reason == ClosureReason.OTHER and not details.strip():
        errors["details"] = "Enter why the case is closing"
    elif (
        reason == ClosureReason.LEAD_PROFESSIONAL_IN_COMMUNITY
        and not case.taf_members.filter(is_lead_professional=True)
        .exclude(user=case.family_worker)
        .exists()
    ):
        errors["reason"] = (
            "Make another member of the team around the family the lead professional first"
        )
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    case.status, case.closed_at, case.closed_by = CaseStatus.CLOSED, now, by
    case.closure_reason, case.closure_details = reason, details
    label = ClosureReason(reason).label
    save_audited(case, user=by, reason=f"Family work closed: {label}. {details}".strip())
    clocks.deadline_meet(
        kind=ClockKind.FAMILY_WORK,
        contact=case.contact,
        subject=case,
        by=by,
        at=now,
        reason=f"Family work closed: {label}",
    )
    for involvement in Involvement.objects.filter(
        person__in=case.children.all(),
        service=Service.EARLY_HELP,
        allocated_worker=case.family_worker,
        closed_on__isnull=True,
    ):
        referral_services.involvement_close(
            involvement=involvement,
            closed_on=max(timezone.localdate(now), involvement.opened_on),
            closure_reason=f"Family work case {case.reference} closed: {label}",
            by=by,
        )
    return case


@transaction.atomic
def family_work_record_assessment_completed(
    *, case: FamilyWorkCase, by: User, completed_on: dt.date
) -> FamilyWorkCase:
    """Record the day the brief early help assessment was completed (Ofsted Annex A list 2)."""
    require_case(by, "change_familyworkcase", case)
    case = FamilyWorkCase.objects.select_for_update().get(pk=case.pk)
    opened = timezone.localdate(case.opened_at)
    if completed_on < opened:
        raise ValidationError(
            {
                "completed_on": f"The assessment cannot be completed before the case opened "
                f"({govuk_date(opened)})."
            }
        )
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": "The completion date cannot be in the future."})
    if case.closed_at is not None and completed_on > timezone.localdate(case.closed_at):
        raise ValidationError(
            {"completed_on": "The assessment cannot be completed after the case closed."}
        )
    case.assessment_completed_on = completed_on
    save_audited(
        case, user=by, reason=f"Early help assessment completed on {govuk_date(completed_on)}"
    )
    return case


# Team around the family ---------------------------------------------------------------------


def _check_member(name: str, role: str, organisation: str) -> None:
    errors = {}
    if not name.strip():
        errors["name"] = "Enter the professional's name"
    if not role.strip():
        errors["role"] = "Enter their role"
    if not organisation.strip():
        errors["organisation"] = "Enter their agency or organisation"
    if errors:
        raise ValidationError(errors)


def _reread(member: TafMember) -> TafMember:
    """The member as it is now: its case's lock (held) serialises every change to its members."""
    return TafMember.objects.get(pk=member.pk)


def _unset_lead(case: FamilyWorkCase, by: User) -> None:
    for member in case.taf_members.filter(is_lead_professional=True):
        member.is_lead_professional = False
        save_audited(member, user=by, reason="No longer the lead professional")


@transaction.atomic
def taf_member_add(
    *,
    case: FamilyWorkCase,
    by: User,
    name: str,
    role: str,
    organisation: str,
    phone: str = "",
    email: str = "",
    is_lead_professional: bool = False,
) -> TafMember:
    """Add a professional to the team around the family (as lead professional if chosen)."""
    case = _lock_open_case(case, by)
    _check_member(name, role, organisation)
    if is_lead_professional:
        _unset_lead(case, by)
    member = TafMember(
        case=case,
        name=name,
        role=role,
        organisation=organisation,
        phone=phone,
        email=email,
        is_lead_professional=is_lead_professional,
    )
    lead = " as lead professional" if is_lead_professional else ""
    save_audited(member, user=by, reason=f"Added to the team around the family{lead}")
    return member


@transaction.atomic
def taf_member_update(
    *,
    member: TafMember,
    by: User,
    name: str,
    role: str,
    organisation: str,
    phone: str = "",
    email: str = "",
) -> TafMember:
    """Correct a team around the family member's details."""
    _lock_open_case(member.case, by)
    member = _reread(member)
    _check_member(name, role, organisation)
    member.name, member.role, member.organisation = name, role, organisation
    member.phone, member.email = phone, email
    save_audited(member, user=by, reason="Team around the family member's details changed")
    return member


@transaction.atomic
def taf_member_make_lead(*, member: TafMember, by: User) -> TafMember:
    """Hand the lead professional role to this member (exactly one lead at a time)."""
    case = _lock_open_case(member.case, by)
    member = _reread(member)
    if not member.is_lead_professional:
        _unset_lead(case, by)
        member.is_lead_professional = True
        save_audited(member, user=by, reason="Became the lead professional")
    return member


@transaction.atomic
def taf_member_remove(*, member: TafMember, by: User) -> None:
    """Take a professional out of the team around the family (never the lead professional)."""
    _lock_open_case(member.case, by)
    member = _reread(member)
    if member.is_lead_professional:
        raise ValidationError(
            f"{member.name} is the lead professional: make someone else the lead first."
        )
    delete_audited(member, user=by, reason="Removed from the team around the family")


# Step-up -------------------------------------------------------------------------------------


@transaction.atomic
def family_work_case_step_up(
    *,
    case: FamilyWorkCase,
    by: User,
    profile: CouncilProfile,
    concerns: str,
    family_aware: YesNoUnknown | str,
    family_agrees: YesNoUnknown | str,
    family_agreement_details: str = "",
    now: dt.datetime | None = None,
) -> StepUp:
    """New concerns on family work: a new contact goes to MASH screening for step-up."""
    case = _lock_open_case(case, by)
    errors = {}
    if not concerns.strip():
        errors["concerns"] = "Enter the new concerns"
    if family_aware not in YesNoUnknown.values:
        errors["family_aware"] = "Say whether the family know about the new concerns"
    if family_agrees not in YesNoUnknown.values:
        errors["family_agrees"] = "Say whether the family agree to the referral"
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    children = list(case.children.all())
    adults = (
        case.contact.contact_people.exclude(role=ContactRole.CHILD)
        .exclude(person__in=children)
        .select_related("person")
    )
    people = [(child, {"role": ContactRole.CHILD}) for child in children] + [
        (
            link.person,
            {
                "role": link.role,
                "relationship_to_children": link.relationship_to_children,
                "has_parental_responsibility": link.has_parental_responsibility,
                "lives_with_children": link.lives_with_children,
            },
        )
        for link in adults
    ]
    contact = new_contact(
        source=ContactSource.STEP_UP,
        by=by,
        profile=profile,
        organisation=str(case.team) if case.team else "Early help",
        concerns=concerns,
        people=people,
        family_aware=family_aware,
        family_agrees=family_agrees,
        family_agreement_details=family_agreement_details,
        now=now,
    )
    step_up = StepUp(case=case, contact=contact, raised_by=by, raised_at=now)
    save_audited(step_up, user=by, reason=f"Step-up contact {contact.reference}")
    save_audited(
        case,
        user=by,
        reason=f"Stepped up: new concerns sent to MASH screening as contact {contact.reference}",
    )
    return step_up
