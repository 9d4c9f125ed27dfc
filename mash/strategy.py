"""Strategy discussions: recorded as records of their own on a MASH enquiry (Working Together:
when, who took part for which agency, the decision, whether section 47 enquiries follow, and
the next steps with who does them and by when), not only as the enquiry's next-step label.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import User

from .access import may_enquiry
from .models import Enquiry, StrategyAction, StrategyAttendee, StrategyDiscussion


@dataclass(frozen=True)
class Attendee:
    agency: str
    name: str
    role: str = ""


@dataclass(frozen=True)
class Action:
    action: str
    owner: str
    due_on: dt.date


def may_record(user: User, enquiry: Enquiry | None = None) -> bool:
    """MASH social workers and managers (the role-wide permission), on an enquiry they see."""
    return may_enquiry(user, "view_enquiry", enquiry) and user.has_perm(
        "mash.add_strategydiscussion"
    )


@transaction.atomic
def strategy_discussion_record(
    *,
    enquiry: Enquiry,
    by: User,
    held_at: dt.datetime,
    attendees: list[Attendee],
    decision: str,
    section_47: bool | None,
    actions: list[Action],
) -> StrategyDiscussion:
    """Record a strategy discussion held on the enquiry's child, with its attendees and next steps."""
    if not may_record(by, enquiry):
        raise PermissionDenied
    enquiry = Enquiry.objects.select_for_update().select_related("contact").get(pk=enquiry.pk)
    errors = {}
    if held_at is None:
        errors["held_at"] = "Enter the date and time the strategy discussion was held"
    elif held_at > timezone.now() + dt.timedelta(minutes=5):
        errors["held_at"] = "The date and time of the strategy discussion must be in the past"
    attendees = [a for a in attendees if a.agency.strip() or a.name.strip() or a.role.strip()]
    if not attendees:
        errors["attendees"] = "Enter at least one attendee, with their agency and name"
    elif any(not (a.agency.strip() and a.name.strip()) for a in attendees):
        errors["attendees"] = "Enter the agency and the name of each attendee"
    if not decision.strip():
        errors["decision"] = "Enter what the strategy discussion decided"
    if section_47 is None:
        errors["section_47"] = "Select yes if section 47 enquiries will follow"
    if any(not (a.action.strip() and a.owner.strip() and a.due_on) for a in actions):
        errors["actions"] = "Enter each next step with who will do it and by when"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    discussion = StrategyDiscussion(
        enquiry=enquiry,
        held_at=held_at,
        decision=decision,
        section_47=section_47,
        recorded_by=by,
        recorded_at=now,
    )
    s47 = "section 47 enquiries to follow" if section_47 else "no section 47 enquiries"
    save_audited(
        discussion,
        user=by,
        reason=f"Strategy discussion recorded ({len(attendees)} attending, {s47})",
    )
    for a in attendees:
        row = StrategyAttendee(
            discussion=discussion,
            agency=a.agency.strip(),
            name=a.name.strip(),
            role=a.role.strip(),
        )
        save_audited(row, user=by, reason=f"Strategy discussion attendee: {row.agency}")
    for a in actions:
        row = StrategyAction(
            discussion=discussion, action=a.action.strip(), owner=a.owner.strip(), due_on=a.due_on
        )
        save_audited(row, user=by, reason=f"Strategy discussion next step for {row.owner}")
    return discussion


def strategy_discussions_for(enquiry: Enquiry) -> list[StrategyDiscussion]:
    """The enquiry's strategy discussions, newest first, with attendees and next steps."""
    return list(
        enquiry.strategy_discussions.select_related("recorded_by").prefetch_related(
            "attendees", "actions"
        )
    )
