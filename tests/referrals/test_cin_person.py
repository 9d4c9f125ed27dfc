"""A child's census items on the person record: UPN or why there is none, and disabilities."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from referrals import services
from tests.factories import PersonFactory, complete_contact

VALID_UPN = "R873200111456"  # check letter verified with the DfE validator (RETURNS.md)
OTHER_VALID_UPN = "G873200114123"


def _post(person, **changes):
    data = {
        "version": person.version,
        "first_name": person.first_name,
        "last_name": person.last_name,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        **changes,
    }
    return data


def test_a_screening_officer_records_a_upn_and_disabilities_with_history(screening_officer):
    person = PersonFactory()

    services.person_update(
        person=person,
        by=screening_officer,
        reason="Census items recorded",
        version=person.version,
        upn=" r8732 0011 1456 ",
        disabilities=["HEAR", "HAND"],
    )

    person.refresh_from_db()
    assert person.upn == VALID_UPN
    # Stored once each, in the code list's order.
    assert person.disabilities == ["HAND", "HEAR"]
    last = person.history.first()
    assert (last.history_user, last.history_change_reason) == (
        screening_officer,
        "Census items recorded",
    )


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"upn": "A12345678901"}, "upn"),
        ({"upn": "S873200111456"}, "upn"),
        ({"upn": "A873200111456"}, "upn"),  # wrong check letter
        ({"upn": VALID_UPN, "upn_unknown": "UN1"}, "upn_unknown"),
        ({"upn_unknown": "UN9"}, "upn_unknown"),
        ({"disabilities": ["NONE", "VIS"]}, "disabilities"),
        ({"disabilities": ["WINGS"]}, "disabilities"),
    ],
)
def test_census_items_that_break_the_dfe_rules_are_refused_naming_the_field(
    screening_officer, changes, field
):
    person = PersonFactory()

    with pytest.raises(ValidationError) as raised:
        services.person_update(
            person=person, by=screening_officer, reason="x", version=person.version, **changes
        )

    assert field in raised.value.message_dict
    person.refresh_from_db()
    assert (person.upn, person.upn_unknown, person.disabilities) == ("", "", [])


def test_two_people_cannot_share_a_upn(screening_officer):
    PersonFactory(upn=VALID_UPN)
    person = PersonFactory()

    with pytest.raises(ValidationError) as raised:
        services.person_update(person=person, by=screening_officer, reason="x", upn=VALID_UPN)

    assert "already has this UPN" in raised.value.message_dict["upn"][0]


def test_someone_without_change_person_cannot_record_census_items(mash_social_worker):
    person = PersonFactory()

    with pytest.raises(PermissionDenied):
        services.person_update(person=person, by=mash_social_worker, reason="x", upn_unknown="UN1")


def test_a_stale_version_is_refused(screening_officer):
    person = PersonFactory()
    version = person.version
    services.person_update(person=person, by=screening_officer, reason="x", upn_unknown="UN1")

    with pytest.raises(ValidationError) as raised:
        services.person_update(
            person=person, by=screening_officer, reason="y", version=version, upn_unknown="UN4"
        )

    assert raised.value.code == services.STALE


def test_the_edit_page_saves_census_items_and_the_person_page_shows_them(client, screening_officer):
    person = PersonFactory()
    client.force_login(screening_officer)
    url = reverse("referrals:person_edit", args=[person.pk])
    form = client.get(url).content.decode()
    assert 'data-behaviour="exclusive"' in form and "Reason there is no UPN" in form

    response = client.post(url, _post(person, upn_unknown="UN1", disabilities=["NONE"]))

    assert response.status_code == 302
    page = client.get(reverse("referrals:person_detail", args=[person.pk])).content.decode()
    assert "UN1: child not of school age" in page and "No disability" in page


def test_a_bad_upn_is_shown_next_to_the_field_and_what_was_typed_is_kept(client, screening_officer):
    person = PersonFactory()
    client.force_login(screening_officer)

    response = client.post(
        reverse("referrals:person_edit", args=[person.pk]),
        _post(person, upn="A873200111456", disabilities=["NONE", "AUT"], religion="Kept typing"),
    )

    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body and 'href="#id_upn"' in body
    assert "check letter does not match" in body
    assert 'value="A873200111456"' in body and "Kept typing" in body
    person.refresh_from_db()
    assert person.upn == ""


def test_no_disability_with_another_box_is_refused_next_to_the_checkboxes(
    client, screening_officer
):
    person = PersonFactory()
    client.force_login(screening_officer)

    response = client.post(
        reverse("referrals:person_edit", args=[person.pk]),
        _post(person, disabilities=["NONE", "AUT"]),
    )

    body = response.content.decode()
    # The summary links to the first box, which the GOV.UK template numbers 1.
    assert 'href="#id_disabilities_1"' in body and 'id="id_disabilities_1"' in body
    assert "not both" in body
    # Both boxes stay ticked so the worker can see what they chose.
    assert 'value="NONE" checked' in body and 'value="AUT" checked' in body


def test_a_new_child_added_to_a_contact_can_be_given_census_items(client, screening_officer):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    client.force_login(screening_officer)

    response = client.post(
        reverse("referrals:contact_new_person", args=[contact.pk]),
        {
            "first_name": "Ada",
            "last_name": "Census",
            "sex": "F",
            "ethnicity": "NOBT",
            "upn": OTHER_VALID_UPN,
            "disabilities": ["COMM"],
        },
    )

    assert response.status_code == 302, response.context["form"].errors
    child = contact.contact_people.get(person__last_name="Census").person
    assert (child.upn, child.disabilities) == (OTHER_VALID_UPN, ["COMM"])
