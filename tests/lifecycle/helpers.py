"""Contacts put in any state of the lifecycle through `contact_move` itself, with holders."""

from collections import deque
from dataclasses import dataclass

from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import TeamKind, User
from accounts.roles import Role
from referrals import lifecycle
from referrals.access import get_contact_for_user, get_person_for_user
from referrals.models import Contact, ContactPerson, ContactSource, ContactStatus
from tests.factories import PersonFactory, TeamFactory, UserFactory

S = ContactStatus


def path_to(state: ContactStatus) -> list[ContactStatus]:
    """The shortest run of moves from a draft to `state` (the draft itself excluded)."""
    seen = {S.DRAFT: [S.DRAFT]}
    queue = deque([S.DRAFT])
    while queue:
        here = queue.popleft()
        for there in lifecycle.MOVES[here]:
            if there not in seen:
                seen[there] = [*seen[here], there]
                queue.append(there)
    return seen[state][1:]


def mover() -> User:
    """A user holding every permission the table names (the table, not a role, is on trial)."""
    user = UserFactory(roles=[])
    names = {p for row in lifecycle.MOVES.values() for perms in row.values() for p in perms}
    for dotted in names:
        app_label, codename = dotted.split(".")
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label=app_label, codename=codename)
        )
    return User.objects.get(pk=user.pk)


@dataclass
class Holders:
    """Who may hold a contact: a worker, a team (through one plain member), a role's member."""

    worker: User
    team_member: User
    role_member: User

    def __post_init__(self) -> None:
        self.team = self.team_member.team


def holders(prefix: str) -> Holders:
    team = TeamFactory(name=f"{prefix} team", kind=TeamKind.SOCIAL_WORK)
    return Holders(
        worker=UserFactory(username=f"{prefix}-worker", roles=[]),
        team_member=UserFactory(username=f"{prefix}-member", roles=[], team=team),
        role_member=UserFactory(username=f"{prefix}-ehdm", roles=[Role.EARLY_HELP_DUTY_MANAGER]),
    )


def raised_contact(*, author: User):
    """A draft raised inside the service, as `early_help.contacts.new_contact` raises one: its
    author holds it until it is submitted."""
    contact = Contact(
        reference=f"T{Contact.objects.count() + 1:07d}",
        source=ContactSource.STEP_UP,
        received_at=timezone.now(),
        created_by=author,
        concerns="New concerns.",
    )
    save_audited(contact, user=author, reason="Test contact")
    child = PersonFactory()
    save_audited(
        ContactPerson(contact=contact, person=child, role="child"), user=author, reason="Test"
    )
    lifecycle.contact_share(contact, author, access=lifecycle.Access.WRITE)
    return contact, child


def move(contact, to, *, by, profile, held_by: Holders | None = None):
    return lifecycle.contact_move(
        contact=contact,
        to=to,
        by=by,
        reason=f"Test move to {to}",
        team=held_by.team if held_by else None,
        worker=held_by.worker if held_by else None,
        profile=profile,
    )


def contact_in(state: ContactStatus, *, by, profile, author: User, held_by: Holders):
    """A contact brought to `state` by legal moves; the last move gives it to `held_by`."""
    contact, child = raised_contact(author=author)
    steps = path_to(state)
    for i, step in enumerate(steps):
        move(
            contact, step, by=by, profile=profile, held_by=held_by if i == len(steps) - 1 else None
        )
    return contact, child


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)  # no cached permissions


def can_write(user: User, contact) -> bool:
    try:
        get_contact_for_user(fresh(user), contact.pk, "change_contact")
    except (Http404, PermissionDenied):
        return False
    return True


def can_read(user: User, contact) -> bool:
    try:
        get_contact_for_user(fresh(user), contact.pk)
    except Http404:
        return False
    return True


def can_read_person(user: User, person) -> bool:
    try:
        get_person_for_user(fresh(user), person.pk)
    except Http404:
        return False
    return True
