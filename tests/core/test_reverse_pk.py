"""`core.urls.reverse_pk` gives the link `reverse` gives, however often it is asked."""

import pytest
from django.urls import NoReverseMatch, clear_script_prefix, reverse, set_script_prefix

from core.urls import reverse_pk


@pytest.mark.parametrize(
    "viewname", ["referrals:contact_detail", "referrals:person_detail", "early_help:case"]
)
def test_a_record_link_is_the_one_reverse_gives(viewname):
    for pk in (1, 42, 10**12):
        assert reverse_pk(viewname, pk) == reverse(viewname, args=[pk])


def test_a_record_link_keeps_the_script_prefix_of_the_request():
    set_script_prefix("/council/")
    try:
        assert reverse_pk("referrals:contact_detail", 7) == "/council/contacts/7/"
    finally:
        clear_script_prefix()
    assert reverse_pk("referrals:contact_detail", 7) == "/contacts/7/"


def test_a_route_that_takes_no_key_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        reverse_pk("work_tray", 1)
