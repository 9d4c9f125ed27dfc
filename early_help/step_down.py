"""Step-down: a social work team passes children to early help, for the next Early Help Panel."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import TeamKind, User
from accounts.services import notify
from core.enums import YesNoUnknown
from core.templatetags.govuk import govuk_date
from referrals import lifecycle
from referrals.models import (
    ContactRole,
    ContactSource,
    ContactStatus,
    Involvement,
    Person,
    PersonRelationship,
    Service,
)
from thresholds.models import CouncilProfile

from .access import require_perm
from .contacts import duty_managers, front_door, new_contact
from .models import (
    PanelSource,
    StepDown,
)
from .services import panel_add


@transaction.atomic
def step_down_request(
    *,
    by: User,
    profile: CouncilProfile,
    children: list[Person],
    reasons: str,
    family_agrees: bool | None,
    consent_details: str,
    now: dt.datetime | None = None,
) -> StepDown:
    """A social work team manager steps children down to early help: they join the next panel."""
    require_perm(by, "early_help.add_stepdown")
    team = by.team
    if team is None or team.kind not in (TeamKind.SOCIAL_WORK, TeamKind.DISABLED_CHILDREN):
        raise PermissionDenied("Only a social work team can step a case down.")
    errors = {}
    open_here = set(
        Involvement.objects.filter(
            team=team, service=Service.SOCIAL_CARE, closed_on__isnull=True
        ).values_list("person_id", flat=True)
    )
    if not children:
        errors["children"] = "Select the children to step down"
    elif any(child.pk not in open_here for child in children):
        errors["children"] = f"Select children whose case is open to {team}"
    if not reasons.strip():
        errors["reasons"] = "Enter the reasons for stepping the case down"
    if family_agrees is not True:
        errors["family_agrees"] = (
            "Early help is voluntary: the family must agree before the case is stepped down"
        )
    elif not consent_details.strip():
        errors["consent_details"] = "Enter who gave consent, how and when"
    if errors:
        raise ValidationError(errors)
    now = now or timezone.now()
    carers = (
        PersonRelationship.objects.filter(person__in=children, has_parental_responsibility=True)
        .exclude(relative__in=children)
        .select_related("relative")
        .order_by("pk")
    )
    people = [(child, {"role": ContactRole.CHILD}) for child in children]
    seen = {child.pk for child in children}
    for rel in carers:
        if rel.relative_id not in seen:
            seen.add(rel.relative_id)
            people.append(
                (
                    rel.relative,
                    {
                        "role": ContactRole.PARENT_CARER,
                        "relationship_to_children": rel.relationship,
                        "has_parental_responsibility": True,
                    },
                )
            )
    contact = new_contact(
        source=ContactSource.STEP_DOWN,
        by=by,
        profile=profile,
        organisation=str(team),
        concerns=reasons,
        people=people,
        family_aware=YesNoUnknown.YES,
        family_agrees=YesNoUnknown.YES,
        family_agreement_details=consent_details,
        now=now,
    )
    step_down = StepDown(
        contact=contact, from_team=team, reasons=reasons, requested_by=by, requested_at=now
    )
    save_audited(step_down, user=by, reason=f"Step-down from {team}")
    # The duty managers hold it, and the panel's decision (its clock starts now) is the
    # referral decision on a step-down.
    lifecycle.contact_move(
        contact=contact,
        to=ContactStatus.WITH_EARLY_HELP,
        by=by,
        reason=f"Stepped down from {team} to the Early Help Panel",
        team=front_door(profile),
        worker=None,
        profile=profile,
        # The panel decides a step-down: it never waits in the decision queue.
        facts={"early_help_decided": True},
        at=now,
    )
    item = panel_add(
        contact=contact,
        source=PanelSource.STEP_DOWN,
        reason=reasons,
        by=by,
        profile=profile,
        day=timezone.localdate(now),
    )
    for manager in duty_managers():
        notify(
            user=manager,
            title=f"Step-down {contact.reference} from {team} for the panel on "
            f"{govuk_date(item.panel.date)}",
            url=contact.get_absolute_url(),
        )
    return step_down
