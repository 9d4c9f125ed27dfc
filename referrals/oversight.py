"""Management oversight: a team manager reviews a worker's tray and records, per contact, a
note and the actions to take, each with an owner and a date (Havering 002: "Contact Records
completed for children with an allocated Social Worker must have management oversight with
clear actions and timeframes"; Islington 004: work trays reviewed by the team manager).

A contact about a child with an allocated social worker (an open social care involvement
with a worker) shows "oversight needed" until a manager records oversight on it.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import User
from accounts.services import notify
from core.paging import bounded

from . import selectors
from .access import may_contact, require_contact
from .models import (
    Contact,
    ContactPerson,
    ContactRole,
    Involvement,
    ManagementOversight,
    OversightAction,
    Service,
)

MAX_ACTIONS = 3
# How many of a worker's contacts a page of the manager's view of their tray lists.
TRAY_PAGE = 50
# Newest first; ties (a contact logged the same second) in a fixed order, so pages never
# repeat or skip one.
TRAY_ORDER = ("-received_at", "-pk")


def _allocated_child(contact_ref) -> Exists:
    """A child on the contact has an open social care case with an allocated worker."""
    return Exists(
        Involvement.objects.filter(
            person__contact_links__contact=contact_ref,
            person__contact_links__role=ContactRole.CHILD,
            service=Service.SOCIAL_CARE,
            closed_on__isnull=True,
            allocated_worker__isnull=False,
        )
    )


def with_oversight_needed(qs: QuerySet[Contact]) -> QuerySet[Contact]:
    """Annotate `oversight_needed`: a child with an allocated social worker, no oversight yet."""
    return qs.annotate(
        allocated_child=_allocated_child(OuterRef("pk")),
        overseen=Exists(ManagementOversight.objects.filter(contact=OuterRef("pk"))),
    ).annotate(oversight_needed=Q(allocated_child=True) & Q(overseen=False))


def oversight_needed(contact: Contact) -> bool:
    return (
        not contact.is_draft
        and with_oversight_needed(Contact.objects.filter(pk=contact.pk))
        .values_list("oversight_needed", flat=True)
        .get()
    )


def may_oversee(user: User, contact: Contact) -> bool:
    return not contact.is_draft and may_contact(user, "oversee_contact", contact)


def oversights_of(contact: Contact) -> list[ManagementOversight]:
    return list(
        contact.oversights.select_related("recorded_by", "worker").prefetch_related(
            Prefetch("actions", queryset=OversightAction.objects.select_related("owner"))
        )
    )


def contact_page(user: User, contact: Contact, *, any_yet: bool = True) -> dict:
    """What the contact page shows of management oversight (`any_yet`: False when the page
    has found the contact has none, so there is nothing to read)."""
    return {
        "oversights": oversights_of(contact) if any_yet else [],
        "oversight_needed": oversight_needed(contact),
        "can_oversee": may_oversee(user, contact),
    }


def owners_for(manager: User, contact: Contact) -> QuerySet[User]:
    """Who an action may be given to: the manager's team, and whoever holds the contact."""
    wanted = Q(pk=manager.pk)
    if manager.team_id:
        wanted |= Q(team_id=manager.team_id)
    if contact.assigned_to_id:
        wanted |= Q(pk=contact.assigned_to_id)
    return User.objects.filter(wanted, is_active=True).order_by("first_name", "last_name")


@dataclass(frozen=True)
class ActionData:
    action: str
    owner: User
    due_on: dt.date


@transaction.atomic
def oversight_record(
    *,
    contact: Contact,
    by: User,
    note: str,
    actions: list[ActionData],
    worker: User | None = None,
) -> ManagementOversight:
    """Record a manager's oversight of a contact: a note and actions with owners and dates."""
    require_contact(by, "view_contact", contact)
    require_contact(by, "oversee_contact", contact)
    locked = Contact.objects.select_for_update().get(pk=contact.pk)
    if locked.is_draft:
        raise ValidationError("This contact is still being logged.")
    errors: dict[str, str] = {}
    if not note.strip():
        errors["note"] = "Enter the oversight note"
    if not actions:
        errors["action_1"] = "Enter at least one action, with its owner and a date"
    today = timezone.localdate()
    allowed = set(owners_for(by, locked).values_list("pk", flat=True))
    for i, action in enumerate(actions, start=1):
        if not action.action.strip():
            errors[f"action_{i}"] = "Enter the action"
        if action.owner.pk not in allowed:
            errors[f"owner_{i}"] = "Select someone in your team or the worker holding the contact"
        if action.due_on < today:
            errors[f"due_{i}"] = "The date must be today or in the future"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    oversight = ManagementOversight(
        contact=locked,
        worker=worker or locked.assigned_to,
        note=note.strip(),
        recorded_by=by,
        recorded_at=now,
    )
    save_audited(oversight, user=by, reason="Management oversight recorded")
    for action in actions:
        save_audited(
            OversightAction(
                oversight=oversight,
                action=action.action.strip(),
                owner=action.owner,
                due_on=action.due_on,
            ),
            user=by,
            reason="Oversight action set",
        )
        if action.owner.pk != by.pk:
            notify(
                user=action.owner,
                title=f"Action on contact {locked.reference} from management oversight",
                body=f"{action.action.strip()} By {action.due_on:%d %B %Y}.",
                url=locked.get_absolute_url(),
            )
    # In the contact's own history too, so its page's timeline shows when oversight was given.
    save_audited(
        locked,
        user=by,
        reason=f"Management oversight recorded: {len(actions)} action"
        f"{'s' if len(actions) != 1 else ''}",
    )
    return oversight


# The worker's tray, as the manager reviews it ------------------------------------------------


def team_workers(manager: User) -> list[User]:
    """The people in the manager's team, whose trays the manager reviews."""
    if manager.team_id is None:
        return []
    return list(
        User.objects.filter(team_id=manager.team_id, is_active=True)
        .exclude(pk=manager.pk)
        .order_by("first_name", "last_name")
    )


def get_worker_for_manager(manager: User, pk: int) -> User:
    """A worker in the manager's team: 404 for anyone else (their trays are not the manager's)."""
    if not manager.has_perm("referrals.oversee_contact"):
        raise PermissionDenied
    worker = get_object_or_404(User, pk=pk, is_active=True)
    if manager.team_id is None or worker.team_id != manager.team_id:
        raise Http404("No such worker in your team")
    return worker


def _passed_to(manager: User, worker: User) -> QuerySet[Contact]:
    """The contacts passed to the worker that the manager may see."""
    return selectors.contacts_visible_to(manager).filter(assigned_to=worker)


def worker_tray(
    manager: User, worker: User, *, start: int = 0, stop: int | None = None
) -> QuerySet[Contact]:
    """The contacts passed to the worker that the manager may see, with oversight state,
    newest first: those from `start` to `stop`, or all."""
    rows = _passed_to(manager, worker)
    if stop is not None:
        # The page is chosen first (the worker's newest contacts, each probed for the
        # manager's grant) and only its rows are annotated: annotating the whole tray let
        # PostgreSQL hash every allocated child's contact links (430,000 rows, 3 s) to
        # annotate a busy worker's 12,000 contacts before cutting the page.
        rows = Contact.objects.filter(
            pk__in=Subquery(rows.order_by(*TRAY_ORDER).values("pk")[start:stop])
        )
    # What the tray shows and no more (not a queue's clocks, warnings or users): building the
    # rest was most of the page's time.
    return with_oversight_needed(
        rows.prefetch_related(
            Prefetch(
                "contact_people",
                queryset=ContactPerson.objects.filter(role=ContactRole.CHILD).select_related(
                    "person"
                ),
                to_attr="children_links",
            ),
            Prefetch(
                "oversights",
                queryset=ManagementOversight.objects.select_related("recorded_by").order_by(
                    "-recorded_at"
                ),
                to_attr="oversight_list",
            ),
        )
    ).order_by(*TRAY_ORDER)


class WorkerTray:
    """A worker's tray as their manager reviews it, for a paginator (core.paging.
    LookaheadPaginator): counted no further than a few pages ahead, and read a page at a time,
    each page's contacts chosen before they are annotated (worker_tray). A busy worker's tray
    holds every contact they were ever passed: the manager reaches the oldest page by page."""

    ordered = True

    def __init__(self, manager: User, worker: User):
        self.manager, self.worker = manager, worker
        self._members = _passed_to(manager, worker)

    def count(self) -> int:
        return self._members.count()

    def count_upto(self, bound: int) -> int:
        return self._members.order_by()[:bound].count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, key: slice) -> list[Contact]:
        key = bounded(key, "WorkerTray")
        return list(worker_tray(self.manager, self.worker, start=key.start or 0, stop=key.stop))
