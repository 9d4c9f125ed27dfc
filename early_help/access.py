"""Access helpers for early help records: 404 to those who may not know a record exists, 403 to
those who may see it but not act.

The duty managers hold model-level permissions; a family worker sees and changes only the
cases allocated to them, through object permissions granted when the case opened.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import codename_for, holds
from referrals.access import get_contact_for_user, may_contact
from referrals.models import Contact

from .models import FamilyWorkCase, PanelCase, TafMember
from .selectors import is_early_help_staff


def require_perm(user: User, perm: str) -> None:
    """A role-wide permission with no record (the early help decision, a step-down)."""
    if not user.has_perm(perm):
        raise PermissionDenied(f"{user} may not {perm}")


def may_case(user: User, perm: str, case: FamilyWorkCase | None = None) -> bool:
    """Whether the user holds a family work case permission role-wide (the duty managers) or
    on this case (its family worker); an unknown permission name raises ValueError."""
    return holds(user, perm, case, FamilyWorkCase)


def require_case(user: User, perm: str, case: FamilyWorkCase | None = None) -> None:
    if not may_case(user, perm, case):
        raise PermissionDenied(f"{user} may not {perm}")


def get_contact_for_decision(user: User, pk: int) -> Contact:
    """A contact for the early help referral decision: 404 unless the user may see it."""
    contact = get_contact_for_user(user, pk)
    require_perm(user, "early_help.add_earlyhelpdecision")
    return contact


def may_record_consent(user: User, contact: Contact) -> bool:
    """Who holds the contact, or an early help duty manager who may see it (the one consent
    rule: the page and `consent_record` both ask it)."""
    return may_contact(user, "change_contact", contact) or (
        user.has_perm("early_help.record_consent") and may_contact(user, "view_contact", contact)
    )


def get_contact_for_consent(user: User, pk: int) -> Contact:
    contact = get_contact_for_user(user, pk)
    if not may_record_consent(user, contact):
        raise PermissionDenied
    return contact


def get_case_for_user(user: User, pk: int, perm: str = "view_familyworkcase") -> FamilyWorkCase:
    codename = codename_for(FamilyWorkCase, perm)
    case = get_object_or_404(
        FamilyWorkCase.objects.select_related(
            "contact", "family_worker", "team", "opened_by", "closed_by"
        ),
        pk=pk,
        contact__destroyed_at__isnull=True,
    )
    if not may_case(user, "view_familyworkcase", case):
        raise Http404("No such case")
    require_case(user, codename, case)
    return case


def get_taf_member_for_user(user: User, case_pk: int, pk: int) -> TafMember:
    """A team around the family member on a case the user may change."""
    case = get_case_for_user(user, case_pk, "change_familyworkcase")
    member = get_object_or_404(TafMember, pk=pk, case=case)
    member.case = case
    return member


def require_case_list(user: User) -> None:
    """The case list is for early help staff (who may hold cases); it shows only theirs."""
    if not (
        user.has_perm("early_help.view_familyworkcase")
        or user.has_perm("early_help.view_earlyhelppanel")
        or is_early_help_staff(user)
    ):
        raise PermissionDenied


def get_panel_case_for_chair(user: User, pk: int) -> PanelCase:
    require_perm(user, "early_help.chair_earlyhelppanel")
    return get_object_or_404(PanelCase.objects.select_related("contact", "panel"), pk=pk)
