"""A permission name a record does not define is an error, never a check that passes."""

import pytest
from django.utils import timezone

from early_help.access import may_case
from early_help.models import FamilyWorkCase
from mash.access import get_enquiry_for_user, may_enquiry, may_partner_request
from mash.models import PartnerRequest
from referrals.access import get_contact_for_user, may_contact, may_person
from referrals.services import contact_start


@pytest.mark.parametrize(
    "check",
    [
        lambda user: may_contact(user, "frobnicate_contact"),
        lambda user: may_contact(user, "mash.view_contact"),  # another app's label
        lambda user: may_person(user, "view_contact"),  # another record's permission
        lambda user: may_enquiry(user, "chnage_enquiry"),
        lambda user: may_partner_request(user, "answer_request", PartnerRequest()),
        lambda user: may_case(user, "change_case", FamilyWorkCase()),
    ],
)
def test_unknown_permission_names_raise(mash_manager, check):
    with pytest.raises(ValueError):
        check(mash_manager)


def test_get_enquiry_for_user_refuses_a_misspelt_permission_before_looking(mash_manager):
    # It used to let any name but change_enquiry/decide_enquiry through unchecked.
    with pytest.raises(ValueError):
        get_enquiry_for_user(mash_manager, 1, "decide_enqiury")


def test_get_contact_for_user_refuses_a_misspelt_permission(screening_officer):
    contact = contact_start(by=screening_officer, source="phone", received_at=timezone.now())

    with pytest.raises(ValueError):
        get_contact_for_user(screening_officer, contact.pk, "chnage_contact")


def test_known_names_answer_as_the_roles_say(mash_manager, mash_social_worker, outsider):
    assert may_enquiry(mash_manager, "decide_enquiry")
    assert may_enquiry(mash_manager, "mash.change_enquiry")
    assert not may_enquiry(mash_social_worker, "decide_enquiry")
    assert not may_enquiry(outsider, "view_enquiry")
    assert may_contact(mash_manager, "referrals.view_contact")
    assert not may_contact(outsider, "view_contact")
