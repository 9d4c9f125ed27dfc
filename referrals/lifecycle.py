"""A contact's life, written down once, and the one service that moves a contact through it.

Every move the front door, the MASH, the daily discussion, early help and MERLIN make is a row
of `MOVES`; `contact_move` is the only code that sets `Contact.status`. It locks and re-reads
the contact, refuses a move the table does not allow, checks the mover's permission, sets the
new holder, ends the previous holders' object permissions and grants the new holders', meets
the clocks the contact leaves behind and starts the ones it arrives at, and writes history.

    DRAFT ──submit──▶ SUBMITTED ──screen──┬─▶ INFORMATION_ONLY (closed)
                          │               ├─▶ PASSED_TO_ALLOCATED_WORKER   (also MERLIN on arrival)
                          │               ├─▶ ASSIGNED_TO_PREVIOUS_TEAM
                          │               ├─▶ INFORMATION_AND_ADVICE
                          │               └─▶ AWAITING_RATING ──rate──┬─▶ WITH_MASH ◀─┐ assign
                          │                                           ├─▶ DAILY_DISCUSSION ──decide──▶ (any rating outcome)
                          └─step down─▶ WITH_EARLY_HELP ◀─────────────┤          │ └───┘
                                          │ ▲ decide (worker)          ├─▶ REFERRED_TO_SOCIAL_WORK
                                          │ └────────┘                 ├─▶ INFORMATION_AND_ADVICE
                                          └─decide / panel─▶ CLOSED_NFA ◀┘ (and from WITH_MASH)

The early help duty manager may also step a contact WITH_EARLY_HELP up to WITH_MASH (a green
rating the case has outgrown). A MASH decision can be reopened: a disagreement the MASH manager
resolves "decision changed" moves the contact back from where the decision left it to the MASH
manager (mash.reopen decides when that is still safe):

    REFERRED_TO_SOCIAL_WORK ─┐
    WITH_EARLY_HELP ─────────┼─reopen (mash.resolve_disagreement)─▶ WITH_MASH
    CLOSED_NFA ──────────────┘

A contact is created as a DRAFT (or, from a police MERLIN, already SUBMITTED: creating a row is
not a move). Who holds a contact in each state (`HOLDS`) decides the object permissions: a holder with
WRITE gets `view_contact` + `change_contact`, with READ only `view_contact`; either way
`view_person` on everyone on the contact. Who keeps what after the work moves on is
docs/adr/0008-access-follows-the-work.md.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import (
    assign_perm,
    get_groups_with_perms,
    get_perms,
    get_users_with_perms,
    remove_perm,
)

from accounts.audit import save_audited
from accounts.models import Team, TeamKind, User
from accounts.roles import Role
from core.text import lower_in_sentence
from thresholds import services as clocks
from thresholds.models import ClockKind, CouncilProfile, Rag

from .models import Contact, ContactPerson, ContactRole, ContactStatus, Involvement, Person
from .selectors import profile_team

S = ContactStatus

_RATE = ("referrals.rate_contact",)
_SCREEN = ("referrals.screen_contact",)
# A police MERLIN is routed on arrival by the rules screening uses; its submitter's
# permission to submit stands in for a screening officer's.
_SCREEN_OR_MERLIN = ("referrals.screen_contact", "referrals.submit_merlin")
_CHAIR = ("mash.chair_dailydiscussion",)
_MASH_DECIDE = ("mash.decide_enquiry",)
_EARLY_HELP_DECIDE = ("early_help.add_earlyhelpdecision", "early_help.chair_earlyhelppanel")
# A disagreement resolved "decision changed" reopens the MASH decision (mash.reopen).
_MASH_REOPEN = ("mash.resolve_disagreement",)

# from -> {to: the permissions of which the mover needs one (role-wide or on the contact)}.
# A move to the same state changes only who holds the contact (a MASH worker assigned or
# reassigned; an early help worker given the family).
MOVES: dict[ContactStatus, dict[ContactStatus, tuple[str, ...]]] = {
    S.DRAFT: {S.SUBMITTED: ("referrals.change_contact",)},
    S.SUBMITTED: {
        S.INFORMATION_ONLY: _SCREEN_OR_MERLIN,
        S.PASSED_TO_ALLOCATED_WORKER: _SCREEN_OR_MERLIN,
        S.ASSIGNED_TO_PREVIOUS_TEAM: _SCREEN,
        S.INFORMATION_AND_ADVICE: _SCREEN,
        S.AWAITING_RATING: _SCREEN,
        # A social work team steps children down straight to the Early Help Panel.
        S.WITH_EARLY_HELP: ("early_help.add_stepdown",),
    },
    S.AWAITING_RATING: {
        S.WITH_MASH: _RATE,
        S.REFERRED_TO_SOCIAL_WORK: _RATE,
        S.DAILY_DISCUSSION: _RATE,
        S.WITH_EARLY_HELP: _RATE,
        S.INFORMATION_AND_ADVICE: _RATE,
        S.CLOSED_NFA: _RATE,
    },
    S.DAILY_DISCUSSION: {
        S.WITH_MASH: _CHAIR,
        S.REFERRED_TO_SOCIAL_WORK: _CHAIR,
        S.WITH_EARLY_HELP: _CHAIR,
        S.INFORMATION_AND_ADVICE: _CHAIR,
        S.CLOSED_NFA: _CHAIR,
    },
    S.WITH_MASH: {
        S.WITH_MASH: ("mash.add_enquiry", "mash.decide_enquiry"),
        S.REFERRED_TO_SOCIAL_WORK: _MASH_DECIDE,
        S.WITH_EARLY_HELP: _MASH_DECIDE,
        S.CLOSED_NFA: _MASH_DECIDE,
    },
    S.WITH_EARLY_HELP: {
        S.WITH_EARLY_HELP: _EARLY_HELP_DECIDE,
        S.CLOSED_NFA: _EARLY_HELP_DECIDE,
        # The duty manager steps a case rated green up to the MASH (early_help_step_up_to_mash);
        # the MASH manager reopens its own decision to send it to early help.
        S.WITH_MASH: ("early_help.add_earlyhelpdecision", *_MASH_REOPEN),
    },
    # Where the front door's part ends: the work continues in the receiving service.
    S.INFORMATION_ONLY: {},
    S.PASSED_TO_ALLOCATED_WORKER: {},
    S.ASSIGNED_TO_PREVIOUS_TEAM: {},
    # ...unless the MASH manager changes the decision that sent it there (mash.reopen).
    S.REFERRED_TO_SOCIAL_WORK: {S.WITH_MASH: _MASH_REOPEN},
    S.INFORMATION_AND_ADVICE: {},
    S.CLOSED_NFA: {S.WITH_MASH: _MASH_REOPEN},
}
# The work ends here rather than moving on to someone else (ADR 0008: the last holders keep read).
CLOSED = frozenset({S.INFORMATION_ONLY, S.CLOSED_NFA})


class Access(StrEnum):
    READ = "read"
    WRITE = "write"


@dataclass(frozen=True)
class Holds:
    """What the named team's group, the named worker(s) and a role's group hold in a state."""

    team: Access | None = None
    worker: Access | None = None
    role: Role | None = None


# Front-door roles read every contact role-wide; object grants are only for those who do not.
HOLDS: dict[ContactStatus, Holds] = {
    S.PASSED_TO_ALLOCATED_WORKER: Holds(team=Access.WRITE, worker=Access.WRITE),
    S.ASSIGNED_TO_PREVIOUS_TEAM: Holds(team=Access.WRITE),
    S.WITH_MASH: Holds(worker=Access.WRITE),
    S.REFERRED_TO_SOCIAL_WORK: Holds(team=Access.READ),
    S.WITH_EARLY_HELP: Holds(worker=Access.READ, role=Role.EARLY_HELP_DUTY_MANAGER),
}


@dataclass(frozen=True)
class Clock:
    kind: ClockKind
    team_kind: TeamKind
    role: Role
    # Only when arriving from one of these states (None: from anywhere).
    arriving_from: frozenset[ContactStatus] | None = None


# Clocks a contact's arrival in a state starts, and its departure from a state meets. A move
# within a state (a holder change) starts and meets none.
STARTS: dict[ContactStatus, tuple[Clock, ...]] = {
    # From receipt (the contact's received_at, not the move): nothing waits unseen (issue 12).
    S.SUBMITTED: (Clock(ClockKind.SCREENING, TeamKind.SCREENING, Role.SCREENING_OFFICER),),
    S.AWAITING_RATING: (
        Clock(ClockKind.CONTACT_RECORD, TeamKind.SCREENING, Role.SENIOR_PRACTITIONER),
    ),
    S.INFORMATION_AND_ADVICE: (
        Clock(ClockKind.INFORMATION_AND_ADVICE, TeamKind.SCREENING, Role.SENIOR_PRACTITIONER),
    ),
    S.DAILY_DISCUSSION: (Clock(ClockKind.BORDERLINE, TeamKind.MASH, Role.MASH_MANAGER),),
    # The red or amber checks clock: chosen by the rating (`_checks_kind`).
    S.WITH_MASH: (Clock(ClockKind.AMBER_CHECKS, TeamKind.MASH, Role.MASH_MANAGER),),
    S.WITH_EARLY_HELP: (
        # Reaching early help is timed from a rating; a step-down arrives there already.
        Clock(
            ClockKind.GREEN_TO_EARLY_HELP,
            TeamKind.EARLY_HELP_TRIAGE,
            Role.EARLY_HELP_DUTY_MANAGER,
            arriving_from=frozenset({S.AWAITING_RATING, S.DAILY_DISCUSSION, S.WITH_MASH}),
        ),
        Clock(
            ClockKind.EARLY_HELP_DECISION, TeamKind.EARLY_HELP_TRIAGE, Role.EARLY_HELP_DUTY_MANAGER
        ),
    ),
}
MEETS: dict[ContactStatus, tuple[ClockKind, ...]] = {
    S.SUBMITTED: (ClockKind.SCREENING,),
    S.AWAITING_RATING: (ClockKind.CONTACT_RECORD,),
    S.DAILY_DISCUSSION: (ClockKind.BORDERLINE,),
    S.WITH_MASH: (ClockKind.RED_CHECKS, ClockKind.AMBER_CHECKS),
    S.WITH_EARLY_HELP: (ClockKind.GREEN_TO_EARLY_HELP, ClockKind.EARLY_HELP_DECISION),
}
# Facts the decision making a move records on the contact in the same save (not user input).
MOVE_FACTS = frozenset(
    {
        "screened_at",
        "screened_by",
        "screening_rationale",
        "signposting",
        "rag",
        "level",
        "early_help_decided",
    }
)


class _Unchanged:
    def __repr__(self) -> str:
        return "UNCHANGED"


UNCHANGED: Any = _Unchanged()


def may_move(contact: Contact, to: ContactStatus | str) -> bool:
    """Whether the table allows the move from the contact's status (as last read)."""
    return ContactStatus(to) in MOVES[ContactStatus(contact.status)]


def _refuse(current: ContactStatus, to: ContactStatus) -> ValidationError:
    if current == to:
        return ValidationError(f"This contact is already {lower_in_sentence(current.label)}.")
    return ValidationError(
        f"This contact is {lower_in_sentence(current.label)}; it cannot be moved to "
        f"“{lower_in_sentence(to.label)}”. Reload the page to see what happened to it."
    )


def _on_contact(by: User, perm: str, contact: Contact) -> bool:
    # Only the contacts app's permissions are granted on a contact: guardian refuses (raises
    # WrongAppError) to check another app's against it, so those are role-wide only.
    return perm.startswith("referrals.") and by.has_perm(perm, contact)


def _require_any(by: User, perms: Iterable[str], contact: Contact) -> None:
    if not any(by.has_perm(p) or _on_contact(by, p, contact) for p in perms):
        raise PermissionDenied(f"{by} may not move contact {contact.reference}")


def _people(contact: Contact) -> list[Person]:
    return [link.person for link in contact.contact_people.select_related("person")]


def lock_children(contact: Contact) -> None:
    """Lock the person rows of the contact's children, in primary-key order, after the contact's.

    The child is where two pieces of work about it meet without sharing a contact: a contact
    about the child arriving (`services.contact_submit`) and a MASH decision about the child
    being reopened (`mash.reopen`, which refuses once a later contact has arrived). Each takes
    these locks, so one waits for the other and then sees what it did. No key update: work that
    only links the child (a household, a relationship, another contact's people) takes a
    key-share lock, which this does not block.
    """
    children = ContactPerson.objects.filter(contact=contact, role=ContactRole.CHILD)
    list(
        Person.objects.select_for_update(no_key=True)
        .filter(pk__in=children.values("person_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def contact_share(contact: Contact, who: User | Group, *, access: Access) -> None:
    """Grant `who` read (or read and write) on the contact and read on its people. Callers are
    services that decide who may; a holder's grants are ended by `contact_move`."""
    assign_perm("referrals.view_contact", who, contact)
    if access == Access.WRITE:
        assign_perm("referrals.change_contact", who, contact)
    else:
        remove_perm("referrals.change_contact", who, contact)
    for person in _people(contact):
        assign_perm("referrals.view_person", who, person)


def _still_reads(who: User | Group, person: Person, contact: Contact) -> bool:
    """Whether `who` needs `view_person` on `person` for another reason than this contact."""
    if (
        isinstance(who, User)
        and Involvement.objects.filter(
            person=person, allocated_worker=who, closed_on__isnull=True
        ).exists()
    ):
        return True
    others = ContactPerson.objects.filter(person=person).exclude(contact=contact)
    return any(
        "view_contact" in get_perms(who, link.contact) for link in others.select_related("contact")
    )


def contact_unshare(contact: Contact, who: User | Group, *, keep_read: bool = False) -> None:
    """End `who`'s object grants on the contact (write always; read too unless `keep_read`),
    and their read of its people where nothing else still gives it."""
    remove_perm("referrals.change_contact", who, contact)
    if keep_read:
        return
    remove_perm("referrals.view_contact", who, contact)
    for person in _people(contact):
        if not _still_reads(who, person, contact):
            remove_perm("referrals.view_person", who, person)


def _grants(contact: Contact) -> dict[User | Group, set[str]]:
    perms = ["view_contact", "change_contact"]
    held: dict[User | Group, set[str]] = {}
    users = get_users_with_perms(
        contact, attach_perms=True, with_group_users=False, only_with_perms_in=perms
    )
    for user, codenames in users.items():
        held[user] = set(codenames)
    for group, codenames in get_groups_with_perms(contact, attach_perms=True).items():
        if set(codenames) & set(perms):
            held[group] = set(codenames)
    return held


def holders_for(
    to: ContactStatus, *, team: Team | None, workers: Sequence[User]
) -> dict[User | Group, Access]:
    """Who holds a contact in state `to`, with which access."""
    holds = HOLDS.get(to, Holds())
    out: dict[User | Group, Access] = {}
    if holds.role is not None:
        out[Group.objects.get(name=holds.role.value)] = Access.READ
    if holds.team is not None and team is not None:
        out[team.group] = holds.team
    if holds.worker is not None:
        for worker in workers:
            out[worker] = holds.worker
    return out


def _regrant(
    contact: Contact, *, to: ContactStatus, new: dict[User | Group, Access], keep_author: bool
) -> None:
    for who in _grants(contact):
        if who in new:
            continue
        author = keep_author and isinstance(who, User) and who.pk == contact.created_by_id
        contact_unshare(contact, who, keep_read=author or to in CLOSED)
    for who, access in new.items():
        contact_share(contact, who, access=access)


def _checks_kind(rag: str) -> ClockKind:
    return ClockKind.RED_CHECKS if rag == Rag.RED else ClockKind.AMBER_CHECKS


def _clocks(
    contact: Contact,
    *,
    came_from: ContactStatus,
    to: ContactStatus,
    by: User,
    profile: CouncilProfile | None,
    at: dt.datetime,
    reason: str,
) -> None:
    if came_from == to:
        return
    for kind in MEETS.get(came_from, ()):
        clocks.deadline_meet(kind=kind, contact=contact, by=by, at=at, reason=reason[:200])
    if to in CLOSED:
        # Nothing is left to do on a closed contact: its other clocks are no longer needed (the
        # referrer is still owed the outcome, and a written follow-up is still owed).
        clocks.deadlines_close_for_contact(
            contact=contact, by=by, reason=f"{to.label}. {reason}"[:300], at=at
        )
    starting = [
        c for c in STARTS.get(to, ()) if c.arriving_from is None or came_from in c.arriving_from
    ]
    if starting and profile is None:
        raise TypeError(f"Moving a contact to {to} starts a clock: pass the council profile")
    for start in starting:
        kind = _checks_kind(contact.rag) if to == S.WITH_MASH else start.kind
        clocks.deadline_start(
            profile=profile,
            kind=kind,
            by=by,
            contact=contact,
            team=profile_team(profile, start.team_kind),
            responsible=contact.assigned_to if to == S.INFORMATION_AND_ADVICE else None,
            responsible_role=start.role,
            rag=contact.rag,
            started_at=receipt_start(contact, at) if kind == ClockKind.SCREENING else at,
        )
    if (
        to == S.REFERRED_TO_SOCIAL_WORK
        and came_from in (S.AWAITING_RATING, S.DAILY_DISCUSSION)
        and contact.rag == Rag.AMBER
    ):
        if profile is None:
            raise TypeError("Referring an amber contact starts a clock: pass the council profile")
        # An amber child in need referred straight to a team runs on the profile's amber
        # clock: the receiving team answers for it (met by its decision: cin.episode_update).
        clocks.deadline_start(
            profile=profile,
            kind=ClockKind.AMBER_CHECKS,
            by=by,
            contact=contact,
            team=contact.assigned_team,
            responsible_role=Role.TEAM_MANAGER,
            rag=contact.rag,
            started_at=at,
            description="Amber child in need: the receiving team's decision",
        )


def receipt_start(contact: Contact, at: dt.datetime) -> dt.datetime:
    """When a contact's screening clock starts: when it was received (never after `at`)."""
    return min(contact.received_at, at) if contact.received_at else at


@transaction.atomic
def contact_move(
    *,
    contact: Contact,
    to: ContactStatus | str,
    by: User,
    reason: str,
    team: Team | None = UNCHANGED,
    worker: User | None = UNCHANGED,
    more_workers: Sequence[User] = (),
    profile: CouncilProfile | None = None,
    facts: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> Contact:
    """Move a contact to `to` (or, within its state, to a new holder): the only way its status
    or holder changes. Returns the locked, saved row; `contact` is updated to match."""
    to = ContactStatus(to)
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    current = ContactStatus(locked.status)
    perms = MOVES[current].get(to)
    if perms is None:
        raise _refuse(current, to)
    _require_any(by, perms, locked)
    unknown = set(facts or {}) - MOVE_FACTS
    if unknown:
        raise TypeError(f"A move does not record {sorted(unknown)}")
    for name, value in (facts or {}).items():
        setattr(locked, name, value)
    locked.status = to
    if team is not UNCHANGED:
        locked.assigned_team = team
    if worker is not UNCHANGED:
        locked.assigned_to = worker
    at = at or timezone.now()
    save_audited(locked, user=by, reason=reason)
    if current == S.DRAFT:
        # The contact now counts: its people's links carry its received time from here on
        # (a copy the MI figures read; `ContactPerson.received_at`). A derived copy history
        # leaves out, so one UPDATE, not a history row per link.
        ContactPerson.objects.filter(contact=locked).update(received_at=locked.received_at)
    workers = [w for w in [locked.assigned_to, *more_workers] if w is not None]
    new = holders_for(to, team=locked.assigned_team, workers=list(dict.fromkeys(workers)))
    _regrant(locked, to=to, new=new, keep_author=True)
    _clocks(locked, came_from=current, to=to, by=by, profile=profile, at=at, reason=reason)
    if contact is not locked:
        # The caller's copy follows the row (it holds no unsaved change: facts come through
        # `facts`, and services save their own fields before they move the contact).
        contact.refresh_from_db()
    return locked
