"""One access helper per record type: 404 to those who may not know it exists, 403 to those who may see but not act."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User

from .models import Contact, ContactPerson, Person


def can(user: User, perm: str, obj=None) -> bool:
    """Role-wide (model) permission, or a permission on this one object."""
    return user.has_perm(perm) or (obj is not None and user.has_perm(perm, obj))


def get_contact_for_user(user: User, pk: int, perm: str = "view_contact") -> Contact:
    contact = get_object_or_404(
        Contact.objects.select_related(
            "created_by", "assigned_team", "assigned_to", "screened_by", "household"
        ),
        pk=pk,
    )
    if not can(user, "referrals.view_contact", contact):
        raise Http404("No such contact")
    if perm != "view_contact" and not can(user, f"referrals.{perm}", contact):
        raise PermissionDenied
    return contact


def get_contact_person_for_user(user: User, contact: Contact, link_pk: int) -> ContactPerson:
    """A person's link to a contact the user may already change."""
    return get_object_or_404(
        ContactPerson.objects.select_related("person"), pk=link_pk, contact=contact
    )


def get_person_for_user(user: User, pk: int, perm: str = "view_person") -> Person:
    person = get_object_or_404(Person.objects.select_related("address"), pk=pk)
    if not can(user, "referrals.view_person", person):
        raise Http404("No such person")
    if perm != "view_person" and not can(user, f"referrals.{perm}", person):
        raise PermissionDenied
    return person
