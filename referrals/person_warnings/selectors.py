"""Reads of warnings: the banners (a person's, a contact's people's), what partners may be
told, the queue marker, and the managers' lists. Each is a fixed number of queries."""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q

from accounts.grants import grant_filter
from accounts.models import User

from ..models import ContactPerson, Person
from .access import AGREE
from .models import PersonWarning, WarningStatus


def agreed_for(person_ids: Iterable[int]) -> list[PersonWarning]:
    """The agreed warnings on any of these people, oldest first."""
    return list(
        PersonWarning.objects.filter(person_id__in=list(person_ids), status=WarningStatus.AGREED)
        .select_related("person")
        .order_by("agreed_at", "pk")
    )


def agreed_on_contact(contact) -> list[PersonWarning]:
    """The agreed warnings on everyone named on a contact (children and adults)."""
    return agreed_for(
        ContactPerson.objects.filter(contact=contact).values_list("person_id", flat=True)
    )


def for_partners(warnings: Iterable[PersonWarning]) -> list[PersonWarning]:
    """What a partner agency may be told: agreed warnings of a kind always told to partners, or
    with wording the manager agreed for them. They see the type and that wording only."""
    return [w for w in warnings if w.told_to_partners]


def current_first(warnings: Iterable[PersonWarning]) -> list[PersonWarning]:
    """A person's warnings (`chronology.Scope.warnings`, read once for the page), current first."""
    order = {WarningStatus.AGREED: 0, WarningStatus.PROPOSED: 1, WarningStatus.ENDED: 2}
    return sorted(warnings, key=lambda w: (order[w.status], -w.proposed_at.timestamp()))


def contact_has_warning() -> Exists:
    """For a queue's annotation: whether anyone on the row's contact has an agreed warning."""
    return Exists(
        PersonWarning.objects.filter(
            status=WarningStatus.AGREED, person__contact_links__contact=OuterRef("pk")
        )
    )


def for_managers(user: User) -> dict[str, list[PersonWarning]]:
    """A manager's lists: proposals awaiting agreement (not their own) and agreed warnings past
    their review date, on people the manager may read."""
    if not (user.is_active and user.has_perm(AGREE)):
        return {"proposed": [], "due": []}
    # granted(), on the warnings' own person_id: the same rows as `person__in=granted(...)`
    # without nesting a query of people (a nested grant query costs milliseconds of Python to
    # copy and compile, twice here).
    readable = (
        Q()
        if user.has_perm("referrals.view_person")
        else grant_filter(user, "referrals.view_person", Person, on="person_id")
    )
    qs = PersonWarning.objects.filter(readable, person__destroyed_at=None).select_related(
        "person", "proposed_by"
    )
    proposed = list(
        qs.filter(status=WarningStatus.PROPOSED)
        .exclude(proposed_by=user)
        .order_by("proposed_at")[:100]
    )
    due = list(
        qs.filter(status=WarningStatus.AGREED, review_due_at__isnull=False).order_by("review_on")[
            :100
        ]
    )
    return {"proposed": proposed, "due": due}
