"""Two people editing one person or one draft contact: the later save is refused, not lost."""

import re
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client
from django.urls import reverse

from accounts.roles import Role
from referrals import services
from referrals.models import Contact, Person
from tests.factories import PersonFactory, UserFactory, complete_contact


def _version(response) -> str:
    return re.search(r'name="version" value="(\d+)"', response.text).group(1)


def _person_post(person: Person, version: str, **changes) -> dict:
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "date_of_birth_0": person.date_of_birth.day,
        "date_of_birth_1": person.date_of_birth.month,
        "date_of_birth_2": person.date_of_birth.year,
        "sex": person.sex,
        "ethnicity": person.ethnicity,
        "nhs_number": person.nhs_number or "",
        "interpreter_needed": "no",
        "version": version,
    }
    return {**data, **changes}


@pytest.mark.django_db
def test_person_update_refuses_a_save_over_a_newer_version(screening_officer):
    person = PersonFactory(first_name="Ava")
    services.person_update(person=person, by=screening_officer, reason="r", version=1, known_as="A")
    with pytest.raises(ValidationError) as raised:
        services.person_update(
            person=person, by=screening_officer, reason="r", version=1, first_name="Eve"
        )
    assert raised.value.code == services.STALE
    person.refresh_from_db()
    assert (person.first_name, person.known_as, person.version) == ("Ava", "A", 2)


@pytest.mark.django_db
def test_contact_update_section_refuses_a_save_over_a_newer_version(screening_officer):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    read = contact.version
    services.contact_update_section(
        contact=contact,
        by=screening_officer,
        section="concerns",
        data={"concerns": "First"},
        version=read,
    )
    with pytest.raises(ValidationError) as raised:
        services.contact_update_section(
            contact=contact,
            by=screening_officer,
            section="concerns",
            data={"concerns": "Second"},
            version=read,
        )
    assert raised.value.code == services.STALE
    assert Contact.objects.get(pk=contact.pk).concerns == "First"


def _officer(name: str):
    return UserFactory(roles=[Role.SCREENING_OFFICER], first_name=name, last_name="Officer")


@pytest.mark.django_db
def test_the_later_person_editor_is_told_who_changed_it_and_keeps_their_typing(screening_team):
    person = PersonFactory(first_name="Ava", last_name="Smith", known_as="")
    first, second = Client(), Client()
    first.force_login(_officer("Ann"))
    second.force_login(_officer("Bob"))
    url = reverse("referrals:person_edit", args=[person.pk])
    first_version, second_version = _version(first.get(url)), _version(second.get(url))

    saved = first.post(url, _person_post(person, first_version, first_name="Avery"))
    assert saved.status_code == 302
    lost = second.post(url, _person_post(person, second_version, known_as="Aves"))

    assert lost.status_code == 200
    assert "changed by someone else after you opened them" in lost.text
    assert "Ann Officer saved changes" in lost.text
    assert "Saved now: Avery" in lost.text  # the winner's value, shown
    assert 'value="Aves"' in lost.text  # the loser's typing, kept
    person.refresh_from_db()
    assert (person.first_name, person.known_as) == ("Avery", "")

    # Saving again on purpose, at the version the page now carries, goes through.
    again = second.post(url, _person_post(person, _version(lost), known_as="Aves"))
    assert again.status_code == 302
    person.refresh_from_db()
    assert person.known_as == "Aves"


@pytest.mark.django_db
def test_the_later_section_editor_is_told_and_keeps_their_typing(screening_officer):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    first, second = Client(), Client()
    first.force_login(screening_officer)
    second.force_login(_officer("Bob"))
    url = reverse("referrals:contact_section", args=[contact.pk, "concerns"])
    first_version, second_version = _version(first.get(url)), _version(second.get(url))

    assert first.post(url, {"concerns": "Bruising", "version": first_version}).status_code == 302
    lost = second.post(url, {"concerns": "Neglect", "version": second_version})

    assert lost.status_code == 200
    assert "This contact was changed by someone else" in lost.text
    assert "Saved now: Bruising" in lost.text
    assert "Neglect</textarea>" in lost.text
    assert Contact.objects.get(pk=contact.pk).concerns == "Bruising"


@pytest.mark.django_db
def test_a_garbled_version_is_answered_as_changed_not_as_an_error(client, screening_officer):
    person = PersonFactory()
    client.force_login(screening_officer)
    url = reverse("referrals:person_edit", args=[person.pk])
    for junk in ("abc", "-1", "99999999999999999999", "9" * 5000, ""):
        response = client.post(url, _person_post(person, junk, known_as="X"))
        assert response.status_code == 200
        assert "changed by someone else" in response.text


def _race(*calls) -> list:
    """Run each call on its own thread and database connection, released together."""
    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            outcomes[i] = call()
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test checks
            outcomes[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_one_person_at_once_one_wins_the_other_is_told(screening_officer):
    person = PersonFactory(first_name="Ava", known_as="")

    def save(**change):
        return lambda: services.person_update(
            person=Person.objects.get(pk=person.pk),
            by=screening_officer,
            reason="r",
            version=1,
            **change,
        )

    outcomes = _race(save(first_name="Avery"), save(known_as="Aves"))
    won = [o for o in outcomes if isinstance(o, Person)]
    lost = [o for o in outcomes if isinstance(o, ValidationError)]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert lost[0].code == services.STALE
    person.refresh_from_db()
    assert person.version == 2
    assert (person.first_name, person.known_as) in (("Avery", ""), ("Ava", "Aves"))


@pytest.mark.django_db(transaction=True)
def test_two_people_saving_one_draft_section_at_once_one_wins(screening_officer):
    contact = complete_contact(by=screening_officer, children=[PersonFactory()])
    read = Contact.objects.get(pk=contact.pk).version

    def save(text):
        return lambda: services.contact_update_section(
            contact=Contact.objects.get(pk=contact.pk),
            by=screening_officer,
            section="concerns",
            data={"concerns": text},
            version=read,
        )

    outcomes = _race(save("One"), save("Two"))
    assert sorted(type(o).__name__ for o in outcomes) == ["Contact", "ValidationError"], outcomes
    assert Contact.objects.get(pk=contact.pk).version == read + 1
