"""Who may propose, agree, review and end a warning: staff who may read the person propose;
a manager (MASH, team, service or early help duty manager) who may read the person agrees,
reviews and ends, and never agrees a warning they proposed themselves (four eyes)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User

from ..access import may_person
from ..models import Person
from .models import PersonWarning

PROPOSE = "referrals.add_personwarning"
AGREE = "referrals.agree_personwarning"


def may_propose(user: User, person: Person) -> bool:
    return user.is_active and user.has_perm(PROPOSE) and may_person(user, "view_person", person)


def may_manage(user: User, warning: PersonWarning) -> bool:
    """Review or end an agreed warning (or decline a proposed one)."""
    return (
        user.is_active and user.has_perm(AGREE) and may_person(user, "view_person", warning.person)
    )


def may_agree(user: User, warning: PersonWarning) -> bool:
    return may_manage(user, warning) and warning.proposed_by_id != user.pk


def require(allowed: bool, user: User, what: str) -> None:
    if not allowed:
        raise PermissionDenied(f"{user} may not {what}")


def get_warning_for_user(user: User, pk: int) -> PersonWarning:
    """A warning on a person the user may read (404 otherwise)."""
    warning = get_object_or_404(
        PersonWarning.objects.select_related(
            "person", "proposed_by", "agreed_by", "reviewed_by", "ended_by"
        ),
        pk=pk,
        person__destroyed_at__isnull=True,
    )
    if not may_person(user, "view_person", warning.person):
        raise Http404("No such warning")
    return warning
