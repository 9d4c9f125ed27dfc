"""One access helper per record type: 404 to those who may not know it exists, 403 to those who
may see but not act. `may_contact` / `may_person` are the only answers to "may this user do X
to this record" for the front door's records: services and views both ask them."""

from collections.abc import Mapping

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import codename_for, holds
from core.db import exists_columns

from .models import Contact, ContactPerson, Person


def may_contact(user: User, perm: str, contact: Contact | None = None) -> bool:
    """Whether the user holds a contact permission (e.g. "change_contact") role-wide or on this
    contact; an unknown permission name raises ValueError."""
    return holds(user, perm, contact, Contact)


def require_contact(user: User, perm: str, contact: Contact | None = None) -> None:
    """PermissionDenied unless `may_contact`."""
    if not may_contact(user, perm, contact):
        raise PermissionDenied(f"{user} may not {perm}")


def may_person(user: User, perm: str, person: Person | None = None) -> bool:
    """Whether the user holds a person permission role-wide or on this person."""
    return holds(user, perm, person, Person)


def require_person(user: User, perm: str, person: Person | None = None) -> None:
    if not may_person(user, perm, person):
        raise PermissionDenied(f"{user} may not {perm}")


def get_contact_for_user(
    user: User,
    pk: int,
    perm: str = "view_contact",
    *,
    exists: Mapping[str, QuerySet] | None = None,
) -> Contact:
    """The contact, if the user may `perm` it (404 if they may not see it). `exists`: related
    records to ask about in the same read (core.db.exists_columns; read with core.db.present)."""
    codename = codename_for(Contact, perm)
    contact = get_object_or_404(
        Contact.objects.select_related(
            "created_by", "assigned_team", "assigned_to", "screened_by", "household"
        ).annotate(**exists_columns(exists or {})),
        pk=pk,
        # A destroyed contact (privacy, ADR 0014) has no pages: only its tombstone remains.
        destroyed_at__isnull=True,
    )
    if not may_contact(user, "view_contact", contact):
        raise Http404("No such contact")
    require_contact(user, codename, contact)
    return contact


def get_contact_person_for_user(user: User, contact: Contact, link_pk: int) -> ContactPerson:
    """A person's link to a contact the user may already change."""
    return get_object_or_404(
        ContactPerson.objects.select_related("person"), pk=link_pk, contact=contact
    )


def get_person_for_user(
    user: User,
    pk: int,
    perm: str = "view_person",
    *,
    exists: Mapping[str, QuerySet] | None = None,
) -> Person:
    """The person, if the user may `perm` them (404 if they may not see them). `exists`: as
    get_contact_for_user's."""
    codename = codename_for(Person, perm)
    person = get_object_or_404(
        Person.objects.select_related("address").annotate(**exists_columns(exists or {})),
        pk=pk,
        destroyed_at__isnull=True,
    )
    if not may_person(user, "view_person", person):
        raise Http404("No such person")
    require_person(user, codename, person)
    return person
