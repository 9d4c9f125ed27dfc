"""Contacts that may report one incident: the police and a school about the same child within
hours of each other. Flagged when a contact arrives for screening (the window is the council
profile's `duplicate_contact_window_hours`), so screening handles them together or dismisses the
flag with a reason; both are in history.
"""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.audit import save_audited
from accounts.models import User
from thresholds.models import CouncilProfile

from .access import may_contact
from .models import Contact, ContactDuplicate, ContactPerson, ContactRole, ContactStatus
from .models import DuplicateStatus as D

LINK = "link"
DISMISS = "dismiss"


def _window(profile: CouncilProfile) -> dt.timedelta:
    return dt.timedelta(hours=profile.duplicate_contact_window_hours)


def possible_duplicates(contact: Contact, *, profile: CouncilProfile) -> QuerySet[Contact]:
    """Other submitted contacts about one of this contact's children, received within the
    profile's window either side of it (indexed: contact_person_role, contact_received)."""
    children = ContactPerson.objects.filter(contact=contact, role=ContactRole.CHILD).values(
        "person_id"
    )
    window = _window(profile)
    return (
        Contact.objects.filter(
            contact_people__person__in=children,
            contact_people__role=ContactRole.CHILD,
            received_at__range=(contact.received_at - window, contact.received_at + window),
            destroyed_at__isnull=True,
        )
        .exclude(pk=contact.pk)
        .exclude(status=ContactStatus.DRAFT)
        .distinct()
        .order_by("received_at", "pk")
    )


def contact_flag_duplicates(
    *, contact: Contact, profile: CouncilProfile, by: User | None
) -> list[ContactDuplicate]:
    """Flag `contact` as a possible duplicate of each contact about the same child in the window
    (once per pair, whichever way round it was found). Called as a contact reaches screening."""
    flagged = set(
        ContactDuplicate.objects.filter(Q(contact=contact) | Q(duplicate_of=contact)).values_list(
            "contact_id", "duplicate_of_id"
        )
    )
    made = []
    hours = profile.duplicate_contact_window_hours
    for other in possible_duplicates(contact, profile=profile):
        if (contact.pk, other.pk) in flagged or (other.pk, contact.pk) in flagged:
            continue
        flag = ContactDuplicate(contact=contact, duplicate_of=other, found_at=timezone.now())
        save_audited(
            flag,
            user=by,
            reason=f"Same child as {other.reference}, received within {hours} hours of it",
        )
        made.append(flag)
    return made


def may_decide(user: User, contact: Contact) -> bool:
    """Screening (the officer or the senior practitioner) decides whether two contacts are one."""
    return may_contact(user, "screen_contact", contact) or may_contact(
        user, "rate_contact", contact
    )


@transaction.atomic
def contact_duplicate_decide(
    *, flag: ContactDuplicate, by: User, decision: str, reason: str
) -> ContactDuplicate:
    """Link the two contacts ("handle together") or dismiss the flag with a reason."""
    locked = ContactDuplicate.objects.select_for_update().get(pk=flag.pk)
    # Both contacts locked in one order, so two decisions cannot deadlock.
    contacts = {
        c.pk: c
        for c in Contact.objects.select_for_update()
        .filter(pk__in=[locked.contact_id, locked.duplicate_of_id])
        .order_by("pk")
    }
    contact, other = contacts[locked.contact_id], contacts[locked.duplicate_of_id]
    if not (may_decide(by, contact) or may_decide(by, other)):
        raise PermissionDenied(f"{by} may not decide on duplicate contacts")
    if not locked.is_open:
        raise ValidationError(
            f"This flag was already decided: {locked.get_status_display().lower()}."
        )
    reason = (reason or "").strip()
    if decision == DISMISS and not reason:
        raise ValidationError({"reason": "Enter why these contacts are not about one incident"})
    if decision not in (LINK, DISMISS):
        raise ValidationError({"decision": "Choose whether to handle them together"})
    locked.status = D.LINKED if decision == LINK else D.DISMISSED
    locked.reason = reason
    locked.decided_by = by
    locked.decided_at = timezone.now()
    said = f": {reason}" if reason else ""
    save_audited(locked, user=by, reason=f"{locked.get_status_display()}{said}")
    for this, that in ((contact, other), (other, contact)):
        what = (
            f"Handled together with {that.reference}"
            if decision == LINK
            else f"Not a duplicate of {that.reference}"
        )
        save_audited(this, user=by, reason=f"{what}{said}")
    flag.refresh_from_db()
    return flag


# --- reading -----------------------------------------------------------------------------------


def flags_for(contact: Contact) -> list[ContactDuplicate]:
    """Every flag about this contact, either way round, with what the page shows of both
    contacts (reference and received time: two whole contact rows made the query's Python
    cost double, even with no flag to read) and of the user who decided it."""
    own = [field.name for field in ContactDuplicate._meta.concrete_fields]
    return list(
        ContactDuplicate.objects.filter(Q(contact=contact) | Q(duplicate_of=contact))
        .select_related("contact", "duplicate_of", "decided_by")
        .only(
            *own,
            *(f"{side}__{field}" for side in ("contact", "duplicate_of") for field in SHOWN),
            *(f"decided_by__{field}" for field in ("first_name", "last_name", "username")),
        )
        .order_by("found_at", "pk")
    )


# What a flag shows of each contact (referrals/includes/_duplicate_flag_row.html).
SHOWN = ("reference", "received_at")


def with_open_flags(qs: QuerySet[Contact]) -> QuerySet[Contact]:
    """Queue rows with their open flags (both ways) and the other contact's reference loaded:
    two queries a page, none a row."""
    open_flags = ContactDuplicate.objects.filter(status=D.OPEN)
    return qs.prefetch_related(
        Prefetch(
            "duplicate_flags",
            queryset=open_flags.annotate(other_reference=F("duplicate_of__reference")),
            to_attr="open_duplicate_flags",
        ),
        Prefetch(
            "duplicated_by",
            queryset=open_flags.annotate(other_reference=F("contact__reference")),
            to_attr="open_duplicated_by",
        ),
    )
